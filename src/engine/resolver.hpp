// Overlap resolution: among candidates of one resolution group, keep one
// reading of each stretch of text.
#pragma once

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
std::vector<Resolved> resolve_overlaps(const RuleSet& rules, std::vector<Candidate> candidates);

}  // namespace extract
