// Where each rule's RE2 time goes, phase by phase, outside extract. For every
// rule, the documents are scanned match after match (left to right, as the
// scanner does) three times over, each time with a fresh RE2 and twice in a
// row (cold: the first pass, which builds the DFA states; warm: the second):
//   exists    Match with no submatch: the forward DFA, stopping at the first
//             match state (each call resumes after the match the others find)
//   bounds    Match asking for group 0: the forward DFA to the match's end,
//             then the reverse program's DFA back to its start
//   captures  Match asking for every group, as extract does for most rules:
//             the forward DFA to the match's end, then the NFA for the groups
//             from where the search started to that end (RE2's BitState and
//             OnePass do not apply to programs of this size)
//   two-step  bounds, then Match anchored at both ends of the match for the
//             groups: the NFA over the match only
// Context conditions and the literal prefilter are not applied: every rule of
// the language runs on every document. Prints the per-phase totals and the
// rules that cost most in the captures phase (each phase's own time).
// Build: g++ -O2 -std=c++17 bench/match_phases.cpp -o /tmp/match_phases $(pkg-config --cflags --libs re2)
// Usage: match_phases PATTERNS.tsv LANG FILE...   (PATTERNS.tsv: bench/rules_tool.py patterns RULES --tsv)
//        MATCH_PHASES_RULE_MEM overrides the per-rule budget (bytes; default 32 MiB, as extract).
#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "bench_input.hpp"

using Clock = std::chrono::steady_clock;

namespace {

enum Phase { kExists, kBounds, kCaptures, kTwoStep, kPhases };
const char* const kPhaseNames[kPhases] = {"exists", "bounds", "captures", "two-step"};

struct Row {
  std::string id;
  double ms[kPhases][2] = {};  // phase, pass (0 cold, 1 warm)
  long matches = 0;
};

// One pass of `re` over the documents with `ngroups` submatches; `ends` holds
// the reference match ends (from a bounds pass) so that the exists phase
// resumes where the others do. Returns milliseconds.
double pass(const RE2& re, int ngroups, bool two_step, const std::vector<std::string>& docs,
            const std::vector<std::vector<std::size_t>>& ends) {
  std::vector<re2::StringPiece> g(std::max(ngroups, 1));
  const auto start = Clock::now();
  for (std::size_t d = 0; d < docs.size(); ++d) {
    const std::string& text = docs[d];
    if (ngroups == 0) {
      std::size_t pos = 0;
      for (std::size_t end : ends[d]) {
        if (!re.Match(text, pos, text.size(), RE2::UNANCHORED, nullptr, 0)) break;
        pos = end;
      }
      if (pos <= text.size()) re.Match(text, pos, text.size(), RE2::UNANCHORED, nullptr, 0);
      continue;
    }
    std::size_t pos = 0;
    while (pos <= text.size() &&
           re.Match(text, pos, text.size(), RE2::UNANCHORED, g.data(), two_step ? 1 : ngroups)) {
      const std::size_t s = g[0].data() - text.data(), e = s + g[0].size();
      if (two_step) re.Match(text, s, e, RE2::ANCHOR_BOTH, g.data(), ngroups);
      pos = e > s ? e : s + 1;
    }
  }
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: match_phases PATTERNS.tsv LANG FILE...\n";
    return 2;
  }
  const auto patterns = bench::read_patterns(argv[1], argv[2]);
  const auto docs = bench::read_documents(3, argc, argv);
  RE2::Options o;
  o.set_log_errors(false);
  const char* mem = std::getenv("MATCH_PHASES_RULE_MEM");
  o.set_max_mem(mem ? std::atol(mem) : 32L << 20);
  std::vector<Row> rows;
  double total[kPhases][2] = {};
  for (const auto& p : patterns) {
    Row row;
    row.id = p.id;
    std::vector<std::vector<std::size_t>> ends(docs.size());
    {
      RE2 ref(p.pattern, o);
      if (!ref.ok()) {
        std::cerr << p.id << ": " << ref.error() << "\n";
        continue;
      }
      re2::StringPiece g;
      for (std::size_t d = 0; d < docs.size(); ++d) {
        std::size_t pos = 0;
        while (pos <= docs[d].size() && ref.Match(docs[d], pos, docs[d].size(), RE2::UNANCHORED, &g, 1)) {
          const std::size_t s = g.data() - docs[d].data(), e = s + g.size();
          ends[d].push_back(e);
          ++row.matches;
          pos = e > s ? e : s + 1;
        }
      }
    }
    for (int ph = 0; ph < kPhases; ++ph) {
      RE2 re(p.pattern, o);
      const int ngroups = ph == kExists ? 0 : ph == kBounds ? 1 : re.NumberOfCapturingGroups() + 1;
      for (int k = 0; k < 2; ++k) {
        row.ms[ph][k] = pass(re, ngroups, ph == kTwoStep, docs, ends);
        total[ph][k] += row.ms[ph][k];
      }
    }
    rows.push_back(row);
  }
  std::size_t bytes = 0;
  for (const auto& d : docs) bytes += d.size();
  std::printf("%zu rules (%s), %zu documents, %.2f MB; milliseconds, cold (first pass) / warm (second)\n",
              rows.size(), argv[2], docs.size(), bytes / 1e6);
  for (int ph = 0; ph < kPhases; ++ph)
    std::printf("%-9s %8.0f cold %8.0f warm\n", kPhaseNames[ph], total[ph][0], total[ph][1]);
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.ms[kCaptures][0] > b.ms[kCaptures][0]; });
  std::printf("\n%-30s %8s | %15s | %15s | %15s | %15s\n", "rule (top 15, by captures cold)", "matches",
              "exists c/w", "bounds c/w", "captures c/w", "two-step c/w");
  for (std::size_t i = 0; i < rows.size() && i < 15; ++i) {
    const Row& r = rows[i];
    std::printf("%-30s %8ld", r.id.c_str(), r.matches);
    for (int ph = 0; ph < kPhases; ++ph) std::printf(" | %7.1f %7.1f", r.ms[ph][0], r.ms[ph][1]);
    std::printf("\n");
  }
  return 0;
}
