// Regression tests for crashes found by fuzzing and the bad-input matrix
// (issue 7). One TEST_CASE per finding, named after what was found; each
// input is the smallest one that crashed before the fix.
#include <catch2/catch.hpp>

#include <string>

#include "core/utf8.hpp"
#include "emit/record_json.hpp"
#include "io/html.hpp"
#include "normalize/dates.hpp"
#include "pipeline.hpp"
#include "rules/rule_set.hpp"
#include "shipped.hpp"

using namespace extract;

namespace {

bool has_message(const Diagnostics& d, const std::string& part) {
  for (const auto& item : d.items())
    if (item.message.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("regression: a rule without 'type' threw YAML::InvalidNode out of the loader", "[regression][rules]") {
  // Found by tests/cli/test_bad_rules.sh: `rules check` aborted with
  // "terminate called after throwing an instance of 'YAML::InvalidNode'".
  Diagnostics d;
  RuleSet rules;
  REQUIRE_NOTHROW(rules = load_rules_from_string("r.yaml", "rules:\n  - id: t.no_type\n    pattern: x\n", d));
  CHECK(has_message(d, "rule 't.no_type': unknown type ''"));
  CHECK(rules.rules.empty());
}

TEST_CASE("regression: a rule without 'id' threw YAML::InvalidNode out of the loader", "[regression][rules]") {
  Diagnostics d;
  REQUIRE_NOTHROW(load_rules_from_string("r.yaml", "rules:\n  - type: number\n    pattern: x\n", d));
  CHECK(has_message(d, "rule without 'id'"));
}

TEST_CASE("regression: build_date cast a huge number field to long (undefined behaviour)", "[regression][dates]") {
  // Found by fuzz/run.sh normalize: a `year` of 1.2e293 (reachable from a
  // rule's constant `value: {year: 1e293}`) was cast to long. Such fields are
  // now rejected: no date, no UB.
  CHECK_FALSE(build_date(Json{{"year", 1.22245e+293}}, std::nullopt));
  CHECK_FALSE(build_date(Json{{"unit", "day"}, {"offset", -1e300}}, CivilDate{2025, 3, 18}));
  CHECK_FALSE(build_date(Json{{"unit", "week"}, {"count", "99999999999"}, {"sign", -1}}, CivilDate{2025, 3, 18}));
  // Ordinary fields still work.
  auto v = build_date(Json{{"unit", "day"}, {"count", 3}, {"sign", -1}}, CivilDate{2025, 3, 18});
  REQUIRE(v);
  CHECK((*v)["date"] == "2025-03-15");
}

TEST_CASE("regression: a truncated UTF-8 sequence inside a quote was replaced by the JSON writer, not as documented",
          "[regression][json]") {
  // Found by fuzz/run.sh extract: the bytes E2 82 before a space inside a
  // quote came out as one U+FFFD (the JSON library's policy) where the
  // documented rule is one U+FFFD per invalid byte, so the fact's text no
  // longer matched its input bytes. Fact texts are now repaired before dumping.
  const Extractor* ex = &testing::shipped();
  Document doc;
  doc.source = "t";
  doc.text = "Rp \"5 kata \xE2\x82 lagi \xC0\xAF miliar\" x";
  Record rec = ex->run(doc);
  Json back = Json::parse(dump_json(record_to_json(doc, rec, ex->rules(), false)));
  bool saw_quote = false;
  for (const auto& f : back["facts"]) {
    const auto start = f["start"].get<std::size_t>(), end = f["end"].get<std::size_t>();
    CHECK(f["text"].get<std::string>() == repair_utf8(std::string_view(doc.text).substr(start, end - start)));
    if (f["type"] == "quote") saw_quote = true;
  }
  CHECK(saw_quote);
}

TEST_CASE("regression: an out-of-range numeric reference in HTML gave text that was not UTF-8", "[regression][html]") {
  // Found by the html fuzz target in its first CI run: Gumbo wrote
  // `&#999999999999932;` as the lone byte 0xBC.
  const std::string text = html_to_text("<p>a &#999999999999932; b</p>");
  CHECK_FALSE(find_invalid_utf8(text).has_value());
  CHECK(text.rfind("a ", 0) == 0);
  CHECK(text.find(" b") != std::string::npos);
  // A reference in range is decoded as before.
  CHECK(html_to_text("<p>&#36;5 &amp; &#x20AC;</p>") == "$5 & \xE2\x82\xAC\n");
}

TEST_CASE("regression: a token pattern of thousands of nested groups overflowed the stack", "[regression][tokens]") {
  // Found by the `tokens` fuzz target in its first minute (a rule file can
  // hold such a pattern as well): the parser recursed once per group.
  const std::string yaml = "rules:\n  - id: t.deep\n    type: date\n    tokens: '" + std::string(20000, '(') + "a" +
                           std::string(20000, ')') + "'\n";
  Diagnostics diags;
  load_rules_from_string("deep.yaml", yaml, diags);
  CHECK(has_message(diags, "groups nested more than 100 deep"));
}
