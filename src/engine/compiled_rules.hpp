// Scanning: one pass of an RE2::Set over the text says which rules can match;
// only those run again with captures to find every span.
//
// Thread-safety: a Scanner is immutable after construction; scan() may be
// called from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/set.h>

#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

class Scanner {
 public:
  // `rules` must outlive the scanner.
  explicit Scanner(const RuleSet& rules);

  // Every match of every rule that applies to documents of `language` ("" or
  // "unknown" runs the rules of all languages), in rule order, each rule's
  // matches left to right and non-overlapping. Matches rejected by a rule's
  // context conditions are left out.
  std::vector<Candidate> scan(std::string_view text, const std::string& language) const;

  // The matches of one rule alone (used by `rules test`).
  void scan_rule(std::size_t rule_index, std::string_view text, std::vector<Candidate>& out) const;

  // Whether the one-pass prefilter is active (it is disabled when the set
  // does not compile within its memory budget; results are the same).
  bool prefilter_active() const { return set_ok_; }

 private:
  const RuleSet& rules_;
  std::unique_ptr<RE2::Set> set_;
  bool set_ok_ = false;
};

// Bytes of context seen by `context:` conditions on each side of a match.
constexpr std::size_t kContextWindow = 80;

}  // namespace extract
