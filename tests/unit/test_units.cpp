// Units (`units:` in rule files): a sub-pattern matched once per document,
// whose matches the rules that use it see as indivisible pieces of text.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/compiled_rules.hpp"
#include "rules/rule_tester.hpp"
#include "test_support.hpp"

using namespace extract;
using extract::testing::TempDir;
using extract::testing::load_from;

namespace {

// A name: capitalised words. `t.buy` reads "NAME bought NAME"; `t.plain` uses
// the same words through a sub-pattern, so it sees the words themselves.
const char* kRules = R"(
patterns:
  CAP: '[A-Z][a-z]+'
  PLAIN_NAME: '%{CAP}(?: %{CAP})*'
units:
  NAME: '%{CAP}(?: %{CAP})*'
rules:
  - id: t.buy
    type: acquisition
    pattern: '\b(?P<acquirer>%{NAME}) bought (?P<target>%{NAME})\b'
    fields: {acquirer: name, target: name}
  - id: t.after
    type: acquisition
    pattern: '(?P<target>%{NAME}) was sold'
    fields: {target: name}
    context: {not_before: 'never\s*$'}
  - id: t.plain
    type: organization
    pattern: '(?P<name>%{PLAIN_NAME}) Inc'
  - id: t.first_word
    type: organization
    pattern: '(?P<name>%{CAP}) Inc'
)";

std::string text_of(std::string_view text, const Span& s) { return std::string(text.substr(s.start, s.size())); }

std::string capture(std::string_view text, const Candidate& c, const std::string& field) {
  for (const auto& [name, span] : c.captures)
    if (name == field) return text_of(text, span);
  return "<none>";
}

std::vector<std::string> matches_of(const RuleSet& set, const Scanner& scanner, std::string_view text,
                                    const std::string& id) {
  std::vector<std::string> out;
  for (const auto& c : scanner.scan(text, "en"))
    if (set.rules[c.rule_index].id == id) out.push_back(text_of(text, c.span));
  return out;
}

// The rules of one file, which must load without errors.
RuleSet loaded(TempDir& dir, const std::string& yaml) {
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", yaml}}, diags, dir);
  for (const auto& d : diags.items()) UNSCOPED_INFO(d.format());
  REQUIRE_FALSE(diags.has_errors());
  return set;
}

// Every message of loading one rule file, one per line.
std::string errors_of(const std::string& yaml) {
  TempDir dir;
  Diagnostics diags;
  load_from({{"r.yaml", yaml}}, diags, dir);
  std::string all;
  for (const auto& d : diags.items()) all += d.format() + "\n";
  return all;
}

}  // namespace

