#include "emit/record_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "core/ascii.hpp"
#include "core/utf8.hpp"

namespace extract {

namespace {

// The bytes of a span, each invalid UTF-8 byte shown as U+FFFD (docs/output.md):
// repaired here so that the JSON writer never has to substitute on its own.
Json span_text(std::string_view text, const Span& s) { return repair_utf8(text.substr(s.start, s.size())); }

// Which resolution criterion decided against a beaten candidate.
const char* lost_on(const RuleSet& rules, const Fact& winner, const Candidate& c) {
  const int pw = rules.rules[winner.rule_index].priority, pc = rules.rules[c.rule_index].priority;
  if (pw != pc) return "priority";
  if (winner.span.size() != c.span.size()) return "length";
  if (winner.span.start != c.span.start) return "position";
  return "rule order";
}

// The parts of a record as JSON trees, for record_to_json, and for
// record_json_line where its shortcut does not hold.
Json beaten_json(const Document& doc, const RuleSet& rules, const Fact& f, const Candidate& c) {
  Json b = Json::object();
  b["rule"] = rules.rules[c.rule_index].id;
  b["text"] = span_text(doc.text, c.span);
  b["start"] = c.span.start;
  b["end"] = c.span.end;
  b["lost_on"] = lost_on(rules, f, c);
  return b;
}

Json entity_json(const Document& doc, const Entity& e) {
  Json o = Json::object();
  o["type"] = e.type;
  o["name"] = e.name;
  o["aliases"] = e.aliases;
  for (auto it = e.attributes.begin(); it != e.attributes.end(); ++it) o[it.key()] = it.value();
  Json mentions = Json::array();
  for (const auto& m : e.mentions) {
    Json mo = Json::object();
    mo["start"] = m.start;
    mo["end"] = m.end;
    mo["text"] = span_text(doc.text, m);
    mentions.push_back(std::move(mo));
  }
  o["mentions"] = std::move(mentions);
  return o;
}

Json truncation_json(const Record::Truncation& t) {
  Json o = Json::object();
  o["at"] = t.at;
  o["size"] = t.size;
  o["max_matches"] = t.max_matches;
  return o;
}

}  // namespace

Json record_to_json(const Document& doc, const Record& rec, const RuleSet& rules, bool explain) {
  Json j = Json::object();
  if (doc.id) j["id"] = *doc.id;
  j["source"] = doc.source;
  j["language"] = rec.language;
  j["published"] = rec.published ? Json(format_iso(*rec.published)) : Json(nullptr);
  if (rec.truncated) j["truncated"] = truncation_json(*rec.truncated);
  Json facts = Json::array();
  for (const auto& f : rec.facts) {
    Json o = Json::object();
    o["type"] = f.type;
    o["text"] = span_text(doc.text, f.span);
    o["start"] = f.span.start;
    o["end"] = f.span.end;
    o["rule"] = f.rule;
    o["value"] = f.value;
    if (explain) {
      Json beat = Json::array();
      for (const auto& c : f.beaten) beat.push_back(beaten_json(doc, rules, f, c));
      Json ex = Json::object();
      ex["beat"] = std::move(beat);
      o["explain"] = std::move(ex);
    }
    facts.push_back(std::move(o));
  }
  j["facts"] = std::move(facts);
  Json entities = Json::array();
  for (const auto& e : rec.entities) entities.push_back(entity_json(doc, e));
  j["entities"] = std::move(entities);
  j["deals"] = rec.deals;
  return j;
}

namespace {

// The record's bytes as they are written: a std::string whose size runs
// ahead of what is written (grown by doubling), so that each piece is a
// copy through a pointer rather than a call into std::string that checks
// its capacity and, for resize, fills with zeros first. done() gives the
// string its written size.
class Out {
 public:
  explicit Out(std::string& s) : s_(s), n_(s.size()) { s_.resize(s_.capacity()); }
  Out(const Out&) = delete;
  Out& operator=(const Out&) = delete;
  void done() { s_.resize(n_); }
  // Room for k more bytes; advance(k) keeps those written.
  char* room(std::size_t k) {
    if (s_.size() - n_ < k) s_.resize(std::max(2 * s_.size(), n_ + k + 256));
    return s_.data() + n_;
  }
  void advance(std::size_t k) { n_ += k; }
  void put(char c) {
    *room(1) = c;
    ++n_;
  }
  void put(std::string_view v) {
    std::memcpy(room(v.size()), v.data(), v.size());
    n_ += v.size();
  }
  template <std::size_t N>
  void lit(const char (&v)[N]) {  // a literal, without its terminating zero
    put(std::string_view(v, N - 1));
  }

