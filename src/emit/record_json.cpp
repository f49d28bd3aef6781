#include "emit/record_json.hpp"

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

}  // namespace

Json record_to_json(const Document& doc, const Record& rec, const RuleSet& rules, bool explain) {
  Json j = Json::object();
  if (doc.id) j["id"] = *doc.id;
  j["source"] = doc.source;
  j["language"] = rec.language;
  j["published"] = rec.published ? Json(format_iso(*rec.published)) : Json(nullptr);
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
      for (const auto& c : f.beaten) {
        Json b = Json::object();
        b["rule"] = rules.rules[c.rule_index].id;
        b["text"] = span_text(doc.text, c.span);
        b["start"] = c.span.start;
        b["end"] = c.span.end;
        b["lost_on"] = lost_on(rules, f, c);
        beat.push_back(std::move(b));
      }
      Json ex = Json::object();
      ex["beat"] = std::move(beat);
      o["explain"] = std::move(ex);
    }
    facts.push_back(std::move(o));
  }
  j["facts"] = std::move(facts);
  Json entities = Json::array();
  for (const auto& e : rec.entities) {
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
    entities.push_back(std::move(o));
  }
  j["entities"] = std::move(entities);
  j["deals"] = rec.deals;
  return j;
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
