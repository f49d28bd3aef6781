#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>
#include <vector>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "core/block_cache.hpp"

using namespace extract;

TEST_CASE("small freed blocks are kept per thread and handed out again, at most 128 KiB of a size", "[block_cache]") {
  if (!block_cache::enabled()) {
    CHECK(block_cache::cached_blocks() == 0);
    WARN("this build has no block cache (a sanitizer, or not glibc)");
    return;
  }
  // Blocks of 40 bytes (the 48-byte size): as many as empty the thread's
  // cache of that size and more than it keeps, freed, then asked for again.
  const std::size_t kept = block_cache::blocks_kept(40);
  CHECK(kept == 131072 / 48);
  CHECK(block_cache::blocks_kept(16) == 8192);
  CHECK(block_cache::blocks_kept(500) == 256);
  std::vector<void*> blocks;
  blocks.reserve(kept + 100);
  for (std::size_t i = 0; i < kept + 100; ++i) {
    void* p = ::operator new(40);
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 16 == 0);
    std::memset(p, 0xab, 48);  // the whole size's bytes are the block's
    blocks.push_back(p);
  }
  REQUIRE(block_cache::cached_blocks(40) == 0);
  for (void* p : blocks) ::operator delete(p, 40);
  CHECK(block_cache::cached_blocks(40) == kept);  // the rest went back to malloc
  // The latest kept (the last freed before the cache was full) comes back
  // first, for any request of that size, and returns there when freed
  // without its size.
  for (std::size_t size : {33u, 48u, 41u}) {
    void* p = ::operator new(size);
    CHECK(p == blocks[kept - 1]);
    CHECK(block_cache::cached_blocks(40) == kept - 1);
    ::operator delete(p);
    CHECK(block_cache::cached_blocks(40) == kept);
  }
  // Larger blocks are malloc's alone.
  void* big = ::operator new(600);
  CHECK(block_cache::cached_blocks(600) == 0);
  ::operator delete(big, 600);
  CHECK(block_cache::cached_blocks(600) == 0);
  // Zero bytes, arrays and nothrow: distinct blocks, freed as any other.
  void* a = ::operator new(0);
  void* b = ::operator new(0);
  CHECK(a != b);
  ::operator delete(a);
  ::operator delete(b, std::size_t{0});
  char* arr = new char[300];
  std::memset(arr, 1, 300);
  delete[] arr;
  int* n = new (std::nothrow) int(7);
  REQUIRE(n != nullptr);
  CHECK(*n == 7);
  delete n;
}

TEST_CASE("a thread's cached blocks go back to malloc when it ends", "[block_cache]") {
  if (!block_cache::enabled()) return;
#ifdef __GLIBC__
  const std::size_t before = mallinfo2().uordblks;
  std::size_t cached = 0;
  std::thread t([&] {
    std::vector<char*> v;
    v.reserve(block_cache::blocks_kept(500));
    for (std::size_t i = 0; i < block_cache::blocks_kept(500); ++i) v.push_back(new char[500]);
    for (char* p : v) delete[] p;
    cached = block_cache::cached_blocks(500);
  });
  t.join();
  CHECK(cached == block_cache::blocks_kept(500));
  // 256 blocks of 512 bytes would be 128 KiB still in use.
  const std::size_t after = mallinfo2().uordblks;
  CHECK(after < before + 16 * 1024);
#endif
}

TEST_CASE("a block of the largest size freed without its size is kept even a few bytes larger", "[block_cache]") {
  if (!block_cache::enabled()) return;
#ifdef __GLIBC__
  // Blocks as malloc hands them out when it leaves a remainder too small
  // to split with the block: a few bytes more than the 512 asked for. (The
  // cache's blocks come from malloc, so this one is freed as theirs are.)
  std::thread t([] {
    void* slack = std::malloc(530);
    REQUIRE(slack != nullptr);
    REQUIRE(malloc_usable_size(slack) >= 528);
    REQUIRE(malloc_usable_size(slack) < 512 + 64);
    const std::size_t before = block_cache::cached_blocks(500);
    ::operator delete(slack);
    CHECK(block_cache::cached_blocks(500) == before + 1);
    void* again = ::operator new(500);
    CHECK(again == slack);  // and handed out again
    ::operator delete(again, 500);
    // Far larger blocks are malloc's alone.
    void* large = std::malloc(1000);
    REQUIRE(large != nullptr);
    const std::size_t kept = block_cache::cached_blocks(500);
    ::operator delete(large);
    CHECK(block_cache::cached_blocks(500) == kept);
  });
  t.join();
#endif
}
