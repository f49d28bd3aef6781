#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <new>
#include <thread>
#include <vector>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "core/block_cache.hpp"

using namespace extract;

TEST_CASE("small freed blocks are kept per thread and handed out again, at most 64 of a size", "[block_cache]") {
  if (!block_cache::enabled()) {
    CHECK(block_cache::cached_blocks() == 0);
    WARN("this build has no block cache (a sanitizer, or not glibc)");
    return;
  }
  // Blocks of 40 bytes (the 48-byte size): as many as empty the thread's
  // cache of that size, freed, then asked for again.
  std::vector<void*> blocks;
  blocks.reserve(100);
  for (int i = 0; i < 100; ++i) {
    void* p = ::operator new(40);
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 16 == 0);
    std::memset(p, 0xab, 48);  // the whole size's bytes are the block's
    blocks.push_back(p);
  }
  REQUIRE(block_cache::cached_blocks(40) == 0);
  for (void* p : blocks) ::operator delete(p, 40);
  CHECK(block_cache::cached_blocks(40) == block_cache::kBlocksPerClass);  // the rest went back to malloc
  // The latest kept (the 64th freed: the cache was full after it) comes
  // back first, for any request of that size, and returns there when freed
  // without its size.
  for (std::size_t size : {33u, 48u, 41u}) {
    void* p = ::operator new(size);
    CHECK(p == blocks[block_cache::kBlocksPerClass - 1]);
    CHECK(block_cache::cached_blocks(40) == block_cache::kBlocksPerClass - 1);
    ::operator delete(p);
    CHECK(block_cache::cached_blocks(40) == block_cache::kBlocksPerClass);
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
    v.reserve(64);
    for (int i = 0; i < 64; ++i) v.push_back(new char[500]);
    for (char* p : v) delete[] p;
    cached = block_cache::cached_blocks(500);
  });
  t.join();
  CHECK(cached == block_cache::kBlocksPerClass);
  // 64 blocks of 512 bytes would be 32 KiB still in use.
  const std::size_t after = mallinfo2().uordblks;
  CHECK(after < before + 16 * 1024);
#endif
}
