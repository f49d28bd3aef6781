// Token rules (rules/token_pattern.hpp): the tokenizer, the pattern
// language, leftmost-first matching, and a token rule loaded from YAML and
// run by the scanner (including from a rule-set snapshot).
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/utf8.hpp"
#include "engine/compiled_rules.hpp"
#include "rules/class_sequence.hpp"
#include "rules/rule_set.hpp"
#include "rules/snapshot.hpp"
#include "rules/token_pattern.hpp"
#include "shipped.hpp"
#include "test_support.hpp"

using namespace extract;
using extract::testing::load_from;

namespace {

std::vector<std::string> texts_of(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : tokenize(text)) out.emplace_back(text.substr(t.start, t.end - t.start));
  return out;
}

Lexicon lexicon_of(const std::string& name, const std::vector<std::string>& forms, bool case_insensitive = true) {
  Lexicon lex;
  lex.name = name;
  lex.case_insensitive = case_insensitive;
  for (const auto& f : forms) lex.add(f, Json(f));
  return lex;
}

// Compiles `source` with the lexicons given; fails the test on an error.
struct Compiled {
  std::vector<Lexicon> lexicons;
  std::shared_ptr<const TokenPattern> pattern;
  std::string error;
  std::size_t at = 0;
  Compiled(const std::string& source, std::vector<Lexicon> lex = {}) : lexicons(std::move(lex)) {
    TokenPattern::Env env;
    env.lexicon = [this](const std::string& name) -> std::shared_ptr<const TokenLexicon> {
      for (const Lexicon& l : lexicons)
        if (l.name == name) return TokenLexicon::of(l);
      return nullptr;
    };
    env.options = rule_regex_options(8 << 20);
    pattern = TokenPattern::compile(source, env, error, at);
  }
};

// Every match left to right (as the scanner finds them): "whole|g1|g2...",
// an unset group as "-".
std::vector<std::string> matches(const TokenPattern& p, std::string_view text) {
  const std::vector<Token> tokens = tokenize(text);
  std::vector<std::string> out;
  std::vector<Span> groups;
  std::size_t pos = 0;
  while (p.find(text, tokens, pos, nullptr, groups)) {
    std::string m;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (g) m += "|";
      m += groups[g].start == SIZE_MAX ? "-" : std::string(text.substr(groups[g].start, groups[g].size()));
    }
    out.push_back(m);
    // (An empty match, which only a damaged program can give: on, as the scanner goes.)
    pos = groups[0].end + (groups[0].size() == 0 ? 1 : 0);
  }
  return out;
}

// The whole matches alone, found by trying every token.
std::vector<std::string> matches_text(const TokenPattern& p, std::string_view text) {
  std::vector<std::string> out;
  for (const std::string& m : matches(p, text)) out.push_back(m.substr(0, m.find('|')));
  return out;
}

// `rs` written to a rule-set snapshot and read back (the checks read
// token rules as the cache gives them).
RuleSet read_back(const RuleSet& rs, const Diagnostics& diags) {
  const std::string bytes = encode_snapshot(rs, diags, "key");
  Diagnostics read_diags;
  std::optional<RuleSet> read = decode_snapshot(bytes, "key", read_diags);
  REQUIRE(read);
  return std::move(*read);
}

}  // namespace

TEST_CASE("tokenize: words, numbers, punctuation, white space", "[tokens]") {
  CHECK(texts_of("Acme's 1,500.25 pct, (Jan. 5)") ==
        std::vector<std::string>{"Acme", "'", "s", "1,500.25", "pct", ",", "(", "Jan", ".", "5", ")"});
  CHECK(texts_of("twenty-first mid-March 18th") ==
        std::vector<std::string>{"twenty", "-", "first", "mid", "-", "March", "18th"});
  // Non-ASCII letters are word characters; quotes, dashes and NBSP are not.
  CHECK(texts_of("Société Générale’s — x\xC2\xA0y") ==
        std::vector<std::string>{"Société", "Générale", "’", "s", "—", "x", "\xC2\xA0", "y"});
  // A byte of invalid UTF-8 is a token of its own.
  CHECK(texts_of("ab\xFF" "cd") == std::vector<std::string>{"ab", "\xFF", "cd"});
  CHECK(texts_of("2025.") == std::vector<std::string>{"2025", "."});
  CHECK(texts_of("").empty());
  CHECK(texts_of(" \t\n ").empty());
  const auto toks = tokenize("a  b,c\nd");
  REQUIRE(toks.size() == 5);
  CHECK_FALSE(toks[0].space_before());
  CHECK(toks[1].space_before());
  CHECK_FALSE(toks[2].space_before());
  CHECK_FALSE(toks[3].space_before());
  CHECK(toks[4].space_before());
  CHECK(toks[0].folded == fold_hash("A"));
  CHECK(toks[0].folded != fold_hash("b"));
}

TEST_CASE("token patterns of one load share each regex's shape, and match as on their own", "[token_pattern]") {
  std::map<std::string, std::shared_ptr<const RE2>> regexes;
  WordShape::Known shapes;
  TokenPattern::Env env;
  env.options = rule_regex_options(8 << 20);
  env.regexes = &regexes;
  env.shapes = &shapes;
  const char* sources[] = {"/[A-Z][a-z]+/ x", "/\\d+/ y", "/[A-Z][a-z]+/ z", "w /(?:Inc|Corp)/"};
  std::vector<std::shared_ptr<const TokenPattern>> compiled;
  for (const char* source : sources) {
    std::string error;
    std::size_t at = 0;
    compiled.push_back(TokenPattern::compile(source, env, error, at));
    REQUIRE(compiled.back());
  }
  CHECK(regexes.size() == 3);
  CHECK(shapes.size() == 3);  // one per regex, read once
  // Restored into another load, sharing again.
  std::map<std::string, std::shared_ptr<const RE2>> regexes2;
  WordShape::Known shapes2;
  TokenPattern::Env env2 = env;
  env2.regexes = &regexes2;
  env2.shapes = &shapes2;
  std::vector<std::shared_ptr<const TokenPattern>> restored;
  for (const auto& p : compiled) {
    restored.push_back(TokenPattern::restore(p->save(), env2));
    REQUIRE(restored.back());
  }
  CHECK(shapes2.size() == 3);
  const std::string text = "Acme x 42 y Bolt z w Corp 7 x ACME z w Inc Zeta y";
  const std::vector<std::vector<std::string>> expected = {
      {"Acme x"}, {"42 y"}, {"Bolt z"}, {"w Corp", "w Inc"}};
  for (std::size_t k = 0; k < compiled.size(); ++k) {
    INFO(sources[k]);
    CHECK(matches_text(*compiled[k], text) == expected[k]);
    CHECK(matches_text(*restored[k], text) == expected[k]);
    Compiled alone(sources[k]);
    REQUIRE(alone.pattern);
    CHECK(matches_text(*alone.pattern, text) == expected[k]);
  }
}

TEST_CASE("token patterns: words, quoted texts, lexicons and regexes", "[tokens]") {
  SECTION("a bare word matches its token in any ASCII case, whole") {
    Compiled c("acquired");
    REQUIRE(c.pattern);
    CHECK(matches(*c.pattern, "Acme ACQUIRED Zeta; re-acquired; acquiredx") == std::vector<std::string>{"ACQUIRED", "acquired"});
  }
  SECTION("a quoted text keeps its spacing") {
    Compiled c("'took over' | \"year's end\"");
    REQUIRE(c.pattern);
    CHECK(matches(*c.pattern, "it took  over; took-over; the year's end; year ' s end") ==
          std::vector<std::string>{"took  over", "year's end"});
  }
  SECTION("(?case=sensitive): words and quoted texts as written, for the pattern or a group") {
    Compiled all("(?case=sensitive) It 'said so'");
    REQUIRE(all.pattern);
    CHECK(matches(*all.pattern, "IT said so; It Said so; It said so") == std::vector<std::string>{"It said so"});
    // A group: "It" exact, "said" folded; the same word both ways is two predicates.
    Compiled group("(?case=sensitive: It | it) said (?case=sensitive: said)?");
    REQUIRE(group.pattern);
    CHECK(matches(*group.pattern, "IT said; It SAID said; it Said SAID") == std::vector<std::string>{"It SAID said", "it Said"});
    // Anchored on an exact word: found by its folded form, checked as written,
    // also when walked back over (the exact "the" before the anchor "Said").
    Compiled anchored("/[A-Z][a-z]+/ (?case=sensitive: the)? Said");
    REQUIRE(anchored.pattern);
    CHECK(anchored.pattern->anchored());
    CHECK(matches(*anchored.pattern, "Acme THE Said; Acme the Said; Zeta Said") ==
          std::vector<std::string>{"Acme the Said", "Zeta Said"});
    Compiled bad("(?case=upper) x");
    CHECK_FALSE(bad.pattern);
    CHECK(bad.error == "(?case=...) is sensitive or insensitive");
    Compiled bad_group("x (?case=lower: y)");
    CHECK_FALSE(bad_group.pattern);
    CHECK(bad_group.error == "(?case=...) is sensitive or insensitive");
  }
  SECTION("a lexicon: the longest form first, then shorter ones when the rest fails") {
    Compiled c("(?P<v>%{verbs}) (?P<o>/[A-Z]\\w+/)", {lexicon_of("verbs", {"took", "took over", "bought"})});
    REQUIRE(c.pattern);
    CHECK(matches(*c.pattern, "Acme took over Zeta and bought Beta; it took Over") ==
          std::vector<std::string>{"took over Zeta|took over|Zeta", "bought Beta|bought|Beta", "took Over|took|Over"});
  }
  SECTION("a case-sensitive lexicon") {
    Compiled c("(?P<m>%{months})", {lexicon_of("months", {"May", "Jan."}, false)});
    REQUIRE(c.pattern);
    CHECK(matches(*c.pattern, "may May Jan Jan. jan.") == std::vector<std::string>{"May|May", "Jan.|Jan."});
  }
  SECTION("a regex matches a token whole, and its named groups are groups inside it") {
    Compiled c("/(?P<day>[0-3]?\\d)(?:st|nd|rd|th)?/ of");
    REQUIRE(c.pattern);
    REQUIRE(c.pattern->names() == std::vector<std::string>{"", "day"});
    // Anchored on "of", the one token before it walked back over.
    CHECK(c.pattern->anchored());
    CHECK(c.pattern->max_back() == 1);
    CHECK(c.pattern->first_words() == std::vector<std::uint64_t>{fold_hash("of")});
    CHECK(matches(*c.pattern, "the 21st of June, 123 of May, 4 of") == std::vector<std::string>{"21st of|21", "4 of|4"});
  }
  SECTION("~ puts a token directly after the previous one") {
    Compiled c("Jan ~'.'? /\\d+/");
    REQUIRE(c.pattern);
    CHECK(matches(*c.pattern, "Jan. 5, Jan 6, Jan .7") == std::vector<std::string>{"Jan. 5", "Jan 6"});
  }
}

