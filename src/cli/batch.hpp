// Runs documents through the extractor on N threads and writes the results
// in input order, so that output bytes do not depend on the thread count.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>

namespace extract {

struct Task {
  std::string source;   // file path, or "<input>:<line>" for JSON Lines records
  std::string line;     // the record's text in JSON Lines mode
  bool is_record = false;
  bool from_walk = false;  // found in a folder rather than named
  std::optional<std::string> error;  // known before processing (e.g. a walk error)
};

struct TaskResult {
  std::string output;   // formatted bytes
  bool failed = false;
  bool skipped = false;  // not a document (e.g. a binary file in a folder)
  std::size_t facts = 0, deals = 0, bytes = 0;
};

struct BatchStats {
  std::size_t documents = 0, facts = 0, deals = 0, errors = 0, bytes = 0, skipped = 0;
};

// `next` yields tasks until it returns nullopt (called from one thread);
// `work` is called concurrently; `write` receives results in task order and
// returns false to stop early (closed output). jobs <= 1 runs everything inline.
// `stop` is polled; when set, no new task is started.
BatchStats run_ordered(unsigned jobs, const std::function<std::optional<Task>()>& next,
                       const std::function<TaskResult(const Task&)>& work,
                       const std::function<bool(const TaskResult&)>& write,
                       const std::atomic<bool>* stop = nullptr);

// The same with work on chunks of consecutive tasks: `work` returns one result
// per task of the chunk, in order. A free worker takes what is queued, never
// waiting for more: a slow trickle of input (a pipe) is processed one task at
// a time, as soon as it arrives, while a folder or a file is processed in
// chunks of up to `max_chunk` tasks. With several workers a chunk is at most
// 1/(2 jobs) of the queue, so that chunks shrink as the input runs out and the
// workers finish together. A reader thread and `jobs` workers run even for
// jobs == 1.
BatchStats run_ordered_chunks(unsigned jobs, std::size_t max_chunk, const std::function<std::optional<Task>()>& next,
                              const std::function<std::vector<TaskResult>(std::vector<Task>&)>& work,
                              const std::function<bool(const TaskResult&)>& write,
                              const std::atomic<bool>* stop = nullptr);

}  // namespace extract
