// Diagnostics: problems found in rule files or inputs, reported as
// `path:line:col: severity: message` (lines and columns are 1-based).
#pragma once

#include <string>
#include <vector>

namespace extract {

struct SourcePos {
  std::string path;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown
};

struct Diagnostic {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  SourcePos pos;
  std::string message;
  std::string format() const;
};

class Diagnostics {
 public:
  void error(SourcePos pos, std::string message);
  void warning(SourcePos pos, std::string message);
  bool has_errors() const;
  std::size_t error_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace extract
