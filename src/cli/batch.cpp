#include "cli/batch.hpp"

#include <algorithm>
#include <chrono>
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
  if (jobs > 1) {
    auto one_by_one = [&](std::vector<Task>& chunk) {
      std::vector<TaskResult> out;
      for (const Task& t : chunk) out.push_back(work(t));
      return out;
    };
    return run_ordered_chunks(jobs, 1, next, one_by_one, write, stop);
  }
  BatchStats stats;
  while (!(stop && stop->load())) {
    auto task = next();
    if (!task) break;
    TaskResult r = work(*task);
    count(stats, r);
    if (!write(r)) break;
  }
  return stats;
}

BatchStats run_ordered_chunks(unsigned jobs, std::size_t max_chunk, const std::function<std::optional<Task>()>& next,
                              const std::function<std::vector<TaskResult>(std::vector<Task>&)>& work,
                              const std::function<bool(const TaskResult&)>& write, const std::atomic<bool>* stop) {
  BatchStats stats;
  auto stopped = [&] { return stop && stop->load(); };
  jobs = std::max(1u, jobs);
  max_chunk = std::max<std::size_t>(1, max_chunk);

  // Reader (this thread's helper) -> queue -> workers -> results -> writer (this thread).
  // The reader stays at most `window` tasks ahead of the writer, and stops
  // while the queued records hold more than kQueuedBytes of text.
  const std::size_t window = jobs * std::max<std::size_t>(8, 2 * max_chunk);
  constexpr std::size_t kQueuedBytes = 64u << 20;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<std::size_t, Task>> queue;
  std::size_t queued_bytes = 0;
  std::map<std::size_t, TaskResult> done;
  std::size_t produced = 0, written = 0;
  bool input_done = false, abort = false;
  bool reading = false;  // the reader is inside next(), maybe blocked on a pipe

  std::thread reader([&] {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return abort || (produced - written < window && queued_bytes < kQueuedBytes); });
        if (abort || stopped()) break;
        reading = true;
      }
      auto task = next();
      std::lock_guard<std::mutex> lock(mu);
      reading = false;
      if (!task) break;
      queued_bytes += task->line.size();
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
        std::size_t first;
        std::vector<Task> chunk;
        {
          std::unique_lock<std::mutex> lock(mu);
          cv.wait(lock, [&] { return abort || !queue.empty() || input_done; });
          // Once stopped, no new chunk: the queue may hold many tasks.
          if (abort || queue.empty() || stopped()) return;
          // At most max_chunk, and with several workers a part of what is
          // queued small enough that the others get theirs: 1/(2 jobs), so
          // that chunks shrink as the input runs out and the workers finish
          // together (guided scheduling).
          const std::size_t share = jobs == 1 ? 1 : 2 * jobs;
          const std::size_t n = std::min(max_chunk, (queue.size() + share - 1) / share);
          first = queue.front().first;
          for (std::size_t k = 0; k < n; ++k) {
            queued_bytes -= queue.front().second.line.size();
            chunk.push_back(std::move(queue.front().second));
            queue.pop_front();
          }
          cv.notify_all();
        }
        std::vector<TaskResult> results = work(chunk);
        std::lock_guard<std::mutex> lock(mu);
        for (std::size_t k = 0; k < results.size(); ++k) done.emplace(first + k, std::move(results[k]));
        cv.notify_all();
      }
    });
  }

  // Stopping is polled: the signal handler that sets `stop` cannot notify.
  // Once stopped, what is done in order is written, and no more.
  bool interrupted = false;
  for (;;) {
    TaskResult r;
    {
      std::unique_lock<std::mutex> lock(mu);
      auto ready = [&] { return done.count(written) || (input_done && written == produced); };
      while (!ready() && !stopped()) cv.wait_for(lock, std::chrono::milliseconds(50));
      if (!done.count(written)) {
        interrupted = !(input_done && written == produced);
        break;
      }
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
  bool blocked;
  {
    std::lock_guard<std::mutex> lock(mu);
    blocked = reading && (abort || interrupted);
    abort = true;
    cv.notify_all();
  }
  // When the run ends early (a closed output, an interrupt) the reader may be
  // blocked reading an input that never ends (a pipe); the process is about
  // to exit, so do not wait for it. Otherwise it sees `abort` and ends.
  if (blocked) reader.detach();
  else reader.join();
  for (auto& w : workers) w.join();
  return stats;
}

}  // namespace extract
