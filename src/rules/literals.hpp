// The literal strings a regular expression needs: a condition over "atoms"
// (lower-case strings of at least `min_atom_length` bytes) that every text
// containing a match of the pattern satisfies, such as
// ("acquire" OR "buy") AND "said". The scanner finds the atoms of all rules
// in one Aho-Corasick pass (AtomMatcher) and runs a rule only when its
// condition holds; a rule whose condition fails cannot match, so skipping it
// changes no output.
//
// The condition is computed from the pattern text, in the way of RE2's own
// prefilter (re2/prefilter.cc): each part of the pattern is either a small
// set of exact strings (at most 16, ASCII folded to lower case) or a
// condition; concatenation takes cross products of exact sets, alternation
// their union; `*`, `?` and classes of more than four characters need
// nothing. Anything not understood needs nothing, so the condition is never
// stronger than the pattern: it may let a rule run for nothing, never skip
// one that matches. Written here rather than taken from re2::FilteredRE2 so
// that it costs microseconds per rule, not milliseconds, and needs no
// compiled regex (docs/performance.md, "Own literal prefilter").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace extract {

// Which atoms occur in a text, one flag per atom index. Bits, not bytes: the
// scanner holds one set per document of a chunk and per unit copy of it
// (about 1,000 atoms each; docs/performance.md, "Smaller chunk state, and
// phrases").
using AtomFlags = std::vector<bool>;

// The atoms of a rule set, each once, by index.
class AtomIndex {
 public:
  std::int32_t id(const std::string& atom);
  const std::vector<std::string>& atoms() const { return atoms_; }

 private:
  std::vector<std::string> atoms_;
  std::unordered_map<std::string, std::int32_t> ids_;
};

class LiteralCondition {
 public:
  // Always true.
  LiteralCondition() = default;

  // The condition of an RE2 pattern (assumed valid RE2 syntax: RE2 has
  // accepted it); its atoms are added to `atoms` and referred to by index.
  static LiteralCondition of_pattern(std::string_view pattern, std::size_t min_atom_length, AtomIndex& atoms);

  // The same condition with its atoms (indices into `from`) moved to `to`:
  // conditions built on several threads, each with its own index, are
  // joined this way.
  void reindex(const std::vector<std::string>& from, AtomIndex& to);

  // The condition that holds where both `a` and `b` do (over the same atoms).
  static LiteralCondition both(const LiteralCondition& a, const LiteralCondition& b);

  // Whether the condition holds when exactly the atoms with found[i] != 0 occur.
  // (Inline: most rules' conditions are always true, and a text asks each.)
  bool holds(const AtomFlags& found) const { return nodes_.empty() || eval(0, found); }
  bool always() const { return nodes_.empty(); }
  // For tests and messages: acquire AND (buy OR sell), or "true".
  std::string to_string(const std::vector<std::string>& atoms) const;

  struct Node {
    enum Op : std::uint8_t { kAtom, kAnd, kOr } op;
    std::int32_t atom = -1;            // kAtom
    // kAnd, kOr: the atoms among the operands (read without a call: most
    // operands are atoms, and a condition is read per rule per document),
    // then the other operands (node indices).
    std::vector<std::int32_t> atoms, subs;
  };

  // The nodes, root first, each operand after the node it belongs to (for
  // rule-set snapshots); from_nodes() takes them back, or refuses nodes
  // that do not form such a tree over `atom_count` atoms (nullopt).
  const std::vector<Node>& nodes() const { return nodes_; }
  static std::optional<LiteralCondition> from_nodes(std::vector<Node> nodes, std::size_t atom_count);

 private:
  std::vector<Node> nodes_;  // nodes_[0] is the root; empty: always true
  bool eval(std::int32_t node, const AtomFlags& found) const;
  std::string show(std::int32_t node, const std::vector<std::string>& atoms) const;
};

}  // namespace extract
