// Document profile: language and publication date.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rule_set.hpp"

namespace extract {

// Detects the language by counting stop words of each language declared in the
// rules (`language:` blocks) among the first 64 KiB of text. Returns the code of
// the language with the most hits when it has at least 3 and at least twice
// as many as the runner-up, else "unknown".
std::string detect_language(std::string_view text, const RuleSet& rules);

// detect_language for many texts: the languages' stop word lists are read
// once into one table, where each word (a run of ASCII letters, lowered)
// is looked up once for all the lists (docs/performance.md, "Twenty-sixth
// session").
class LanguageDetector {
 public:
  explicit LanguageDetector(const RuleSet& rules);
  std::string detect(std::string_view text) const;

 private:
  std::vector<std::string> codes_;  // the codes with a stop word list, in byte order
  // Each word that some list holds, lowered, and how many of each code's
  // lists hold it (codes_.size() counts per word, in words_ order).
  std::vector<std::string> words_;
  std::vector<std::uint32_t> counts_;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t word = 0;  // index into words_ + 1; 0 = empty
  };
  std::vector<Slot> slots_;  // open addressing by Lexicon::key_hash
  std::size_t max_length_ = 0;
  bool any_ = false;  // any language declared at all
};

}  // namespace extract
