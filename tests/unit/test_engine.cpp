#include <algorithm>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "engine/atom_matcher.hpp"
#include "engine/compiled_rules.hpp"
#include "engine/resolver.hpp"
#include "test_support.hpp"

using namespace extract;
using extract::testing::TempDir;
using extract::testing::load_from;

namespace {

const char* kRules = R"(
rules:
  - id: t.num
    type: number
    pattern: '(?P<amount>\d+)'
    fields: {amount: int}
  - id: t.money
    type: money
    priority: 2
    pattern: '\$(?P<amount>\d+)'
    fields: {amount: int}
    value: {currency: USD}
  - id: t.year
    type: date
    priority: 2
    pattern: '(?P<year>(?:19|20)\d\d)'
    fields: {year: int}
    context: {before: '\bin\s+$', not_after: '^\s*shares'}
  - id: t.word
    type: organization
    pattern: 'Acme(?: Corp)?'
  - id: t.en_only
    type: number
    lang: en
    pattern: 'dozen'
)";

// The profile's row of rule `id` (there must be one).
Scanner::RuleProfile profile_row(const std::vector<Scanner::RuleProfile>& rows, const std::string& id) {
  auto it = std::find_if(rows.begin(), rows.end(), [&](const Scanner::RuleProfile& r) { return r.id == id; });
  REQUIRE(it != rows.end());
  return *it;
}

std::vector<std::string> rule_ids(const RuleSet& set, const std::vector<Candidate>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(set.rules[c.rule_index].id);
  return out;
}

}  // namespace

TEST_CASE("the scanner finds every match of the rules that can match", "[engine][scanner]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", kRules}}, diags, dir);
  REQUIRE_FALSE(diags.has_errors());
  Scanner scanner(set);
  const std::string text = "Acme Corp paid $15 in 2019 for 3 units";
  auto cs = scanner.scan(text, "en");
  // t.num matches 15, 2019 and 3; t.money $15; t.year 2019 (after "in"); t.word once.
  auto ids = rule_ids(set, cs);
  CHECK(std::count(ids.begin(), ids.end(), "t.num") == 3);
  CHECK(std::count(ids.begin(), ids.end(), "t.money") == 1);
  CHECK(std::count(ids.begin(), ids.end(), "t.year") == 1);
  CHECK(std::count(ids.begin(), ids.end(), "t.word") == 1);
  for (const auto& c : cs) {
    if (set.rules[c.rule_index].id == "t.word") CHECK(text.substr(c.span.start, c.span.size()) == "Acme Corp");
    if (set.rules[c.rule_index].id == "t.money") {
      REQUIRE(c.captures.size() == 1);
      CHECK(c.captures[0].first == "amount");
      CHECK(text.substr(c.captures[0].second.start, c.captures[0].second.size()) == "15");
    }
  }
}

TEST_CASE("a document's candidates come in rule order, each rule's in the order it found them",
          "[engine][scanner]") {
  // Token rules run after the regex rules (and the words rules) whatever
  // their place in the file: the scanner puts the runs back in rule order.
  const char* rules = R"(
rules:
  - id: o.tok_b
    type: cue
    tokens: 'beta'
  - id: o.num
    type: number
    pattern: '\d+'
  - id: o.tok_a
    type: cue
    tokens: 'alpha'
  - id: o.word
    type: cue
    pattern: 'gamma'
)";
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", rules}}, diags, dir);
  REQUIRE_FALSE(diags.has_errors());
  Scanner scanner(set);
  const std::string text = "alpha 1 beta gamma 22 alpha beta 333 gamma alpha";
  const auto cs = scanner.scan(text, "en");
  std::vector<std::string> got;
  for (const auto& c : cs) got.push_back(set.rules[c.rule_index].id + "@" + std::to_string(c.span.start));
  CHECK(got == std::vector<std::string>{"o.tok_b@8", "o.tok_b@28", "o.num@6", "o.num@19", "o.num@33", "o.tok_a@0",
                                        "o.tok_a@22", "o.tok_a@43", "o.word@13", "o.word@37"});
}

TEST_CASE("context conditions stand in for lookaround", "[engine][scanner]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", kRules}}, diags, dir);
  Scanner scanner(set);
  auto count_years = [&](const std::string& text) {
    auto ids = rule_ids(set, scanner.scan(text, "en"));
    return std::count(ids.begin(), ids.end(), "t.year");
  };
  CHECK(count_years("founded in 2016") == 1);
  CHECK(count_years("founded 2016") == 0);           // `before` fails
  CHECK(count_years("bought in 2016 shares") == 0);  // `not_after` fails
}

