#include "engine/resolver.hpp"

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace extract {

std::vector<Resolved> resolve_overlaps(const RuleSet& rules, std::vector<Candidate> candidates,
                                       const std::function<bool(Candidate&)>& admit, bool list_beaten) {
  // The groups in name order, and each candidate's rank among them: a
  // rule's candidates come one after the other, so its group and priority
  // are looked up once for them all.
  std::vector<std::string_view> groups;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0 && candidates[i].rule_index == candidates[i - 1].rule_index) continue;
    const std::string_view g = rules.rules[candidates[i].rule_index].group;
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  std::sort(groups.begin(), groups.end());
  // What the ranking reads, apart from the candidates (small to sort; a
  // candidate is moved once, when kept or beaten).
  struct Key {
    std::uint32_t group;
    int priority;
    std::size_t size, start, rule_index, at;
  };
  std::vector<Key> keys;
  keys.reserve(candidates.size());
  std::size_t rule = SIZE_MAX;
  Key last{};
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    if (c.rule_index != rule) {
      rule = c.rule_index;
      const Rule& r = rules.rules[rule];
      last.group = static_cast<std::uint32_t>(std::lower_bound(groups.begin(), groups.end(), std::string_view(r.group)) -
                                              groups.begin());
      last.priority = r.priority;
    }
    keys.push_back({last.group, last.priority, c.span.size(), c.span.start, c.rule_index, i});
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.group != b.group) return a.group < b.group;
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.size != b.size) return a.size > b.size;
    if (a.start != b.start) return a.start < b.start;
    if (a.rule_index != b.rule_index) return a.rule_index < b.rule_index;
    return a.at < b.at;
  });
  std::vector<Resolved> out;
  out.reserve(candidates.size());
  // The group's kept spans ordered by start, for the overlap query: (start,
  // index in `out`).
  std::vector<std::pair<std::size_t, std::size_t>> kept;
  std::size_t group = SIZE_MAX;
  for (const Key& key : keys) {
    Candidate& c = candidates[key.at];
    if (key.group != group) {
      group = key.group;
      kept.clear();
    }
    // The kept span that could overlap: the last one starting before c.end.
    auto it = std::lower_bound(kept.begin(), kept.end(), std::make_pair(c.span.end, std::size_t{0}));
    std::size_t hit = SIZE_MAX;
    if (it != kept.begin()) {
      auto prev = std::prev(it);
      if (out[prev->second].winner.span.overlaps(c.span)) hit = prev->second;
    }
    c.tag = 0;  // free again for the caller
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
