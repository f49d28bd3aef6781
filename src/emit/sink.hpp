// Output sinks: each output format is one class behind this interface, and
// the CLI hands every record (or error) to the sink in input order.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// Where output bytes go. Write errors are remembered, not thrown: a closed
// pipe (EPIPE) makes `closed()` true so the caller can stop quietly.
class Output {
 public:
  explicit Output(std::FILE* f) : f_(f) {}
  void write(const std::string& s);
  void flush();
  bool failed() const { return err_ != 0; }
  bool closed() const;  // the reader went away (EPIPE)
  int error_code() const { return err_; }

 private:
  std::FILE* f_;
  int err_ = 0;
};

struct SinkOptions {
  bool explain = false;
  bool color = false;
  bool flush_each = false;  // streaming: flush after every record
  int width = 100;          // terminal width for the text view
  bool pretty = false;      // indent JSON Lines records (then one record spans lines)
};

// Formatting is separate from writing so that worker threads can format
// records in parallel while one thread writes them in input order.
class Sink {
 public:
  virtual ~Sink() = default;
  // Thread-safe: the bytes of one record, or of an error record.
  virtual std::string format_record(const Document& doc, const Record& rec) const = 0;
  virtual std::string format_error(const std::string& source, const std::optional<Json>& id,
                                   const std::string& message) const = 0;
  // Called from one thread, in input order.
  virtual void begin() {}
  virtual void write(const std::string& formatted) = 0;
  virtual void finish() {}
};

// format: "jsonl", "json", "text", "csv" or "tsv".
std::unique_ptr<Sink> make_sink(const std::string& format, Output& out, const RuleSet& rules,
                                const SinkOptions& opts);

}  // namespace extract
