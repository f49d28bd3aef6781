#include "emit/sink.hpp"

#include <cerrno>

#include "emit/csv.hpp"
#include "emit/record_json.hpp"
#include "emit/text_view.hpp"

namespace extract {

using namespace std::string_view_literals;

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
    if (opts_.pretty) return dump_json(record_to_json(doc, rec, rules_, opts_.explain), 2) + "\n";
    std::string line;
    append_record_json_line(line, doc, rec, rules_, opts_.explain);
    line += '\n';
    return line;
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

// One row per fact: source, id, type, text, start, end, rule, normalized,
// unit, value (the whole value as JSON). Error records are rows of type "error".
class DelimitedSink : public Sink {
 public:
  DelimitedSink(Output& out, Delimited kind) : out_(out), kind_(kind) {}
  std::string format_record(const Document& doc, const Record& rec) const override {
    std::string rows;
    const std::string id = doc.id ? (doc.id->is_string() ? doc.id->get<std::string>() : dump_json(*doc.id)) : "";
    for (const auto& f : rec.facts) {
      const auto [normalized, unit] = main_value(f.type, f.value);
      rows += delimited_row({doc.source, id, f.type, doc.text.substr(f.span.start, f.span.size()),
                             std::to_string(f.span.start), std::to_string(f.span.end), f.rule, normalized, unit,
                             dump_json(f.value)},
                            kind_);
    }
    for (const auto& d : rec.deals)
      rows += delimited_row({doc.source, id, "deal", "", "", "", "", str(d, "target"), str(d, "acquirer"), dump_json(d)},
                            kind_);
    return rows;
  }
  std::string format_error(const std::string& source, const std::optional<Json>& id,
                           const std::string& message) const override {
    const std::string ids = id ? (id->is_string() ? id->get<std::string>() : dump_json(*id)) : "";
    return delimited_row({source, ids, "error", message, "", "", "", "", "", ""}, kind_);
  }
  void begin() override {
    out_.write(delimited_row({"source", "id", "type", "text", "start", "end", "rule", "normalized", "unit", "value"}, kind_));
  }
  void write(const std::string& s) override { out_.write(s); }

 private:
  static std::string str(const Json& v, const char* key) {
    auto it = v.find(key);
    if (it == v.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>() : dump_json(*it);
  }
  // The value's main scalar and its unit, for spreadsheet users.
  static std::pair<std::string, std::string> main_value(const std::string& type, const Json& v) {
    if (type == "money"sv) return {str(v, "amount"), str(v, "currency")};
    if (type == "date"sv) return {str(v, "date"), ""};
    if (type == "percent"sv) return {str(v, "percent"), "%"};
    if (type == "duration"sv) return {str(v, "duration"), ""};
    if (type == "quantity"sv || type == "number"sv) return {str(v, "amount"), str(v, "unit")};
    if (type == "quote"sv) return {str(v, "quote"), str(v, "speaker")};
    if (type == "acquisition"sv || type == "purchase"sv) return {str(v, "target"), str(v, "acquirer")};
    return {str(v, "name"), ""};
  }
  Output& out_;
  Delimited kind_;
};

}  // namespace

std::unique_ptr<Sink> make_sink(const std::string& format, Output& out, const RuleSet& rules,
                                const SinkOptions& opts) {
  if (format == "json"sv) return std::make_unique<JsonArraySink>(out, rules, opts);
  if (format == "text"sv) return std::make_unique<TextSink>(out, rules, opts);
  if (format == "csv"sv) return std::make_unique<DelimitedSink>(out, Delimited::csv);
  if (format == "tsv"sv) return std::make_unique<DelimitedSink>(out, Delimited::tsv);
  return std::make_unique<JsonLinesSink>(out, rules, opts);
}

}  // namespace extract