TEST_CASE("token patterns: groups, alternation and repetition are leftmost-first", "[tokens]") {
  SECTION("the leftmost start wins, then the first alternative") {
    Compiled c("(?P<a>b) | a b c | a");
    REQUIRE(c.pattern);
    CHECK(matches(*c.pattern, "a b c") == std::vector<std::string>{"a b c|-"});
    CHECK(matches(*c.pattern, "a x b") == std::vector<std::string>{"a|-", "b|b"});
  }
  SECTION("greedy and lazy repetition") {
    Compiled greedy("x (?P<w>/[a-z]+/)* y");
    Compiled lazy("x (?P<w>/[a-z]+/)*? /[a-z]+/");
    REQUIRE(greedy.pattern);
    REQUIRE(lazy.pattern);
    // A group in a repetition keeps its last iteration, as in RE2.
    CHECK(matches(*greedy.pattern, "x a b y") == std::vector<std::string>{"x a b y|b"});
    CHECK(matches(*greedy.pattern, "x y") == std::vector<std::string>{"x y|-"});
    CHECK(matches(*lazy.pattern, "x a b") == std::vector<std::string>{"x a|-"});
  }
  SECTION("a branch is skipped only when its first token cannot start with the token's first byte") {
    // Alternatives whose first tokens start differently: a case-insensitive
    // word and lexicon (either case of the letter), a case-sensitive one, a
    // number, a regex of classes, one RE2 answers, and a branch that may
    // match without a token more (an optional last element).
    Compiled c("(Zeta | %{acq} | /[0-9][a-z]+/ | # | \"Qx\" | /(?:q|r)\\w+/ | foo (bar)?) (?P<t>end)?",
               {lexicon_of("acq", {"buys", "takes over"}), lexicon_of("cs", {"Exact"}, false)});
    REQUIRE(c.pattern);
    CHECK(matches_text(*c.pattern, "zeta ZETA Buys TAKES over 5th 42 Qx qx rest Rest foo foo bar end") ==
          std::vector<std::string>{"zeta", "ZETA", "Buys", "TAKES over", "5th", "42", "Qx", "qx", "rest", "foo",
                                   "foo bar end"});
    // A number whose regex starts with some digits only.
    Compiled num("(#/[5-9]\\d*/ | #/1\\d/) x");
    REQUIRE(num.pattern);
    CHECK(matches_text(*num.pattern, "57 x 12 x 42 x 5a x 9 x") == std::vector<std::string>{"57 x", "12 x", "9 x"});
    Compiled cs("a? (%{cs} | x)", {lexicon_of("cs", {"Exact"}, false)});
    REQUIRE(cs.pattern);
    CHECK(matches_text(*cs.pattern, "exact Exact a Exact a x") == std::vector<std::string>{"Exact", "a Exact", "a x"});
    // A branch that may match with no token more, deep in an alternative,
    // before another token and at the end.
    Compiled opt("a ((b)? | c) d?");
    REQUIRE(opt.pattern);
    // (The empty first alternative wins over "c", as in RE2.)
    CHECK(matches_text(*opt.pattern, "a e a c a b d a") == std::vector<std::string>{"a", "a", "a b d", "a"});
  }
  SECTION("counted repetition") {
    Compiled c("a{2,3} b");
    REQUIRE(c.pattern);
    CHECK(matches(*c.pattern, "a b a a b a a a a b") == std::vector<std::string>{"a a b", "a a a b"});
  }
  SECTION("first words: anchored patterns know where they can start") {
    // An optional first word ("the") is walked back over from the element
    // after it, whose words anchor the pattern.
    Compiled c("the? (?P<d>%{ord}) of", {lexicon_of("ord", {"first", "twenty-first"})});
    REQUIRE(c.pattern);
    CHECK(c.pattern->anchored());
    CHECK(c.pattern->max_back() == 1);
    auto w = c.pattern->first_words();
    CHECK(w.size() == 2);
    for (const char* word : {"first", "Twenty"})
      CHECK(std::find(w.begin(), w.end(), fold_hash(word)) != w.end());
    const std::string text = "The twenty-first of May and first of June, the the first";
    const auto tokens = tokenize(text);
    CHECK(TokenIndex({c.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{0, 1, 3, 7, 12, 13});
    // A slot the caller skips (a rule that will not run on the text) gets
    // no starts, and the others the same as without skipping.
    const TokenIndex two({c.pattern.get(), c.pattern.get()});
    const std::vector<char> skip_first = {1, 0}, skip_none = {0, 0};
    CHECK(two.starts(text, tokens, nullptr, &skip_first) ==
          std::vector<std::vector<std::uint32_t>>{{}, {0, 1, 3, 7, 12, 13}});
    CHECK(two.starts(text, tokens, nullptr, &skip_none) == two.starts(text, tokens));
    CHECK(matches(*c.pattern, text) == std::vector<std::string>{"The twenty-first of|twenty-first", "first of|first"});
    // A first element that every match has anchors it alone.
    Compiled d("(?P<d>%{ord}) of the?", {lexicon_of("ord", {"first"})});
    REQUIRE(d.pattern);
    CHECK(d.pattern->max_back() == 0);
    CHECK(d.pattern->first_words() == std::vector<std::uint64_t>{fold_hash("first")});
  }
  SECTION("nested repetition ends, and stays linear") {
    Compiled c("(a+ a?)* b");
    REQUIRE(c.pattern);
    std::string text;
    for (int i = 0; i < 3000; ++i) text += "a ";
    CHECK(matches(*c.pattern, text).empty());
    CHECK(matches(*c.pattern, text + "b").size() == 1);
  }
  SECTION("a text whose states outnumber the matcher's stamps is remembered a bit per state: the same answers") {
    // Program size times tokens over 2^18 (TokenMatcher::kMaxStamps).
    Compiled c("a (?P<x>b)");
    REQUIRE(c.pattern);
    std::string text;
    for (int i = 0; i < 150000; ++i) text += "a b ";
    const auto found = matches(*c.pattern, text + "a a");
    CHECK(found.size() == 150000);
    CHECK(std::all_of(found.begin(), found.end(), [](const std::string& m) { return m == "a b|b"; }));
  }
  SECTION("past the bits too (TokenMatcher::kMaxBits), in a table: the same answers") {
    // A program of about 3,000 steps over 100,000 tokens: 2^28 states.
    std::string words = "a";
    for (int i = 0; i < 1500; ++i) words += " | x" + std::to_string(i);
    Compiled c("(" + words + ") (?P<x>b)");
    REQUIRE(c.pattern);
    std::string text;
    for (int i = 0; i < 50000; ++i) text += i % 1000 == 7 ? "x1499 b " : "a b ";
    const auto found = matches(*c.pattern, text + "a a");
    CHECK(found.size() == 50000);
    CHECK(std::count(found.begin(), found.end(), "a b|b") == 50000 - 50);
    CHECK(std::count(found.begin(), found.end(), "x1499 b|b") == 50);
  }
  SECTION("many searches in a row: stamps of earlier searches never read as tried") {
    // A search from the start, 65,534 from further on, and one from the
    // start again: the states only the first one tried carry a stamp that
    // the last one's would equal, had the stamps not started over between.
    Compiled c("a (?P<x>b)");
    REQUIRE(c.pattern);
    const std::string text = "a b x a b";
    const auto tokens = tokenize(text);
    std::vector<Span> groups;
    REQUIRE(c.pattern->find(text, tokens, 0, nullptr, groups));
    CHECK(groups[1].start == 2);
    bool later = true;
    for (int i = 0; i < 65534; ++i) later = later && c.pattern->find(text, tokens, 6, nullptr, groups) && groups[1].start == 8;
    CHECK(later);
    REQUIRE(c.pattern->find(text, tokens, 0, nullptr, groups));
    CHECK(groups[1].start == 2);
  }
}

TEST_CASE("token patterns: (?gaps=...) says what white space may be between elements", "[tokens]") {
  const auto gaps = tokenize("a b\nc\r\nd\n\ne\ff");
  REQUIRE(gaps.size() == 6);
  std::vector<unsigned> gap_of;
  for (const Token& t : gaps) gap_of.push_back(t.gap);
  CHECK(gap_of == std::vector<unsigned>{0, 1, 2, 2, 3, 3});
  Compiled any("x y"), line("(?gaps=line) x y"), paragraph("(?gaps=paragraph) x y");
  REQUIRE(any.pattern);
  REQUIRE(line.pattern);
  REQUIRE(paragraph.pattern);
  const std::string text = "x y, x\ny, x\n\ny, x \t y";
  CHECK(matches(*any.pattern, text) == std::vector<std::string>{"x y", "x\ny", "x\n\ny", "x \t y"});
  CHECK(matches(*line.pattern, text) == std::vector<std::string>{"x y", "x \t y"});
  CHECK(matches(*paragraph.pattern, text) == std::vector<std::string>{"x y", "x\ny", "x \t y"});
  // A match's first token may follow anything.
  CHECK(matches(*line.pattern, "\n\n\nx y") == std::vector<std::string>{"x y"});
  // Inside a quoted text or a lexicon's form, a space is any white space.
  Compiled quoted("(?gaps=line) 'x y'");
  REQUIRE(quoted.pattern);
  CHECK(matches(*quoted.pattern, "x\ny") == std::vector<std::string>{"x\ny"});
  // ^: white space required (within the mode's bounds).
  Compiled blank_line("(?gaps=line) x ~',' ^y"), blank_any("x ~',' ^y");
  REQUIRE(blank_line.pattern);
  REQUIRE(blank_any.pattern);
  CHECK(matches(*blank_line.pattern, "x,y x, y x,\ny") == std::vector<std::string>{"x, y"});
  CHECK(matches(*blank_any.pattern, "x,y x, y x,\ny") == std::vector<std::string>{"x, y", "x,\ny"});
  // Before a group, ~ and ^ hold for every token the group may start with.
  Compiled group("x ~('-' | '.') ^(w? v)");
  REQUIRE(group.pattern);
  CHECK(matches(*group.pattern, "x- v, x.  w v, x - v, x.v, x.w v") == std::vector<std::string>{"x- v", "x.  w v"});
  // A group of its own gaps: before each of its elements, the first included.
  Compiled local("(?gaps=paragraph) a (?gaps=line: b c) d");
  REQUIRE(local.pattern);
  CHECK(matches(*local.pattern, "a\nb c\nd, a b\nc d, a b c\nd") == std::vector<std::string>{"a b c\nd"});
  // A ^ before such a group holds with the gaps where it is written: blanks
  // before `b`, then the group's own gaps.
  Compiled outer("(?gaps=line) a ^(?gaps=paragraph: b c)");
  REQUIRE(outer.pattern);
  CHECK(matches(*outer.pattern, "a\nb c, a b\nc, ab c") == std::vector<std::string>{"a b\nc"});
  Compiled outer_any("a ^(?gaps=line: b c)");
  REQUIRE(outer_any.pattern);
  CHECK(matches(*outer_any.pattern, "a\n\nb c, a\n\nb\nc") == std::vector<std::string>{"a\n\nb c"});
  // Such a group may start the pattern.
  Compiled first("(?gaps=line: a b) c");
  REQUIRE(first.pattern);
  CHECK(matches(*first.pattern, "a\nb c, a b\nc") == std::vector<std::string>{"a b\nc"});
  // (?gaps=one): at most one white-space character (a regex's \s?); with
  // ^, exactly one.
  Compiled one("(?gaps=one) x y"), one_some("(?gaps=one) x ~',' ^y");
  REQUIRE(one.pattern);
  REQUIRE(one_some.pattern);
  CHECK(matches(*one.pattern, "x y, x\ny, x  y, x\r\ny, x\ty") == std::vector<std::string>{"x y", "x\ny", "x\ty"});
  CHECK(matches(*one_some.pattern, "x,y x, y x,  y x,\ny") == std::vector<std::string>{"x, y", "x,\ny"});
  Compiled bad_local("a (?gaps=lines: b)");
  CHECK_FALSE(bad_local.pattern);
  Compiled bad("(?gaps=lines) x");
  CHECK_FALSE(bad.pattern);
  CHECK(bad.error == "(?gaps=...) is any, line, paragraph or one");
}

TEST_CASE("token patterns: a word anchors rather than punctuation before it", "[tokens]") {
  // A comma is in every sentence: the title after it anchors the pattern.
  Compiled c("(?P<who>/[A-Z]\\w+/+) ~',' ^(?P<t>%{titles}) of", {lexicon_of("titles", {"chairman", "chief executive"})});
  REQUIRE(c.pattern);
  CHECK(c.pattern->first_words() == std::vector<std::uint64_t>{std::min(fold_hash("chairman"), fold_hash("chief")),
                                                                std::max(fold_hash("chairman"), fold_hash("chief"))});
  const std::string text = "Ana Ruiz, chief executive of Zeta, and Bo, chairman of it; Al, a chairman of";
  const auto tokens = tokenize(text);
  const TokenIndex index({c.pattern.get()});
  const auto starts = index.starts(text, tokens);
  REQUIRE(starts.size() == 1);
  std::vector<std::string> found;
  std::vector<Span> groups;
  for (std::size_t pos = 0; c.pattern->find(text, tokens, pos, &starts[0], groups); pos = groups[0].end)
    found.emplace_back(text.substr(groups[0].start, groups[0].size()));
  CHECK(found == std::vector<std::string>{"Ana Ruiz, chief executive of", "Bo, chairman of"});
  CHECK(matches(*c.pattern, text) == std::vector<std::string>{"Ana Ruiz, chief executive of|Ana Ruiz|chief executive",
                                                               "Bo, chairman of|Bo|chairman"});
  // '@' marks the anchor: here the rarer "of" after the title (in these texts).
  Compiled marked("(?P<who>/[A-Z]\\w+/+) ~',' ^(?P<t>%{titles}) @of", {lexicon_of("titles", {"chairman", "chief executive"})});
  REQUIRE(marked.pattern);
  CHECK(marked.pattern->first_words() == std::vector<std::uint64_t>{fold_hash("of")});
  const TokenIndex by_of({marked.pattern.get()});
  const auto of_starts = by_of.starts(text, tokens);
  found.clear();
  for (std::size_t pos = 0; marked.pattern->find(text, tokens, pos, &of_starts[0], groups); pos = groups[0].end)
    found.emplace_back(text.substr(groups[0].start, groups[0].size()));
  CHECK(found == std::vector<std::string>{"Ana Ruiz, chief executive of", "Bo, chairman of"});
  // Also punctuation, when marked; never an element that may match nothing
  // or whose first words are not known.
  Compiled comma("(?P<who>/[A-Z]\\w+/+) @~',' ^(?P<t>%{titles})", {lexicon_of("titles", {"chairman"})});
  REQUIRE(comma.pattern);
  CHECK(comma.pattern->first_words() == std::vector<std::uint64_t>{fold_hash(",")});
  Compiled optional("x @y? z");
  CHECK_FALSE(optional.pattern);
  CHECK(optional.error == "'@' marks an element that every match has and that starts with known words");
  CHECK(optional.at == 2);
  Compiled regex("x @/[a-z]+/");
  CHECK_FALSE(regex.pattern);
  // A lexicon anchor whose first word is there without a whole form: no
  // walk back, no start.
  Compiled verb("(?P<who>/[A-Z]\\w+/) @%{verbs}", {lexicon_of("verbs", {"agreed to buy", "bought"})});
  REQUIRE(verb.pattern);
  const std::string deal_text = "Acme agreed to sell it. Zeta agreed to buy Beta. Omega bought";
  const auto deal_tokens = tokenize(deal_text);
  const TokenIndex by_verb({verb.pattern.get()});
  const auto verb_starts = by_verb.starts(deal_text, deal_tokens);
  std::vector<std::string> start_words;
  for (std::uint32_t t : verb_starts[0])
    start_words.emplace_back(deal_text.substr(deal_tokens[t].start, deal_tokens[t].end - deal_tokens[t].start));
  CHECK(start_words == std::vector<std::string>{"Zeta", "Omega"});
  CHECK(matches(*verb.pattern, deal_text) == std::vector<std::string>{"Zeta agreed to buy|Zeta", "Omega bought|Omega"});
  // Only punctuation to anchor on: it does.
  Compiled p("'<' ~/[A-Z]+/ ~'>'");
  REQUIRE(p.pattern);
  CHECK(p.pattern->first_words() == std::vector<std::uint64_t>{fold_hash("<")});
}

TEST_CASE("token patterns: anchored on a later element, walked back over the ones before", "[tokens]") {
  // Names (a regex) before a speech verb (a lexicon): the verb anchors it.
  Compiled c("(?P<who>/[A-Z]\\w+/+) (?P<v>%{verbs})", {lexicon_of("verbs", {"said", "told reporters"})});
  REQUIRE(c.pattern);
  CHECK(c.pattern->anchored());
  CHECK(c.pattern->max_back() == SIZE_MAX);
  CHECK(c.pattern->first_words() == std::vector<std::uint64_t>{std::min(fold_hash("said"), fold_hash("told")),
                                                                std::max(fold_hash("said"), fold_hash("told"))});
  const std::string text = "Yesterday Ana Ruiz said so; the man said; Bo Li told reporters and Al said";
  const auto tokens = tokenize(text);
  const TokenIndex index({c.pattern.get()});
  const auto starts = index.starts(text, tokens);
  // The capitalised words right before an anchor, where the names may start.
  std::vector<std::string> words;
  for (std::uint32_t t : starts[0]) words.push_back(text.substr(tokens[t].start, tokens[t].end - tokens[t].start));
  CHECK(words == std::vector<std::string>{"Yesterday", "Ana", "Ruiz", "Bo", "Li", "Al"});
  std::vector<Span> groups;
  std::vector<std::string> found;
  for (std::size_t pos = 0; c.pattern->find(text, tokens, pos, &starts[0], groups); pos = groups[0].end)
    found.push_back(text.substr(groups[0].start, groups[0].size()));
  CHECK(found == std::vector<std::string>{"Yesterday Ana Ruiz said", "Bo Li told reporters", "Al said"});
  // Each branch of an alternation has its own anchor: a number then a
  // currency word, or a number and a scale in one token then the word.
  Compiled alt("(/\\d+/ (?P<cur>%{cur}) | /(?P<n>\\d+)(?P<scale>mln)/ (?P<cur__2>%{cur})) each?",
               {lexicon_of("cur", {"dlrs", "usd"})});
  REQUIRE(alt.pattern);
  REQUIRE(alt.pattern->anchors().size() == 2);
  CHECK(alt.pattern->anchors()[0].max_back == 1);
  CHECK(alt.pattern->anchors()[1].max_back == 1);
  // A branch with no words at all (one regex token) leaves the whole unanchored.
  CHECK_FALSE(Compiled("(/\\d+/ dlrs | /\\d+usd/)").pattern->anchored());
  const std::string t4 = "5 dlrs, 7mln usd each, 8 usd, 9mln";
  const auto tok4 = tokenize(t4);
  std::vector<Span> g;
  std::vector<std::string> found4;
  const auto s4 = TokenIndex({alt.pattern.get()}).starts(t4, tok4);
  for (std::size_t pos = 0; alt.pattern->find(t4, tok4, pos, &s4[0], g); pos = g[0].end)
    found4.push_back(t4.substr(g[0].start, g[0].size()));
  CHECK(found4 == matches_text(*alt.pattern, t4));
  CHECK(found4 == std::vector<std::string>{"5 dlrs", "7mln usd each", "8 usd"});
  // A bounded prefix is walked back at most that far.
  Compiled two("/[A-Z]\\w+/{1,2} said");
  REQUIRE(two.pattern);
  CHECK(two.pattern->max_back() == 2);
  const std::string t2 = "Ab Cd Ef Gh said";
  const auto tok2 = tokenize(t2);
  CHECK(TokenIndex({two.pattern.get()}).starts(t2, tok2)[0] == std::vector<std::uint32_t>{2, 3});
  // A lexicon before the anchor is walked back over as its forms' words.
  Compiled lex("/x/ %{pre} said", {lexicon_of("pre", {"mr", "big boss"})});
  REQUIRE(lex.pattern);
  const std::string t3 = "x big boss said, x mr said, y boss said";
  const auto tok3 = tokenize(t3);
  CHECK(TokenIndex({lex.pattern.get()}).starts(t3, tok3)[0] == std::vector<std::uint32_t>{0, 5});
  CHECK(matches(*lex.pattern, t3) == std::vector<std::string>{"x big boss said", "x mr said"});
  CHECK(matches(*two.pattern, t2) == std::vector<std::string>{"Ef Gh said"});
}

TEST_CASE("token patterns: the words right after a one-word anchor are looked at before anything is tried there",
          "[tokens]") {
  // "will" anchors `will ^pay` only where "pay" comes next; "offered"
  // anchors its branch alone; a regex or a group after the anchor ends
  // the words looked at.
  Compiled c("(?P<who>/[A-Z]\\w+/) @^(will ^pay ^in /[a-z]+/ | offered)");
  REQUIRE(c.pattern);
  REQUIRE(c.pattern->anchors().size() == 2);
  CHECK(c.pattern->anchors()[0].follow == std::vector<std::uint64_t>{fold_hash("pay"), fold_hash("in")});
  CHECK(c.pattern->anchors()[1].follow.empty());
  const std::string text = "Acme will buy cash. Acme will pay in cash. Acme will pay dearly. Acme offered";
  const auto tokens = tokenize(text);
  // Tokens: Acme(0) will(1) buy(2) cash(3) .(4) Acme(5) will(6) pay(7)
  // in(8) cash(9) .(10) Acme(11) will(12) pay(13) dearly(14) .(15)
  // Acme(16) offered(17): walks back from 6 and 17 only.
  CHECK(TokenIndex({c.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{5, 16});
  CHECK(matches(*c.pattern, text) == std::vector<std::string>{"Acme will pay in cash|Acme", "Acme offered|Acme"});
  // Folded, as the anchor's words are: a match that tells the case apart
  // still decides.
  Compiled exact("(?case=sensitive) will ^pay");
  REQUIRE(exact.pattern);
  CHECK(exact.pattern->anchors()[0].follow == std::vector<std::uint64_t>{fold_hash("pay")});
  CHECK(TokenIndex({exact.pattern.get()}).starts("will Pay", tokenize("will Pay"))[0] == std::vector<std::uint32_t>{0});
  CHECK(matches(*exact.pattern, "will Pay will pay") == std::vector<std::string>{"will pay"});
}

TEST_CASE("token patterns: # is a number token and anchors the pattern", "[tokens]") {
  // `#`: any token that starts with an ASCII digit; `#/regex/`: one the
  // regex matches whole as well.
  Compiled any_number("# (?P<unit>units)"), pct("#/(?P<n>\\d+(?:\\.\\d+)?)/ ~'%'");
  REQUIRE(any_number.pattern);
  REQUIRE(pct.pattern);
  CHECK(matches(*any_number.pattern, "5 units, 1,500.25 units, 20K units, A5 units, five units, x 3rd units") ==
        std::vector<std::string>{"5 units|units", "1,500.25 units|units", "20K units|units", "3rd units|units"});
  CHECK(matches(*pct.pattern, "up 5%, 12.5% and 3.5x% or 7 %") == std::vector<std::string>{"5%|5", "12.5%|12.5"});
  // Both are anchored on numbers: tried only at tokens that start with a
  // digit, found through the index as a word would be.
  CHECK(any_number.pattern->anchored());
  CHECK(pct.pattern->anchored());
  CHECK(pct.pattern->first_words() == std::vector<std::uint64_t>{kNumberWord});
  const std::string text = "the 20 units and 7 more units";
  const auto tokens = tokenize(text);
  TokenIndex index({any_number.pattern.get(), pct.pattern.get()});
  const auto starts = index.starts(text, tokens);
  // "20"; not "7", which "units" does not follow (Anchor::then).
  CHECK(starts[0] == std::vector<std::uint32_t>{1});
  CHECK(index.starts("7 units", tokenize("7 units"))[0] == std::vector<std::uint32_t>{0});
  // pct's anchor must have its "%" next (Anchor::follow): none here.
  CHECK(starts[1].empty());
  const std::string percent = "20% and 7 units";
  CHECK(index.starts(percent, tokenize(percent))[1] == std::vector<std::uint32_t>{0});
  // Walked back over: a number before the anchor word.
  Compiled back("#/\\d+/ @units");
  REQUIRE(back.pattern);
  CHECK(matches(*back.pattern, "x 12 units, 12x units, y units") == std::vector<std::string>{"12 units"});
  std::vector<std::uint32_t> before;
  back.pattern->starts_before(text, tokens, 0, 2, before);
  CHECK(before == std::vector<std::uint32_t>{1});
  before.clear();
  back.pattern->starts_before(text, tokens, 0, 6, before);  // "more" is no number
  CHECK(before.empty());
  // A snapshot keeps the '#' (the expanded source), so the rule read back
  // is still anchored on numbers.
  const std::string yaml = R"(
patterns:
  N: '\d+'
rules:
  - id: t.units
    type: quantity
    tokens: '#/(?P<n>%{N})/ units | # points'
)";
  Diagnostics diags;
  RuleSet rs = load_rules_from_string("t.yaml", yaml, diags);
  REQUIRE_FALSE(diags.has_errors());
  CHECK(rs.rules[0].tokens->expanded() == "#/(?P<n>(?:\\d+))/ units | # points");
  const RuleSet read = read_back(rs, diags);
  CHECK(read.rules[0].tokens->expanded() == rs.rules[0].tokens->expanded());
  CHECK(read.rules[0].tokens->first_words() == std::vector<std::uint64_t>{kNumberWord});
  // A quoted '#' is the punctuation token.
  Compiled hash("'#' #");
  REQUIRE(hash.pattern);
  CHECK(matches_text(*hash.pattern, "# 1, #x, #2") == std::vector<std::string>{"# 1", "#2"});
}

TEST_CASE("token patterns: errors name what and where", "[tokens]") {
  auto error_of = [](const std::string& source) {
    Compiled c(source, {lexicon_of("lex", {"x"})});
    CHECK_FALSE(c.pattern);
    return c.error + " @" + std::to_string(c.at);
  };
  CHECK(error_of("a (b") == "missing ')' @2");
  CHECK(error_of("a | ") == "an empty alternative @4");
  CHECK(error_of("b?") == "the pattern can match no token at all @0");
  CHECK(error_of("%{nope}") .find("'%{nope}' is no lexicon") == 0);
  CHECK(error_of("a /[/").find("invalid regex: ") == 0);
  CHECK(error_of("a /x") == "unterminated '/regex/' @2");
  CHECK(error_of("a 'x") == "unterminated ' @2");
  CHECK(error_of("a b?*") == "a repetition of a repetition: put the inner one in ( ) @4");
  CHECK(error_of("a{3,2}") == "a repetition {m,n} needs m <= n @1");
  CHECK(error_of("a{101}") == "a repetition goes up to 100 @1");
  CHECK(error_of("(?P<x>a) (?P<x>b)") == "duplicate group name 'x' @13");
  CHECK(error_of("a-b") == "'a-b' is more than one token: quote it @0");
  CHECK(error_of("a (b?)*") == "a repetition of something that can match no token @6");
  // Nesting is bounded: the parser and the walks of the tree recurse.
  CHECK(Compiled(std::string(100, '(') + "a" + std::string(100, ')')).pattern);
  CHECK(error_of(std::string(5000, '(') + "a" + std::string(5000, ')')) == "groups nested more than 100 deep @100");
}

TEST_CASE("a token rule loads, runs in the scanner, and survives a snapshot", "[tokens]") {
  const std::string yaml = R"(
patterns:
  DAY: '(?P<day>[0-3]?\d)(?:st|nd|rd|th)?'
lexicons:
  month_t:
    entries: {January: 1, Jan: 1, March: 3, Mar: 3}
rules:
  - id: t.date
    type: date
    tokens: '(?P<month>%{month_t}) ~"."? /%{DAY}/ ~","? /(?P<year>(?:19|20)\d\d)/'
    fields: {month: lexicon:month_t, day: int, year: int}
    context: {not_before: 'until\s*$'}
    examples:
      - {text: "on Mar. 3rd, 2021 it", match: "Mar. 3rd, 2021", value: {date: "2021-03-03"}}
      - {reject: "until March 3 2021"}
)";
  Diagnostics diags;
  RuleSet rs = load_rules_from_string("t.yaml", yaml, diags);
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(rs.rules.size() == 1);
  const Rule& rule = rs.rules[0];
  REQUIRE(rule.tokens);
  CHECK_FALSE(rule.regex);
  CHECK(rule.pattern.empty());
  CHECK(rule.needs.always());
  CHECK(rule.group_fields == std::vector<std::string>{"", "month", "day", "year"});
  const std::string text = "Jan 5 1999, until March 3 2021, and january 31st, 2020.";
  auto describe = [&](const RuleSet& set) {
    Scanner scanner(set);
    std::string out;
    for (const Candidate& c : scanner.scan(text, "en")) {
      out += text.substr(c.span.start, c.span.size());
      for (const auto& [name, span] : c.captures) out += " " + std::string(name) + "=" + text.substr(span.start, span.size());
      out += ";";
    }
    return out;
  };
  const std::string expected = "Jan 5 1999 month=Jan day=5 year=1999;january 31st, 2020 month=january day=31 year=2020;";
  CHECK(describe(rs) == expected);
  // From a snapshot: the compiled program, the expanded source kept.
  const RuleSet back = read_back(rs, diags);
  REQUIRE(back.rules[0].tokens);
  CHECK(back.rules[0].tokens->expanded().find("%{DAY}") == std::string::npos);
  CHECK(back.rules[0].tokens->expanded().find("%{month_t}") != std::string::npos);
  CHECK(describe(back) == expected);
}

TEST_CASE("a /regex/ or a context written in several rules is compiled once per load", "[tokens]") {
  const std::string yaml = R"(
patterns:
  CAP: '[A-Z][a-z]+'
token_patterns:
  NAME_T: '/%{CAP}/ /%{CAP}/?'
rules:
  - id: t.said
    type: cue
    tokens: '(?P<who>%{NAME_T}) said'
  - id: t.told
    type: cue
    tokens: '(?P<who>%{NAME_T}) told /[a-z]+/'
  - id: t.asked
    type: cue
    tokens: '(?P<who>/%{CAP}/) asked /[a-z]+/'
    context: {not_before: '\d$'}
  - id: t.one
    type: cue
    pattern: '\bsaid\b'
    context: {not_before: '\d$'}
  - id: t.two
    type: cue
    pattern: '\bsaid\b'
    context: {not_before: '\d$'}
)";
  auto check = [](const RuleSet& rs) {
    REQUIRE(rs.rules.size() == 5);
    // Contexts are shared; a rule's own pattern (two rules, the same text)
    // is not: each rule has an automaton of its own.
    REQUIRE(rs.rules[2].context.not_before);
    CHECK(rs.rules[3].context.not_before == rs.rules[2].context.not_before);
    CHECK(rs.rules[4].context.not_before == rs.rules[2].context.not_before);
    if (rs.rules[3].regex) CHECK(rs.rules[3].regex != rs.rules[4].regex);
    const auto said = rs.rules[0].tokens->regexes();
    const auto told = rs.rules[1].tokens->regexes();
    const auto asked = rs.rules[2].tokens->regexes();
    REQUIRE(said.size() == 1);  // one predicate for the text written twice
    REQUIRE(told.size() == 2);
    REQUIRE(asked.size() == 2);
    CHECK(told[0] == said[0]);   // the same text in another rule
    CHECK(asked[0] == said[0]);  // through CAP, not NAME_T
    CHECK(told[1] == asked[1]);  // written out in two rules
    CHECK(told[1] != said[0]);
  };
  Diagnostics diags;
  RuleSet rs = load_rules_from_string("t.yaml", yaml, diags);
  REQUIRE_FALSE(diags.has_errors());
  check(rs);
  const RuleSet back = read_back(rs, diags);
  check(back);
  // Each load its own: nothing is shared with another rule set.
  CHECK(back.rules[0].tokens->regexes()[0] != rs.rules[0].tokens->regexes()[0]);
  Scanner scanner(back);
  CHECK(scanner.scan("Ann Lee said it, Bo told us, Cy asked me, 4 asked", "en").size() == 5);
}

TEST_CASE("a token rule with a unit and a phrase runs on the unit's copy, as a pattern does", "[tokens]") {
  const std::string yaml = R"(
lexicons:
  buy_t: {entries: [bought, agreed to buy]}
units:
  NAME_U:
    pattern: '[A-Z]\w+(?:[ \t]+[A-Z]\w+)*'
    phrases: {BUY_P: buy_t}
rules:
  - id: t.tokens
    type: cue
    tokens: '(?gaps=line) (?P<buyer>%{NAME_U}) ^%{BUY_P} ^(?P<target>%{NAME_U})'
  - id: t.pattern
    type: cue
    pattern: '(?P<buyer>%{NAME_U})[ \t]+%{BUY_P}[ \t]+(?P<target>%{NAME_U})'
  - id: t.regex
    type: cue
    tokens: '(?P<who>/%{NAME_U}/) said'
)";
  Diagnostics diags;
  RuleSet rs = load_rules_from_string("t.yaml", yaml, diags);
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(rs.rules.size() == 3);
  // The same unit variant (the unit with its phrase) for the token rule and
  // the pattern; the unit alone for the rule whose regex names it.
  REQUIRE(rs.rules[0].unit >= 0);
  CHECK(rs.rules[0].unit == rs.rules[1].unit);
  CHECK(rs.units[static_cast<std::size_t>(rs.rules[0].unit)].name == "NAME_U+BUY_P");
  REQUIRE(rs.rules[2].unit >= 0);
  CHECK(rs.units[static_cast<std::size_t>(rs.rules[2].unit)].name == "NAME_U");
  const std::string text = "Acme Corp agreed to buy Zeta Labs. Then Omega bought Beta, and Acme Corp said so; acme bought Beta.";
  auto describe = [&](const RuleSet& set, const std::string& id) {
    Scanner scanner(set);
    std::string out;
    for (const Candidate& c : scanner.scan(text, "en")) {
      if (set.rules[c.rule_index].id != id) continue;
      out += text.substr(c.span.start, c.span.size());
      for (const auto& [name, span] : c.captures) out += " " + std::string(name) + "=" + text.substr(span.start, span.size());
      out += ";";
    }
    return out;
  };
  const std::string deals = "Acme Corp agreed to buy Zeta Labs buyer=Acme Corp target=Zeta Labs;"
                            "Then Omega bought Beta buyer=Then Omega target=Beta;";
  CHECK(describe(rs, "t.pattern") == deals);
  CHECK(describe(rs, "t.tokens") == deals);
  CHECK(describe(rs, "t.regex") == "Acme Corp said who=Acme Corp;");
  // From a snapshot: the marks are in the expanded source.
  const RuleSet back = read_back(rs, diags);
  CHECK(back.rules[0].unit == rs.rules[0].unit);
  CHECK(describe(back, "t.tokens") == deals);
  CHECK(describe(back, "t.regex") == "Acme Corp said who=Acme Corp;");
}