TEST_CASE("language-specific rules run only on their language (and on unknown)", "[engine][scanner]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", kRules}}, diags, dir);
  Scanner scanner(set);
  auto has_dozen = [&](const std::string& lang) {
    auto ids = rule_ids(set, scanner.scan("a dozen", lang));
    return std::count(ids.begin(), ids.end(), "t.en_only") == 1;
  };
  CHECK(has_dozen("en"));
  CHECK(has_dozen("unknown"));
  CHECK_FALSE(has_dozen("id"));
}

TEST_CASE("the scanner's per-rule profile counts runs, documents of the rule's language and matches",
          "[engine][scanner]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", kRules}}, diags, dir);
  REQUIRE_FALSE(diags.has_errors());
  Scanner scanner(set);
  CHECK(scanner.profile().empty());  // off by default
  scanner.enable_profile();
  const std::vector<std::string> texts = {"Acme paid $15 in 2019", "a dozen Acme Corp units", "tidak ada angka",
                                          "a dozen"};
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  const std::vector<std::string> langs = {"en", "en", "id", "id"};
  const auto batch = scanner.scan_batch(views, langs);
  const auto lone = scanner.scan(texts[0], "en");  // profiles add up over calls
  const auto rows = scanner.profile();
  // The rules, then the gate's row (t.num, t.money and t.year have no
  // literal long enough for the prefilter).
  REQUIRE(rows.size() == set.rules.size() + 1);
  CHECK(rows.back().id == "gate");
  CHECK(rows.back().runs == 5);     // every document, the lone one included
  CHECK(rows.back().matched == 2);  // those with digits
  CHECK(rows.back().matches == 6);  // t.num, t.money and t.year in each
  auto row = [&](const std::string& id) { return profile_row(rows, id); };
  std::size_t kept = lone.size();
  for (const auto& cs : batch) kept += cs.size();
  std::uint64_t counted = 0;
  for (const auto& r : rows)
    if (r.id != "gate") counted += r.matches;
  CHECK(counted == kept);
  // t.word: "Acme" twice in the batch, once more in the lone scan; the
  // prefilter skips the documents without "acme".
  CHECK(row("t.word").matches == 3);
  CHECK(row("t.word").applicable == 5);
  CHECK(row("t.word").runs == 3);
  // t.en_only: applies to the two English documents and the lone scan, not to Indonesian ones.
  CHECK(row("t.en_only").applicable == 3);
  CHECK(row("t.en_only").matches == 1);
  CHECK(row("t.year").matches == 2);  // "in 2019", twice
  // Documents with at least one match: the runs that found something.
  CHECK(row("t.word").matched == 3);
  CHECK(row("t.en_only").matched == 1);
  CHECK(row("t.num").matches == 4);  // "15" and "2019", twice
  CHECK(row("t.num").matched == 2);
  for (const auto& r : rows) CHECK(r.ms >= 0);
}

TEST_CASE("a document of unknown language gets the candidates of every rule", "[engine][scanner]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_rules(EXTRACT_TEST_RULES_DIR, diags);
  REQUIRE_FALSE(diags.has_errors());
  Scanner scanner(set);
  const std::string text =
      "JAKARTA, Selasa (18/3/2025) - PT Contoh membayar lebih dari $5 miliar, naik 43 persen "
      "dari tahun 2023. On March 4, 2025 Acme agreed to pay 83 mln dlrs.";
  auto filtered = scanner.scan(text, "unknown");
  std::vector<Candidate> all;
  for (std::size_t i = 0; i < set.rules.size(); ++i) scanner.scan_rule(i, text, all);
  auto key = [](const Candidate& c) { return std::make_tuple(c.rule_index, c.span.start, c.span.end); };
  std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> a, b;
  for (const auto& c : filtered) a.push_back(key(c));
  for (const auto& c : all) b.push_back(key(c));
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  CHECK(a == b);
  CHECK_FALSE(a.empty());
}

