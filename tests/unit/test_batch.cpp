#include <atomic>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "cli/batch.hpp"

using namespace extract;

namespace {

// Runs `n` tasks whose work takes longer for earlier tasks, so that with
// several threads they finish out of order; returns the written order.
std::string run(unsigned jobs, int n, int stop_after = -1) {
  int produced = 0;
  std::string written;
  auto next = [&]() -> std::optional<Task> {
    if (produced >= n) return std::nullopt;
    Task t;
    t.source = std::to_string(produced++);
    return t;
  };
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
