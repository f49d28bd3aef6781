#include "normalize/numbers.hpp"

#include <cctype>
#include <cmath>
#include <vector>

#include "rules/rule_set.hpp"

namespace extract {

namespace {

constexpr double kMaxNumber = 1e18;

bool valid_groups(const std::vector<std::string>& groups) {
  // groups[0] is 1-3 digits, every later group exactly 3.
  if (groups.empty() || groups[0].empty() || groups[0].size() > 3) return false;
  for (std::size_t i = 1; i < groups.size(); ++i)
    if (groups[i].size() != 3) return false;
  return true;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::optional<double> digits_value(const std::string& int_digits, const std::string& frac_digits) {
  if (int_digits.empty() || int_digits.size() > 18) return std::nullopt;
  double v = 0;
  for (char c : int_digits) v = v * 10 + (c - '0');
  double scale = 0.1;
  for (char c : frac_digits) {
    v += (c - '0') * scale;
    scale /= 10;
  }
  if (v >= kMaxNumber) return std::nullopt;
  return v;
}

}  // namespace

std::optional<double> parse_number(std::string_view text, NumberStyle style) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front())) ||
      !std::isdigit(static_cast<unsigned char>(text.back())))
    return std::nullopt;
  std::size_t dots = 0, commas = 0;
  for (char c : text) {
    if (c == '.') ++dots;
    else if (c == ',') ++commas;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  char thousands = 0, decimal = 0;
  if (dots && commas) {
    // The later one is the decimal mark and appears once.
    decimal = text.rfind('.') > text.rfind(',') ? '.' : ',';
    thousands = decimal == '.' ? ',' : '.';
    if ((decimal == '.' ? dots : commas) != 1) return std::nullopt;
  } else if (dots + commas > 1) {
    thousands = dots ? '.' : ',';
  } else if (dots + commas == 1) {
    const char sep = dots ? '.' : ',';
    const std::size_t after = text.size() - text.find(sep) - 1;
    const bool grouping_style = (style == NumberStyle::id) == (sep == '.');
    thousands = (after == 3 && grouping_style) ? sep : 0;
    decimal = thousands ? 0 : sep;
  }
  std::string int_part(text), frac_part;
  if (decimal) {
    auto p = text.rfind(decimal);
    int_part = std::string(text.substr(0, p));
    frac_part = std::string(text.substr(p + 1));
  }
  if (thousands) {
    auto groups = split(int_part, thousands);
    if (!valid_groups(groups)) return std::nullopt;
    int_part.clear();
    for (const auto& g : groups) int_part += g;
  }
  for (char c : int_part)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  for (char c : frac_part)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  return digits_value(int_part, frac_part);
}

std::optional<double> parse_number_words(std::string_view text, const Lexicon& words) {
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '-') {
      if (!cur.empty()) tokens.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
  if (tokens.empty()) return std::nullopt;
  double total = 0, group = 0, pending = 0;
  bool any = false;
  bool after_big_mul = false;  // the previous word was a multiplier of 1000 or more
  for (const auto& t : tokens) {
    const Json* v = words.lookup(t);
    if (!v) return std::nullopt;
    const bool was_after_big_mul = after_big_mul;
    after_big_mul = false;
    if (v->is_number()) {
      double n = v->get<double>();
      if (n >= 100) group += n;
      else pending += n;
      any = true;
    } else if (v->is_object() && v->contains("mul")) {
      double m = (*v)["mul"].get<double>();
      if (m >= 1000) {
        double head = group + pending;
        if (head == 0 && was_after_big_mul) {
          total *= m;  // "thousand million" = 10^9
        } else {
          total += (head == 0 ? 1 : head) * m;
        }
        group = pending = 0;
        after_big_mul = true;
      } else {
        group += (pending == 0 ? 1 : pending) * m;
        pending = 0;
      }
      if (total >= kMaxNumber) return std::nullopt;
      any = true;
    } else if (v->is_object() && v->contains("add")) {
      pending += (*v)["add"].get<double>();
      any = true;
    } else if (v->is_object() && v->contains("skip")) {
      continue;
    } else {
      return std::nullopt;
    }
  }
  if (!any) return std::nullopt;
  double result = total + group + pending;
  if (result >= kMaxNumber) return std::nullopt;
  return result;
}

int expand_year(int year) {
  if (year >= 100) return year;
  return year < 50 ? 2000 + year : 1900 + year;
}

Json number_json(double v) {
  if (!std::isfinite(v)) return nullptr;
  // Products such as 68.7 * 1e9 carry binary noise; snap to the integer.
  const double r = std::round(v);
  if (std::fabs(v) >= 1 && std::fabs(v - r) <= std::fabs(v) * 1e-12) v = r;
  if (std::floor(v) == v && std::fabs(v) < 9007199254740992.0) return static_cast<std::int64_t>(v);
  // Fractional values keep 12 significant digits.
  int exp10 = v == 0 ? 0 : static_cast<int>(std::floor(std::log10(std::fabs(v))));
  double scale = std::pow(10.0, 11 - exp10);
  return std::round(v * scale) / scale;
}

}  // namespace extract
