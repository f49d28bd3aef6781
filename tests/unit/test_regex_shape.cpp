// Reading a pattern's shape (rules/regex_shape.hpp): where escapes, classes
// and groups end, and the part of a pattern that decides whether it matches
// anywhere, checked against RE2 on generated patterns and texts.
#include <catch2/catch.hpp>

#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "rules/regex_shape.hpp"

using namespace extract;

namespace {
constexpr auto npos = std::string_view::npos;
}

TEST_CASE("regex_skip passes an escape or a class whole", "[regex_shape]") {
  CHECK(regex_skip("\\d+", 0) == 2);
  CHECK(regex_skip("\\pL+", 0) == 3);
  CHECK(regex_skip("\\p{Greek}x", 0) == 9);
  CHECK(regex_skip("\\x41x", 0) == 4);
  CHECK(regex_skip("\\x{263a}x", 0) == 8);
  CHECK(regex_skip("\\101x", 0) == 4);
  CHECK(regex_skip("\\\xC3\xA9x", 0) == 3);  // an escaped é: both of its bytes
  CHECK(regex_skip("\\Qa\\E", 0) == npos);
  CHECK(regex_skip("a\\", 1) == npos);
  CHECK(regex_skip("[^]a]b", 0) == 5);
  CHECK(regex_skip("[]a]b", 0) == 4);
  CHECK(regex_skip("[a\\]b]c", 0) == 6);
  CHECK(regex_skip("[[:alpha:]x]y", 0) == 12);
  CHECK(regex_skip("[[:]y", 0) == 4);  // `[` and `:`: no class name
  CHECK(regex_skip("[abc", 0) == npos);
  CHECK(regex_skip("ab", 0) == 1);
}

TEST_CASE("regex_group_end skips escapes and classes", "[regex_shape]") {
  CHECK(regex_group_end("(a(b)c)d", 0) == 6);
  CHECK(regex_group_end("(a\\)b)", 0) == 5);
  CHECK(regex_group_end("(a[)]b)", 0) == 6);
  CHECK(regex_group_end("(a[]()]b)", 0) == 8);
  CHECK(regex_group_end("x(a)", 1) == 3);
  CHECK(regex_group_end("(a", 0) == npos);
  CHECK(regex_group_end("(a[)", 0) == npos);
}