 private:
  std::string& s_;
  std::size_t n_;
};

// The bytes plain_prefix takes one by one: ASCII from U+0020 but `"` and `\`.
constexpr ByteSet kPlainBytes = ByteSet::range(0x20, 0x7f, "\"\\");

// How many bytes `s` starts with that a JSON string holds as they are and
// that are valid UTF-8 alone: ASCII from U+0020 but `"` and `\`. Eight
// at a time (a byte from 0x80, below 0x20, `"` or `\` among them: one by
// one from there).
std::size_t plain_prefix(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if ((x & kHigh) | ((x - 0x20 * kOnes) & ~x & kHigh) | has_zero(x ^ ('"' * kOnes)) | has_zero(x ^ ('\\' * kOnes)))
      break;
  }
  while (i < s.size() && kPlainBytes.has(s[i])) ++i;
  return i;
}

// `"s"` for a string of plain bytes (plain_prefix), in one copy.
void append_plain(Out& out, std::string_view s) {
  char* p = out.room(s.size() + 2);
  *p = '"';
  std::memcpy(p + 1, s.data(), s.size());
  p[s.size() + 1] = '"';
  out.advance(s.size() + 2);
}

// Valid UTF-8 as dump_json writes it, its first `plain` bytes plain
// (plain_prefix): `"` and `\` escaped, control characters as \b \f \n \r
// \t or \u00XX, everything else as it is.
void append_valid_string(Out& out, std::string_view s, std::size_t plain) {
  if (plain == s.size()) return append_plain(out, s);
  out.put('"');
  out.put(s.substr(0, plain));
  std::size_t run = plain;  // start of the bytes not yet copied
  for (std::size_t i = plain; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.put(s.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"': out.lit("\\\""); break;
      case '\\': out.lit("\\\\"); break;
      case '\b': out.lit("\\b"); break;
      case '\f': out.lit("\\f"); break;
      case '\n': out.lit("\\n"); break;
      case '\r': out.lit("\\r"); break;
      case '\t': out.lit("\\t"); break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        char* p = out.room(6);
        std::memcpy(p, "\\u00", 4);
        p[4] = kHex[c >> 4];
        p[5] = kHex[c & 15];
        out.advance(6);
      }
    }
  }
  out.put(s.substr(run));
  out.put('"');
}

// Any string as dump_json writes it: invalid UTF-8 is left to dump_json,
// which replaces it.
void append_string(Out& out, std::string_view s) {
  const std::size_t plain = plain_prefix(s);
  if (plain == s.size()) append_plain(out, s);
  else if (find_invalid_utf8(s.substr(plain))) out.put(dump_json(Json(std::string(s))));  // (from a character's start)
  else append_valid_string(out, s, plain);
}

// `"key":` for a key of plain bytes, written as a literal.
template <std::size_t N>
void append_key(Out& out, const char (&key)[N]) {
  append_plain(out, std::string_view(key, N - 1));
  out.put(':');
}

// A span's offset, without a string of its own.
void append_offset(Out& out, std::size_t n) {
  char* p = out.room(24);
  const auto [end, ec] = std::to_chars(p, p + 24, n);
  out.advance(static_cast<std::size_t>(end - p));
}

// `"key":"value",`
template <std::size_t N>
void string_field(Out& out, const char (&key)[N], std::string_view value) {
  append_key(out, key);
  append_string(out, value);
  out.put(',');
}

// `"text":...,"start":N,"end":N` (or text last): the text is repaired
// as span_text repairs it, so it needs no second check.
void append_span(Out& out, const Document& doc, const Span& s, bool text_first) {
  const auto text = [&] {
    append_key(out, "text");
    const std::string_view piece = std::string_view(doc.text).substr(s.start, s.size());
    const std::size_t plain = plain_prefix(piece);  // (nearly always all of it: no check, no copy)
    if (plain < piece.size() && find_invalid_utf8(piece.substr(plain))) {
      const std::string repaired = repair_utf8(piece);
      append_valid_string(out, repaired, plain_prefix(repaired));
    } else {
      append_valid_string(out, piece, plain);
    }
  };
  if (text_first) {
    text();
    out.put(',');
  }
  append_key(out, "start");
  append_offset(out, s.start);
  out.put(',');
  append_key(out, "end");
  append_offset(out, s.end);
  if (!text_first) {
    out.put(',');
    text();
  }
}

