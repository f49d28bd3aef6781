// The global operator new and delete, with a cache of small freed blocks
// per thread in front of malloc (docs/performance.md, "Nineteenth session").
//
// A run allocates and frees small blocks in bursts: a document's JSON
// values, strings and lists are made, written and dropped together. glibc
// keeps 7 freed blocks of each size per thread; past that a free goes to
// its shared bins and the next allocation of that size comes back from
// them, which took about a tenth of a run. This cache keeps up to
// kBytesPerClass bytes of blocks of each of kClasses sizes (16, 32, ... 512
// bytes) per thread: at most 4 MiB a thread, given back to malloc when the
// thread ends.
//
// Each class's blocks come from malloc with the class's size, so a block
// holds at least its class's bytes; a freed block's class is read from the
// size the sized delete is given, else from malloc_usable_size. Where that
// is not known (not glibc), or a sanitizer keeps its own books on each
// block, the cache is left out and new and delete are the library's.
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define EXTRACT_NO_BLOCK_CACHE 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || !defined(__GLIBC__)
#define EXTRACT_NO_BLOCK_CACHE 1
#endif

#ifndef EXTRACT_NO_BLOCK_CACHE
#include <malloc.h>

#include "core/block_cache.hpp"

namespace extract::block_cache {
namespace {

constexpr std::size_t kGrain = 16;
constexpr std::size_t kClasses = 32;          // blocks of 16 to 512 bytes

struct FreeBlock {
  FreeBlock* next;
};

// The most blocks of class c kept (its blocks are (c + 1) * kGrain bytes).
constexpr std::size_t kept_of_class(std::size_t c) { return blocks_kept((c + 1) * kGrain); }

struct Cache {
  FreeBlock* head[kClasses];
  std::size_t count[kClasses];
  bool closed;  // the thread is ending: frees go straight to malloc
};
// Zero-initialized, trivially destructible: usable from the thread's first
// allocation to its last, whatever the order of other thread_locals.
thread_local Cache cache;

// Gives the thread's blocks back to malloc when it ends (and closes the
// cache to the frees that come after it).
struct Closer {
  ~Closer() {
    cache.closed = true;
    for (std::size_t c = 0; c < kClasses; ++c) {
      while (FreeBlock* b = cache.head[c]) {
        cache.head[c] = b->next;
        std::free(b);
      }
      cache.count[c] = 0;
    }
  }
};

// The class of a request of `n` bytes (n >= 1): the smallest whose blocks
// hold it; kClasses when none does.
std::size_t class_of_request(std::size_t n) { return (n + kGrain - 1) / kGrain - 1; }

// The class whose blocks a block of `usable` bytes can serve. malloc may
// hand out a few bytes more than asked (a remainder too small to split off
// stays with the block: up to 31 bytes on 64-bit glibc), so a block of the
// largest class freed without its size may read as larger: it is still
// one of that class, not malloc's alone.
constexpr std::size_t kSlack = 64;
std::size_t class_of_block(std::size_t usable) {
  const std::size_t c = usable / kGrain - 1;
  return c >= kClasses && usable < kClasses * kGrain + kSlack ? kClasses - 1 : c;
}

void* allocate(std::size_t n) {
  if (n == 0) n = 1;
  const std::size_t c = class_of_request(n);
  if (c < kClasses) {
    if (FreeBlock* b = cache.head[c]) {
      cache.head[c] = b->next;
      --cache.count[c];
      return b;
    }
    n = (c + 1) * kGrain;
  }
  for (;;) {
    if (void* p = std::malloc(n)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

void release(void* p, std::size_t c) {
  if (c < kClasses && !cache.closed && cache.count[c] < kept_of_class(c)) {
    thread_local Closer closer;  // (a thread that only frees gives its blocks back too)
    (void)closer;
    auto* b = static_cast<FreeBlock*>(p);
    b->next = cache.head[c];
    cache.head[c] = b;
    ++cache.count[c];
    return;
  }
  std::free(p);
}

void release_unsized(void* p) {
  if (p) release(p, class_of_block(malloc_usable_size(p)));
}

void release_sized(void* p, std::size_t n) {
  if (p) release(p, class_of_request(n == 0 ? 1 : n));
}

}  // namespace

bool enabled() { return true; }

std::size_t cached_blocks() {
  std::size_t n = 0;
  for (std::size_t c = 0; c < kClasses; ++c) n += cache.count[c];
  return n;
}

std::size_t cached_blocks(std::size_t bytes) {
  const std::size_t c = class_of_request(bytes == 0 ? 1 : bytes);
  return c < kClasses ? cache.count[c] : 0;
}

}  // namespace extract::block_cache

using extract::block_cache::allocate;
using extract::block_cache::release_sized;
using extract::block_cache::release_unsized;

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n);
  } catch (...) {
    return nullptr;
  }
}

void operator delete(void* p) noexcept { release_unsized(p); }
void operator delete[](void* p) noexcept { release_unsized(p); }
void operator delete(void* p, std::size_t n) noexcept { release_sized(p, n); }
void operator delete[](void* p, std::size_t n) noexcept { release_sized(p, n); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release_unsized(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release_unsized(p); }

#else

#include "core/block_cache.hpp"

namespace extract::block_cache {
bool enabled() { return false; }
std::size_t cached_blocks() { return 0; }
std::size_t cached_blocks(std::size_t) { return 0; }
}  // namespace extract::block_cache

#endif
