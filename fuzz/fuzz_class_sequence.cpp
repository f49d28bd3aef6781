// Word regexes without RE2 (rules/class_sequence.hpp: classes in a row,
// words in alternation, and context patterns of them): the input is a
// pattern, a newline and words separated by newlines (any bytes). Where
// ClassSequence takes the pattern, RE2 must take it too, and for every word
// that ClassSequence answers (valid UTF-8), the answer must be RE2's
// FullMatch: a failure would be a token rule that matches where its regex
// does not, or misses where it does. A word RE2 matches must start with a
// byte first_bytes() allows. Wrapped as a rule's context, `(?:p)$` and
// `^(?:p)`, each line must get RE2::PartialMatch's answer. And wherever
// RE2 takes the pattern, its existence core (rules/regex_shape.hpp, what
// the gate's set holds) must compile and match somewhere in each line
// exactly where the pattern does.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <re2/re2.h>

#include "core/utf8.hpp"
#include "fuzz_check.hpp"
#include "rules/class_sequence.hpp"
#include "rules/regex_shape.hpp"

using namespace extract;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  const std::string_view pattern = input.substr(0, nl);
  RE2::Options o;
  o.set_log_errors(false);
  const RE2 re(re2::StringPiece(pattern.data(), pattern.size()), o);
  if (re.ok()) {
    const std::string core = regex_existence_core(pattern);
    const RE2 part(core, o);
    FUZZ_CHECK(part.ok(), "the core /" + core + "/ of /" + std::string(pattern) + "/ does not compile");
    std::string_view lines = input.substr(nl + 1);
    for (int count = 0; count < 64; ++count) {
      const std::size_t end = std::min(lines.find('\n'), lines.size());
      const re2::StringPiece line(lines.data(), end);
      FUZZ_CHECK(RE2::PartialMatch(line, re) == RE2::PartialMatch(line, part),
                 "'" + std::string(lines.substr(0, end)) + "': /" + std::string(pattern) + "/ and its core /" + core +
                     "/ differ");
      if (end >= lines.size()) break;
      lines = lines.substr(end + 1);
    }
  }
  const auto cs = ClassSequence::of(pattern);
  const auto wa = WordAlternation::of(pattern);
  // (An alternation of sequences may make a context without being either.)
  const bool alternation = pattern.find('|') != std::string_view::npos;
  if (!cs && !wa && !alternation) return 0;
  if (cs || wa) FUZZ_CHECK(re.ok(), "taken without RE2, refused by RE2: " + std::string(pattern));
  // As a rule's context: (?:p)$ before a match, ^(?:p) after it, each
  // answered as RE2::PartialMatch answers, where AnchoredClasses takes it.
  for (const bool before : {true, false}) {
    const std::string wrapped = before ? "(?:" + std::string(pattern) + ")$" : "^(?:" + std::string(pattern) + ")";
    const auto fast = AnchoredClasses::of(wrapped, before);
    if (!fast) continue;
    const RE2 context(wrapped, o);
    FUZZ_CHECK(context.ok(), "context taken without RE2, refused by RE2: " + wrapped);
    std::string_view windows = input.substr(nl + 1);
    for (int count = 0; count < 64; ++count) {
      const std::size_t end = std::min(windows.find('\n'), windows.size());
      const std::string_view window = windows.substr(0, end);
      const int mine = fast->partial_match(window);
      if (mine >= 0) {
        const bool theirs = RE2::PartialMatch(re2::StringPiece(window.data(), window.size()), context);
        FUZZ_CHECK((mine == 1) == theirs, "'" + std::string(window) + "' against " + wrapped + ": " +
                                              (theirs ? "RE2 matches" : "RE2 does not match"));
      }
      if (end >= windows.size()) break;
      windows = windows.substr(end + 1);
    }
  }
  if (!cs && !wa) return 0;
  if (!cs) {
    // Words in alternation: each word's answer is RE2's, and a word RE2
    // matches starts with a byte first_bytes() allows.
    std::string_view words = input.substr(nl + 1);
    for (int count = 0; count < 64; ++count) {
      const std::size_t end = std::min(words.find('\n'), words.size());
      const std::string_view word = words.substr(0, end);
      const bool theirs = RE2::FullMatch(re2::StringPiece(word.data(), word.size()), re);
      FUZZ_CHECK(wa->full_match(word) == theirs, "'" + std::string(word) + "' against /" + std::string(pattern) +
                                                     "/: " + (theirs ? "RE2 matches" : "RE2 does not match"));
      if (theirs && !word.empty())
        FUZZ_CHECK(wa->first_bytes().has(static_cast<unsigned char>(word[0])),
                   "'" + std::string(word) + "' matches /" + std::string(pattern) + "/ from a first byte not listed");
      if (end >= words.size()) break;
      words = words.substr(end + 1);
    }
    return 0;
  }
  std::string_view words = input.substr(nl + 1);
  for (int count = 0; count < 64; ++count) {
    const std::size_t end = std::min(words.find('\n'), words.size());
    const std::string_view word = words.substr(0, end);
    const int mine = cs->full_match(word);
    if (!word.empty() && RE2::FullMatch(re2::StringPiece(word.data(), word.size()), re))
      FUZZ_CHECK(cs->first_bytes().has(static_cast<unsigned char>(word[0])),
                 "'" + std::string(word) + "' matches /" + std::string(pattern) + "/ from a first byte not listed");
    if (mine < 0) {
      FUZZ_CHECK(find_invalid_utf8(word).has_value(), "no answer on valid UTF-8");
    } else {
      const bool theirs = RE2::FullMatch(re2::StringPiece(word.data(), word.size()), re);
      FUZZ_CHECK((mine == 1) == theirs, "'" + std::string(word) + "' against /" + std::string(pattern) + "/: " +
                                            (theirs ? "RE2 matches" : "RE2 does not match"));
    }
    if (end >= words.size()) break;
    words = words.substr(end + 1);
  }
  return 0;
}
