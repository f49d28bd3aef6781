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

  SECTION("max_pieces stops a copy, and the scan cuts a document dense with the unit") {
    std::string doc;
    for (int i = 0; i < 200; ++i) doc += i % 10 == 9 ? "Acme Corp bought Zeta Ltd.\n" : "Acme Corp met Zeta Ltd.\n";
    const UnitText whole = make_unit_text(set.units[0], UnitRegexes::of(set.units[0]), doc, 1000);
    CHECK_FALSE(whole.cut);
    CHECK(whole.pieces.size() == 400);
    const UnitText stopped = make_unit_text(set.units[0], UnitRegexes::of(set.units[0]), doc, 100);
    CHECK(stopped.cut);
    CHECK(stopped.pieces.size() == 101);
    CHECK(stopped.text.empty());
    // The unit alone is over its limit (400 names, against 384 for 24
    // matches; the rules find 20): cut, and the matches are those of the
    // prefix alone.
    REQUIRE(Scanner::piece_limit(24, doc.size()) == 384);
    REQUIRE(Scanner::match_limit(24, doc.size()) > 20);
    Scanner scanner(set);
    std::vector<std::size_t> scanned;
    const auto batch = scanner.scan_batch({doc}, {"en"}, 24, &scanned);
    REQUIRE(scanned[0] < doc.size());
    CHECK(doc[scanned[0] - 1] == '\n');
    const auto prefix = scanner.scan(std::string_view(doc).substr(0, scanned[0]), "en");
    REQUIRE(batch[0].size() == prefix.size());
    CHECK(!prefix.empty());
    for (std::size_t i = 0; i < prefix.size(); ++i) CHECK(batch[0][i].span == prefix[i].span);
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
                 Catch::Contains("unit 'A': unknown key 'first' (expected pattern, not_first, not_alone, breaks, last, phrases)"));
  CHECK_THAT(errors_of("units:\n  A: {not_first: x}\n"), Catch::Contains("unit 'A' needs 'pattern' (a string)"));
  CHECK_THAT(errors_of("units:\n  A: {pattern: '[A-Z]+', breaks: nowhere}\n"),
             Catch::Contains("r.yaml:2:") && Catch::Contains("unit 'A': unknown lexicon 'nowhere' for breaks"));
  CHECK_THAT(errors_of("units:\n  A: [x]\n"),
             Catch::Contains("unit 'A' must be a string or a mapping {pattern, not_first, not_alone, breaks, last, phrases}"));
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

namespace {

// A unit with two phrases: `t.buy` names BUY, `t.sell` names SELL, `t.names`
// none (it reads the verbs as words), `t.both` both.
const char* kPhraseRules = R"(
patterns:
  CAP: '[A-Z][a-z]+'
lexicons:
  buy_verbs: {entries: [bought, has bought, agreed to buy, agreed to buy out]}
  sell_verbs: {entries: [sold, has sold, agreed to sell]}
units:
  NAME:
    pattern: '%{CAP}(?: %{CAP})*'
    phrases: {BUY: buy_verbs, SELL: sell_verbs}
rules:
  - id: t.buy
    type: acquisition
    pattern: '(?P<acquirer>%{NAME})\s+(?:has\s+)?(?P<trigger>%{BUY})\s+(?P<target>%{NAME})'
    fields: {acquirer: name, target: name, trigger: lexicon:buy_verbs}
  - id: t.sell
    type: acquisition
    pattern: '(?P<seller>%{NAME})\s+(?P<trigger>%{SELL})\s+(?P<target>%{NAME})'
    fields: {seller: name, target: name, trigger: lexicon:sell_verbs}
  - id: t.names
    type: acquisition
    pattern: '(?P<acquirer>%{NAME})\s+(?P<verb>[a-z]+(?:\s+[a-z]+)*)\s+(?P<target>%{NAME})'
    fields: {acquirer: name, target: name, verb: text}
  - id: t.both
    type: acquisition
    pattern: '(?P<acquirer>%{NAME})\s+%{BUY}\s+(?P<target>%{NAME}),\s+and\s+(?P<other>%{NAME})\s+%{SELL}'
    fields: {acquirer: name, target: name, other: name}
)";

const Rule& rule_named(const RuleSet& set, const std::string& id) {
  for (const Rule& r : set.rules)
    if (r.id == id) return r;
  FAIL("no rule " << id);
  return set.rules.front();
}

}  // namespace

