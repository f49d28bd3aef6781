// A token rule's `/regex/` that is only character classes in a row, each
// repeated ("[A-Z][a-z]*", "\d+", "[^,;()]+"), matched whole without RE2.
//
// A token rule asks its word regexes about one short word at a time, and
// RE2 costs about 500 instructions a call however short the word
// (docs/performance.md, "Eighteenth session"); most of the rules' word
// regexes are of this shape (a lazy repetition too: for a whole match it
// answers as a greedy one). Anything else (alternation, groups that are
// more than a wrapper, anchors, flags, a count with a leading zero) is left
// to RE2: of() gives nullopt. The answers are RE2's: tests and a fuzz
// target compare the two.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace extract {

class ClassSequence {
 public:
  // The matcher of `pattern` (RE2 syntax, UTF-8, case-sensitive), or
  // nullopt when it is not a sequence of repeated classes this reads.
  static std::optional<ClassSequence> of(std::string_view pattern);
  // RE2::FullMatch(word, pattern): 1 or 0; -1 for a word that is not
  // valid UTF-8 (RE2's to answer).
  int full_match(std::string_view word) const;
  // The bytes a word it matches can start with: the ASCII ones (bit c of
  // ascii[c / 64]), and whether a code point from 128 can start it (any
  // byte from 128 is then allowed).
  struct FirstBytes {
    std::uint64_t ascii[2] = {0, 0};
    bool multibyte = false;
    bool has(unsigned char b) const { return b < 128 ? ((ascii[b >> 6] >> (b & 63)) & 1) != 0 : multibyte; }
    // Byte b allowed too (any from 128: multibyte).
    void add(unsigned char b) {
      if (b >= 128) multibyte = true;
      else ascii[b >> 6] |= std::uint64_t{1} << (b & 63);
    }
    FirstBytes& operator|=(const FirstBytes& o) {
      ascii[0] |= o.ascii[0];
      ascii[1] |= o.ascii[1];
      multibyte = multibyte || o.multibyte;
      return *this;
    }
    FirstBytes operator&(const FirstBytes& o) const {
      FirstBytes out;
      out.ascii[0] = ascii[0] & o.ascii[0];
      out.ascii[1] = ascii[1] & o.ascii[1];
      out.multibyte = multibyte && o.multibyte;
      return out;
    }
    bool operator==(const FirstBytes& o) const {
      return ascii[0] == o.ascii[0] && ascii[1] == o.ascii[1] && multibyte == o.multibyte;
    }
  };
  FirstBytes first_bytes() const;
  // RE2::PartialMatch(text, "^(?:pattern)"): whether some prefix of `text`
  // (the empty one too) is a whole match: 1 or 0; -1 when invalid UTF-8
  // comes before the answer (RE2's to give). For a rule's `after` context.
  int matches_prefix(std::string_view text) const;
  // The most characters a match has (SIZE_MAX: no bound, a starred class).
  std::size_t max_chars() const;

 private:
  friend class ClassSequenceParser;
  struct Class {
    std::uint64_t ascii[2] = {0, 0};            // bit c: c in the class (c < 128)
    std::vector<std::pair<long, long>> ranges;  // code points from 128: sorted, apart, inclusive
    bool has(long cp) const;
  };
  // One step of the automaton: a class read once, or any number of times
  // (star), or at most once (optional).
  struct Slot {
    std::uint32_t cls;
    bool star = false, optional = false;
  };
  static constexpr std::size_t kMaxSlots = 62;
  // The slots reached from those in `at` by reading code point cp.
  std::uint64_t step(std::uint64_t at, long cp) const;
  std::vector<Class> classes_;
  std::vector<Slot> slots_;
  std::vector<std::uint64_t> closure_;  // per slot index (and the end): it and the skippable slots after it
  // The automaton on ASCII bytes as a table, for the words most tokens are
  // (a step per byte instead of a decode and a loop over the slots): the
  // sets of slots reached from closure_[0] by ASCII bytes, numbered from 1
  // in the order found (0: none, the dead end), dfa_masks_[id] each one's
  // slots; the bytes in groups that the same slots read, dfa_group_[b] the
  // group of byte b, and dfa_next_[id * dfa_groups_ + group] where a byte
  // of the group leads. Empty when there are more than kMaxDfaStates
  // states (a step is then always step()).
  static constexpr std::size_t kMaxDfaStates = 32;
  std::vector<std::uint64_t> dfa_masks_;
  std::vector<std::uint8_t> dfa_next_;
  std::vector<std::uint8_t> dfa_group_;
  std::size_t dfa_groups_ = 0;
  void build_dfa();
};

// A token rule's `/regex/` that is only words in alternation ("Inc|Co|Corp",
// "(?:and|of|de)"), matched whole without RE2: RE2::FullMatch is then the
// word being one of them. Each word is ASCII letters, digits, `_`, `&`, `'`,
// `-` and non-ASCII characters (literal in RE2); anything else (an escape,
// a class, a flag, an empty alternative) is left to RE2: of() gives nullopt.
class WordAlternation {
 public:
  static std::optional<WordAlternation> of(std::string_view pattern);
  bool full_match(std::string_view word) const;
  ClassSequence::FirstBytes first_bytes() const;

 private:
  std::vector<std::string> words_;  // sorted, each once
};

// A token rule's `/regex/` as matchers that need no RE2, when its pattern
// has their shape: classes in a row, or words in alternation; neither for
// any other.
struct WordShape {
  std::optional<ClassSequence> simple;
  std::optional<WordAlternation> words;
  static WordShape of(std::string_view pattern);
  // The shape of `pattern`, read once per `key` when `known` is given (the
  // shapes read so far, by key).
  using Known = std::map<const void*, std::shared_ptr<const WordShape>>;
  static std::shared_ptr<const WordShape> of(std::string_view pattern, const void* key, Known* known);
  // Copies of the two into `s` and `w`.
  void copy_to(std::optional<ClassSequence>& s, std::optional<WordAlternation>& w) const;
};

// A rule's context pattern as the loader compiles it, `(?:E)$` for a
// `before` and `^(?:E)` for an `after`, answered without RE2 when E is
// classes in a row or an alternation of them (`[\w.,-]$`, `^(?:[.,]\d|\w)`,
// `\w['’]?$`): RE2::PartialMatch over the window is then whether one of
// them matches a suffix (before; each of bounded length) or a prefix
// (after) of it. of() gives nullopt for any other pattern.
class AnchoredClasses {
 public:
  static std::optional<AnchoredClasses> of(std::string_view pattern, bool before);
  // RE2::PartialMatch(window, pattern): 1 or 0; -1 for invalid UTF-8 where
  // it decides (RE2's to answer).
  int partial_match(std::string_view window) const;

 private:
  bool before_ = false;
  std::vector<ClassSequence> alternatives_;
  std::size_t max_chars_ = 0;  // before: the most characters a match has
};

}  // namespace extract
