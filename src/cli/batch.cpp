#include "cli/batch.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace extract {

namespace {

void count(BatchStats& s, const TaskResult& r) {
  ++s.documents;
  s.facts += r.facts;
  s.deals += r.deals;
  s.bytes += r.bytes;
  s.errors += r.failed;
  s.skipped += r.skipped;
}

}  // namespace

BatchStats run_ordered(unsigned jobs, const std::function<std::optional<Task>()>& next,
                       const std::function<TaskResult(const Task&)>& work,
                       const std::function<bool(const TaskResult&)>& write, const std::atomic<bool>* stop) {
  BatchStats stats;
  auto stopped = [&] { return stop && stop->load(); };
  if (jobs <= 1) {
    while (!stopped()) {
      auto task = next();
      if (!task) break;
      TaskResult r = work(*task);
      count(stats, r);
      if (!write(r)) break;
    }
    return stats;
  }

  // Reader (this thread's helper) -> queue -> workers -> results -> writer (this thread).
  const std::size_t window = jobs * 8;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<std::size_t, Task>> queue;
  std::map<std::size_t, TaskResult> done;
  std::size_t produced = 0, written = 0;
  bool input_done = false, abort = false;

  std::thread reader([&] {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return abort || produced - written < window; });
        if (abort) break;
      }
      if (stopped()) break;
      auto task = next();
      std::lock_guard<std::mutex> lock(mu);
      if (!task) break;
      queue.emplace_back(produced++, std::move(*task));
      cv.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu);
    input_done = true;
    cv.notify_all();
  });

  std::vector<std::thread> workers;
  for (unsigned i = 0; i < jobs; ++i) {
    workers.emplace_back([&] {
      for (;;) {
        std::pair<std::size_t, Task> item;
        {
          std::unique_lock<std::mutex> lock(mu);
          cv.wait(lock, [&] { return abort || !queue.empty() || input_done; });
          if (abort || queue.empty()) return;
          item = std::move(queue.front());
          queue.pop_front();
        }
        TaskResult r = work(item.second);
        std::lock_guard<std::mutex> lock(mu);
        done.emplace(item.first, std::move(r));
        cv.notify_all();
      }
    });
  }

  for (;;) {
    TaskResult r;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return done.count(written) || (input_done && written == produced); });
      if (!done.count(written)) break;
      r = std::move(done[written]);
      done.erase(written);
    }
    count(stats, r);
    bool ok = write(r);
    std::lock_guard<std::mutex> lock(mu);
    ++written;
    if (!ok) abort = true;
    cv.notify_all();
    if (!ok) break;
  }
  bool aborted;
  {
    std::lock_guard<std::mutex> lock(mu);
    aborted = abort;
    abort = true;
    cv.notify_all();
  }
  // The reader may be blocked reading an input that never ends (a pipe whose
  // reader left); the process is about to exit, so do not wait for it.
  if (aborted) reader.detach();
  else reader.join();
  for (auto& w : workers) w.join();
  return stats;
}

}  // namespace extract