TEST_CASE("rules no literal gates run only on documents the gate's set finds them in, per language",
          "[engine][scanner]") {
  TempDir dir;
  Diagnostics diags;
  // t.phone and t.clock have no literal for the prefilter: the gate asks
  // one RE2::Set of them per document (of en.phone and id.jam for an
  // English document, of all of them for one of unknown language).
  RuleSet set = load_from({{"r.yaml", R"(
rules:
  - id: t.phone
    type: number
    pattern: '\b\d{3}-\d{4}\b'
  - id: t.clock
    type: number
    pattern: '\b[012]?\d:[0-5]\d\b'
    context: {not_after: '^ sharp'}
  - id: en.phone
    type: number
    lang: en
    pattern: '\(\d{3}\) \d{3}'
  - id: id.jam
    type: number
    lang: id
    pattern: '\d{2}\.\d{2}'
  - id: t.word
    type: organization
    pattern: 'Acme'
)"}}, diags, dir);
  REQUIRE_FALSE(diags.has_errors());
  Scanner scanner(set);
  scanner.enable_profile();
  const std::vector<std::string> texts = {"call 555-0199 at 9:30",  "no figures here", "(555) 019 at 10.30",
                                          "Acme at 9:30 sharp",     "pukul 10.30 WIB", "(555) 019 pukul 10.30",
                                          "(555) 019 pukul 10.30", ""};
  const std::vector<std::string> langs = {"en", "en", "en", "en", "id", "id", "unknown", "unknown"};
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  const auto batch = scanner.scan_batch(views, langs);
  // Exactly each rule alone on each document it applies to.
  for (std::size_t d = 0; d < texts.size(); ++d) {
    std::vector<Candidate> alone;
    for (std::size_t i = 0; i < set.rules.size(); ++i)
      if (set.rules[i].lang.empty() || langs[d] == "unknown" || set.rules[i].lang == langs[d])
        scanner.scan_rule(i, texts[d], alone);
    INFO(texts[d] << " as " << langs[d]);
    CHECK(rule_ids(set, batch[d]) == rule_ids(set, alone));
  }
  CHECK(rule_ids(set, batch[0]) == std::vector<std::string>{"t.phone", "t.clock"});
  CHECK(rule_ids(set, batch[2]) == std::vector<std::string>{"en.phone"});
  CHECK(rule_ids(set, batch[3]) == std::vector<std::string>{"t.word"});  // its clock fails the context
  CHECK(rule_ids(set, batch[4]) == std::vector<std::string>{"id.jam"});
  CHECK(rule_ids(set, batch[5]) == std::vector<std::string>{"id.jam"});
  CHECK(rule_ids(set, batch[6]) == std::vector<std::string>{"en.phone", "id.jam"});
  CHECK(batch[7].empty());
  // A gated rule runs (and is counted) only where its set found it.
  const auto rows = scanner.profile();
  auto runs = [&](const std::string& id) { return profile_row(rows, id).runs; };
  CHECK(runs("t.phone") == 1);
  CHECK(runs("t.clock") == 2);
  CHECK(runs("en.phone") == 2);
  CHECK(runs("id.jam") == 3);
  CHECK(runs("t.word") == 1);  // the prefilter's, as before
  CHECK(runs("gate") == 7);    // every document but the empty one

  // A set that does not compile (RE2 20220601 compiles each pattern in a
  // budget of 4 KiB, not the set of two): every rule runs, as without a gate.
  LoadOptions small;
  small.max_rule_mem = 4096;
  RuleSet tight = load_rules(dir.str(), diags, small);
  REQUIRE_FALSE(diags.has_errors());
  Scanner fallback(tight);
  fallback.enable_profile();
  const auto again = fallback.scan_batch(views, langs);
  for (std::size_t d = 0; d < texts.size(); ++d) CHECK(rule_ids(tight, again[d]) == rule_ids(set, batch[d]));
  // (All the documents of their languages but the empty one, which no
  // rule of the gate runs on.)
  for (const auto& row : fallback.profile())
    if (row.id != "t.word" && row.id != "gate") CHECK(row.runs + 1 == row.applicable);
}

namespace {

// Every candidate of scan() (prefilter on) equals running each applicable rule.
void check_prefilter_exact(const RuleSet& set, const Scanner& scanner, const std::string& text,
                           const std::string& language, const std::string& label) {
  auto key = [](const Candidate& c) { return std::make_tuple(c.rule_index, c.span.start, c.span.end); };
  std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> a, b;
  for (const auto& c : scanner.scan(text, language)) a.push_back(key(c));
  std::vector<Candidate> all;
  for (std::size_t i = 0; i < set.rules.size(); ++i)
    if (set.rules[i].lang.empty() || set.rules[i].lang == language) scanner.scan_rule(i, text, all);
  for (const auto& c : all) b.push_back(key(c));
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  INFO(label);
  CHECK(a == b);
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("the literal prefilter never drops a match: samples and a corpus subset", "[engine][scanner]") {
  Diagnostics diags;
  LoadOptions opts;
  opts.threads = 3;
  RuleSet set = load_rules(EXTRACT_TEST_RULES_DIR, diags, opts);
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE_FALSE(set.prefilter_atoms.empty());
  Scanner scanner(set);
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(EXTRACT_TEST_SAMPLES_DIR))
    if (e.path().extension() == ".txt" && e.path().filename() != "README.md") files.push_back(e.path());
  // The shared corpus, when present: the first 150 Reuters articles and the Indonesian news.
  for (const char* sub : {"reuters-acq", "id-news"}) {
    const std::filesystem::path dir = std::filesystem::path(EXTRACT_TEST_SAMPLES_DIR) / ".." / ".." / "shared" / "corpus" / sub;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    std::vector<std::filesystem::path> found;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
      if (e.path().extension() == ".txt") found.push_back(e.path());
    std::sort(found.begin(), found.end());
    if (found.size() > 150) found.resize(150);
    files.insert(files.end(), found.begin(), found.end());
  }
  REQUIRE(files.size() >= 10);
  for (const auto& f : files) {
    const std::string text = read_all(f);
    for (const char* lang : {"en", "id"}) check_prefilter_exact(set, scanner, text, lang, f.string() + " as " + lang);
  }
  // Scanning the documents together (rule by rule) gives each document what
  // scanning it alone gives, captures and order included, in any language.
  std::vector<std::string> texts;
  std::vector<std::string_view> views;
  std::vector<std::string> langs;
  for (const auto& f : files) texts.push_back(read_all(f));
  texts.push_back("");
  for (std::size_t i = 0; i < texts.size(); ++i) {
    views.push_back(texts[i]);
    langs.push_back(i % 3 == 0 ? "id" : i % 3 == 1 ? "en" : "unknown");
  }
  auto described = [&](const std::vector<Candidate>& cs) {
    std::string out;
    for (const auto& c : cs) {
      out += set.rules[c.rule_index].id + "@" + std::to_string(c.span.start) + "-" + std::to_string(c.span.end);
      for (const auto& [field, span] : c.captures)
        out += " " + std::string(field) + "=" + std::to_string(span.start) + "-" + std::to_string(span.end);
      out += "\n";
    }
    return out;
  };
  const auto batch = scanner.scan_batch(views, langs);
  REQUIRE(batch.size() == texts.size());
  std::size_t seen = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    INFO("document " << i << " as " << langs[i]);
    const auto alone = scanner.scan(views[i], langs[i]);
    CHECK(described(batch[i]) == described(alone));
    seen += alone.size();
  }
  CHECK(seen > 200);
  CHECK(scanner.scan_batch({}, {}).empty());

  // Case: atoms are lower case, the text is not; the Kelvin sign folds to k under (?i).
  check_prefilter_exact(set, scanner, "ACME CORP SAID IT AGREED TO ACQUIRE WIDGET INC FOR 5 MLN DLRS.", "en", "capitals");
}

TEST_CASE("atoms are found case-insensitively, overlapping, non-ASCII ones always", "[engine][scanner]") {
  AtomMatcher m({"acq", "cquire", "she", "he", "hers", "\xc3\xa9t\xc3\xa9", "kilo"});
  CHECK(m.find("") == std::vector<int>{5});
  CHECK(m.find("They ACQUIRED") == std::vector<int>{0, 1, 3, 5});
  CHECK(m.find("ushers") == std::vector<int>{2, 3, 4, 5});
  CHECK(m.find("5 \xe2\x84\xaailo") == std::vector<int>{5, 6});  // KELVIN SIGN + ilo
  CHECK(m.find("kil") == std::vector<int>{5});
}

namespace {

// Rules 0 "low" and 1 "high" (priority 5) of group "figure", 2 of group
// "entity": what the resolver reads of a rule set.
RuleSet resolver_rules() {
  RuleSet set;
  set.rules.resize(3);
  set.rules[0].id = "low";
  set.rules[0].group = "figure";
  set.rules[1].id = "high";
  set.rules[1].group = "figure";
  set.rules[1].priority = 5;
  set.rules[2].id = "other-group";
  set.rules[2].group = "entity";
  return set;
}

Candidate cand(std::size_t rule, std::size_t s, std::size_t e) {
  Candidate c;
  c.rule_index = rule;
  c.span = {s, e};
  return c;
}

}  // namespace

TEST_CASE("overlaps resolve by priority, then length, then position, whatever the input order",
          "[engine][resolver]") {
  const RuleSet set = resolver_rules();
  std::vector<Candidate> cs = {
      cand(0, 0, 10),   // long but low priority
      cand(1, 5, 8),    // high priority wins over [0,10)
      cand(0, 12, 20),  // longer than the next one
      cand(0, 15, 18),
      cand(0, 30, 34),  // equal length: leftmost wins
      cand(0, 32, 36),
      cand(2, 0, 40),   // another group: never competes
  };
  for (int round = 0; round < 2; ++round) {
    auto out = resolve_overlaps(set, cs);
    std::vector<std::pair<std::size_t, std::size_t>> kept;
    std::size_t beaten = 0;
    for (const auto& r : out) {
      kept.emplace_back(r.winner.span.start, r.winner.span.end);
      beaten += r.beaten.size();
    }
    std::sort(kept.begin(), kept.end());
    CHECK(kept == std::vector<std::pair<std::size_t, std::size_t>>{{0, 40}, {5, 8}, {12, 20}, {30, 34}});
    CHECK(beaten == 3);
    std::reverse(cs.begin(), cs.end());
  }
}

TEST_CASE("a candidate the resolution does not admit is as if it were not there; only possible winners are asked",
          "[engine][resolver]") {
  const RuleSet set = resolver_rules();
  const std::vector<Candidate> cs = {
      cand(1, 0, 4),    // best ranked, but refused: [2,8) wins in its place
      cand(0, 2, 8),
      cand(0, 6, 9),    // beaten by [2,8)
      cand(0, 20, 30),  // kept
      cand(0, 22, 25),  // beaten by [20,30), refused when asked
  };
  std::vector<std::pair<std::size_t, std::size_t>> asked;
  auto admit = [&](Candidate& c) {
    asked.emplace_back(c.span.start, c.span.end);
    c.tag = asked.size();
    return !(c.span.start == 0 || c.span.start == 22);
  };
  using Spans = std::vector<std::pair<std::size_t, std::size_t>>;
  auto winners = [](const std::vector<Resolved>& out) {
    Spans kept;
    for (const auto& r : out) kept.emplace_back(r.winner.span.start, r.winner.span.end);
    std::sort(kept.begin(), kept.end());
    return kept;
  };

  // Without the beaten: the three that could win are asked, in rank order.
  auto out = resolve_overlaps(set, cs, admit, false);
  CHECK(winners(out) == Spans{{2, 8}, {20, 30}});
  CHECK(asked == Spans{{0, 4}, {20, 30}, {2, 8}});
  for (const auto& r : out) CHECK(r.beaten.empty());
  for (const auto& r : out) CHECK(r.winner.tag != 0);  // admit's mark stays on the winner

  // With them: each beaten one is asked too, and listed only if admitted.
  asked.clear();
  out = resolve_overlaps(set, cs, admit, true);
  CHECK(winners(out) == Spans{{2, 8}, {20, 30}});
  CHECK(asked.size() == 5);
  std::size_t beaten = 0;
  for (const auto& r : out) {
    beaten += r.beaten.size();
    for (const auto& b : r.beaten) CHECK(b.span.start == 6);
  }
  CHECK(beaten == 1);

  // No admit: the refused candidate wins, as before.
  CHECK(winners(resolve_overlaps(set, cs)) == Spans{{0, 4}, {6, 9}, {20, 30}});

  // Two groups, whatever admit writes in the tags: each group competes
  // within itself, and the result lists the groups in name order
  // ("entity" before "figure"), each best ranked first.
  const std::vector<Candidate> mixed = {cand(0, 0, 10), cand(2, 5, 8), cand(0, 5, 8), cand(2, 0, 3),
                                        cand(1, 20, 22), cand(2, 2, 6), cand(0, 21, 30)};
  auto tagging = [](Candidate& c) {
    c.tag = c.span.start + 100;
    return true;
  };
  for (bool beaten_too : {false, true}) {
    out = resolve_overlaps(set, mixed, tagging, beaten_too);
    Spans order;
    for (const auto& r : out) order.emplace_back(r.winner.span.start, r.winner.span.end);
    // entity: [2,6) the longest, over [5,8) and [0,3); figure: the high
    // priority [20,22) over [21,30), then [0,10) over [5,8).
    CHECK(order == Spans{{2, 6}, {20, 22}, {0, 10}});
    std::size_t beaten = 0;
    for (const auto& r : out) beaten += r.beaten.size();
    CHECK(beaten == (beaten_too ? 4u : 0u));
    for (const auto& r : out) CHECK(r.winner.tag == r.winner.span.start + 100);
  }
}

TEST_CASE("max_matches cuts a dense document to a prefix, as if it ended there", "[engine][scanner]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", kRules}}, diags, dir);
  REQUIRE_FALSE(diags.has_errors());
  Scanner scanner(set);
  std::string dense = "Acme Corp said:\n";
  for (int i = 0; i < 300; ++i) dense += "line " + std::to_string(i) + " paid $" + std::to_string(i + 10) + "\n";
  const std::string light = "Acme paid $15 in 2019";
  const std::vector<std::string_view> views = {light, dense, light};
  const std::vector<std::string> langs = {"en", "en", "en"};
  const std::size_t all = scanner.scan(dense, "en").size();
  REQUIRE(all > 200);

  std::vector<std::size_t> scanned;
  const auto batch = scanner.scan_batch(views, langs, 200, &scanned);
  REQUIRE(scanned.size() == 3);
  CHECK(scanned[0] == light.size());
  CHECK(scanned[2] == light.size());
  CHECK(batch[0].size() == scanner.scan(light, "en").size());
  CHECK(batch[2].size() == batch[0].size());
  // Cut after a line break, with at most the limit's matches, all inside it,
  // and the same matches as the prefix alone.
  REQUIRE(scanned[1] < dense.size());
  REQUIRE(scanned[1] > 0);
  CHECK(dense[scanned[1] - 1] == '\n');
  CHECK(batch[1].size() <= 200);
  CHECK(batch[1].size() >= 50);
  for (const auto& c : batch[1]) CHECK(c.span.end <= scanned[1]);
  const auto prefix = scanner.scan(std::string_view(dense).substr(0, scanned[1]), "en");
  REQUIRE(prefix.size() == batch[1].size());
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    CHECK(prefix[i].rule_index == batch[1][i].rule_index);
    CHECK(prefix[i].span == batch[1][i].span);
  }
  // The cut depends on the document alone, not on its batch.
  std::vector<std::size_t> alone;
  scanner.scan_batch({dense}, {"en"}, 200, &alone);
  CHECK(alone[0] == scanned[1]);
  // No limit, or one above its matches: nothing is cut.
  scanner.scan_batch({dense}, {"en"}, 0, &alone);
  CHECK(alone[0] == dense.size());
  scanner.scan_batch({dense}, {"en"}, all, &alone);
  CHECK(alone[0] == dense.size());
  // A limit of one match still ends (the prefix shrinks every time); the
  // document's size allows it one match per 64 bytes.
  const std::size_t small_limit = Scanner::match_limit(1, dense.size());
  CHECK(small_limit == dense.size() / 64);
  const auto one = scanner.scan_batch({dense}, {"en"}, 1, &alone);
  CHECK(one[0].size() <= small_limit);
  CHECK(alone[0] < dense.size());
  CHECK(Scanner::match_limit(0, 1000) == SIZE_MAX);
  CHECK(Scanner::match_limit(10000, 1000) == 10000);
  CHECK(Scanner::match_limit(10000, 6400000) == 100000);
  CHECK(Scanner::piece_limit(10000, 1000) == 160000);
  CHECK(Scanner::piece_limit(10000, 16000000) == 1000000);
  CHECK(Scanner::piece_limit(SIZE_MAX / 8, 1000) == SIZE_MAX);  // no overflow to a small limit
}