TEST_CASE("a large document keeps one text's tokens at a time and finds the same matches", "[tokens]") {
  // Token rules on the document and on a unit's copy, written in the file
  // in turn (document, copy, document): over kOneTokenSetFrom bytes one
  // text's tokens are kept at a time, and the rules run grouped by the
  // text they read, which must not change what any rule finds or its order.
  const std::string yaml = R"(
lexicons:
  buy_t: {entries: [bought, agreed to buy]}
units:
  NAME_U: '[A-Z]\w+(?:[ \t]+[A-Z]\w+)*'
rules:
  - id: t.said
    type: cue
    tokens: '(?P<who>/[A-Z]\w+/) said'
  - id: t.buy
    type: cue
    tokens: '(?P<buyer>%{NAME_U}) @^%{buy_t} ^(?P<target>%{NAME_U})'
  - id: t.so
    type: cue
    tokens: 'said (?P<what>so)'
)";
  Diagnostics diags;
  RuleSet rs = load_rules_from_string("t.yaml", yaml, diags);
  REQUIRE_FALSE(diags.has_errors());
  std::string text;
  for (int i = 0; text.size() <= kOneTokenSetFrom; ++i)
    text += "Acme Corp bought Zeta Labs " + std::to_string(i) + ". Alpha said so.\n";
  Scanner scanner(rs);
  const std::vector<Candidate> all = scanner.scan(text, "en");
  std::vector<Candidate> one_by_one;
  for (std::size_t r = 0; r < rs.rules.size(); ++r) scanner.scan_rule(r, text, one_by_one);
  REQUIRE(all.size() == one_by_one.size());
  CHECK(all.size() == 3 * static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
  bool same = true;
  for (std::size_t k = 0; k < all.size(); ++k)
    same = same && all[k].rule_index == one_by_one[k].rule_index && all[k].span.start == one_by_one[k].span.start &&
           all[k].span.end == one_by_one[k].span.end;
  CHECK(same);
}

