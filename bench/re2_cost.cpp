// Per-rule cost of a rule set with RE2, outside extract: reads `lang<TAB>id<TAB>pattern`
// lines (bench/rules_tool.py patterns RULES --tsv) and documents (files named on the
// command line), then mimics the scanner: an RE2::Set prefilter per document, and for
// each rule it reports, Match with all capture groups from left to right (contexts
// are not evaluated). Prints per rule: program size, compile ms, scan ms, matches.
// Build: g++ -O2 -std=c++17 bench/re2_cost.cpp -o /tmp/re2_cost $(pkg-config --cflags --libs re2)
// Usage: re2_cost PATTERNS.tsv LANG FILE...   (LANG: en or id; rules of the other language skipped)
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench_input.hpp"

using Clock = std::chrono::steady_clock;
static double ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Rule {
  std::string lang, id, pattern;
  std::unique_ptr<RE2> re;
  double compile_ms = 0, scan_ms = 0;
  long matches = 0, docs = 0;
};

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: re2_cost PATTERNS.tsv LANG FILE...\n";
    return 2;
  }
  const std::string lang = argv[2];
  std::vector<Rule> rules;
  for (auto& p : bench::read_patterns(argv[1], lang)) {
    Rule r;
    r.lang = std::move(p.lang);
    r.id = std::move(p.id);
    r.pattern = std::move(p.pattern);
    rules.push_back(std::move(r));
  }
  const auto docs = bench::read_documents(3, argc, argv);
  RE2::Options o;
  o.set_log_errors(false);
  // As the loader's default per-rule budget and the scanner's set budget; override
  // with RE2_COST_RULE_MEM / RE2_COST_SET_MEM (bytes) to see what memory buys.
  auto env_mem = [](const char* name, long def) {
    const char* v = std::getenv(name);
    return v ? std::atol(v) : def;
  };
  o.set_max_mem(env_mem("RE2_COST_RULE_MEM", 8 << 20));
  RE2::Options so;
  so.set_log_errors(false);
  so.set_max_mem(env_mem("RE2_COST_SET_MEM", 64 << 20));
  auto t0 = Clock::now();
  RE2::Set set(so, RE2::UNANCHORED);
  for (auto& r : rules) {
    auto a = Clock::now();
    r.re = std::make_unique<RE2>(r.pattern, o);
    r.compile_ms = ms(a, Clock::now());
    if (!r.re->ok()) std::cerr << r.id << ": " << r.re->error() << "\n";
    set.Add(r.pattern, nullptr);
  }
  auto t1 = Clock::now();
  bool set_ok = set.Compile();
  auto t2 = Clock::now();
  double set_match_ms = 0;
  long set_failures = 0;
  std::size_t bytes = 0;
  for (const auto& d : docs) {
    bytes += d.size();
    std::vector<int> hits;
    auto a = Clock::now();
    RE2::Set::ErrorInfo info{};
    bool any = set_ok && set.Match(d, &hits, &info);
    set_match_ms += ms(a, Clock::now());
    if (!set_ok || (!any && info.kind != RE2::Set::kNoError)) {  // scanner falls back to every rule
      ++set_failures;
      hits.clear();
      for (std::size_t i = 0; i < rules.size(); ++i) hits.push_back(static_cast<int>(i));
    }
    for (int i : hits) {
      Rule& r = rules[i];
      if (!r.re->ok()) continue;
      const int n = r.re->NumberOfCapturingGroups() + 1;
      std::vector<re2::StringPiece> g(n);
      auto s = Clock::now();
      std::size_t pos = 0;
      while (pos <= d.size() && r.re->Match(d, pos, d.size(), RE2::UNANCHORED, g.data(), n)) {
        ++r.matches;
        std::size_t end = g[0].data() - d.data() + g[0].size();
        pos = end > pos ? end : pos + 1;
      }
      r.scan_ms += ms(s, Clock::now());
      ++r.docs;
    }
  }
  double compile_total = 0, scan_total = 0;
  for (auto& r : rules) compile_total += r.compile_ms, scan_total += r.scan_ms;
  std::printf("%zu rules (%s), %zu documents, %.2f MB\n", rules.size(), lang.c_str(), docs.size(), bytes / 1e6);
  std::printf("compile: rules %.0f ms, set %.0f ms (set ok: %s)\n", compile_total, ms(t1, t2) + 0.0, set_ok ? "yes" : "NO");
  std::printf("scan: set prefilter %.0f ms (%ld documents fell back to every rule), rules %.0f ms\n",
              set_match_ms, set_failures, scan_total);
  std::printf("%10s %9s %10s %6s %8s  %s\n", "prog", "compile", "scan ms", "docs", "matches", "rule");
  std::vector<Rule*> order;
  for (auto& r : rules) order.push_back(&r);
  std::sort(order.begin(), order.end(), [](Rule* a, Rule* b) { return a->scan_ms + a->compile_ms > b->scan_ms + b->compile_ms; });
  for (Rule* r : order)
    std::printf("%10d %9.1f %10.1f %6ld %8ld  %s\n", r->re->ok() ? r->re->ProgramSize() : -1, r->compile_ms,
                r->scan_ms, r->docs, r->matches, r->id.c_str());
  (void)t0;
  return 0;
}
