// A whole-string matcher for the simple regexes token rules test single
// words with (rules/token_pattern.hpp): character classes, literal
// characters, `.`, `?`, `*`, `+`, and alternation at the top or inside
// `(?:...)`. On well-formed UTF-8 it answers exactly what RE2::FullMatch
// answers for such a pattern (the `simple_regex` fuzz target holds it to RE2), in a few
// nanoseconds a word where an RE2 call costs about 100: names are tested
// word by word before every speech verb or ticker.
//
// Anything else (flags, counted repetition, anchors, Unicode classes,
// capture groups...) is not compiled: the caller keeps RE2 for it.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace extract {

class SimpleRegex {
 public:
  // The matcher of `pattern` (RE2 syntax, UTF-8), or null when the pattern
  // uses anything this class does not handle.
  static std::shared_ptr<const SimpleRegex> compile(std::string_view pattern);
  // Whether all of `text` matches: 1 or 0, or -1 when `text` is not
  // well-formed UTF-8 (RE2 reads some such sequences as characters: ask it).
  int match(std::string_view text) const;

 private:
  struct Range {
    std::uint32_t lo, hi;
  };
  // A state: a class (ranges, maybe negated) then `next`; a split to `next`
  // and `alt`; or the match.
  struct State {
    enum Kind : std::uint8_t { kClass, kSplit, kMatch } kind = kMatch;
    bool negated = false;
    std::uint32_t next = 0, alt = 0;
    std::vector<Range> ranges;
    bool has(std::uint32_t cp) const;
  };
  std::vector<State> states_;
  std::uint32_t start_ = 0;
  friend class SimpleRegexParser;
};

}  // namespace extract
