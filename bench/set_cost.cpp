// RE2::Set per family of rules as a prefilter, measured outside extract (docs/performance.md,
// "RE2::Set per family, measured"): which rules to run on a document, from one pass of a
// set over a family's patterns instead of one pass per rule.
//
// The rules (`lang<TAB>id<TAB>pattern` lines, bench/rules_tool.py patterns RULES --tsv)
// are grouped by family (their id without its last part: `en.date.md` -> `en.date`), a
// family split into groups of at most GROUP rules; a rule whose expanded pattern is
// longer than MAXLEN stays alone. Two ways over the documents, three passes each:
//   each rule  every rule over every document, match after match (bounds only)
//   sets       per document and group, RE2::Set::Match, then only the rules it reports
// Both must find the same number of matches (checked: exit status 1 if not). No literal
// prefilter and no units here, unlike extract: the figures bound what sets would save.
// Build: g++ -O2 -std=c++17 bench/set_cost.cpp -o /tmp/set_cost $(pkg-config --cflags --libs re2)
// Usage: set_cost PATTERNS.tsv LANG GROUP MAXLEN FILE...
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_input.hpp"

namespace {
using Clock = std::chrono::steady_clock;
double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }
}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: set_cost PATTERNS.tsv LANG GROUP MAXLEN FILE...\n");
    return 2;
  }
  const std::string lang = argv[2];
  const std::size_t group_size = static_cast<std::size_t>(std::max(1, std::atoi(argv[3])));
  const std::size_t max_len = static_cast<std::size_t>(std::max(0, std::atoi(argv[4])));
  const auto patterns = bench::read_patterns(argv[1], lang);
  RE2::Options options;
  options.set_max_mem(32 << 20);  // extract's budget per rule (LoadOptions::max_rule_mem)
  options.set_log_errors(false);
  std::vector<std::unique_ptr<RE2>> res;
  std::map<std::string, std::vector<std::size_t>> families;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    res.emplace_back(new RE2(patterns[i].pattern, options));
    if (!res.back()->ok()) {
      std::fprintf(stderr, "set_cost: %s does not compile\n", patterns[i].id.c_str());
      return 2;
    }
    const std::string& id = patterns[i].id;
    families[patterns[i].pattern.size() > max_len ? "alone:" + id : id.substr(0, id.rfind('.'))].push_back(i);
  }
  std::vector<std::vector<std::size_t>> groups;
  for (const auto& [family, members] : families)
    for (std::size_t k = 0; k < members.size(); k += group_size)
      groups.emplace_back(members.begin() + static_cast<long>(k),
                          members.begin() + static_cast<long>(std::min(members.size(), k + group_size)));
  RE2::Options set_options = options;
  set_options.set_max_mem(64 << 20);
  std::vector<std::unique_ptr<RE2::Set>> sets;
  const auto c0 = Clock::now();
  for (const auto& g : groups) {
    sets.emplace_back(new RE2::Set(set_options, RE2::UNANCHORED));
    if (g.size() == 1) continue;  // a rule alone runs without a set
    for (std::size_t i : g) sets.back()->Add(patterns[i].pattern, nullptr);
    if (!sets.back()->Compile()) {
      std::fprintf(stderr, "set_cost: a set does not compile (too large for 64 MiB)\n");
      return 2;
    }
  }
  std::printf("%zu rules in %zu groups (%zu alone); sets compiled in %.1f ms\n", patterns.size(), groups.size(),
              static_cast<std::size_t>(std::count_if(groups.begin(), groups.end(), [](auto& g) { return g.size() == 1; })),
              ms(c0, Clock::now()));
  const auto docs = bench::read_documents(5, argc, argv);
  auto scan = [&](std::size_t rule, const std::string& d) {
    long n = 0;
    re2::StringPiece m;
    std::size_t pos = 0;
    while (pos <= d.size() && res[rule]->Match(d, pos, d.size(), RE2::UNANCHORED, &m, 1)) {
      ++n;
      pos = static_cast<std::size_t>(m.data() - d.data()) + std::max<std::size_t>(1, m.size());
    }
    return n;
  };
  int status = 0;
  for (int pass = 0; pass < 3; ++pass) {
    const auto a = Clock::now();
    long each_matches = 0, each_pairs = 0;
    for (const auto& d : docs)
      for (std::size_t i = 0; i < res.size(); ++i) {
        each_matches += scan(i, d);
        ++each_pairs;
      }
    const auto b = Clock::now();
    long set_matches = 0, set_pairs = 0, failed = 0;
    double in_sets = 0;
    for (const auto& d : docs)
      for (std::size_t g = 0; g < groups.size(); ++g) {
        std::vector<int> reported;
        const auto s0 = Clock::now();
        if (groups[g].size() == 1) {
          reported.push_back(0);
        } else {
          RE2::Set::ErrorInfo error;
          if (!sets[g]->Match(d, &reported, &error) && error.kind != RE2::Set::kNoError) {
            ++failed;  // out of memory: run the whole group
            reported.clear();
            for (std::size_t k = 0; k < groups[g].size(); ++k) reported.push_back(static_cast<int>(k));
          }
        }
        in_sets += ms(s0, Clock::now());
        for (int k : reported) {
          set_matches += scan(groups[g][static_cast<std::size_t>(k)], d);
          ++set_pairs;
        }
      }
    const auto c = Clock::now();
    std::printf("pass %d: each rule %6.0f ms (%ld pairs); sets %6.0f ms, of which the sets' own passes %5.0f "
                "(%ld pairs run; %ld sets out of memory); matches %ld / %ld\n",
                pass + 1, ms(a, b), each_pairs, ms(b, c), in_sets, set_pairs, failed, each_matches, set_matches);
    if (each_matches != set_matches) status = 1;
  }
  return status;
}
