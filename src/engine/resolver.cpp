#include "engine/resolver.hpp"

#include <algorithm>
#include <string_view>

namespace extract {

std::vector<Resolved> resolve_overlaps(const RuleSet& rules, std::vector<Candidate> candidates,
                                       const std::function<bool(Candidate&)>& admit, bool list_beaten) {
  // The groups in name order, and each candidate's rank among them (in its
  // tag, free until it is admitted): all of them sorted at once, group by
  // group, without a list per group.
  std::vector<std::string_view> groups;
  for (const Candidate& c : candidates) {
    const std::string_view g = rules.rules[c.rule_index].group;
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  std::sort(groups.begin(), groups.end());
  for (Candidate& c : candidates) {
    const std::string_view g = rules.rules[c.rule_index].group;
    c.tag = static_cast<std::size_t>(std::lower_bound(groups.begin(), groups.end(), g) - groups.begin());
  }
  std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    if (a.tag != b.tag) return a.tag < b.tag;
    const int pa = rules.rules[a.rule_index].priority, pb = rules.rules[b.rule_index].priority;
    if (pa != pb) return pa > pb;
    if (a.span.size() != b.span.size()) return a.span.size() > b.span.size();
    if (a.span.start != b.span.start) return a.span.start < b.span.start;
    return a.rule_index < b.rule_index;
  });
  std::vector<Resolved> out;
  out.reserve(candidates.size());
  // The group's kept spans ordered by start, for the overlap query: (start,
  // index in `out`).
  std::vector<std::pair<std::size_t, std::size_t>> kept;
  std::size_t group = SIZE_MAX;
  for (Candidate& c : candidates) {
    if (c.tag != group) {
      group = c.tag;
      kept.clear();
    }
    // The kept span that could overlap: the last one starting before c.end.
    auto it = std::lower_bound(kept.begin(), kept.end(), std::make_pair(c.span.end, std::size_t{0}));
    std::size_t hit = SIZE_MAX;
    if (it != kept.begin()) {
      auto prev = std::prev(it);
      if (out[prev->second].winner.span.overlaps(c.span)) hit = prev->second;
    }
    c.tag = 0;
    if (hit == SIZE_MAX) {
      if (admit && !admit(c)) continue;
      kept.insert(std::lower_bound(kept.begin(), kept.end(), std::make_pair(c.span.start, std::size_t{0})),
                  {c.span.start, out.size()});
      out.push_back({std::move(c), {}});
    } else if (list_beaten && (!admit || admit(c))) {
      out[hit].beaten.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace extract
