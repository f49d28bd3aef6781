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
// The most bytes of blocks of one size a thread keeps: 8,192 blocks of 16
// bytes, 2,048 of 64, 256 of 512 (a document's small strings and nodes are
// freed together, thousands at a time: with 64 a size, most went back to
// malloc and came out of it again for the next document).
inline constexpr std::size_t kBytesPerClass = 128 * 1024;
// The size of the blocks that serve requests of `bytes` (1 to 512), and the
// most of them a thread keeps.
constexpr std::size_t block_size(std::size_t bytes) { return (bytes == 0 ? 16 : (bytes + 15) / 16 * 16); }
constexpr std::size_t blocks_kept(std::size_t bytes) { return kBytesPerClass / block_size(bytes); }

}  // namespace extract::block_cache
