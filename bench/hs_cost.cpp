// Would Hyperscan make a better scanner than one RE2 per rule? Reads
// `lang<TAB>id<TAB>pattern` lines (bench/rules_tool.py patterns RULES --tsv) and
// documents (files named on the command line); compiles each rule's pattern
// alone with Hyperscan (UTF-8 mode, one match per pattern; RE2's \b and \w are
// ASCII, so without HS_FLAG_UCP), reports the patterns it refuses and those
// slower than 100 ms to compile, then compiles the accepted ones into one
// database and scans every document twice, counting (rule, document) pairs
// that match. Not part of the build: Hyperscan is not a dependency of extract
// (Debian packages it for amd64 only). docs/performance.md has the results.
// Build: apt-get install libhyperscan-dev
//        g++ -O2 -std=c++17 bench/hs_cost.cpp -o /tmp/hs_cost -lhs
// Usage: hs_cost PATTERNS.tsv LANG FILE...   (LANG en or id; rules of the other language skipped)
#include <hs/hs.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_input.hpp"

using Clock = std::chrono::steady_clock;
static double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

static int count_match(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
  ++*static_cast<long*>(ctx);
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s PATTERNS.tsv LANG FILE...\n", argv[0]);
    return 2;
  }
  const auto rules = bench::read_patterns(argv[1], argv[2]);
  const auto docs = bench::read_documents(3, argc, argv);
  const unsigned flags = HS_FLAG_UTF8 | HS_FLAG_SINGLEMATCH;
  std::vector<const char*> accepted;
  std::vector<unsigned> accepted_flags, accepted_ids;
  double alone_ms = 0;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    const auto t = Clock::now();
    if (hs_compile(rules[i].pattern.c_str(), flags, HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
      std::printf("refused %s: %s\n", rules[i].id.c_str(), err->message);
      hs_free_compile_error(err);
      continue;
    }
    const double ms = ms_since(t);
    alone_ms += ms;
    if (ms > 100) std::printf("slow    %s: %.0f ms to compile alone\n", rules[i].id.c_str(), ms);
    hs_free_database(db);
    accepted.push_back(rules[i].pattern.c_str());
    accepted_flags.push_back(flags);
    accepted_ids.push_back(static_cast<unsigned>(i));
  }
  std::printf("%zu of %zu patterns accepted; compiled one by one in %.0f ms\n", accepted.size(), rules.size(),
              alone_ms);
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  const auto t = Clock::now();
  if (hs_compile_multi(accepted.data(), accepted_flags.data(), accepted_ids.data(),
                       static_cast<unsigned>(accepted.size()), HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
    std::printf("one database: refused: %s\n", err->message);
    return 1;
  }
  std::size_t size = 0;
  hs_database_size(db, &size);
  std::printf("one database: compiled in %.0f ms, %zu KB\n", ms_since(t), size / 1024);
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(db, &scratch);
  std::size_t bytes = 0;
  for (const auto& d : docs) bytes += d.size();
  for (int pass = 1; pass <= 2; ++pass) {
    long pairs = 0;
    const auto t2 = Clock::now();
    for (const auto& d : docs)
      hs_scan(db, d.data(), static_cast<unsigned>(d.size()), 0, scratch, count_match, &pairs);
    const double ms = ms_since(t2);
    std::printf("scan pass %d: %.0f ms (%.1f MB/s), %ld of %zu (rule, document) pairs match\n", pass, ms,
                bytes / 1e3 / ms, pairs, docs.size() * accepted.size());
  }
  hs_free_scratch(scratch);
  hs_free_database(db);
}
