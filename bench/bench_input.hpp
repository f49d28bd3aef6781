// Input of the stand-alone bench tools (chunk_cost, re2_cost, hs_cost): the
// rules' expanded patterns as printed by `bench/rules_tool.py patterns RULES
// --tsv` (`lang<TAB>id<TAB>pattern` lines) and documents named on the command
// line. Header only, so that each tool still builds with one g++ line.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bench {

struct PatternLine {
  std::string lang, id, pattern;
};

// The patterns of rules for `lang` and of rules for every language ("-").
inline std::vector<PatternLine> read_patterns(const char* path, const std::string& lang) {
  std::vector<PatternLine> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const auto a = line.find('\t');
    const auto b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos) continue;
    PatternLine p{line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)};
    if (p.lang == lang || p.lang == "-") out.push_back(std::move(p));
  }
  return out;
}

// The contents of argv[first] .. argv[argc - 1].
inline std::vector<std::string> read_documents(int first, int argc, char** argv) {
  std::vector<std::string> docs;
  for (int i = first; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    docs.push_back(ss.str());
  }
  return docs;
}

}  // namespace bench