TEST_CASE("a batch of more than kBatchBytes of text is scanned in parts, each document as alone", "[engine][scanner]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", kRules}}, diags, dir);
  REQUIRE_FALSE(diags.has_errors());
  Scanner scanner(set);
  // Documents of 450 KB (two to a part), a dense one that max_matches
  // cuts, and short ones, in an order that puts them in different parts.
  auto medium = [](int n) {
    std::string t;
    while (t.size() < 450000) t += "Acme Corp paid $" + std::to_string(n++) + " in 2019 for Widget.\n";
    return t;
  };
  std::string dense = "Acme Corp said:\n";
  for (int i = 0; i < 300; ++i) dense += "line " + std::to_string(i) + " paid $" + std::to_string(i + 10) + "\n";
  const std::vector<std::string> texts = {medium(1), "Acme paid $15 in 2019", medium(7), medium(13), dense,
                                          medium(19), "", medium(25), "Acme paid $16"};
  std::size_t bytes = 0;
  std::vector<std::string_view> views;
  for (const auto& t : texts) views.push_back(t), bytes += t.size();
  REQUIRE(bytes > 2 * Scanner::kBatchBytes);
  const std::vector<std::string> langs(texts.size(), "en");
  // Without a limit nothing is cut; with one, each document is cut where it
  // would be alone.
  for (const std::size_t limit : {std::size_t{0}, std::size_t{200}}) {
    INFO("max_matches " << limit);
    std::vector<std::size_t> scanned;
    const auto batch = scanner.scan_batch(views, langs, limit, &scanned);
    REQUIRE(batch.size() == texts.size());
    REQUIRE(scanned.size() == texts.size());
    std::size_t seen = 0;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      INFO("document " << i);
      std::vector<std::size_t> alone_scanned;
      const auto alone = scanner.scan_batch({views[i]}, {"en"}, limit, &alone_scanned);
      CHECK(scanned[i] == alone_scanned[0]);
      if (limit == 0) CHECK(scanned[i] == texts[i].size());
      REQUIRE(batch[i].size() == alone[0].size());
      for (std::size_t k = 0; k < alone[0].size(); ++k) {
        CHECK(batch[i][k].rule_index == alone[0][k].rule_index);
        CHECK(batch[i][k].span == alone[0][k].span);
      }
      seen += batch[i].size();
    }
    if (limit != 0) CHECK(scanned[4] < dense.size());  // the dense one is cut
    CHECK(seen > 1000);
  }
}