TEST_CASE("a unit's matches are marked once and mapped back", "[units]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", kRules}}, diags, dir);
  for (const auto& d : diags.items()) UNSCOPED_INFO(d.format());
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(set.units.size() == 1);
  const Rule* buy = nullptr;
  for (const auto& r : set.rules)
    if (r.id == "t.buy") buy = &r;
  REQUIRE(buy);
  CHECK(buy->unit == 0);
  CHECK(buy->pattern.find(std::string(kUnitMarkPattern)) != std::string::npos);

  SECTION("marked text and offsets") {
    const std::string doc = "so Acme Corp bought Widget Works, said Bo.";
    const UnitText u = make_unit_text(set.units[0], doc);
    const std::string m(kUnitMark);
    CHECK(u.text == "so " + m + " bought " + m + ", said " + m + ".");
    REQUIRE(u.pieces.size() == 3);
    CHECK(text_of(doc, {u.pieces[0].start, u.pieces[0].end}) == "Acme Corp");
    CHECK(text_of(doc, {u.pieces[1].start, u.pieces[1].end}) == "Widget Works");
    // Before, at, inside and after a mark.
    CHECK(u.to_document(1, true) == 1);
    CHECK(u.to_document(u.pieces[0].at, true) == 3);
    CHECK(u.to_document(u.pieces[0].at + 2, true) == 3);
    CHECK(u.to_document(u.pieces[0].at + 2, false) == 12);
    CHECK(u.to_document(u.pieces[0].at + m.size(), false) == 12);
    CHECK(u.to_document(u.pieces[0].at + m.size() + 1, false) == 13);
    CHECK(u.to_document(u.text.size(), false) == doc.size());
  }

  SECTION("a rule with a unit matches whole units only, spans and groups in the document") {
    Scanner scanner(set);
    const std::string doc = "Yesterday Acme Corp bought Widget Works Ltd for cash.";
    const auto cs = scanner.scan(doc, "en");
    const Candidate* c = nullptr;
    for (const auto& x : cs)
      if (set.rules[x.rule_index].id == "t.buy") c = &x;
    REQUIRE(c);
    // The unit matched "Yesterday Acme Corp" as one piece: the rule cannot take part of it.
    CHECK(text_of(doc, c->span) == "Yesterday Acme Corp bought Widget Works Ltd");
    CHECK(capture(doc, *c, "acquirer") == "Yesterday Acme Corp");
    CHECK(capture(doc, *c, "target") == "Widget Works Ltd");
    // A sub-pattern with the same words is not a unit: its rule still takes part of a name.
    CHECK(matches_of(set, scanner, "Big Acme Inc", "t.plain") == std::vector<std::string>{"Big Acme Inc"});
    CHECK(matches_of(set, scanner, "Big Acme Inc", "t.first_word") == std::vector<std::string>{"Acme Inc"});
  }

  SECTION("\\b next to a mark behaves as next to a word") {
    Scanner scanner(set);
    CHECK(matches_of(set, scanner, "Acme bought Zeta", "t.buy") == std::vector<std::string>{"Acme bought Zeta"});
    // "xAcme": the unit matches "Acme" inside a word; \b before it fails as in the document.
    CHECK(matches_of(set, scanner, "xAcme bought Zeta", "t.buy").empty());
  }

  SECTION("context conditions read the document, not the marked text") {
    Scanner scanner(set);
    CHECK(matches_of(set, scanner, "we hear Acme Corp was sold", "t.after") ==
          std::vector<std::string>{"Acme Corp was sold"});
    CHECK(matches_of(set, scanner, "never Acme Corp was sold", "t.after").empty());
  }

  SECTION("a document that holds the mark itself") {
    Scanner scanner(set);
    const std::string doc = "___ bought Zeta and Acme bought Zeta";
    const UnitText u = make_unit_text(set.units[0], doc);
    CHECK(u.text.substr(0, 11) == "--- bought ");
    CHECK(matches_of(set, scanner, doc, "t.buy") == std::vector<std::string>{"Acme bought Zeta"});
  }

  SECTION("scan_rule (rules test) and the batch scan agree") {
    Scanner scanner(set);
    const std::string doc = "Acme Corp bought Widget Works. Then Zeta bought Omega Group. Big Acme Inc.";
    std::vector<Candidate> one;
    for (std::size_t i = 0; i < set.rules.size(); ++i) scanner.scan_rule(i, doc, one);
    const auto batch = scanner.scan_batch({doc, doc}, {"en", "en"});
    REQUIRE(batch[0].size() == one.size());
    REQUIRE(batch[1].size() == one.size());
    for (std::size_t i = 0; i < one.size(); ++i) {
      CHECK(batch[0][i].span.start == one[i].span.start);
      CHECK(batch[0][i].span.end == one[i].span.end);
      CHECK(batch[1][i].captures.size() == one[i].captures.size());
    }
    CHECK(one.size() == 4);  // two purchases, t.plain and t.first_word
  }
}

TEST_CASE("unit errors name the file and place", "[units]") {
  CHECK_THAT(errors_of("units:\n  A: '[A-Z]+'\n  B: '[0-9]+'\nrules:\n  - id: t.two\n    type: number\n"
                       "    pattern: '%{A} %{B}'\n"),
             Catch::Contains("r.yaml:7:") && Catch::Contains("rule 't.two' uses the units 'A' and 'B'; a rule can use one unit"));
  CHECK_THAT(errors_of("units:\n  A: '[A-Z]+'\n  B: 'x%{A}'\n"),
             Catch::Contains("r.yaml:3:") && Catch::Contains("unit 'B' uses unit 'A'; units cannot contain units"));
  CHECK_THAT(errors_of("units:\n  A: '[A-Z]*'\n"),
             Catch::Contains("r.yaml:2:") && Catch::Contains("unit 'A' can match the empty string"));
  CHECK_THAT(errors_of("units:\n  A: '[A-Z'\n"), Catch::Contains("r.yaml:2:") && Catch::Contains("unit 'A': invalid RE2 pattern"));
  CHECK_THAT(errors_of("patterns:\n  A: x\nunits:\n  A: y\n"), Catch::Contains("duplicate name 'A'"));
  // A unit in a context condition or a `regexes:` entry is its full pattern.
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", R"(
units:
  NAME: '[A-Z][a-z]+'
regexes:
  whole: '^%{NAME}$'
rules:
  - id: t.ctx
    type: number
    pattern: '\d+'
    context: {before: '%{NAME}\s$'}
)"}},
                          diags, dir);
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(set.regex("whole"));
  CHECK(RE2::FullMatch("Acme", *set.regex("whole")));
  Scanner scanner(set);
  CHECK(scanner.scan("Acme 42", "en").size() == 1);
  CHECK(scanner.scan("acme 42", "en").empty());
}

