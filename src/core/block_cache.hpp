// A cache of small freed blocks per thread in front of malloc, as the
// program's global operator new and delete (src/core/block_cache.cpp;
// linked into the extract executable and the unit tests).
#pragma once

#include <cstddef>

namespace extract::block_cache {

// Whether this build has the cache (not under a sanitizer, and only with
// glibc).
bool enabled();
// The blocks the calling thread's cache holds now: all, or those that
// serve requests of `bytes`.
std::size_t cached_blocks();
std::size_t cached_blocks(std::size_t bytes);
// The most blocks of one size a thread keeps.
inline constexpr std::size_t kBlocksPerClass = 64;

}  // namespace extract::block_cache