TEST_CASE("token rules run after the regex rules; matches come back in rule order", "[tokens]") {
  // The token rule comes first in the file and the regex rule, whose
  // matches are dense, second: the regex rule runs first, so a document it
  // cuts is split into tokens over the kept prefix only (the profile's
  // tokens row counts the tokens made), and the matches are in rule order.
  const std::string yaml = R"(
rules:
  - id: t.name
    type: organization
    tokens: '(?P<name>Zeta) Labs'
  - id: t.paid
    type: cue
    pattern: '\bpaid\b'
)";
  Diagnostics diags;
  RuleSet rs = load_rules_from_string("t.yaml", yaml, diags);
  REQUIRE_FALSE(diags.has_errors());
  std::string text;
  for (int i = 0; i < 400; ++i) text += "Zeta Labs paid " + std::to_string(i) + " and paid again\n";
  Scanner scanner(rs);
  const std::vector<Candidate> all = scanner.scan(text, "en");
  REQUIRE(all.size() == 1200);
  CHECK(all.front().rule_index == 0);
  CHECK(std::is_sorted(all.begin(), all.end(),
                       [](const Candidate& a, const Candidate& b) { return a.rule_index < b.rule_index; }));
  CHECK(std::count_if(all.begin(), all.end(), [](const Candidate& c) { return c.rule_index == 0; }) == 400);

  scanner.enable_profile();
  std::vector<std::size_t> scanned;
  const auto batch = scanner.scan_batch({text}, {"en"}, 200, &scanned);
  REQUIRE(scanned[0] < text.size() / 4);
  CHECK(std::is_sorted(batch[0].begin(), batch[0].end(),
                       [](const Candidate& a, const Candidate& b) { return a.rule_index < b.rule_index; }));
  std::uint64_t tokens_made = 0;
  for (const auto& row : scanner.profile())
    if (row.id == "tokens") tokens_made = row.matches;
  // Seven tokens a line, every one of the prefix's lines and no other's.
  const auto lines = static_cast<std::uint64_t>(std::count(text.begin(), text.begin() + scanned[0], '\n'));
  CHECK(tokens_made == 7 * lines);
}

TEST_CASE("token rule errors are one line at the rule's place", "[tokens]") {
  auto first_error = [](const std::string& yaml) {
    Diagnostics diags;
    load_rules_from_string("t.yaml", yaml, diags);
    REQUIRE(diags.has_errors());
    const Diagnostic& d = diags.items().front();
    return d.pos.path + ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " + d.message;
  };
  CHECK(first_error("rules:\n  - id: t.a\n    type: date\n    tokens: 'in (March'\n    examples: [{text: x}]\n") ==
        "t.yaml:4:17: rule 't.a': tokens: missing ')'");
  CHECK(first_error("rules:\n  - id: t.a\n    type: date\n    tokens: 'a'\n    pattern: 'a'\n") ==
        "t.yaml:4:13: rule 't.a' has both 'pattern' and 'tokens'; give one");
  CHECK(first_error("rules:\n  - id: t.a\n    type: date\n    tokens: 'a /%{NOPE}/'\n") ==
        "t.yaml:4:17: unknown sub-pattern '%{NOPE}'");
  CHECK(first_error("units:\n  A_U: '[A-Z]+'\n  B_U: '[0-9]+'\nrules:\n  - id: t.a\n    type: date\n"
                    "    tokens: '%{A_U} to %{B_U}'\n") ==
        "t.yaml:7:13: rule 't.a' uses the units 'A_U' and 'B_U'; a rule can use one unit");
}

namespace {

// The Env of `rs` (its lexicons), as a snapshot's reader makes it.
TokenPattern::Env env_of(const RuleSet& rs, std::map<std::string, std::shared_ptr<const RE2>>* regexes) {
  TokenPattern::Env env;
  env.lexicon = [&rs](const std::string& name) -> std::shared_ptr<const TokenLexicon> {
    const Lexicon* lexicon = rs.lexicon(name);
    return lexicon ? TokenLexicon::of(*lexicon) : nullptr;
  };
  env.options = rule_regex_options(rs.max_rule_mem);
  env.regexes = regexes;
  return env;
}

}  // namespace

