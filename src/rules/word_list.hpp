// A word list matched without a regex: the rules whose whole pattern is one
// case-sensitive lexicon between word boundaries, `\b(?P<name>%{LEXICON})\b`
// (the gazetteers of organisations, places and products; the weekdays).
//
// RE2 runs such a pattern as an automaton of the whole list: for the 1,626
// forms of the organisation gazetteer an 18,000-instruction program whose
// DFA grew to 6.5 MB on 2 MB of news, and which slows down sharply under a
// smaller budget (docs/performance.md, "Word lists"). A WordList walks a
// tree of the same words instead, finding exactly the matches RE2 finds for
// that pattern: the leftmost start at a word boundary, then, of the forms
// there, the one RE2 prefers, in the order Lexicon::alternation() writes
// them (sibling words longest first, a longer form before the forms it
// starts with), ending at a word boundary. Words are separated in the text by
// any run of RE2's `\s` ([\t\n\f\r ]); `\b` is RE2's ASCII word boundary.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace extract {

class Lexicon;

class WordList {
 public:
  // The matcher of `\b(?:ALTERNATION)\b` for the lexicon; null for a list it
  // cannot stand in for exactly (case-insensitive, which RE2 folds beyond
  // ASCII; an empty or blank form; a form longer than the alternation's
  // word tree takes; no forms).
  static std::shared_ptr<const WordList> of(const Lexicon& lexicon);
  // of(), once per lexicon: rules that use the same lexicon share its list
  // (`built` holds the lists of one load, null where there is none).
  using Built = std::map<const Lexicon*, std::shared_ptr<const WordList>>;
  static std::shared_ptr<const WordList> of(const Lexicon& lexicon, Built& built);

  // The first match starting at or after `from` (text before `from` counts
  // only as the context of `\b`): its bounds, or false when there is none.
  bool find(std::string_view text, std::size_t from, std::size_t& start, std::size_t& end) const;

 private:
  struct Node {
    std::string word;
    bool end = false;  // a form ends with this word
    // Child nodes by the first two bytes of their word, then in RE2's
    // order, and those two bytes of each (key_of in word_list.cpp).
    std::vector<std::uint32_t> children, keys;
  };
  bool match_children(std::uint32_t node, std::string_view text, std::size_t at, std::size_t& end) const;

  std::vector<Node> nodes_;              // nodes_[0]: the root
  std::array<bool, 256> starts_word_{};  // first bytes of the first words
};

}  // namespace extract
