// Why extract scans documents in chunks, rule by rule: runs every rule of a
// pattern list (bench/rules_tool.py patterns RULES --tsv) over documents with
// RE2, all capture groups asked, left to right as the scanner does, in two
// orders: document by document (every rule over one document, then the next
// document) and rule by rule over chunks of CHUNK documents. Prints the time
// of three passes of each order; the first pass builds the DFAs (cold).
// Build: g++ -O2 -std=c++17 bench/chunk_cost.cpp -o /tmp/chunk_cost $(pkg-config --cflags --libs re2)
// Usage: chunk_cost PATTERNS.tsv LANG CHUNK FILE...   (LANG en or id; rules of the other language skipped)
#include <re2/re2.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench_input.hpp"

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s PATTERNS.tsv LANG CHUNK FILE...\n", argv[0]);
    return 2;
  }
  const std::string lang = argv[2];
  const std::size_t chunk = std::strtoul(argv[3], nullptr, 10);
  const auto docs = bench::read_documents(4, argc, argv);
  const auto patterns = bench::read_patterns(argv[1], lang);
  for (std::size_t size : {std::size_t{1}, chunk}) {
    // Compiled anew for each order, so that both start cold.
    RE2::Options o;
    o.set_max_mem(32 << 20);  // extract's budget per rule
    o.set_log_errors(false);
    std::vector<std::unique_ptr<RE2>> rules;
    for (const auto& p : patterns) {
      auto re = std::make_unique<RE2>(p.pattern, o);
      if (re->ok()) rules.push_back(std::move(re));
    }
    std::vector<re2::StringPiece> groups(64);
    auto scan = [&](const RE2& re, const std::string& d) {
      const int n = std::min(64, re.NumberOfCapturingGroups() + 1);
      long found = 0;
      std::size_t pos = 0;
      while (pos <= d.size() && re.Match(d, pos, d.size(), RE2::UNANCHORED, groups.data(), n)) {
        ++found;
        pos = static_cast<std::size_t>(groups[0].data() - d.data()) + groups[0].size() + (groups[0].empty() ? 1 : 0);
      }
      return found;
    };
    for (int pass = 0; pass < 3; ++pass) {
      const auto t0 = std::chrono::steady_clock::now();
      long found = 0;
      for (std::size_t c = 0; c < docs.size(); c += size) {
        const std::size_t end = std::min(docs.size(), c + size);
        for (const auto& re : rules)
          for (std::size_t i = c; i < end; ++i) found += scan(*re, docs[i]);
      }
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      std::printf("%zu rules, %zu docs, chunks of %zu, pass %d: %.0f ms, %ld matches\n", rules.size(), docs.size(),
                  size, pass + 1, ms, found);
    }
  }
}
