#include "emit/sink.hpp"

#include <cerrno>

#include "emit/record_json.hpp"
#include "emit/text_view.hpp"

namespace extract {

void Output::write(const std::string& s) {
  if (err_) return;
  if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) err_ = errno ? errno : EIO;
}

void Output::flush() {
  if (err_) return;
  if (std::fflush(f_) != 0) err_ = errno ? errno : EIO;
}

bool Output::closed() const { return err_ == EPIPE; }

namespace {

class JsonLinesSink : public Sink {
 public:
  JsonLinesSink(Output& out, const RuleSet& rules, const SinkOptions& o) : out_(out), rules_(rules), opts_(o) {}
  std::string format_record(const Document& doc, const Record& rec) const override {
    return dump_json(record_to_json(doc, rec, rules_, opts_.explain)) + "\n";
  }
  std::string format_error(const std::string& source, const std::optional<Json>& id,
                           const std::string& message) const override {
    return dump_json(error_record(source, id, message)) + "\n";
  }
  void write(const std::string& s) override {
    out_.write(s);
    if (opts_.flush_each) out_.flush();
  }

 private:
  Output& out_;
  const RuleSet& rules_;
  SinkOptions opts_;
};

// One JSON array of records, indented.
class JsonArraySink : public Sink {
 public:
  JsonArraySink(Output& out, const RuleSet& rules, const SinkOptions& o) : out_(out), rules_(rules), opts_(o) {}
  std::string format_record(const Document& doc, const Record& rec) const override {
    return indent(dump_json(record_to_json(doc, rec, rules_, opts_.explain), 2));
  }
  std::string format_error(const std::string& source, const std::optional<Json>& id,
                           const std::string& message) const override {
    return indent(dump_json(error_record(source, id, message), 2));
  }
  void begin() override { out_.write("["); }
  void write(const std::string& s) override {
    out_.write((first_ ? "\n" : ",\n") + s);
    first_ = false;
  }
  void finish() override { out_.write(first_ ? "]\n" : "\n]\n"); }

 private:
  static std::string indent(const std::string& s) {
    std::string out = "  ";
    for (char c : s) {
      out += c;
      if (c == '\n') out += "  ";
    }
    return out;
  }
  Output& out_;
  const RuleSet& rules_;
  SinkOptions opts_;
  bool first_ = true;
};

class TextSink : public Sink {
 public:
  TextSink(Output& out, const RuleSet& rules, const SinkOptions& o) : out_(out), rules_(rules), opts_(o) {}
  std::string format_record(const Document& doc, const Record& rec) const override {
    return render_text(doc, rec, rules_, opts_);
  }
  std::string format_error(const std::string& source, const std::optional<Json>&,
                           const std::string& message) const override {
    return render_text_error(source, message, opts_);
  }
  void write(const std::string& s) override { out_.write(s); }

 private:
  Output& out_;
  const RuleSet& rules_;
  SinkOptions opts_;
};

}  // namespace

std::unique_ptr<Sink> make_sink(const std::string& format, Output& out, const RuleSet& rules,
                                const SinkOptions& opts) {
  if (format == "json") return std::make_unique<JsonArraySink>(out, rules, opts);
  if (format == "text") return std::make_unique<TextSink>(out, rules, opts);
  return std::make_unique<JsonLinesSink>(out, rules, opts);
}

}  // namespace extract
