// Heap that each rule's compiled RE2 holds before it has scanned anything (the
// parsed pattern and the forward program; the DFA states and the reverse
// program come later, on the first searches), outside extract: reads
// `lang<TAB>id<TAB>pattern` lines (bench/rules_tool.py patterns RULES --tsv),
// compiles each with extract's options (32 MiB budget, no logging) and prints
// the largest and the total, measured with glibc's mallinfo2().
// Build: g++ -O2 -std=c++17 bench/re2_mem.cpp -o /tmp/re2_mem $(pkg-config --cflags --libs re2)
// Usage: re2_mem PATTERNS.tsv LANG [TOP]   (LANG: en, id, or all)
#include <malloc.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench_input.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: re2_mem PATTERNS.tsv LANG [TOP]\n");
    return 2;
  }
  const std::string lang = argv[2];
  const std::size_t top = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 15;
  std::vector<bench::PatternLine> patterns;
  for (const std::string l : {"en", "id"})
    if (lang == "all" || lang == l)
      for (auto& p : bench::read_patterns(argv[1], l))
        if (p.lang == l || l == "en") patterns.push_back(std::move(p));  // "-" rules once
  std::vector<std::unique_ptr<RE2>> keep;  // alive until the end, as in extract
  std::vector<std::pair<long, std::string>> rows;
  long total = 0;
  for (const auto& p : patterns) {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(32 << 20);
    const long before = static_cast<long>(mallinfo2().uordblks);
    auto re = std::make_unique<RE2>(p.pattern, o);
    const long held = static_cast<long>(mallinfo2().uordblks) - before;
    rows.emplace_back(held, p.id + " (program " + std::to_string(re->ProgramSize()) + ", pattern " +
                                std::to_string(p.pattern.size()) + " bytes)");
    total += held;
    keep.push_back(std::move(re));
  }
  std::sort(rows.rbegin(), rows.rend());
  for (std::size_t i = 0; i < top && i < rows.size(); ++i)
    std::printf("%8ld KB  %s\n", rows[i].first / 1024, rows[i].second.c_str());
  std::printf("%8ld KB  all %zu patterns\n", total / 1024, rows.size());
  return 0;
}