TEST_CASE("a unit's phrases: marks of their own, in the copies of the rules that name them", "[units][phrases]") {
  TempDir dir;
  const RuleSet set = loaded(dir, kPhraseRules);
  const Rule& buy = rule_named(set, "t.buy");
  const Rule& sell = rule_named(set, "t.sell");
  const Rule& names = rule_named(set, "t.names");
  const Rule& both = rule_named(set, "t.both");
  // A variant per set of phrases a rule uses, sharing the base's automaton.
  REQUIRE(names.unit >= 0);
  const Unit& base = set.units[static_cast<std::size_t>(names.unit)];
  CHECK(base.name == "NAME");
  CHECK(base.phrases.empty());
  CHECK(set.units.size() == 4);  // NAME, NAME+BUY, NAME+SELL, NAME+BUY+SELL
  for (const Rule* r : {&buy, &sell, &both}) {
    REQUIRE(r->unit >= 0);
    const Unit& u = set.units[static_cast<std::size_t>(r->unit)];
    CHECK(u.base == names.unit);
    CHECK(u.regex == base.regex);
  }
  CHECK(set.units[static_cast<std::size_t>(buy.unit)].name == "NAME+BUY");
  CHECK(set.units[static_cast<std::size_t>(sell.unit)].name == "NAME+SELL");
  CHECK(set.units[static_cast<std::size_t>(both.unit)].name == "NAME+BUY+SELL");
  // The mark is the phrase's place in the declaration, whatever the variant.
  CHECK(sell.pattern.find(phrase_mark_pattern(1)) != std::string::npos);
  CHECK(sell.pattern.find("sold") == std::string::npos);
  CHECK(set.units[static_cast<std::size_t>(sell.unit)].phrases.at(0).mark == 1);
  for (std::size_t k = 0; k < 5; ++k) CHECK(phrase_mark_size(k) == phrase_mark(k).size());

  const std::string doc = "Acme has bought Zeta, and Omega sold Beta.";
  SECTION("the copy: names, then the phrases between them, the longest form at the leftmost place") {
    const Unit& both_unit = set.units[static_cast<std::size_t>(both.unit)];
    const UnitText plain = make_unit_text(base, doc);
    CHECK(plain.text == "___ has bought ___, and ___ sold ___.");
    const auto marked = make_unit_text(both_unit, doc, plain);
    REQUIRE(marked);
    CHECK(marked->text == "___ _-_ ___, and ___ _--_ ___.");
    CHECK(marked->text == make_unit_text(both_unit, doc).text);
    REQUIRE(marked->pieces.size() == 6);
    CHECK(text_of(doc, {marked->pieces[1].start, marked->pieces[1].end}) == "has bought");
    CHECK(text_of(doc, {marked->pieces[4].start, marked->pieces[4].end}) == "sold");
    // Offsets after a longer or shorter mark map back.
    CHECK(marked->to_document(marked->pieces[1].at, true) == 5);
    CHECK(marked->to_document(marked->pieces[1].at + 3, false) == 15);
    CHECK(marked->to_document(marked->pieces[4].at + 4, false) == doc.find(" Beta"));
    CHECK(marked->to_document(marked->text.size(), false) == doc.size());
    // Without a form of its phrases, a variant has no copy of its own.
    CHECK_FALSE(make_unit_text(set.units[static_cast<std::size_t>(buy.unit)], "Acme met Zeta.",
                               make_unit_text(base, "Acme met Zeta.")));
  }

  SECTION("rules: a phrase is one piece, read back as its words") {
    Scanner scanner(set);
    const auto cs = scanner.scan(doc, "en");
    auto one = [&](const std::string& id) -> const Candidate& {
      const Candidate* c = nullptr;
      for (const auto& x : cs)
        if (set.rules[x.rule_index].id == id) c = &x;
      REQUIRE(c);
      return *c;
    };
    // `(?:has\s+)?` cannot take "has": the phrase has it.
    CHECK(capture(doc, one("t.buy"), "trigger") == "has bought");
    CHECK(capture(doc, one("t.buy"), "target") == "Zeta");
    CHECK(capture(doc, one("t.sell"), "trigger") == "sold");
    CHECK(capture(doc, one("t.sell"), "seller") == "Omega");
    CHECK(text_of(doc, one("t.both").span) == "Acme has bought Zeta, and Omega sold");
    // A rule naming no phrase reads the verbs as words.
    CHECK(matches_of(set, scanner, doc, "t.names") == std::vector<std::string>{"Acme has bought Zeta", "Omega sold Beta"});
    // The same, one document in a batch, and one rule alone.
    const auto batch = scanner.scan_batch({"Zeta sold Acme.", doc}, {"en", "en"});
    CHECK(batch[1].size() == cs.size());
    std::vector<Candidate> alone;
    scanner.scan_rule(static_cast<std::size_t>(&sell - set.rules.data()), doc, alone);
    REQUIRE(alone.size() == 1);
    CHECK(capture(doc, alone[0], "trigger") == "sold");
  }
}