TEST_CASE("every shipped token rule's program saves and restores to the same program and matches", "[tokens]") {
  Diagnostics diags;
  const RuleSet rs = load_rules(EXTRACT_TEST_RULES_DIR, diags);
  REQUIRE_FALSE(diags.has_errors());
  std::map<std::string, std::shared_ptr<const RE2>> regexes;
  const TokenPattern::Env env = env_of(rs, &regexes);
  // Sentences of this test's own, with the words the deal, figure and name
  // rules look for.
  const std::string text =
      "Vantor Holdings Inc said on Tuesday it agreed to acquire Pellam Systems Corp, a unit of "
      "Orrin Group plc, for 42.5 mln dlrs in cash, or 12 dlrs a share. The offer of 3.1 billion "
      "euros values the maker of valves at 30 pct more than its stock. Kiran Dass, chief "
      "executive of Vantor, said the merger would close by March 2027. PT Sinar Maju Tbk "
      "mengakuisisi 60 persen saham PT Lintas Data senilai Rp 1,2 triliun pada Senin. Brisk Labs was "
      "acquired by Halvard Energy two years ago; terms were not disclosed, according to people who "
      "know the matter. \"We bought it for the team,\" said Dass. Mr. Olu Bakare, the chairman of "
      "Orrin Group, said yesterday that Orrin has agreed to sell the unit on 3 March 2026.";
  std::size_t restored = 0, matched = 0;
  for (const Rule& rule : rs.rules) {
    if (!rule.tokens) continue;
    INFO(rule.id);
    const std::string bytes = rule.tokens->save();
    const auto back = TokenPattern::restore(bytes, env);
    REQUIRE(back);
    CHECK(back->save() == bytes);
    CHECK(back->names() == rule.tokens->names());
    CHECK(back->expanded() == rule.tokens->expanded());
    CHECK(back->first_words() == rule.tokens->first_words());
    // What the index reads of a walk's first steps, made again on restore.
    REQUIRE(back->anchors().size() == rule.tokens->anchors().size());
    for (std::size_t a = 0; a < back->anchors().size(); ++a) {
      const auto &was = rule.tokens->anchors()[a], &now = back->anchors()[a];
      CHECK(now.walk_reads_before == was.walk_reads_before);
      CHECK(now.before_words == was.before_words);
      CHECK(now.before_bytes.ascii[0] == was.before_bytes.ascii[0]);
      CHECK(now.before_bytes.ascii[1] == was.before_bytes.ascii[1]);
      CHECK(now.before_bytes.multibyte == was.before_bytes.multibyte);
    }
    const auto found = matches(*rule.tokens, text);
    CHECK(matches(*back, text) == found);
    matched += found.empty() ? 0 : 1;
    ++restored;
  }
  CHECK(restored > 60);
  CHECK(matched >= 15);  // the comparison is over matches, not only over empty lists
}

TEST_CASE("restoring a token program refuses bytes it did not write, and never reads out of bounds", "[tokens]") {
  Compiled c("(?P<who>/[A-Z][a-z]+/ (/(?P<initial>[A-Z])[a-z]*/)?) ~\",\"? @said (^%{lex})? (\"to\" | \"that\")",
             {lexicon_of("lex", {"on Monday", "today", "in a filing"})});
  REQUIRE(c.pattern);
  TokenPattern::Env env;
  env.lexicon = [&c](const std::string& name) -> std::shared_ptr<const TokenLexicon> {
    for (const Lexicon& l : c.lexicons)
      if (l.name == name) return TokenLexicon::of(l);
    return nullptr;
  };
  env.options = rule_regex_options(8 << 20);
  const std::string text = "Dana Kell said on Monday to the board; Marta J, said that. Kell said today that x";
  const auto expected = matches(*c.pattern, text);
  REQUIRE(expected == std::vector<std::string>{"Dana Kell said on Monday to|Dana Kell|K", "Marta J, said that|Marta J|J",
                                               "Kell said today that|Kell|-"});
  const std::string bytes = c.pattern->save();
  const auto same = TokenPattern::restore(bytes, env);
  REQUIRE(same);
  CHECK(matches(*same, text) == expected);

  // Every shorter prefix, and anything after the end, is refused.
  for (std::size_t n = 0; n < bytes.size(); ++n) CHECK_FALSE(TokenPattern::restore(bytes.substr(0, n), env));
  CHECK_FALSE(TokenPattern::restore(bytes + '\0', env));
  // A lexicon the rule set does not have.
  TokenPattern::Env no_lexicons = env;
  no_lexicons.lexicon = [](const std::string&) { return nullptr; };
  CHECK_FALSE(TokenPattern::restore(bytes, no_lexicons));

  // Each byte changed to other values: refused, or a pattern that runs (the
  // sanitizer build checks that it stays in bounds).
  std::size_t refused = 0, ran = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    for (unsigned v : {0u, 1u, 2u, 3u, 5u, 0x7fu, 0xffu, b ^ 1u, (b + 1u) & 0xffu}) {
      if (v == b) continue;
      std::string changed = bytes;
      changed[i] = static_cast<char>(v);
      if (const auto p = TokenPattern::restore(changed, env)) {
        matches(*p, text);
        ++ran;
      } else {
        ++refused;
      }
    }
  }
  CHECK(refused > 0);
  CHECK(ran > 0);

  // Jumps: out of the program, or a loop of steps that read no token.
  Compiled alt("\"a\" | \"b\"");
  REQUIRE(alt.pattern);
  const std::string alt_bytes = alt.pattern->save();
  // The first instruction, a split to 1 and 3: op 2, space 0, arg 0, x 1, y 3.
  const std::string split("\x02\x00\x00\x00\x00\x00\x01\x00\x00\x00\x03\x00\x00\x00", 14);
  const std::size_t at = alt_bytes.find(split);
  REQUIRE(at != std::string::npos);
  CHECK(TokenPattern::restore(alt_bytes, env));
  auto with_y = [&](unsigned char y) {
    std::string b = alt_bytes;
    b[at + 10] = static_cast<char>(y);
    return b;
  };
  CHECK(TokenPattern::restore(with_y(4), env));         // to the match: still a program
  CHECK_FALSE(TokenPattern::restore(with_y(0), env));   // to itself: a loop without a token
  CHECK_FALSE(TokenPattern::restore(with_y(99), env));  // past the end
}

TEST_CASE("walks back over a long run: the same matches as trying every token, the starts listed once", "[tokens]") {
  // Capitalised words without end before many anchors: each walk back would
  // read the whole run before it; past kMaxBackStates a walk gives up and
  // lists every token it could reach, and the walks after it stop there.
  Compiled c("(?P<name>/[A-Z][a-z]+/ (^/[A-Z][a-z]+/ | ^and ^/[A-Z][a-z]+/)*) @^(Corp | Inc) (~\".\")?");
  REQUIRE(c.pattern);
  REQUIRE(c.pattern->max_back() == SIZE_MAX);
  std::string run, words;
  for (int i = 0; i < 3000; ++i) run += i % 7 == 3 ? "Orrin and Vale Inc. " : "Acme Corp ";
  for (int i = 0; i < 5000; ++i) words += "Acme ";
  // One name of 5,000 words: its start is past what the walk from "Corp"
  // reads before giving up; the short name after it is just past the range
  // that walk lists.
  const std::string long_name = "so " + words + "Corp, and Vale Inc. said";
  for (const std::string& text : {"a list: " + run + "and the rest.", "Dana Kell and Orrin Lamm Corp said, as Vale Inc. did. " + run,
                                  std::string("no name here, nor Corp; Vale Inc. and Ames Corp."), long_name}) {
    const auto tokens = tokenize(text);
    const auto starts = TokenIndex({c.pattern.get()}).starts(text, tokens)[0];
    CHECK(std::is_sorted(starts.begin(), starts.end()));
    CHECK(std::adjacent_find(starts.begin(), starts.end()) == starts.end());
    std::vector<std::string> indexed;
    std::vector<Span> groups;
    for (std::size_t pos = 0; c.pattern->find(text, tokens, pos, &starts, groups); pos = groups[0].end)
      indexed.emplace_back(text.substr(groups[0].start, groups[0].size()));
    CHECK(indexed == matches_text(*c.pattern, text));
    CHECK_FALSE(indexed.empty());
    if (text == long_name) CHECK(indexed == std::vector<std::string>{words + "Corp", "Vale Inc."});
  }
}

