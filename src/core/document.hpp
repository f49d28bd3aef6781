// Core data of one document's run through the pipeline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace extract {

using Json = nlohmann::ordered_json;

// A half-open byte range [start, end) into Document::text.
struct Span {
  std::size_t start = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - start; }
  bool overlaps(const Span& o) const { return start < o.end && o.start < end; }
  bool operator==(const Span& o) const { return start == o.start && end == o.end; }
};

// A calendar date at day precision; used as the reference for relative dates.
struct CivilDate {
  int year = 0, month = 0, day = 0;
  bool operator==(const CivilDate& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
};

// One input document. `text` is the bytes as read (valid UTF-8 is not guaranteed;
// see io/input.hpp); every offset in the output indexes these bytes.
struct Document {
  std::string source;               // file path, "-" for stdin, or "" for records
  std::optional<Json> id;           // the record id in JSON Lines input mode
  std::string text;
  std::string language_hint;        // "en", "id" or "" (detect)
  std::optional<CivilDate> published_hint;  // from --date or the input record
  std::vector<std::string> read_warnings;   // from reading it (an HTML page's charset), shown on stderr
};

// A raw match of one rule before overlap resolution.
struct Candidate {
  std::size_t rule_index = 0;
  Span span;
  // Named captures: field name -> span in the text (unset fields are absent).
  // The names are views of the rule's own (Rule::group_fields), which live as
  // long as the loaded rule set: a candidate or fact must not outlive it.
  std::vector<std::pair<std::string_view, Span>> captures;
  std::size_t tag = 0;  // free for the pipeline (index of the candidate's value)
};

// One extracted fact: a typed span with its normalized value.
struct Fact {
  std::string type;
  Span span;
  std::string rule;
  std::size_t rule_index = 0;
  Json value = Json::object();
  // Named captures of the winning match (field -> span), for assembly steps
  // that need where a field sits (entity mentions inside a role or cue match).
  // Names as in Candidate::captures.
  std::vector<std::pair<std::string_view, Span>> captures;
  // Candidates this fact won against during overlap resolution (for --explain).
  std::vector<Candidate> beaten;
};


// The string at `key` of a JSON object (a fact's value, its fields), or ""
// when it is absent or not a string.
inline std::string string_at(const Json& v, std::string_view key) {
  auto it = v.find(key);
  return it != v.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A fact's capture of that name, or null.
inline const Span* capture_of(const Fact& f, std::string_view name) {
  for (const auto& [k, s] : f.captures)
    if (k == name) return &s;
  return nullptr;
}

// The order of a record's facts: by start, then end, type and rule.
inline bool fact_before(const Fact& a, const Fact& b) {
  if (a.span.start != b.span.start) return a.span.start < b.span.start;
  if (a.span.end != b.span.end) return a.span.end < b.span.end;
  if (a.type != b.type) return a.type < b.type;
  return a.rule < b.rule;
}

// A merged entity: one per document, with every mention.
struct Entity {
  std::string type;       // organization, person, product, place
  std::string name;       // canonical name
  std::vector<std::string> aliases;
  std::vector<Span> mentions;
  Json attributes = Json::object();
};

// The order of a record's entities: by first mention (none last), then
// canonical name.
inline bool entity_before(const Entity& a, const Entity& b) {
  const std::size_t fa = a.mentions.empty() ? SIZE_MAX : a.mentions.front().start;
  const std::size_t fb = b.mentions.empty() ? SIZE_MAX : b.mentions.front().start;
  if (fa != fb) return fa < fb;
  return a.name < b.name;
}

// What one document produced.
struct Record {
  std::string language;                 // "en", "id" or "unknown"
  std::optional<CivilDate> published;
  std::vector<Fact> facts;              // sorted by (start, end, type, rule)
  std::vector<Fact> hidden;             // facts of non-emitted types (cues), for assembly
  std::vector<Entity> entities;
  Json deals = Json::array();
  std::vector<std::string> warnings;    // e.g. invalid UTF-8, shown on stderr
  // Set when the document had more matches than its limit (RunOptions::
  // max_matches, Scanner::match_limit): its facts come from text[0, at)
  // only (`truncated` in the output).
  struct Truncation {
    std::size_t at = 0, size = 0, max_matches = 0;
  };
  std::optional<Truncation> truncated;
};

std::string format_iso(const CivilDate& d);
std::optional<CivilDate> parse_iso_date(const std::string& s);

}  // namespace extract
