// SimpleRegex (rules/simple_regex.hpp): what it compiles it answers as
// RE2::FullMatch does; what it does not handle it refuses (RE2 keeps it).
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <re2/re2.h>

#include "rules/rule_set.hpp"
#include "rules/simple_regex.hpp"

using namespace extract;

namespace {

// The differences between SimpleRegex and RE2 on `texts`, described.
std::vector<std::string> differences(const std::string& pattern, const std::vector<std::string>& texts) {
  const auto simple = SimpleRegex::compile(pattern);
  if (!simple) return {"not compiled: " + pattern};
  const RE2 re(pattern, rule_regex_options(8 << 20));
  if (!re.ok()) return {"RE2 refuses: " + pattern};
  std::vector<std::string> out;
  for (const std::string& t : texts) {
    const int m = simple->match(t);
    if (m < 0) continue;  // left to RE2
    if ((m == 1) != RE2::FullMatch(t, re)) out.push_back(pattern + " on '" + t + "'");
  }
  return out;
}

const std::vector<std::string> kWords = {
    "", "a", "A", "Ana", "ana", "Żmudzki", "żmudzki", "Łódź", "Éric", "O", "s", "S", "'", "’", "-", "--", ".", ",",
    "\"", "“", "”", "1", "12", "1,500", "1.5", "1.", "and", "And", "of", "de", "del", "y", "&", "A1", "a_b", "x y",
    "x\ny", "\t", " ", "\r", "\f", "\v", "é", "\xff", "\xc3", "Ab\xffc", "\xed\xa0\x80", "\xc0\xaf", "ÀÖØÞĀŽ", "ɏ", "ɐ"};

}  // namespace

TEST_CASE("SimpleRegex answers as RE2 on the shipped name classes and edge cases", "[simple_regex]") {
  const std::vector<std::string> patterns = {
      "[A-ZÀ-ÖØ-ÞĀ-Ž][A-Za-z0-9À-ÖØ-öø-ɏ]*",  // UPC WCH*
      "[A-Za-z0-9À-ÖØ-öø-ɏ]+",
      "[A-ZÀ-ÖØ-ÞĀ-Ž]",
      "['’]",
      "s",
      "[^,\"“”]+",
      "&|and|of|dan|de|du|des|del|und|e|y",
      "(?:van|von|de|der|den|da|di|del|la|le|bin|binti|al|el)",
      "[A-Z][A-Za-z]*",
      "\\d+(?:[.,]\\d+)?",
      "\\w+|\\s|\\S\\S",
      "\\W\\D",
      ".",
      ".+",
      "[]a-]+",
      "[-a]",
      "[\\d\\-.]+",
      "a?b*c+",
      "(?:ab|a)(?:bc|c)?",
      "\\.\\-\\/\\\\",
      "x|",
  };
  for (const std::string& p : patterns) {
    if (p == "x|") continue;  // an empty alternative: refused below
    INFO(p);
    const auto diff = differences(p, kWords);
    for (const auto& d : diff) UNSCOPED_INFO(d);
    CHECK(diff.empty());
  }
}

TEST_CASE("SimpleRegex leaves a text that is not well-formed UTF-8 to RE2", "[simple_regex]") {
  // RE2 reads a 3-byte overlong form as one character where a negated
  // class or `.` is asked, and a lone byte as none: the fuzz target's find.
  const auto any = SimpleRegex::compile("\\S");
  REQUIRE(any);
  for (const char* t : {"\xe0\x80\x99", "\xed\xa0\x80", "\xff", "\xc0\xaf", "a\xff"}) CHECK(any->match(t) == -1);
  CHECK(any->match("a") == 1);
  CHECK(any->match("ab") == 0);
  CHECK(any->match("é") == 1);
}

TEST_CASE("SimpleRegex refuses what it does not handle", "[simple_regex]") {
  for (const char* p : {"(?i:and)", "(?i)and", "(?P<day>\\d+)", "(\\d)", "\\d{1,3}", "a{2}", "^a", "a$", "\\bA", "\\pL",
                        "[[:alpha:]]", "\\x{41}", "a*?", "a+?", "a**", "x|", "", "()", "(?:)", "[a", "[z-a]", "\\Qa\\E",
                        "[\\D]", "\xff"}) {
    INFO(p);
    CHECK_FALSE(SimpleRegex::compile(p));
  }
}
