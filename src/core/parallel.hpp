// Work spread over a few threads: used to read and compile the rules.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace extract {

// Runs fn(0) .. fn(n - 1) on up to `threads` threads (the caller's one of
// them); each index once, taken in order as threads come free.
template <typename Fn>
void parallel_for(std::size_t threads, std::size_t n, const Fn& fn) {
  const std::size_t workers = std::min(threads, n);
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

// The threads `requested` means: itself when positive, else the machine's
// cores, at most 8.
inline std::size_t thread_count(int requested) {
  if (requested > 0) return static_cast<std::size_t>(requested);
  return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
}

}  // namespace extract