TEST_CASE("rules test runs a rule's examples through its unit", "[units]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", R"(
units:
  NAME: '[A-Z][a-z]+(?: [A-Z][a-z]+)*'
rules:
  - id: t.buy
    type: acquisition
    pattern: '(?P<acquirer>%{NAME}) bought (?P<target>%{NAME})'
    fields: {acquirer: name, target: name}
    examples:
      - text: "Acme Corp bought Widget Works"
        value: {acquirer: Acme Corp, target: Widget Works}
      - text: "Then Acme bought Zeta"
        value: {acquirer: Then Acme, target: Zeta}
)"}},
                          diags, dir);
  REQUIRE_FALSE(diags.has_errors());
  Scanner scanner(set);
  const TestReport report = test_rules(set, scanner);
  for (const auto& f : report.failures) UNSCOPED_INFO(f.message);
  CHECK(report.failures.empty());
  CHECK(report.passed == 2);
}

TEST_CASE("a unit's word lists: not_first, not_alone, breaks, last", "[units]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", R"(
units:
  NAME:
    pattern: '[A-Z][A-Za-z.]*(?: (?:of )?[A-Z][A-Za-z.]*)*'
    not_first: openers
    not_alone: articles
    breaks: verbs
    last: ends
lexicons:
  openers: {case: sensitive, entries: [It, On Monday]}
  articles: {case: sensitive, entries: [The]}
  verbs: {case: sensitive, entries: [TO, BUY]}
  ends: {case: sensitive, entries: [Division]}
rules:
  - id: t.any
    type: organization
    pattern: '(?P<name>%{NAME})'
)"}},
                          diags, dir);
  for (const auto& d : diags.items()) UNSCOPED_INFO(d.format());
  REQUIRE_FALSE(diags.has_errors());
  const Unit& unit = set.units.at(0);
  auto pieces = [&](const std::string& doc) {
    std::vector<std::string> out;
    for (const auto& p : make_unit_text(unit, doc).pieces) out.push_back(doc.substr(p.start, p.end - p.start));
    return out;
  };
  using V = std::vector<std::string>;
  // not_first: a leading form (the longest, whole words) stays text, the rest is looked for again.
  CHECK(pieces("It said so") == V{});
  CHECK(pieces("It Acme said") == V{"Acme"});
  CHECK(pieces("On Monday Acme Corp said") == V{"Acme Corp"});
  CHECK(pieces("On Acme") == V{"On Acme"});  // "On" alone is no form
  CHECK(pieces("Italy said") == V{"Italy"});  // whole words only
  // not_alone: no unit alone, nor at the end; at the start of a longer name it stays.
  CHECK(pieces("The company said") == V{});
  CHECK(pieces("bought The Arizona Bank") == V{"The Arizona Bank"});
  CHECK(pieces("Royal Gold Inc. The company") == V{"Royal Gold Inc."});
  // breaks: never part of a unit.
  CHECK(pieces("NATIONAL BEVERAGE TO BUY FAYGO") == V{"NATIONAL BEVERAGE", "FAYGO"});
  CHECK(pieces("TO BUY") == V{});
  // last: ends a unit when it is not its first word.
  CHECK(pieces("the Systems Division of Page Corp") == V{"Systems Division", "Page Corp"});
  CHECK(pieces("Division of Page Corp") == V{"Division of Page Corp"});
  // The marks stand where the pieces were.
  const UnitText u = make_unit_text(unit, "It Acme said");
  CHECK(u.text == "It ___ said");
}

TEST_CASE("a unit written as a mapping: errors", "[units]") {
  CHECK_THAT(errors_of("units:\n  A: {pattern: '[A-Z]+', first: x}\n"),
             Catch::Contains("r.yaml:2:") &&
                 Catch::Contains("unit 'A': unknown key 'first' (expected pattern, not_first, not_alone, breaks, last)"));
  CHECK_THAT(errors_of("units:\n  A: {not_first: x}\n"), Catch::Contains("unit 'A' needs 'pattern' (a string)"));
  CHECK_THAT(errors_of("units:\n  A: {pattern: '[A-Z]+', breaks: nowhere}\n"),
             Catch::Contains("r.yaml:2:") && Catch::Contains("unit 'A': unknown lexicon 'nowhere' for breaks"));
  CHECK_THAT(errors_of("units:\n  A: [x]\n"),
             Catch::Contains("unit 'A' must be a string or a mapping {pattern, not_first, not_alone, breaks, last}"));
}

TEST_CASE("the scanner's profile counts a unit's marking after the rules", "[units]") {
  TempDir dir;
  const RuleSet set = loaded(dir, kRules);
  Scanner scanner(set);
  scanner.enable_profile();
  scanner.scan_batch({"Acme Corp bought Widget Works.", "Zeta bought Omega and Beta."}, {"en", "en"});
  const auto rows = scanner.profile();
  REQUIRE(rows.size() == set.rules.size() + 1);
  const auto& unit = rows.back();
  CHECK(unit.id == "unit:NAME");
  CHECK(unit.runs == 2);
  CHECK(unit.applicable == 2);
  CHECK(unit.matches == 5);  // Acme Corp, Widget Works, Zeta, Omega, Beta
  CHECK(unit.ms >= 0);
}
