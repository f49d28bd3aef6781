#include "core/diagnostic.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "core/document.hpp"

namespace extract {

std::string Diagnostic::format() const {
  std::string where = pos.path;
  if (pos.line > 0) {
    where += fmt::format(":{}", pos.line);
    if (pos.column > 0) where += fmt::format(":{}", pos.column);
  }
  return fmt::format("{}: {}: {}", where, severity == Severity::error ? "error" : "warning",
                     message);
}

void Diagnostics::error(SourcePos pos, std::string message) {
  items_.push_back({Diagnostic::Severity::error, std::move(pos), std::move(message)});
}

void Diagnostics::warning(SourcePos pos, std::string message) {
  items_.push_back({Diagnostic::Severity::warning, std::move(pos), std::move(message)});
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  std::size_t n = 0;
  for (const auto& d : items_) n += d.severity == Diagnostic::Severity::error;
  return n;
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

std::string format_iso(const CivilDate& d) {
  return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

std::optional<CivilDate> parse_iso_date(const std::string& s) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return std::nullopt;
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > days[m - 1] || y < 1) return std::nullopt;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return std::nullopt;
  return CivilDate{y, m, d};
}

}  // namespace extract
