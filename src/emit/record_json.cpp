#include "emit/record_json.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <cstring>

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
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
  }
  return i;
}

// `"s"` for a string of plain bytes (plain_prefix), in one append.
void append_plain(std::string& out, std::string_view s) {
  const std::size_t n = out.size();
  out.resize(n + s.size() + 2);
  char* p = out.data() + n;
  *p = '"';
  std::memcpy(p + 1, s.data(), s.size());
  p[s.size() + 1] = '"';
}

// Valid UTF-8 as dump_json writes it: `"` and `\` escaped, control
// characters as \b \f \n \r \t or \u00XX, everything else as it is.
void append_valid_string(std::string& out, std::string_view s) {
  const std::size_t plain = plain_prefix(s);
  if (plain == s.size()) return append_plain(out, s);
  out += '"';
  out.append(s.data(), plain);
  std::size_t run = plain;  // start of the bytes not yet copied
  for (std::size_t i = plain; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
  }
  out.append(s, run, std::string_view::npos);
  out += '"';
}

// Any string as dump_json writes it: invalid UTF-8 is left to dump_json,
// which replaces it.
void append_string(std::string& out, std::string_view s) {
  const std::size_t plain = plain_prefix(s);
  if (plain == s.size()) append_plain(out, s);
  else if (find_invalid_utf8(s.substr(plain))) out += dump_json(Json(std::string(s)));  // (from a character's start)
  else append_valid_string(out, s);
}

// `"key":` (keys are plain: plain_prefix).
void append_key(std::string& out, std::string_view key) {
  append_plain(out, key);
  out += ':';
}

// A span's offset, without a string of its own.
void append_offset(std::string& out, std::size_t n) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, static_cast<std::size_t>(end - digits));
}

// `"key":"value",`
void string_field(std::string& out, const char* key, std::string_view value) {
  append_key(out, key);
  append_string(out, value);
  out += ',';
}

// `"text":...,"start":N,"end":N` (or text last): the text is repaired
// as span_text repairs it, so it needs no second check.
void append_span(std::string& out, const Document& doc, const Span& s, bool text_first) {
  const auto text = [&] {
    append_key(out, "text");
    const std::string_view piece = std::string_view(doc.text).substr(s.start, s.size());
    if (find_invalid_utf8(piece)) append_valid_string(out, repair_utf8(piece));
    else append_valid_string(out, piece);  // (nearly always: no copy)
  };
  if (text_first) {
    text();
    out += ',';
  }
  append_key(out, "start");
  append_offset(out, s.start);
  out += ',';
  append_key(out, "end");
  append_offset(out, s.end);
  if (!text_first) {
    out += ',';
    text();
  }
}

// `"key":[...]`: each item written by `write`, commas between them.
template <typename Items, typename Write>
void append_array(std::string& out, const char* key, const Items& items, Write write) {
  append_key(out, key);
  out += '[';
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ',';
    first = false;
    write(item);
  }
  out += ']';
}

// An entity whose attributes are named as its own keys is written from its
// tree, where a later key overwrites an earlier one in place.
bool attributes_shadow_keys(const Entity& e) {
  for (const char* key : {"type", "name", "aliases", "mentions"})
    if (e.attributes.contains(key)) return true;
  return false;
}

}  // namespace

void append_json(std::string& out, const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        first = false;
        append_string(out, it.key());
        out += ':';
        append_json(out, it.value());
      }
      out += '}';
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& item : j) {
        if (!first) out += ',';
        first = false;
        append_json(out, item);
      }
      out += ']';
      return;
    }
    case Json::value_t::string:
      append_string(out, j.get_ref<const std::string&>());
      return;
    case Json::value_t::boolean:
      out += j.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::null:
      out += "null";
      return;
    case Json::value_t::number_integer:
      out += fmt::format_int(j.get<std::int64_t>()).c_str();
      return;
    case Json::value_t::number_unsigned:
      out += fmt::format_int(j.get<std::uint64_t>()).c_str();
      return;
    default:  // a fraction (its shortest form), or a value no record holds
      out += dump_json(j);
  }
}

std::string record_json_line(const Document& doc, const Record& rec, const RuleSet& rules, bool explain) {
  std::string out;
  out.reserve(256 + 160 * rec.facts.size() + 200 * rec.entities.size());
  out += '{';
  if (doc.id) {
    append_key(out, "id");
    append_json(out, *doc.id);
    out += ',';
  }
  string_field(out, "source", doc.source);
  string_field(out, "language", rec.language);
  append_key(out, "published");
  if (rec.published) append_string(out, format_iso(*rec.published));
  else out += "null";
  out += ',';
  if (rec.truncated) {
    append_key(out, "truncated");
    append_json(out, truncation_json(*rec.truncated));
    out += ',';
  }
  append_array(out, "facts", rec.facts, [&](const Fact& f) {
    out += '{';
    string_field(out, "type", f.type);
    append_span(out, doc, f.span, true);
    out += ',';
    string_field(out, "rule", f.rule);
    append_key(out, "value");
    append_json(out, f.value);
    if (explain) {
      out += ',';
      append_key(out, "explain");
      out += '{';
      append_array(out, "beat", f.beaten,
                   [&](const Candidate& c) { append_json(out, beaten_json(doc, rules, f, c)); });
      out += '}';
    }
    out += '}';
  });
  out += ',';
  append_array(out, "entities", rec.entities, [&](const Entity& e) {
    if (attributes_shadow_keys(e)) {
      append_json(out, entity_json(doc, e));
      return;
    }
    out += '{';
    string_field(out, "type", e.type);
    string_field(out, "name", e.name);
    append_array(out, "aliases", e.aliases, [&](const std::string& alias) { append_string(out, alias); });
    out += ',';
    for (auto it = e.attributes.begin(); it != e.attributes.end(); ++it) {
      append_string(out, it.key());
      out += ':';
      append_json(out, it.value());
      out += ',';
    }
    append_array(out, "mentions", e.mentions, [&](const Span& m) {
      out += '{';
      append_span(out, doc, m, false);
      out += '}';
    });
    out += '}';
  });
  out += ',';
  append_key(out, "deals");
  append_json(out, rec.deals);
  out += '}';
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