TEST_CASE("a walk back reads a token only with the spacing its step wants, unless the match starts there", "[tokens]") {
  // A name's glued parts ("Perkin-Elmer"): a word after a space is no glued
  // part, so the walk does not go on through it (the "-" and "Acme" before
  // "Widget" start no match), but any spacing is right for a first token.
  Compiled c("(?P<who>/[A-Z][a-z]+/ (~\"-\" ~/[A-Z][a-z]+/)*) @^said");
  REQUIRE(c.pattern);
  const std::string text = "Then Perkin-Elmer said it. Acme - Widget said no. - Lone said so.";
  const auto tokens = tokenize(text);
  // Then(0) Perkin(1) -(2) Elmer(3) said(4) it(5) .(6) Acme(7) -(8)
  // Widget(9) said(10) no(11) .(12) -(13) Lone(14) said(15) so(16) .(17)
  CHECK(TokenIndex({c.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{1, 3, 9, 14});
  CHECK(matches(*c.pattern, text) == std::vector<std::string>{"Perkin-Elmer said|Perkin-Elmer", "Widget said|Widget",
                                                              "Lone said|Lone"});
  // A first element that wants its token glued to the one before: the
  // text's first token, and one after a space, still start a match.
  Compiled glued("(?P<w>~/[A-Z][a-z]+/) @^said");
  REQUIRE(glued.pattern);
  const std::string two = "Acme said. x Bolt said";
  CHECK(TokenIndex({glued.pattern.get()}).starts(two, tokenize(two))[0] == std::vector<std::uint32_t>{0, 4});
  CHECK(matches(*glued.pattern, two) == std::vector<std::string>{"Acme said|Acme", "Bolt said|Bolt"});
}

TEST_CASE("a one-word anchor is tried only before the first words of what follows it", "[tokens]") {
  // Anchor::then: "and" of `and ^%{forms}` only where a form starts next.
  Compiled c("(?P<name>/[A-Z][a-z]+/) @^and ^%{forms}", {lexicon_of("forms", {"Co", "Sons Ltd"})});
  INFO(c.error);
  REQUIRE(c.pattern);
  const std::string text = "Ames and Co, Bell and others, Dunn and Sons Ltd, Egan and Sons";
  const auto tokens = tokenize(text);
  // Walked back from the "and"s before "Co" and "Sons Ltd" (to "Ames" and
  // "Dunn") and before the last "Sons" (a form's first word, though not a
  // whole form: to "Egan"); not from the one before "others".
  CHECK(TokenIndex({c.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{0, 8, 13});
  CHECK(matches_text(*c.pattern, text) == std::vector<std::string>{"Ames and Co", "Dunn and Sons Ltd"});
  // Saved and restored with it.
  TokenPattern::Env env;
  env.lexicon = [&c](const std::string& name) -> std::shared_ptr<const TokenLexicon> {
    return name == "forms" ? TokenLexicon::of(c.lexicons[0]) : nullptr;
  };
  env.options = rule_regex_options(8 << 20);
  const auto back = TokenPattern::restore(c.pattern->save(), env);
  REQUIRE(back);
  CHECK(TokenIndex({back.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{0, 8, 13});
}

TEST_CASE("an anchor of several one-token choices is tried only before what follows it", "[tokens]") {
  // Each word of `(bought | purchased)` (and of a lexicon of one-word
  // forms) is one token: Anchor::follow and Anchor::then apply to each.
  Compiled words("(bought | purchased) ^(the | its) ^stake");
  REQUIRE(words.pattern);
  REQUIRE(words.pattern->anchors().size() == 2);
  const std::vector<std::uint64_t> then{std::min(fold_hash("the"), fold_hash("its")),
                                        std::max(fold_hash("the"), fold_hash("its"))};
  for (const auto& a : words.pattern->anchors()) CHECK(a.then == then);
  Compiled lex("%{verbs} (in ^cash)? ^for", {lexicon_of("verbs", {"bought", "sold"})});
  REQUIRE(lex.pattern);
  REQUIRE(lex.pattern->anchors().size() == 1);
  CHECK(lex.pattern->anchors()[0].follow.empty());
  // `(in ^cash)?` may be missing: the next token is "in" or "for".
  CHECK(lex.pattern->anchors()[0].then ==
        std::vector<std::uint64_t>{std::min(fold_hash("in"), fold_hash("for")), std::max(fold_hash("in"), fold_hash("for"))});
  Compiled seq("(bought | purchased) ^for ^(cash | stock)", {});
  REQUIRE(seq.pattern);
  for (const auto& a : seq.pattern->anchors()) {
    CHECK(a.follow == std::vector<std::uint64_t>{fold_hash("for")});
    CHECK(a.then.size() == 2);
  }
  // Not a choice of which one reads two tokens.
  Compiled two("(bought | took ^over) ^the ^stake");
  REQUIRE(two.pattern);
  for (const auto& a : two.pattern->anchors()) CHECK(a.then.empty());
  // Only the "bought" and "purchased" before "the" or "its" are tried.
  const std::string text = "It bought shares, purchased the stake and bought its stake; purchased a stake.";
  const auto tokens = tokenize(text);
  CHECK(TokenIndex({words.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{4, 8});
  CHECK(matches_text(*words.pattern, text) == std::vector<std::string>{"purchased the stake", "bought its stake"});
}

TEST_CASE("a one-token anchor is tried only before what may come next, through elements that may be missing",
          "[tokens]") {
  // Anchor::then through `~"."?` and `the?`: the words that may come next.
  Compiled words("%{months} ~\".\"? the? (first | second)", {lexicon_of("months", {"may", "june"})});
  REQUIRE(words.pattern);
  std::vector<std::uint64_t> then{fold_hash("."), fold_hash("the"), fold_hash("first"), fold_hash("second")};
  std::sort(then.begin(), then.end());
  CHECK(words.pattern->anchors()[0].then == then);
  CHECK_FALSE(words.pattern->anchors()[0].then_bytes_known);
  // Anchor::then_bytes when a regex or a number may come next: the bytes
  // it starts with.
  Compiled caps("the ^/[A-Z][a-z]+/ ^said");
  REQUIRE(caps.pattern);
  const auto& a = caps.pattern->anchors()[0];
  CHECK(a.then.empty());
  REQUIRE(a.then_bytes_known);
  CHECK(a.then_bytes.has('Q'));
  CHECK_FALSE(a.then_bytes.has('q'));
  Compiled number("%{months} ~\".\"? #", {lexicon_of("months", {"may", "june"})});
  REQUIRE(number.pattern);
  REQUIRE(number.pattern->anchors()[0].then_bytes_known);
  CHECK(number.pattern->anchors()[0].then_bytes.has('.'));
  CHECK(number.pattern->anchors()[0].then_bytes.has('7'));
  CHECK_FALSE(number.pattern->anchors()[0].then_bytes.has('b'));
  // Nothing known when a regex of any first byte, or nothing at all, may come next.
  Compiled any("the ^/.+/ ^said");
  REQUIRE(any.pattern);
  CHECK_FALSE(any.pattern->anchors()[0].then_bytes_known);
  Compiled optional("(said | told) ^/[A-Z]\\w*/?");
  REQUIRE(optional.pattern);
  for (const auto& o : optional.pattern->anchors()) {
    CHECK(o.then.empty());
    CHECK_FALSE(o.then_bytes_known);
  }
  const std::string text = "The Quill said the end said the Rook said , May 5 and may be June. 7 ; may first";
  // Tokens: The(0) Quill(1) said(2) the(3) end(4) said(5) the(6) Rook(7) said(8) ,(9) May(10) 5(11)
  // and(12) may(13) be(14) June(15) .(16) 7(17) ;(18) may(19) first(20)
  const auto tokens = tokenize(text);
  CHECK(TokenIndex({caps.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{0, 6});
  CHECK(matches_text(*caps.pattern, text) == std::vector<std::string>{"The Quill said", "the Rook said"});
  CHECK(TokenIndex({number.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{10, 15});
  CHECK(matches_text(*number.pattern, text) == std::vector<std::string>{"May 5", "June. 7"});
  // (At "June" the "." may be followed by "the": tried there, and fails.)
  CHECK(TokenIndex({words.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{15, 19});
  CHECK(matches_text(*words.pattern, text) == std::vector<std::string>{"may first"});
  // Saved and restored with them.
  TokenPattern::Env env;
  env.options = rule_regex_options(8 << 20);
  const auto back = TokenPattern::restore(caps.pattern->save(), env);
  REQUIRE(back);
  CHECK(back->anchors()[0].then_bytes_known);
  CHECK(back->anchors()[0].then_bytes == caps.pattern->anchors()[0].then_bytes);
  CHECK(TokenIndex({back.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{0, 6});
}

TEST_CASE("a number anchor with a regex is tried only at the numbers it matches", "[tokens]") {
  // Anchor::number_regex: `#/\d+pct/` anchors at "5pct", not at "7" or "12".
  Compiled c("(about)? ^#/\\d+pct/ | #/\\d+/ ^units");
  INFO(c.error);
  REQUIRE(c.pattern);
  REQUIRE(c.pattern->anchors().size() == 2);
  CHECK(c.pattern->anchors()[0].number_regex != TokenPattern::kNoPred);
  CHECK(c.pattern->anchors()[1].number_regex != TokenPattern::kNoPred);
  Compiled plain("# ^units");
  REQUIRE(plain.pattern);
  CHECK(plain.pattern->anchors()[0].number_regex == TokenPattern::kNoPred);
  const std::string text = "about 5pct of 7 units, 12 more and 40pct";
  const auto tokens = tokenize(text);
  // Tokens: about(0) 5pct(1) of(2) 7(3) units(4) ,(5) 12(6) more(7) and(8)
  // 40pct(9); "12" is not followed by "units" (Anchor::follow).
  CHECK(TokenIndex({c.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{0, 1, 3, 9});
  CHECK(matches_text(*c.pattern, text) == std::vector<std::string>{"about 5pct", "7 units", "40pct"});
  // Saved and restored with it.
  TokenPattern::Env env;
  env.options = rule_regex_options(8 << 20);
  const auto back = TokenPattern::restore(c.pattern->save(), env);
  REQUIRE(back);
  CHECK(TokenIndex({back.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{0, 1, 3, 9});
}

TEST_CASE("the answers of a /regex/ are kept per text and shared by the patterns that read it", "[tokens]") {
  // Two patterns of one load, the same word regex in both (one RE2).
  std::map<std::string, std::shared_ptr<const RE2>> shared;
  auto compile = [&](const std::string& source) {
    TokenPattern::Env env;
    env.options = rule_regex_options(8 << 20);
    env.regexes = &shared;
    std::string error;
    std::size_t at = 0;
    auto p = TokenPattern::compile(source, env, error, at);
    REQUIRE(p);
    return p;
  };
  const auto said = compile("(?P<who>/[A-Z][a-z]+/ (^/[A-Z][a-z]+/)?) @^said");
  const auto met = compile("met ^(?P<who>/[A-Z][a-z]+/)");
  REQUIRE(said->regexes().size() == 1);
  REQUIRE(met->regexes() == said->regexes());
  const RE2* word = said->regexes()[0];
  const std::string text = "Ann Lee said she met Bo, then QUIET Cy said no, met quiet and met QUIET.";
  const auto tokens = tokenize(text);
  auto all = [&](const TokenPattern& p, RegexAnswers* answers) {
    std::vector<std::string> out;
    std::vector<Span> groups;
    const auto starts = TokenIndex({&p}).starts(text, tokens, answers)[0];
    for (std::size_t pos = 0; p.find(text, tokens, pos, &starts, groups, answers); pos = groups[0].end)
      out.emplace_back(text.substr(groups[1].start, groups[1].size()));
    return out;
  };
  RegexAnswers answers(tokens.size());
  const auto said_alone = all(*said, nullptr), met_alone = all(*met, nullptr);
  CHECK(said_alone == std::vector<std::string>{"Ann Lee", "Cy"});
  CHECK(met_alone == std::vector<std::string>{"Bo"});
  CHECK(all(*said, &answers) == said_alone);
  // What the first pattern asked is there for the second: "Cy" (token 9)
  // a word, "QUIET" (token 8) not.
  std::uint8_t* row = answers.row(word);
  REQUIRE(row != nullptr);
  REQUIRE(text.substr(tokens[8].start, 5) == "QUIET");
  CHECK(RegexAnswers::get(row, 8) == 1);
  CHECK(RegexAnswers::get(row, 9) == 2);
  // The second reads them rather than asking again: an answer planted for
  // the last "QUIET" (which the first never asked about) is taken as given.
  const std::size_t last_quiet = tokens.size() - 2;
  REQUIRE(text.substr(tokens[last_quiet].start, 5) == "QUIET");
  CHECK(RegexAnswers::get(row, last_quiet) == 0);
  RegexAnswers::set(row, last_quiet, true);
  CHECK(all(*met, &answers) == std::vector<std::string>{"Bo", "QUIET"});
  RegexAnswers fresh(tokens.size());
  CHECK(all(*met, &fresh) == met_alone);
  CHECK(RegexAnswers::get(fresh.row(word), last_quiet) == 1);
  // A word that starts with a byte the regex's words cannot start with
  // ("quiet" after the second "met") is answered without asking it.
  const std::size_t lower_quiet = last_quiet - 3;
  REQUIRE(text.substr(tokens[lower_quiet].start, 5) == "quiet");
  CHECK(RegexAnswers::get(fresh.row(word), lower_quiet) == 0);
  // Past the budget a regex gets no row, and a search remembers its own.
  RegexAnswers full(4 * RegexAnswers::kMaxAnswers);
  const RE2 other("x");
  std::uint8_t* first = full.row(word);
  CHECK(first != nullptr);
  CHECK(full.row(&other) == nullptr);
  CHECK(full.row(word) == first);
  // (Rows of a quarter of the budget each, four answers a byte: four
  // other regexes spend it.)
  RegexAnswers spent(RegexAnswers::kMaxAnswers);
  const RE2 a("a"), b("b"), c("c"), d("d");
  for (const RE2* re : {&a, &b, &c, &d}) CHECK(spent.row(re) != nullptr);
  CHECK(spent.row(word) == nullptr);
  CHECK(all(*said, &spent) == said_alone);
  CHECK(all(*met, &spent) == met_alone);
}

TEST_CASE("what a /regex/ answered on a word is not taken for another regex at its address", "[tokens]") {
  // Each thread keeps RE2's answers by word across texts, keyed by the
  // regex's address. A pattern freed and another compiled may get that
  // address (the allocator hands back the block just freed): its answers
  // must be its own. Without forgetting at each free, the second pattern
  // here would read the first one's "no" for "Acme" and find nothing.
  // (Alternatives, so that RE2 answers rather than ClassSequence.)
  const std::string text = "Acme 42 Acme";
  std::set<const RE2*> addresses;
  bool reused = false;
  for (int round = 0; round < 64 && !(reused && round >= 8); ++round) {
    const bool digits = round % 2 == 0;
    Compiled c(digits ? "/(?:[0-9]+|zz)/" : "/(?:[A-Z][a-z]+|zz)/");
    REQUIRE(c.pattern);
    REQUIRE_FALSE(ClassSequence::of(c.pattern->regexes().at(0)->pattern()));
    reused = !addresses.insert(c.pattern->regexes().at(0)).second || reused;
    CHECK(matches_text(*c.pattern, text) ==
          (digits ? std::vector<std::string>{"42"} : std::vector<std::string>{"Acme", "Acme"}));
  }
  // glibc's allocator reuses a block of the same size at once, so the
  // checks above saw an address come back; a sanitizer's allocator holds
  // freed blocks back, and there they only show the answers right.
  if (!reused) WARN("no regex address came back: the reuse case was not exercised");
  // The same regex, asked again about a word of another text, still
  // answers for that text's word, not a remembered neighbour's.
  Compiled word("/(?:[A-Z][a-z]+|zz)/");
  CHECK(matches_text(*word.pattern, "Acme acme") == std::vector<std::string>{"Acme"});
  CHECK(matches_text(*word.pattern, "acme Acmeco") == std::vector<std::string>{"Acmeco"});
}

namespace {

// Words to ask regexes about: letters of several scripts and cases, digits,
// marks, and the edges (one character, invalid UTF-8).
const std::vector<std::string>& sample_words() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w = {"a", "A", "Z", "z", "0", "9", "_", "-", ".", ",", "'", "\u2019", "&", "/", "(",
                                  ")", "$", "%", "\u00e9", "\u00c9", "\u00d7", "\u00f7", "\u0100", "\u017d",
                                  "\u0250", "\u4e2d", "\u00df", " ", "\t", "Acme", "acme", "ACME", "eBay",
                                  "iPhone", "McDonald", "O", "Co", "Corp", "co", "Inc", "3Com", "1987", "12.5",
                                  "1,000.25", "5pct", "40mln", "10x", "x10", "Gemini", "Gemini-1", "A1",
                                  "\u00c9cole", "\u00e9cole", "Zo\u00eb", "S\u00e3o", "\u017durnal",
                                  "na\u00efve", "abc_def", "abc-def", "a.b", "U.S", "USA", "usa", "dlrs",
                                  "Mb\u00b2", "\xff", "a\xc3", "\xc3\xa9\xff", "1\xff", "Ab,\xc3", "Tbk", "PT", "it's"};
    return w;
  }();
  return words;
}

}  // namespace

TEST_CASE("a regex of classes in a row answers as RE2 does, without it", "[tokens]") {
  const std::vector<std::string> simple = {
      "[A-Z]", "[A-Z][a-z]*", "(?:[A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017d])(?:[A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f])*",
      "\\d+", "\\d{1,3}", "\\d{2,}", "[\\d.,]+", "[^,;()]+", "\\S+", "\\w+", "\\W", "[a-z]{1,2}[A-Z][a-z]*",
      "[''\u2019]", "s", "Co", "dlrs?", "[\\w'&\\/()-]+", "[\\w$.,\\/-]+", "[A-Za-z]+", "\\d+[A-Z][A-Za-z0-9]*",
      "[a-]", "[-a]", "[^\\S]", "[\\D]+", "x*?", "[0-9]+?", "(?:[a-z])+", "(?:[A-Z]){2,4}", "\\.", "[.]",
      "[^a-z\u00e0-\u00ff]+", "[\u00e0-\u00ff\u00c0-\u00e5]+", "d{0,3}", "a{0}b", "[.]{10,12}"};
  const std::vector<std::string> other = {"a|b", "(a)", "(?i:[a-z]+)", "(?i)x", "[[:alpha:]]+", ".+", "^a", "a$",
                                          "\\bx", "\\pL+", "(?:[a-z]+)*", "(?P<n>\\d+)", "a{1000}", "\\x41",
                                          "(?:a|b)", "[a-z]**", "d{00,3}", "a{01}", "a{,3}"};
  for (const std::string& p : simple) {
    INFO(p);
    const auto cs = ClassSequence::of(p);
    REQUIRE(cs);
    const RE2 re(p);
    REQUIRE(re.ok());
    for (const std::string& w : sample_words()) {
      INFO(w);
      const int mine = cs->full_match(w);
      // A word RE2 matches starts with a byte first_bytes() allows.
      if (RE2::FullMatch(w, re)) CHECK(cs->first_bytes().has(static_cast<unsigned char>(w[0])));
      // Invalid text, and only that, is left to RE2 (wherever the
      // automaton stops: the word's end, a byte it cannot read, a dead end).
      CHECK((mine < 0) == find_invalid_utf8(w).has_value());
      if (mine < 0) continue;
      CHECK((mine == 1) == RE2::FullMatch(w, re));
    }
  }
  for (const std::string& p : other) {
    INFO(p);
    CHECK_FALSE(ClassSequence::of(p));
  }
}

TEST_CASE("a regex of words in alternation answers as RE2 does, without it", "[tokens]") {
  const std::vector<std::string> taken = {"Inc|Co|Corp|Ltd", "(?:and|of|de|du|&)", "a|an|the", "it's|its",
                                          "co|com|id|io|ai", "\u00c9cole|Zo\u00eb", "A-1|B_2", "x", "(?:PT)",
                                          "and|and|of"};
  const std::vector<std::string> refused = {"a|", "|a", "a||b", "(?i:a|b)", "[Tt]he", "a.b|c", "Inc\\.|Co",
                                            "(?:a)|(?:b)", "a|b*", "(a|b)", "", "(?:)", "^a|b", "a b|c"};
  for (const std::string& p : taken) {
    INFO(p);
    const auto wa = WordAlternation::of(p);
    REQUIRE(wa);
    const RE2 re(p);
    REQUIRE(re.ok());
    std::vector<std::string> words = sample_words();
    for (const char* w : {"Inc", "inc", "Corp", "Corpo", "and", "an", "the", "it's", "its", "com", "ai", "A-1", "B_2",
                          "x", "PT", "of", "\u00c9cole", "Zo\u00eb", "Zo"})
      words.emplace_back(w);
    for (const std::string& w : words) {
      INFO(w);
      CHECK(wa->full_match(w) == RE2::FullMatch(w, re));
      if (RE2::FullMatch(w, re)) CHECK(wa->first_bytes().has(static_cast<unsigned char>(w[0])));
    }
  }
  for (const std::string& p : refused) {
    INFO(p);
    CHECK_FALSE(WordAlternation::of(p));
  }
  // The first bytes of "Inc|Co|Corp|Ltd": I, C and L, and no other.
  const auto f = WordAlternation::of("Inc|Co|Corp|Ltd")->first_bytes();
  std::string ascii;
  for (int b = 1; b < 128; ++b)
    if (f.has(static_cast<unsigned char>(b))) ascii += static_cast<char>(b);
  CHECK(ascii == "CIL");
  CHECK_FALSE(f.has(0xC3));
  CHECK(WordAlternation::of("\u00c9cole|x")->first_bytes().has(0xC3));
}

TEST_CASE("a context pattern of classes answers as RE2 does, without it", "[tokens]") {
  // Windows before and after a match: words, marks, spaces, non-ASCII,
  // the empty window, and invalid UTF-8 (left to RE2).
  std::vector<std::string> windows = {"", " ", "a", "rose 5", "rose 5,", "at $", "the Acme", "x-", "-4", "-a",
                                      ".5 mln", ",3", "% of", "\u00e9t\u00e9", "caf\u00e9", "Zo\u00eb's",
                                      "O\u2019", "\xff", "ab\xc3", "\xc3\xa9", "tail \xe2\x82", "said on",
                                      "  2", "5pct", "Inc.'", "x"};
  for (const std::string& w : sample_words()) windows.push_back(w), windows.push_back("word " + w);
  // Against `compiled` (a rule's own RE2), or the pattern compiled here.
  auto check = [&](const std::string& pattern, bool before, const RE2* compiled = nullptr) {
    INFO(pattern);
    const auto fast = AnchoredClasses::of(pattern, before);
    REQUIRE(fast);
    const RE2 own(pattern);
    const RE2& re = compiled ? *compiled : own;
    REQUIRE(re.ok());
    for (const std::string& w : windows) {
      INFO(w);
      const int mine = fast->partial_match(w);
      if (mine < 0) {
        CHECK(find_invalid_utf8(w));  // only invalid text is left to RE2
        continue;
      }
      CHECK((mine == 1) == RE2::PartialMatch(w, re));
    }
  };
  // As the loader wraps them: (?:E)$ before a match, ^(?:E) after it.
  for (const char* e : {"[\\w.,-]$", "(?:[\\w.,-]$)", "[\\w.,]$", "\\w['\u2019]?$", "\\d-", "[$\u00a3]\\s?",
                        "x|\\d\\d", "(?:(?:[.,]$))", "\\s?"})
    check("(?:" + std::string(e) + ")$", true);
  for (const char* e : {"^(?:[.,]\\d|\\w)", "(?:^(?:[.,]\\d|\\w))", "^(?:\\$|-\\w)", "-\\w|\\.\\w", "\\s*\\d",
                        "\\s+[A-Z]", "[^,\\n]+,", "%", "[]x]+"})
    check("^(?:" + std::string(e) + ")", false);
  // Refused: alternatives in groups, flags, words, lookarounds RE2 has not,
  // unbounded suffixes, and patterns the loader does not make.
  for (const auto& [pattern, before] : std::vector<std::pair<std::string, bool>>{
           {"(?:\\b(?i:since|ended)\\s+$)$", true}, {"(?:x*$)$", true}, {"(?:[a-z]+$)$", true}, {"(?:\\s*)$", true},
           {"^(?:^\\s+(?:be|have)\\b|^\\s*\\d)", false}, {"^(?:(?:a)|(?:b))", false}, {"(?:a)", true},
           {"(?:a)", false}, {"^(?:a\\$)", true}, {"(?:a\\$)", true}})
    CHECK_FALSE(AnchoredClasses::of(pattern, before));
  // The shipped rules' contexts that it takes answer as RE2 does, and the
  // most frequent ones are among them.
  std::size_t taken = 0;
  for (const Rule& rule : testing::shipped().rules().rules) {
    const auto& c = rule.context;
    const std::shared_ptr<const RE2>* res[4] = {&c.before, &c.not_before, &c.after, &c.not_after};
    for (std::size_t k = 0; k < 4; ++k) {
      if (!*res[k] || !AnchoredClasses::of((*res[k])->pattern(), k < 2)) continue;
      ++taken;
      check((*res[k])->pattern(), k < 2, res[k]->get());
    }
  }
  CHECK(taken >= 15);
}

TEST_CASE("a regex of classes in a row knows the bytes its words can start with", "[tokens]") {
  auto first = [](const char* p) {
    const auto cs = ClassSequence::of(p);
    REQUIRE(cs);
    const auto f = cs->first_bytes();
    std::string ascii;
    for (int b = 1; b < 128; ++b)
      if (f.has(static_cast<unsigned char>(b))) ascii += static_cast<char>(b);
    return std::make_pair(ascii, f.has(0xC3));
  };
  CHECK(first("[A-Z][a-z]*") == std::make_pair(std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), false));
  // Past optional and starred slots, to the first one a word must read.
  CHECK(first("\\d*[a-c]?x") == std::make_pair(std::string("0123456789abcx"), false));
  CHECK(first("[a-c]{0,2}[\u00e9]") == std::make_pair(std::string("abc"), true));
  // A negated class takes every byte from 128.
  const auto [ascii, multibyte] = first("[^,;()]+");
  CHECK(ascii.size() == 127 - 4);
  CHECK(ascii.find(',') == std::string::npos);
  CHECK(multibyte);
}

TEST_CASE("the shipped token rules' word regexes answer as RE2 does without it", "[tokens]") {
  std::set<const RE2*> all;
  for (const auto& rule : testing::shipped().rules().rules)
    if (rule.tokens)
      for (const RE2* re : rule.tokens->regexes()) all.insert(re);
  REQUIRE(all.size() > 20);
  // Words of a text of this file's own, and the samples.
  const std::string text =
      "Kestrel Robotics Inc said on Tuesday it bought 40pct of Arunika Data Tbk for 1,250.5 mln dlrs, "
      "its Lyon-based unit's \u00c9cole-7 plant (KRB.N) and 3Com's eBay shares; O'Neill & Sons, U.S. "
      "12 x 40 units -- PT Sinar Jaya 2026 s.a. \u201cnaive\u201d 5mn 7k Gemini-1.5 10:30 GMT";
  std::vector<std::string> words = sample_words();
  for (const Token& t : tokenize(text)) words.push_back(text.substr(t.start, t.end - t.start));
  std::size_t simple = 0, alternations = 0;
  for (const RE2* re : all) {
    const auto cs = ClassSequence::of(re->pattern());
    if (const auto wa = cs ? std::nullopt : WordAlternation::of(re->pattern())) {
      ++alternations;
      INFO(re->pattern());
      for (const std::string& w : words) {
        INFO(w);
        CHECK(wa->full_match(w) == RE2::FullMatch(w, *re));
      }
    }
    if (!cs) continue;
    ++simple;
    INFO(re->pattern());
    for (const std::string& w : words) {
      INFO(w);
      const int mine = cs->full_match(w);
      if (mine >= 0) CHECK((mine == 1) == RE2::FullMatch(w, *re));
      if (RE2::FullMatch(w, *re)) CHECK(cs->first_bytes().has(static_cast<unsigned char>(w[0])));
    }
  }
  // Most of them (a parser that took fewer would still answer right, and
  // slowly: this floor notices), and the word lists among the others.
  CHECK(simple * 2 > all.size());
  CHECK(alternations >= 5);
}

TEST_CASE("a token lexicon finds the forms starting at a token among thousands of first words", "[tokens]") {
  Lexicon lex;
  lex.case_insensitive = true;
  // 3,000 one-word forms (the root's table probes past its collisions),
  // and forms sharing first words, with and without white space after them.
  for (int i = 0; i < 3000; ++i) lex.add("form" + std::to_string(i), i);
  lex.add("Acme", 1);
  lex.add("Acme Corp", 2);
  lex.add("Acme Corp Holdings", 3);
  lex.add("mid-", 4);
  lex.add("mid year", 5);
  const auto tl = TokenLexicon::of(lex);
  const std::string text = "ACME corp holdings said form2999 and form3000 rose mid-year, mid year; Acmes";
  const std::vector<Token> tokens = tokenize(text);
  auto ends_at = [&](const std::string& word, std::size_t nth = 0) {
    std::size_t seen = 0;
    for (std::size_t t = 0; t < tokens.size(); ++t) {
      if (text.substr(tokens[t].start, tokens[t].end - tokens[t].start) != word || seen++ != nth) continue;
      std::vector<std::uint32_t> ends;
      tl->match(text, tokens, t, ends);
      for (auto& e : ends) e -= static_cast<std::uint32_t>(t);  // as lengths in tokens
      return ends;
    }
    FAIL("no token " << word);
    return std::vector<std::uint32_t>{};
  };
  CHECK(ends_at("ACME") == std::vector<std::uint32_t>{3, 2, 1});  // longest first
  CHECK(ends_at("form2999") == std::vector<std::uint32_t>{1});
  CHECK(ends_at("form3000").empty());
  CHECK(ends_at("said").empty());
  CHECK(ends_at("mid", 0) == std::vector<std::uint32_t>{2});  // "mid-", not "mid year"
  CHECK(ends_at("mid", 1) == std::vector<std::uint32_t>{2});  // "mid year", not "mid-"
  CHECK(ends_at("Acmes").empty());
}

namespace {

// Whether `p`'s needs hold for a text with exactly the words of `words`.
bool needs_hold_for(const TokenPattern& p, std::string_view words) {
  std::set<std::uint64_t> have;
  for (const Token& t : tokenize(words)) {
    have.insert(t.folded);
    if (words[t.start] >= '0' && words[t.start] <= '9') have.insert(kNumberWord);
  }
  return p.needs_hold([&](std::uint64_t h) { return have.count(h) > 0; });
}

// The whole matches of `p` in `text` tried at the index's starts alone.
std::vector<std::string> indexed_matches(const TokenPattern& p, std::string_view text) {
  const auto tokens = tokenize(text);
  const auto starts = TokenIndex({&p}).starts(text, tokens)[0];
  std::vector<std::string> out;
  std::vector<Span> groups;
  for (std::size_t pos = 0; p.find(text, tokens, pos, &starts, groups); pos = groups[0].end)
    out.emplace_back(text.substr(groups[0].start, groups[0].size()));
  return out;
}

}  // namespace

TEST_CASE("a token pattern needs the words every match has, beyond its anchors' own", "[tokens]") {
  // A sequence needs each element's words, an alternation one branch's.
  Compiled c("@said ^(that | whether) (^/[a-z]+/)? ^today");
  REQUIRE(c.pattern);
  CHECK_FALSE(c.pattern->needs().empty());
  CHECK(needs_hold_for(*c.pattern, "that today"));
  CHECK(needs_hold_for(*c.pattern, "Today, WHETHER"));  // words compare folded
  CHECK_FALSE(needs_hold_for(*c.pattern, "said today"));
  CHECK_FALSE(needs_hold_for(*c.pattern, "said that"));
  // No start is listed in a text without them, and the matches stay those
  // of trying every token.
  for (std::string text : {"she said that today", "she said so today; he said whether soon today", "she said today",
                           "he said that, and said whether not"}) {
    INFO(text);
    CHECK(indexed_matches(*c.pattern, text) == matches_text(*c.pattern, text));
  }
  CHECK(TokenIndex({c.pattern.get()}).starts("she said today", tokenize("she said today"))[0].empty());
  CHECK(indexed_matches(*c.pattern, "she said so today; he said whether soon today") ==
        std::vector<std::string>{"said whether soon today"});

  // The anchor's own words are known to be there: a pattern whose other
  // elements are a regex, optional or repeated from none needs nothing.
  Compiled loose("@said (^that)? ^/[A-Z][a-z]+/ (^very)* (^(now | then))?");
  REQUIRE(loose.pattern);
  CHECK(loose.pattern->needs().empty());
  Compiled either("(bought | sold) ^it");
  REQUIRE(either.pattern);
  REQUIRE(either.pattern->needs().size() == 1);
  CHECK(needs_hold_for(*either.pattern, "it"));
  CHECK_FALSE(needs_hold_for(*either.pattern, "bought sold"));

  // A number (`#`) needs a token that starts with a digit; a lexicon one of
  // its first words.
  Compiled number("@said ^# ^pct");
  REQUIRE(number.pattern);
  CHECK(needs_hold_for(*number.pattern, "3rd pct"));
  CHECK_FALSE(needs_hold_for(*number.pattern, "three pct"));
  Compiled lex("@said ^%{days}", {lexicon_of("days", {"on Monday", "today"})});
  REQUIRE(lex.pattern);
  CHECK(needs_hold_for(*lex.pattern, "on"));
  CHECK(needs_hold_for(*lex.pattern, "today"));
  CHECK_FALSE(needs_hold_for(*lex.pattern, "Monday"));
  CHECK(indexed_matches(*lex.pattern, "she said Monday, he said on Monday") == std::vector<std::string>{"said on Monday"});

  // Too many to be worth asking (an alternation of more than 32 words):
  // nothing needed, never a wrong answer.
  std::string many = "@said ^(";
  for (int i = 0; i < 40; ++i) many += (i ? " | w" : "w") + std::to_string(i);
  Compiled wide(many + ")");
  REQUIRE(wide.pattern);
  CHECK(wide.pattern->needs().empty());
  CHECK(indexed_matches(*wide.pattern, "she said w39") == std::vector<std::string>{"said w39"});
}

TEST_CASE("a lexicon anchor of several-word forms is tried only where one of its forms starts", "[tokens]") {
  // Anchor::check, at the pattern's start as well as after elements walked
  // back over: "New" and "Wall" are first words of forms, but only "New
  // York Times" and "Wall Street Journal" are forms.
  const std::vector<Lexicon> papers = {lexicon_of("papers", {"New York Times", "Wall Street Journal", "Herald"})};
  Compiled first("(?P<paper>%{papers}) ^said", papers);
  Compiled later("/[A-Z]\\w+/ ^of ^the @^(?P<paper>%{papers})", papers);
  REQUIRE(first.pattern);
  REQUIRE(later.pattern);
  REQUIRE(first.pattern->anchors().size() == 1);
  REQUIRE(later.pattern->anchors().size() == 1);
  CHECK(first.pattern->anchors()[0].check != nullptr);
  CHECK(later.pattern->anchors()[0].check != nullptr);
  // A lexicon of one-word forms needs no check: its first words are its forms.
  Compiled single("%{verbs} ^said", {lexicon_of("verbs", {"bought", "sold"})});
  REQUIRE(single.pattern);
  CHECK(single.pattern->anchors()[0].check == nullptr);
  const std::string text =
      "New rules said the Wall Street Journal said ; Editor of the New York Times said Wall Street said , "
      "Herald said";
  // Tokens: New(0) rules(1) said(2) the(3) Wall(4) Street(5) Journal(6) said(7) ;(8) Editor(9) of(10)
  // the(11) New(12) York(13) Times(14) said(15) Wall(16) Street(17) said(18) ,(19) Herald(20) said(21)
  const auto tokens = tokenize(text);
  CHECK(TokenIndex({first.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{4, 12, 20});
  CHECK(matches_text(*first.pattern, text) ==
        std::vector<std::string>{"Wall Street Journal said", "New York Times said", "Herald said"});
  CHECK(indexed_matches(*first.pattern, text) == matches_text(*first.pattern, text));
  CHECK(TokenIndex({later.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{9});
  CHECK(matches_text(*later.pattern, text) == std::vector<std::string>{"Editor of the New York Times"});
  CHECK(indexed_matches(*later.pattern, text) == matches_text(*later.pattern, text));
  // No form anywhere: no start, so the rule is not run on the text.
  const std::string none = "New rules said ; Wall Street said";
  CHECK(TokenIndex({first.pattern.get()}).starts(none, tokenize(none))[0].empty());
  // Before the check, the word after the anchor's: one that a form's second
  // token has ("Wall Street" above, then no "Journal"), or any when a form
  // is the first word alone.
  const auto lex = TokenLexicon::of(lexicon_of("places", {"New York", "New Jersey", "new delhi", "Newark", "Wall Street"}));
  std::vector<std::uint64_t> after_new = {fold_hash("york"), fold_hash("jersey"), fold_hash("delhi")};
  std::sort(after_new.begin(), after_new.end());
  CHECK(lex->second_words(fold_hash("new")) == std::optional<std::vector<std::uint64_t>>(after_new));
  CHECK(lex->second_words(fold_hash("Newark")) == std::nullopt);
  CHECK(lex->second_words(fold_hash("Boston")) == std::optional<std::vector<std::uint64_t>>(std::vector<std::uint64_t>{}));
  const auto alone = TokenLexicon::of(lexicon_of("alone", {"New", "New York"}));
  CHECK(alone->second_words(fold_hash("new")) == std::nullopt);
}

TEST_CASE("the shipped token rules find the same matches from the index, needs and all, as at every token",
          "[tokens]") {
  Diagnostics diags;
  const RuleSet rs = load_rules(EXTRACT_TEST_RULES_DIR, diags);
  REQUIRE_FALSE(diags.has_errors());
  // Texts of this test's own: runs of 3 to 10 words picked at random from a
  // few sentences that have the words the rules look for, so that some
  // texts have what a rule needs and others lack part of it.
  const std::vector<std::string> words = texts_of(
      "Vantor Holdings Inc said on Tuesday it agreed to acquire Pellam Systems Corp , a unit of Orrin Group plc , "
      "for 42.5 mln dlrs in cash , or 12 dlrs a share . The offer of 3.1 billion euros was not disclosed . "
      "Kiran Dass , chief executive of Vantor , said the merger would close by March 2027 , and that its "
      "shares were tendered in response to the bid . He told the Securities and Exchange Commission on "
      "Monday next week that it had sold its stake to Brisk Labs for an undisclosed sum , according to Dass .");
  std::uint32_t seed = 7;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u, (seed >> 8) & 0xffffff; };
  std::size_t rules = 0, found = 0, skipped = 0;
  for (const Rule& rule : rs.rules) {
    if (!rule.tokens) continue;
    INFO(rule.id);
    ++rules;
    for (int n = 0; n < 100; ++n) {
      std::string text;
      for (int run = 0; run < 6; ++run) {
        const std::size_t from = next() % words.size(), size = 3 + next() % 8;
        for (std::size_t w = from; w < std::min(words.size(), from + size); ++w) text += words[w] + " ";
        text += next() % 4 == 0 ? "\n" : "";
      }
      INFO(text);
      const auto every = matches_text(*rule.tokens, text);
      CHECK(indexed_matches(*rule.tokens, text) == every);
      found += every.size();
      if (!needs_hold_for(*rule.tokens, text)) {
        CHECK(every.empty());
        ++skipped;
      }
    }
  }
  CHECK(rules > 80);
  CHECK(found > 100);    // matches were compared, not only empty lists
  CHECK(skipped > 1000);  // and texts without a rule's needs were among them
}

TEST_CASE("a search that failed from an earlier token does not keep a later first token from matching", "[tokens]") {
  // From "x"(1) the second "x" had to be glued and is not; from "x"(2) any
  // spacing is right, as for every first token: the states a search went
  // through at its first token are not taken as tried by the next search.
  // The same match from every token as from the index's (a fuzz target
  // found the two apart, the index listing no start at the first "x").
  Compiled loop("(?:~x | y)*? z");
  REQUIRE(loop.pattern);
  const std::string text = "b x x z";
  CHECK(matches_text(*loop.pattern, text) == std::vector<std::string>{"x z"});
  CHECK(indexed_matches(*loop.pattern, text) == matches_text(*loop.pattern, text));
}

TEST_CASE("a walk back is made only after a token its first step can read, with the same starts", "[tokens]") {
  // The first step back from "unit" reads the word "a": after "the", and
  // at the text's first token, no walk is made. The starts and matches
  // stay those of walking from every anchor and of trying every token.
  Compiled word("(?P<n>/[A-Z][a-z]+/ ~\",\" ^a) @^unit");
  REQUIRE(word.pattern);
  const std::string text = "unit of Acme, a unit; the unit, Bell, a unit. a unit";
  const auto tokens = tokenize(text);
  // unit(0) of(1) Acme(2) ,(3) a(4) unit(5) ;(6) the(7) unit(8) ,(9)
  // Bell(10) ,(11) a(12) unit(13) .(14) a(15) unit(16)
  REQUIRE(word.pattern->anchors().size() == 1);
  const TokenPattern::Anchor& unit = word.pattern->anchors()[0];
  CHECK(unit.walk_reads_before);
  CHECK(unit.before_words == std::vector<std::uint64_t>{fold_hash("a")});
  CHECK_FALSE(unit.before_bytes.has('a'));
  CHECK(TokenIndex({word.pattern.get()}).starts(text, tokens)[0] == std::vector<std::uint32_t>{2, 10});
  CHECK(indexed_matches(*word.pattern, text) == std::vector<std::string>{"Acme, a unit", "Bell, a unit"});
  CHECK(indexed_matches(*word.pattern, text) == matches_text(*word.pattern, text));
  // A first step that reads a regex: "." walks back only after a token
  // that starts with a capital ("Q."), not after "said" or "q".
  Compiled initial("(?P<i>/[A-Z]/) @~\".\" ^Vantrell");
  REQUIRE(initial.pattern);
  REQUIRE(initial.pattern->anchors().size() == 1);
  const TokenPattern::Anchor& dot = initial.pattern->anchors()[0];
  CHECK(dot.walk_reads_before);
  CHECK(dot.before_words.empty());
  CHECK(dot.before_bytes.has('Q'));
  CHECK_FALSE(dot.before_bytes.has('q'));
  const std::string names = ". Vantrell. Lorna Q. Vantrell said. Vantrell q. Vantrell G . Vantrell";
  CHECK(indexed_matches(*initial.pattern, names) == std::vector<std::string>{"Q. Vantrell"});
  CHECK(indexed_matches(*initial.pattern, names) == matches_text(*initial.pattern, names));
  // A walk that may end at the anchor (what comes before it is optional)
  // is made everywhere: the anchor itself starts a match.
  Compiled optional("(?P<n>/[A-Z][a-z]+/)? @said");
  REQUIRE(optional.pattern);
  CHECK_FALSE(optional.pattern->anchors().at(0).walk_reads_before);
  const std::string said = "said it, Acme said, the shop said";
  CHECK(indexed_matches(*optional.pattern, said) == std::vector<std::string>{"said", "Acme said", "said"});
  CHECK(indexed_matches(*optional.pattern, said) == matches_text(*optional.pattern, said));
}