// `"key":[...]`: each item written by `write`, commas between them.
template <std::size_t N, typename Items, typename Write>
void append_array(Out& out, const char (&key)[N], const Items& items, Write write) {
  append_key(out, key);
  out.put('[');
  bool first = true;
  for (const auto& item : items) {
    if (!first) out.put(',');
    first = false;
    write(item);
  }
  out.put(']');
}

// An entity whose attributes are named as its own keys is written from its
// tree, where a later key overwrites an earlier one in place.
bool attributes_shadow_keys(const Entity& e) {
  for (const std::string_view key : {"type", "name", "aliases", "mentions"})
    if (e.attributes.contains(key)) return true;
  return false;
}

void append_json(Out& out, const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: {
      out.put('{');
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out.put(',');
        first = false;
        append_string(out, it.key());
        out.put(':');
        append_json(out, it.value());
      }
      out.put('}');
      return;
    }
    case Json::value_t::array: {
      out.put('[');
      bool first = true;
      for (const Json& item : j) {
        if (!first) out.put(',');
        first = false;
        append_json(out, item);
      }
      out.put(']');
      return;
    }
    case Json::value_t::string:
      append_string(out, j.get_ref<const std::string&>());
      return;
    case Json::value_t::boolean:
      if (j.get<bool>()) out.lit("true");
      else out.lit("false");
      return;
    case Json::value_t::null:
      out.lit("null");
      return;
    case Json::value_t::number_integer: {
      const fmt::format_int n(j.get<std::int64_t>());
      out.put(std::string_view(n.data(), n.size()));
      return;
    }
    case Json::value_t::number_unsigned: {
      const fmt::format_int n(j.get<std::uint64_t>());
      out.put(std::string_view(n.data(), n.size()));
      return;
    }
    default:  // a fraction (its shortest form), or a value no record holds
      out.put(dump_json(j));
  }
}

}  // namespace

void append_json(std::string& out, const Json& j) {
  Out o(out);
  append_json(o, j);
  o.done();
}

void append_record_json_line(std::string& s, const Document& doc, const Record& rec, const RuleSet& rules,
                             bool explain) {
  s.reserve(s.size() + 256 + 160 * rec.facts.size() + 200 * rec.entities.size());
  Out out(s);
  out.put('{');
  if (doc.id) {
    append_key(out, "id");
    append_json(out, *doc.id);
    out.put(',');
  }
  string_field(out, "source", doc.source);
  string_field(out, "language", rec.language);
  append_key(out, "published");
  if (rec.published) append_string(out, format_iso(*rec.published));
  else out.lit("null");
  out.put(',');
  if (rec.truncated) {
    append_key(out, "truncated");
    append_json(out, truncation_json(*rec.truncated));
    out.put(',');
  }
  append_array(out, "facts", rec.facts, [&](const Fact& f) {
    out.put('{');
    string_field(out, "type", f.type);
    append_span(out, doc, f.span, true);
    out.put(',');
    string_field(out, "rule", f.rule);
    append_key(out, "value");
    append_json(out, f.value);
    if (explain) {
      out.put(',');
      append_key(out, "explain");
      out.put('{');
      append_array(out, "beat", f.beaten,
                   [&](const Candidate& c) { append_json(out, beaten_json(doc, rules, f, c)); });
      out.put('}');
    }
    out.put('}');
  });
  out.put(',');
  append_array(out, "entities", rec.entities, [&](const Entity& e) {
    if (attributes_shadow_keys(e)) {
      append_json(out, entity_json(doc, e));
      return;
    }
    out.put('{');
    string_field(out, "type", e.type);
    string_field(out, "name", e.name);
    append_array(out, "aliases", e.aliases, [&](const std::string& alias) { append_string(out, alias); });
    out.put(',');
    for (auto it = e.attributes.begin(); it != e.attributes.end(); ++it) {
      append_string(out, it.key());
      out.put(':');
      append_json(out, it.value());
      out.put(',');
    }
    append_array(out, "mentions", e.mentions, [&](const Span& m) {
      out.put('{');
      append_span(out, doc, m, false);
      out.put('}');
    });
    out.put('}');
  });
  out.put(',');
  append_key(out, "deals");
  append_json(out, rec.deals);
  out.put('}');
  out.done();
}

std::string record_json_line(const Document& doc, const Record& rec, const RuleSet& rules, bool explain) {
  std::string out;
  append_record_json_line(out, doc, rec, rules, explain);
  return out;
}

Json error_record(const std::string& source, const std::optional<Json>& id, const std::string& message) {
  Json j = Json::object();
  if (id) j["id"] = *id;
  j["source"] = source;
  j["error"] = message;
  return j;
}

std::string dump_json(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace extract
