// WordList (rules/word_list.hpp): the matcher that stands in for a rule
// whose pattern is one case-sensitive lexicon between word boundaries must
// find exactly what RE2 finds for that pattern, from every start position.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/compiled_rules.hpp"
#include "rules/rule_set.hpp"
#include "rules/snapshot.hpp"
#include "rules/word_list.hpp"
#include "test_support.hpp"

using namespace extract;
using extract::testing::load_from;

namespace {

Lexicon lexicon_of(const std::vector<std::string>& forms, bool case_insensitive = false) {
  Lexicon lex;
  lex.name = "test";
  lex.case_insensitive = case_insensitive;
  for (const auto& f : forms) lex.add(f, Json(f));
  return lex;
}

// Every start position of every text: the word list's match and RE2's for
// `\b(?P<name>ALTERNATION)\b` (the rules' options) are the same. Returns
// the differences, described.
std::vector<std::string> differences(const Lexicon& lex, const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  auto list = WordList::of(lex);
  if (!list) return {"no word list"};
  RE2 re("\\b(?P<name>" + lex.alternation() + ")\\b", rule_regex_options(64 << 20));
  if (!re.ok()) return {"pattern: " + re.error()};
  for (const std::string& text : texts) {
    for (std::size_t from = 0; from <= text.size(); ++from) {
      re2::StringPiece m;
      const bool by_re2 = re.Match(text, from, text.size(), RE2::UNANCHORED, &m, 1);
      std::size_t start = 0, end = 0;
      const bool by_list = list->find(text, from, start, end);
      const std::size_t re2_start = by_re2 ? static_cast<std::size_t>(m.data() - text.data()) : 0;
      if (by_re2 != by_list || (by_re2 && (start != re2_start || end != re2_start + m.size())))
        out.push_back("text '" + text + "' from " + std::to_string(from) + ": RE2 " +
                      (by_re2 ? "'" + std::string(m) + "' at " + std::to_string(re2_start) : "nothing") +
                      ", word list " +
                      (by_list ? "'" + text.substr(start, end - start) + "' at " + std::to_string(start) : "nothing"));
    }
  }
  return out;
}

// Texts made of the lexicon's words, pieces of them, and the separators and
// neighbours that decide word boundaries and white space.
std::vector<std::string> random_texts(const Lexicon& lex, std::size_t count, unsigned seed) {
  std::vector<std::string> words;
  for (const auto& form : lex.forms())
    for (const auto& w : Lexicon::words(form)) words.push_back(w);
  const std::vector<std::string> glue = {" ", " ", "  ", "\t", "\n", "\r\n", "\v", "\f", "", "-", "_", ".", ",",
                                         "é", "’", "x", "A", "1", " the ", "'s "};
  std::mt19937 rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::vector<std::string> texts;
  for (std::size_t t = 0; t < count; ++t) {
    std::string text;
    const std::size_t tokens = 2 + pick(12);
    for (std::size_t k = 0; k < tokens; ++k) {
      std::string w = words[pick(words.size())];
      if (pick(6) == 0 && w.size() > 1) w = pick(2) ? w.substr(0, 1 + pick(w.size() - 1)) : w.substr(1 + pick(w.size() - 1));
      text += w;
      text += glue[pick(glue.size())];
    }
    texts.push_back(text);
  }
  return texts;
}

}  // namespace

TEST_CASE("A word list finds what RE2 finds: prefixes, word boundaries, white space", "[word_list]") {
  const Lexicon lex = lexicon_of({"Dell", "Dell Technologies", "Dell Technologies Inc", "Dell-EMC", "AB", "AB Foods",
                                  "AB Foods Group", "ABB", "Nestlé", "Nestlé SA", "AT&T", "Yahoo!", "J.P. Morgan",
                                  "J.P. Morgan Chase", "3M", "_Under", "Go", "GoTo", "GoTo Group", "X  Corp",
                                  "Über", "Ü", "Rio Tinto", "Rio"});
  const std::vector<std::string> texts = {
      "Dell Technologies Inc said", "Dell Technologies Incorporated", "Dell-EMC and Dell", "Dell Technologies-Inc",
      "AB Foods Groups", "AB Foods  Group", "AB\tFoods\nGroup", "AB\vFoods", "ABB AB", "xAB AB_ AB.", "Nestlé SA",
      "Nestlé said", "Nestléx", "AT&T Inc", "AT&Tx", "Yahoo! Japan", "Yahoo!x", "J.P. Morgan Chase & Co",
      "J.P. Morgan\r\nChase", "3M 3Mx", "_Under a_Under", "GoTo Group GoTo Go", "X Corp", "X \t Corp", "Über Ü Ü",
      "ÜÜ", "Rio Tinto's Rio", "", "Dell", "Dell ", " Dell", "Technologies Dell Technologies"};
  const auto diff = differences(lex, texts);
  INFO((diff.empty() ? std::string() : diff.front()));
  CHECK(diff.empty());
  const auto random = differences(lex, random_texts(lex, 3000, 7));
  INFO((random.empty() ? std::string() : random.front()));
  CHECK(random.empty());
}

