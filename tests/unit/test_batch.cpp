#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "cli/batch.hpp"

using namespace extract;

namespace {

// A task source for run_ordered: tasks named 0, 1, ..., n - 1; `produced`
// counts those handed out (an int, or an atomic read by other threads).
template <class Counter>
std::function<std::optional<Task>()> numbered_tasks(int n, Counter& produced) {
  return [n, &produced]() -> std::optional<Task> {
    if (produced >= n) return std::nullopt;
    Task t;
    t.source = std::to_string(produced++);
    return t;
  };
}

// Runs `n` tasks whose work takes longer for earlier tasks, so that with
// several threads they finish out of order; returns the written order.
std::string run(unsigned jobs, int n, int stop_after = -1) {
  int produced = 0;
  std::string written;
  auto next = numbered_tasks(n, produced);
  auto work = [&](const Task& t) {
    const int i = std::stoi(t.source);
    std::this_thread::sleep_for(std::chrono::microseconds((n - i) * 200));
    TaskResult r;
    r.output = t.source + ",";
    r.facts = 1;
    r.failed = i % 5 == 0;
    return r;
  };
  int writes = 0;
  auto write = [&](const TaskResult& r) {
    written += r.output;
    return ++writes != stop_after;
  };
  BatchStats s = run_ordered(jobs, next, work, write);
  if (stop_after < 0) {
    CHECK(s.documents == static_cast<std::size_t>(n));
    CHECK(s.facts == static_cast<std::size_t>(n));
    CHECK(s.errors == static_cast<std::size_t>((n + 4) / 5));
  }
  return written;
}

}  // namespace

TEST_CASE("results are written in input order whatever the number of threads", "[batch]") {
  const std::string expected = run(1, 40);
  CHECK(expected.rfind("0,1,2,3,", 0) == 0);
  for (unsigned jobs : {2u, 3u, 8u}) {
    INFO("jobs " << jobs);
    CHECK(run(jobs, 40) == expected);
  }
}

TEST_CASE("writing can stop early without losing order or hanging", "[batch]") {
  CHECK(run(4, 100, 3) == "0,1,2,");
  CHECK(run(1, 100, 3) == "0,1,2,");
}

TEST_CASE("no tasks, no output", "[batch]") {
  CHECK(run(1, 0).empty());
  CHECK(run(4, 0).empty());
}

namespace {

// Runs `n` tasks through run_ordered_chunks; returns the written order and
// records the size of every chunk a worker took.
std::string run_chunks(unsigned jobs, std::size_t max_chunk, int n, std::vector<std::size_t>& sizes) {
  int produced = 0;
  std::string written;
  std::mutex mu;
  auto next = numbered_tasks(n, produced);
  auto work = [&](std::vector<Task>& chunk) {
    {
      std::lock_guard<std::mutex> lock(mu);
      sizes.push_back(chunk.size());
    }
    std::vector<TaskResult> out;
    for (const Task& t : chunk) {
      std::this_thread::sleep_for(std::chrono::microseconds(50 * (std::stoi(t.source) % 7)));
      TaskResult r;
      r.output = t.source + ",";
      r.facts = 2;
      out.push_back(r);
    }
    return out;
  };
  auto write = [&](const TaskResult& r) {
    written += r.output;
    return true;
  };
  BatchStats s = run_ordered_chunks(jobs, max_chunk, next, work, write);
  CHECK(s.documents == static_cast<std::size_t>(n));
  CHECK(s.facts == static_cast<std::size_t>(2 * n));
  return written;
}

}  // namespace

TEST_CASE("chunks keep the input order and never exceed their size", "[batch]") {
  std::vector<std::size_t> sizes;
  std::string expected;
  for (int i = 0; i < 300; ++i) expected += std::to_string(i) + ",";
  for (unsigned jobs : {1u, 2u, 3u}) {
    for (std::size_t max_chunk : {1u, 7u, 64u}) {
      INFO("jobs " << jobs << ", chunks of " << max_chunk);
      sizes.clear();
      CHECK(run_chunks(jobs, max_chunk, 300, sizes) == expected);
      CHECK(*std::max_element(sizes.begin(), sizes.end()) <= max_chunk);
      if (max_chunk > 1) CHECK(*std::max_element(sizes.begin(), sizes.end()) > 1);  // chunks were used
    }
  }
  sizes.clear();
  CHECK(run_chunks(2, 16, 0, sizes).empty());
  CHECK(sizes.empty());
}

TEST_CASE("a caller that waits for each answer gets it before sending the next task", "[batch]") {
  // Like a coprocess on a pipe: the next task exists only once the previous
  // result has been written. Chunks must not wait to fill up.
  for (unsigned jobs : {1u, 2u}) {
    std::mutex mu;
    std::condition_variable cv;
    int produced = 0, written = 0;
    bool starved = false;
    auto next = [&]() -> std::optional<Task> {
      std::unique_lock<std::mutex> lock(mu);
      if (produced == 5) return std::nullopt;
      if (!cv.wait_for(lock, std::chrono::seconds(20), [&] { return written == produced; })) {
        starved = true;
        return std::nullopt;
      }
      Task t;
      t.source = std::to_string(produced++);
      return t;
    };
    auto work = [&](std::vector<Task>& chunk) {
      std::vector<TaskResult> out(chunk.size());
      for (std::size_t k = 0; k < chunk.size(); ++k) out[k].output = chunk[k].source;
      return out;
    };
    std::string order;
    auto write = [&](const TaskResult& r) {
      order += r.output;
      std::lock_guard<std::mutex> lock(mu);
      ++written;
      cv.notify_all();
      return true;
    };
    run_ordered_chunks(jobs, 256, next, work, write);
    INFO("jobs " << jobs);
    CHECK_FALSE(starved);
    CHECK(order == "01234");
  }
}

TEST_CASE("a stop leaves the queued tasks alone and returns", "[batch]") {
  // Chunks of 2, so the reader's window is 4 chunks per worker. The first
  // chunk holds on until the window is full; the stop flag is set while its
  // first result is written. A worker may take one more chunk before the
  // writer sees that result, then finishes it and takes no other, where
  // draining the queue would work through the whole window.
  for (unsigned jobs : {1u, 2u}) {
    const int window = static_cast<int>(jobs) * 8;
    std::atomic<bool> stop{false};
    std::atomic<int> worked{0}, produced{0};
    auto next = numbered_tasks(5000, produced);
    auto work = [&](std::vector<Task>& chunk) {
      worked += static_cast<int>(chunk.size());
      if (chunk.front().source == "0")
        for (int i = 0; i < 5000 && produced < window; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      else  // long enough for the writer to see the first result
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      return std::vector<TaskResult>(chunk.size());
    };
    int writes = 0;
    auto write = [&](const TaskResult&) {
      ++writes;
      stop = true;
      return true;
    };
    run_ordered_chunks(jobs, 2, next, work, write, &stop);
    INFO("jobs " << jobs);
    CHECK(produced >= window);  // the queue was full when the stop came
    CHECK(writes >= 1);
    CHECK(worked <= window / 2);
  }
}
