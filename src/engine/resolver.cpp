#include "engine/resolver.hpp"

#include <algorithm>
#include <map>

namespace extract {

std::vector<Resolved> resolve_overlaps(const RuleSet& rules, std::vector<Candidate> candidates,
                                       const std::function<bool(Candidate&)>& admit, bool list_beaten) {
  std::map<std::string, std::vector<Candidate>> by_group;
  for (auto& c : candidates) by_group[rules.rules[c.rule_index].group].push_back(std::move(c));

  std::vector<Resolved> out;
  for (auto& [group, list] : by_group) {
    std::sort(list.begin(), list.end(), [&](const Candidate& a, const Candidate& b) {
      const int pa = rules.rules[a.rule_index].priority, pb = rules.rules[b.rule_index].priority;
      if (pa != pb) return pa > pb;
      if (a.span.size() != b.span.size()) return a.span.size() > b.span.size();
      if (a.span.start != b.span.start) return a.span.start < b.span.start;
      return a.rule_index < b.rule_index;
    });
    // Kept spans ordered by start, for the overlap query.
    std::map<std::size_t, std::size_t> kept;  // start -> index in `out`
    const std::size_t base = out.size();
    for (auto& c : list) {
      // The kept span that could overlap: the last one starting before c.end.
      auto it = kept.lower_bound(c.span.end);
      std::size_t hit = SIZE_MAX;
      if (it != kept.begin()) {
        auto prev = std::prev(it);
        if (out[prev->second].winner.span.overlaps(c.span)) hit = prev->second;
      }
      if (hit == SIZE_MAX) {
        if (admit && !admit(c)) continue;
        kept.emplace(c.span.start, out.size());
        out.push_back({std::move(c), {}});
      } else if (list_beaten && (!admit || admit(c))) {
        out[hit].beaten.push_back(std::move(c));
      }
    }
    (void)base;
  }
  return out;
}

}  // namespace extract