TEST_CASE("a rule runs only on documents with the literals its before and after contexts need",
          "[engine][scanner][literals]") {
  const char* rules = R"(
rules:
  - id: c.name_said
    type: person
    tokens: '(?P<name>/[A-Z][a-z]+/) @said'
    fields: {name: name}
    context: {after: '^\s+in\s+a\s+filing'}
  - id: c.name_told
    type: person
    pattern: '(?P<name>[A-Z][a-z]+) told'
    fields: {name: name}
    context: {before: 'according\s+to\s+$', not_after: '^\s+nobody'}
  - id: c.plain
    type: person
    tokens: '(?P<name>/[A-Z][a-z]+/) @said'
    fields: {name: name}
)";
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"r.yaml", rules}}, diags, dir);
  REQUIRE_FALSE(diags.has_errors());
  // The atoms of the contexts that must match ("in", "a" and "to" are too
  // short to be atoms; a context that must not match needs nothing).
  CHECK(set.rules[0].context_needs.to_string(set.prefilter_atoms) == "filing");
  CHECK(set.rules[1].context_needs.to_string(set.prefilter_atoms) == "according");
  CHECK(set.rules[2].context_needs.always());
  Scanner scanner(set);
  scanner.enable_profile();
  const std::vector<std::string> texts = {"Vera said in a filing that Omar said so.", "Vera said so and Omar said no.",
                                          "according to Lena told us", "Lena told us"};
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  const auto batch = scanner.scan_batch(views, std::vector<std::string>(texts.size(), "en"));
  auto found = [&](std::size_t d) {
    std::vector<std::string> out;
    for (const Candidate& c : batch[d]) out.push_back(set.rules[c.rule_index].id + "@" + std::to_string(c.span.start));
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(found(0) == std::vector<std::string>{"c.name_said@0", "c.plain@0", "c.plain@27"});
  CHECK(found(1) == std::vector<std::string>{"c.plain@0", "c.plain@17"});
  CHECK(found(2) == std::vector<std::string>{"c.name_told@13"});
  CHECK(found(3).empty());
  const auto rows = scanner.profile();
  auto runs = [&](const std::string& id) { return profile_row(rows, id).runs; };
  // Not run where "filing" or "according" is missing, though "said" and
  // "told" are there; the rule without a context runs where "said" is.
  CHECK(runs("c.name_said") == 1);
  CHECK(runs("c.name_told") == 1);
  CHECK(runs("c.plain") == 2);
}