TEST_CASE("regex_existence_core drops what can match empty at the sides", "[regex_shape]") {
  // An optional qualifier and an optional scale around an amount.
  CHECK(regex_existence_core("(?:(?:about|some)\\s+)?\\$\\d+(?:\\.\\d+)?(?:\\s*(?:million|billion))?") == "\\$\\d+");
  // In a group that is all of an alternative, on both sides; in the first
  // and last groups of a sequence, on their free side only.
  CHECK(regex_existence_core("(?P<n>(?:pre\\s)?core(?:\\spost)?)") == "(?P<n>core)");
  CHECK(regex_existence_core("(?i:(?:very\\s+)?big)") == "(?i:big)");
  CHECK(regex_existence_core("(?:x?a|b)c(?:d|e?f)") == "(?:a|b)c(?:d|e?f)");
  CHECK(regex_existence_core("(?:a|bx?)c(?:dy?|e)") == "(?:a|bx?)c(?:d|e)");
  CHECK(regex_existence_core("x?a|b\\s*") == "a|b");
  // A group whose every element may be empty, by an alternative.
  CHECK(regex_existence_core("(?:a|b?)c") == "c");
  CHECK(regex_existence_core("(?:(?:a)?)+c") == "c");
  // Quantifiers: lazy ones, counts from zero, and a `{` that is a literal.
  CHECK(regex_existence_core("a??xb{0,3}?") == "x");
  CHECK(regex_existence_core("a{0}b") == "b");
  CHECK(regex_existence_core("a{1,3}b") == "a{1,3}b");
  CHECK(regex_existence_core("a{,3}b") == "a{,3}b");
  CHECK(regex_existence_core("a{10}b?") == "a{10}");
  CHECK(regex_existence_core("b?a{1,2}c?") == "a{1,2}");
  // (RE2 reads a count with a leading zero as literal text, and a `{`
  // with no `}`.)
  CHECK(regex_existence_core("xa{00,1}") == "xa{00,1}");
  CHECK(regex_existence_core("xa{0,01}") == "xa{0,01}");
  CHECK(regex_existence_core("\\d{0,03") == "\\d{0,03");  // (found by the fuzz target)
  CHECK(regex_existence_core("\\d{0,03}") == "\\d{0,03}");
  CHECK(regex_existence_core("\\d{0,") == "\\d{0,");
  CHECK(regex_existence_core("\\d{11234*") == "\\d{1123");
  // (and a number of ten digits or more: found by the fuzz target)
  CHECK(regex_existence_core("x\\d{0,1234567890}") == "x\\d{0,1234567890}");
  CHECK(regex_existence_core("xa{1234567890}?") == "xa{1234567890");
  CHECK(regex_existence_core("xa{1234567890,}") == "xa{1234567890,}");
  CHECK(regex_existence_core("xa{0,123456789}b") == "xa{0,123456789}b");
  CHECK(regex_existence_core("b?a{0,123456789}x") == "x");
  // A character is all of its bytes.
  CHECK(regex_existence_core("\xC3\xA9?x\xC3\xA9*") == "x");
  CHECK(regex_existence_core("x\xC3\xA9+") == "x\xC3\xA9+");
  // Kept: assertions, which can fail, and elements in the middle.
  CHECK(regex_existence_core("\\b\\d+(?:\\.\\d+)?\\b") == "\\b\\d+(?:\\.\\d+)?\\b");
  CHECK(regex_existence_core("(?:\\b)c") == "(?:\\b)c");
  CHECK(regex_existence_core("^a?b$") == "^a?b$");
  CHECK(regex_existence_core("A(?:x|y?)B") == "A(?:x|y?)B");
  // Unchanged: flags for the rest of the pattern, quoted text, an
  // alternative that matches empty everywhere, and what it cannot read.
  CHECK(regex_existence_core("(?i)abc(?:d)?") == "(?i)abc(?:d)?");
  CHECK(regex_existence_core("a(?i)b?") == "a(?i)b?");
  CHECK(regex_existence_core("\\Qa?\\E") == "\\Qa?\\E");
  CHECK(regex_existence_core("a?|b") == "a?|b");
  CHECK(regex_existence_core("x*") == "x*");
  CHECK(regex_existence_core("") == "");
  CHECK(regex_existence_core("(a") == "(a");
  CHECK(regex_existence_core("a)b?") == "a)b?");
  CHECK(regex_existence_core("[ab") == "[ab");
}

namespace {

// A random pattern over a few letters: literals, classes, assertions,
// groups of every kind, alternations and quantifiers, `depth` deep.
std::string random_pattern(std::mt19937& rng, int depth) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  static const char* const atoms[] = {"a", "b", "c", " ", "[ab]", "[^a ]", "\\s", "\\w", ".", "\\b",
                                      "\\B", "^", "$", "\xC3\xA9", "\\d", "(?i)"};
  static const char* const quantifiers[] = {"", "", "", "?", "*", "+", "{0,2}", "{1,2}", "{2}", "??", "*?", "{10}", "{00,1}", "{0,01}", "{0,",
                                            "{0,1234567890}", "{1234567890}"};
  std::string out;
  const int elements = 1 + pick(4);
  for (int e = 0; e < elements; ++e) {
    std::string atom;
    if (depth > 0 && pick(3) == 0) {
      static const char* const opens[] = {"(?:", "(", "(?P<g>", "(?i:"};
      std::string open = opens[pick(4)];
      if (open == "(?P<g>") open = "(?P<g" + std::to_string(rng() % 100000) + ">";
      atom = open + random_pattern(rng, depth - 1);
      if (pick(2) == 0) atom += "|" + (pick(4) == 0 ? std::string() : random_pattern(rng, depth - 1));
      atom += ")";
    } else {
      atom = atoms[pick(16)];
    }
    // (RE2 refuses a repeated empty-width assertion in some forms: any
    // pattern it refuses is skipped below.)
    out += atom + quantifiers[pick(static_cast<int>(std::size(quantifiers)))];
  }
  if (depth > 0 && pick(4) == 0) out += "|" + random_pattern(rng, depth - 1);
  return out;
}

