// Which of a fixed set of lower-case literal strings ("atoms") occur in a text,
// ASCII letters compared case-insensitively: one pass of an Aho-Corasick
// automaton. It feeds the literal prefilter of the scanner (re2::FilteredRE2
// gives each rule's required atoms; a rule none of whose atom combinations
// occurs cannot match and is not run).
//
// Thread-safety: immutable after construction; find() may run on many threads.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/literals.hpp"

namespace extract {

class AtomMatcher {
 public:
  explicit AtomMatcher(const std::vector<std::string>& atoms);

  // Indices (into the constructor's list) of the atoms found in `text`, sorted.
  // An atom with a byte outside ASCII is always reported, since only ASCII is
  // case-folded here: the prefilter may then run a rule for nothing, never skip
  // one that matches. The non-ASCII letters RE2 folds onto ASCII ones (the
  // Kelvin sign, long s) are read as k and s.
  std::vector<int> find(std::string_view text) const;
  // The same as flags: seen[i] = 1 for each atom i found (`seen` has one
  // entry per atom; entries already set stay set).
  void mark(std::string_view text, AtomFlags& seen) const;

 private:
  void scan(std::string_view text, AtomFlags& seen) const;

  std::array<std::uint8_t, 256> cls_{};       // byte -> symbol class (0: no atom has it)
  int nclasses_ = 1;
  std::vector<std::int32_t> out_;             // state -> first atom ending there, or -1
  std::vector<std::int32_t> out_next_;        // atom -> next atom ending at the same states, or -1
  std::vector<std::int32_t> link_out_;        // state -> nearest suffix state with an atom, or -1
  // The automaton as scan() reads it: step_[s * nclasses_ + class] is the
  // next state t times nclasses_ (where its row starts), with the sign bit
  // set when an atom ends at t or at a suffix state of it: one load and
  // one test a byte.
  std::vector<std::int32_t> step_;
  std::vector<int> always_;                   // atoms reported whatever the text
  std::size_t natoms_ = 0;
};

}  // namespace extract
