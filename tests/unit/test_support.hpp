// Helpers for unit tests: temporary rule folders written from strings.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "pipeline.hpp"
#include "rules/rule_set.hpp"

namespace extract::testing {

// A temporary directory removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("extract-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  // Writes `content` to `relative` (creating folders) and returns its path.
  std::string write(const std::string& relative, const std::string& content) const {
    auto p = path_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Loads rules from files given as {relative path: YAML}.
inline RuleSet load_from(const std::map<std::string, std::string>& files, Diagnostics& diags, TempDir& dir) {
  for (const auto& [path, yaml] : files) dir.write(path, yaml);
  return load_rules(dir.str(), diags);
}

}  // namespace extract::testing