std::string random_text(std::mt19937& rng) {
  static const char* const pieces[] = {"a", "b", "c", " ", "A", "B", "1", "\xC3\xA9", "\xC3\x89", "-"};
  std::string out;
  const int n = static_cast<int>(rng() % 9);
  for (int i = 0; i < n; ++i) out += pieces[rng() % 10];
  return out;
}

}  // namespace

TEST_CASE("regex_existence_core matches somewhere exactly where the pattern does", "[regex_shape]") {
  std::mt19937 rng(20261206);
  RE2::Options o;
  o.set_log_errors(false);
  int compared = 0, changed = 0;
  for (int round = 0; round < 4000; ++round) {
    const std::string pattern = random_pattern(rng, 3);
    const RE2 whole(pattern, o);
    if (!whole.ok()) continue;
    const std::string core = regex_existence_core(pattern);
    const RE2 part(core, o);
    INFO("pattern /" << pattern << "/, core /" << core << "/");
    REQUIRE(part.ok());
    if (core != pattern) ++changed;
    for (int t = 0; t < 40; ++t) {
      const std::string text = random_text(rng);
      INFO("text '" << text << "'");
      REQUIRE(RE2::PartialMatch(text, whole) == RE2::PartialMatch(text, part));
      ++compared;
    }
  }
  // The generator makes patterns of every kind, many of them shortened.
  CHECK(compared > 100000);
  CHECK(changed > 1000);
}

TEST_CASE("regex_first_group_is_match: only a first group that is the whole pattern", "[regex_shape]") {
  CHECK(regex_first_group_is_match("(?P<amount>\\d+(?:[.,]\\d+)?)"));
  CHECK(regex_first_group_is_match("\\b(?P<name>a|b)\\b"));
  CHECK(regex_first_group_is_match("(?i)^(?P<x>[)(]+)$"));
  CHECK(regex_first_group_is_match("\\A(?P<x>a\\)b)\\z"));
  CHECK_FALSE(regex_first_group_is_match("(?:(?P<day>[0-3]?\\d)(?:st|nd|rd|th)?)"));
  CHECK_FALSE(regex_first_group_is_match("(?P<amount>\\d+)(?P<unit>%)"));
  CHECK_FALSE(regex_first_group_is_match("(?P<a>x)|y"));
  CHECK_FALSE(regex_first_group_is_match("(?P<a>x)y"));
  CHECK_FALSE(regex_first_group_is_match("(x)"));
  CHECK_FALSE(regex_first_group_is_match("(?P<a>\\Qx)\\E)"));
  CHECK_FALSE(regex_first_group_is_match("(?P<a>x"));
  CHECK_FALSE(regex_first_group_is_match(""));
}

TEST_CASE("regex_first_group_is_match: group 1 spans RE2's whole match", "[regex_shape]") {
  // Generated patterns, with a group around them and after them: where the
  // shape says group 1 is the whole match, RE2 agrees on every text.
  std::mt19937 rng(20261207);
  RE2::Options o;
  o.set_log_errors(false);
  int whole = 0, not_whole = 0, compared = 0;
  const char* around[] = {"", "\\b", "^", "(?i)"};
  for (int round = 0; round < 3000; ++round) {
    const std::string body = random_pattern(rng, 2);
    const std::string before = around[rng() % 4], after = rng() % 2 ? "" : "\\b";
    const std::string tail = rng() % 3 == 0 ? random_pattern(rng, 1) : "";
    const std::string pattern = before + "(?P<g>" + body + ")" + tail + after;
    const RE2 re(pattern, o);
    if (!re.ok() || re.NumberOfCapturingGroups() < 1) continue;
    const bool said = regex_first_group_is_match(pattern);
    said ? ++whole : ++not_whole;
    if (!said) continue;
    for (int t = 0; t < 20; ++t) {
      const std::string text = random_text(rng);
      re2::StringPiece groups[2];
      if (!re.Match(text, 0, text.size(), RE2::UNANCHORED, groups, 2)) continue;
      INFO("pattern /" << pattern << "/, text '" << text << "'");
      REQUIRE(groups[1].data() == groups[0].data());
      REQUIRE(groups[1].size() == groups[0].size());
      ++compared;
    }
  }
  CHECK(whole > 500);
  CHECK(not_whole > 200);
  CHECK(compared > 1000);
}