TEST_CASE("phrase errors name the file and place", "[units][phrases]") {
  CHECK_THAT(errors_of("units:\n  A: {pattern: '[A-Z]+', phrases: [x]}\n"),
             Catch::Contains("r.yaml:2:") && Catch::Contains("unit 'A': 'phrases' must be a mapping of NAME: lexicon"));
  CHECK_THAT(errors_of("units:\n  A: {pattern: '[A-Z]+', phrases: {P: [x]}}\n"),
             Catch::Contains("phrase 'P' must name a lexicon"));
  CHECK_THAT(errors_of("units:\n  A: {pattern: '[A-Z]+', phrases: {P-Q: x}}\n"),
             Catch::Contains("invalid phrase name 'P-Q'"));
  CHECK_THAT(errors_of("patterns:\n  P: 'x'\nunits:\n  A: {pattern: '[A-Z]+', phrases: {P: x}}\n"),
             Catch::Contains("duplicate name 'P'"));
  // An unknown lexicon is reported where the phrase names it, once, and its rules are left out.
  const std::string unknown = errors_of(
      "units:\n  A: {pattern: '[A-Z]+', phrases: {P: nolex}}\nrules:\n"
      "  - {id: t.a, type: x, pattern: '%{A} %{P}'}\n  - {id: t.b, type: x, pattern: '%{P} %{A}'}\n");
  CHECK_THAT(unknown, Catch::Contains("r.yaml:2:") && Catch::Contains("phrase 'P': unknown lexicon 'nolex'"));
  CHECK(unknown.find("unknown lexicon") == unknown.rfind("unknown lexicon"));
  // A rule's phrases belong to its one unit.
  CHECK_THAT(errors_of("lexicons:\n  v: {entries: [went]}\nunits:\n  A: {pattern: '[A-Z]+', phrases: {P: v}}\n  B: '[0-9]+'\n"
                       "rules:\n  - {id: t.a, type: x, pattern: '%{B} %{P}'}\n"),
             Catch::Contains("rule 't.a' uses the units 'A' and 'B'; a rule can use one unit"));
  // Outside a rule's copy (a regex of `regexes:`), a phrase is its lexicon.
  TempDir dir;
  const RuleSet set = loaded(dir, "lexicons:\n  v: {entries: [went, came]}\nunits:\n  A: {pattern: '[A-Z]+', phrases: {P: v}}\n"
                                  "regexes:\n  R: '%{P}'\n");
  REQUIRE(set.regexes.count("R"));
  CHECK(RE2::FullMatch("came", *set.regexes.at("R")));
}

TEST_CASE("a unit's phrases are what a search gap by gap finds", "[units][phrases]") {
  // The definition: each gap between the unit's matches searched on its own,
  // left to right, the phrases one after another.
  auto by_gaps = [](const Unit& unit, std::string_view doc, std::vector<UnitText::Piece> found) {
    re2::StringPiece m;
    for (const Unit::Phrase& phrase : unit.phrases) {
      std::vector<UnitText::Piece> out;
      std::size_t gap = 0;
      for (std::size_t i = 0; i <= found.size(); ++i) {
        const std::size_t gap_end = i < found.size() ? found[i].start : doc.size();
        for (std::size_t pos = gap; pos <= gap_end && phrase.regex->Match(doc, pos, gap_end, RE2::UNANCHORED, &m, 1);) {
          const auto s = static_cast<std::size_t>(m.data() - doc.data());
          out.push_back({0, s, s + m.size(), static_cast<int>(phrase.mark)});
          pos = s + m.size();
        }
        if (i == found.size()) break;
        out.push_back(found[i]);
        gap = found[i].end;
      }
      found = std::move(out);
    }
    return found;
  };
  TempDir dir;
  const RuleSet set = loaded(dir, kPhraseRules);
  const Unit& both = set.units[static_cast<std::size_t>(rule_named(set, "t.both").unit)];
  const Unit& base = set.units[static_cast<std::size_t>(both.base)];
  // Words that make names, forms, forms cut by a name ("agreed to Buy") and
  // forms that run into one ("has sold Acme"), in every order.
  const std::vector<std::string> words = {"Acme", "Zeta Corp", "bought", "has", "sold", "agreed", "to", "buy",
                                          "sell", "out", "Out", "Buy", "and", ",", "has bought", "agreed to sell", "agreed to buy", "x"};
  std::uint64_t state = 12345;
  auto next = [&](std::size_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>((state >> 33) % n);
  };
  std::size_t pieces = 0, phrases = 0;
  for (int t = 0; t < 3000; ++t) {
    std::string doc;
    for (std::size_t n = 1 + next(14); n > 0; --n) doc += words[next(words.size())] + (next(5) ? " " : "\n");
    const UnitText plain = make_unit_text(base, doc);
    const auto want = by_gaps(both, doc, plain.pieces);
    const UnitText got = make_unit_text(both, doc);
    INFO(doc);
    REQUIRE(got.pieces.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      CHECK(got.pieces[i].start == want[i].start);
      CHECK(got.pieces[i].end == want[i].end);
      CHECK(got.pieces[i].phrase == want[i].phrase);
      phrases += want[i].phrase >= 0;
    }
    pieces += want.size();
  }
  CHECK(phrases > 2000);            // the texts have phrases
  CHECK(pieces - phrases > 2000);  // and names
}