TEST_CASE("A word list finds what RE2 finds with the shipped gazetteers", "[word_list]") {
  Diagnostics diags;
  const RuleSet rs = load_rules(EXTRACT_TEST_RULES_DIR, diags);
  REQUIRE_FALSE(diags.has_errors());
  std::size_t word_rules = 0;
  for (const Rule& rule : rs.rules) {
    if (rule.word_list.empty()) continue;
    ++word_rules;
    INFO(rule.id);
    REQUIRE(rule.words);
    CHECK_FALSE(rule.regex);  // the pattern was checked, then dropped
    const Lexicon* lex = rs.lexicon(rule.word_list);
    REQUIRE(lex);
    const auto diff = differences(*lex, random_texts(*lex, 400, 11));
    INFO((diff.empty() ? std::string() : diff.front()));
    CHECK(diff.empty());
  }
  // The product gazetteer and the weekdays of both languages (written with
  // a capital only). The organization and place gazetteers are token rules
  // (their dotted forms, "U.S.", match as whole tokens).
  CHECK(word_rules == 4);
  for (const char* id : {"common.product.gazetteer", "en.date.weekday", "en.date.weekday_future", "id.date.weekday"}) {
    INFO(id);
    CHECK(std::any_of(rs.rules.begin(), rs.rules.end(), [&](const Rule& r) { return r.id == id && r.words; }));
  }
}

TEST_CASE("Only a case-sensitive lexicon alone between word boundaries becomes a word list", "[word_list]") {
  CHECK_FALSE(WordList::of(lexicon_of({"acme", "Acme Corp"}, true)));  // RE2 folds case beyond ASCII (K, ſ)
  CHECK_FALSE(WordList::of(lexicon_of({})));
  CHECK(WordList::of(lexicon_of({"Acme"})));
  testing::TempDir dir;
  Diagnostics diags;
  auto rs = load_from({{"common/t.yaml", R"(
lexicons:
  names: {case: sensitive, entries: [Acme, Acme Corp, Zenith]}
  folded: {entries: [acme]}
rules:
  - id: t.alone
    type: organization
    pattern: '\b(?P<name>%{names})\b'
  - id: t.more
    type: organization
    pattern: '\b(?P<name>%{names}) Inc\b'
  - id: t.folded
    type: organization
    pattern: '\b(?P<name>%{folded})\b'
  - id: t.case
    type: organization
    case: insensitive
    pattern: '\b(?P<name>%{names})\b'
  - id: t.again
    type: organization
    pattern: '\b(?P<org>%{names})\b'
)"}}, diags, dir);
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(rs.rules.size() == 5);
  CHECK(rs.rules[0].word_list == "names");
  CHECK(rs.rules[0].words);
  // Rules of one lexicon share its word list, as loaded and as read back.
  CHECK(rs.rules[4].word_list == "names");
  CHECK(rs.rules[4].words == rs.rules[0].words);
  auto read = decode_snapshot(encode_snapshot(rs, diags, "key"), "key", diags);
  REQUIRE(read);
  CHECK(read->rules[4].words);
  CHECK(read->rules[4].words == read->rules[0].words);
  for (std::size_t i = 1; i < 4; ++i) {
    INFO(rs.rules[i].id);
    CHECK(rs.rules[i].word_list.empty());
    CHECK_FALSE(rs.rules[i].words);
    CHECK(rs.rules[i].regex);
  }
  // The scanner runs the word list: the same matches as the pattern.
  Scanner scanner(rs);
  std::vector<Candidate> found;
  scanner.scan_rule(0, "Acme Corp and Zenith, not Zeniths or acme.", found);
  REQUIRE(found.size() == 2);
  CHECK(found[0].span.start == 0);
  CHECK(found[0].span.end == 9);
  CHECK(found[1].span.start == 14);
  CHECK(found[1].span.end == 20);
}
