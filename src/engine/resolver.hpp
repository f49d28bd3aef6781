// Overlap resolution: among candidates of one resolution group, keep one
// reading of each stretch of text.
#pragma once

#include <functional>
#include <vector>

#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

struct Resolved {
  Candidate winner;
  std::vector<Candidate> beaten;  // overlapping candidates it won against
};

// Within each group, candidates are ranked by rule priority (higher first),
// then length (longer first), then position (leftmost first), then rule order;
// a candidate is kept if it overlaps no better-ranked kept candidate. Each
// dropped candidate is recorded as beaten by the first kept one it overlaps.
// Deterministic: the result depends only on the candidates, not their order.
//
// `admit`, when given, is asked in rank order about each candidate before it
// is kept: false drops it as if it had never been a candidate (a match
// without a value). What it is not asked about costs nothing, so a caller
// can make its values only for the candidates that could win. Beaten
// candidates are listed only with `list_beaten`, each asked about first
// (listed if admitted); without it they are dropped unasked.
std::vector<Resolved> resolve_overlaps(const RuleSet& rules, std::vector<Candidate> candidates,
                                       const std::function<bool(Candidate&)>& admit = {}, bool list_beaten = true);

}  // namespace extract
