#include "rules/regex_shape.hpp"

#include <optional>
#include <vector>

namespace extract {

namespace {

constexpr std::size_t npos = std::string_view::npos;

// Past the UTF-8 sequence that starts at p[i] (its continuation bytes).
std::size_t past_sequence(std::string_view p, std::size_t i) {
  std::size_t j = i + 1;
  if (static_cast<unsigned char>(p[i]) >= 0xC0)
    while (j < p.size() && (static_cast<unsigned char>(p[j]) & 0xC0) == 0x80) ++j;
  return j;
}

// Past the escape at p[i] (a backslash).
std::size_t skip_escape(std::string_view p, std::size_t i) {
  const std::size_t n = p.size();
  if (i + 1 >= n) return npos;
  const char c = p[i + 1];
  if (c == 'Q') return npos;
  if ((c == 'p' || c == 'P' || c == 'x') && i + 2 < n && p[i + 2] == '{') {
    const std::size_t close = p.find('}', i + 3);
    return close == npos ? npos : close + 1;
  }
  if (c == 'p' || c == 'P') return i + 3 <= n ? past_sequence(p, i + 2) : npos;
  if (c == 'x') return i + 4 <= n ? i + 4 : npos;
  if (c >= '0' && c <= '7') {  // octal: up to three digits
    std::size_t j = i + 2;
    while (j < n && j < i + 4 && p[j] >= '0' && p[j] <= '7') ++j;
    return j;
  }
  return past_sequence(p, i + 1);
}

// Past the class at p[i] (a `[`).
std::size_t skip_class(std::string_view p, std::size_t i) {
  const std::size_t n = p.size();
  std::size_t j = i + 1;
  if (j < n && p[j] == '^') ++j;
  if (j < n && p[j] == ']') ++j;  // a leading `]` is a member
  while (j < n && p[j] != ']') {
    if (p[j] == '\\') {
      j = skip_escape(p, j);
      if (j == npos) return npos;
    } else if (p[j] == '[' && j + 1 < n && p[j + 1] == ':') {
      // `[:alpha:]`, `[:^digit:]`; else the `[` is a member
      std::size_t k = j + 2;
      if (k < n && p[k] == '^') ++k;
      while (k < n && regex_ascii_letter(p[k])) ++k;
      j = p.compare(k, 2, ":]") == 0 ? k + 2 : j + 1;
    } else {
      ++j;
    }
  }
  return j < n ? j + 1 : npos;
}

// One element of an alternative: an atom (a character, an escape, a class,
// a group) and its quantifier.
struct Element {
  std::size_t begin, atom_end, end;
  bool zero = false;  // the quantifier allows no repetition: `?`, `*`, `{0,n}`
};

// The start of the body of the group [begin, end) (p[begin] is `(`), or
// npos for a group of flags only (`(?i)`: they hold for the rest).
std::size_t body_start(std::string_view p, std::size_t begin) {
  if (p[begin + 1] != '?') return begin + 1;  // a capture
  if (p.compare(begin, 3, "(?P") == 0 || p.compare(begin, 3, "(?<") == 0) {
    const std::size_t close = p.find('>', begin);
    return close == npos ? npos : close + 1;
  }
  for (std::size_t k = begin + 2; k < p.size(); ++k) {  // `(?:`, `(?i:`, `(?i-s:`
    if (p[k] == ':') return k + 1;
    if (p[k] == ')') return npos;
  }
  return npos;
}

// The end of the quantifier at p[i] (i itself when there is none), and in
// `zero` whether it allows no repetition.
std::size_t quantifier_end(std::string_view p, std::size_t i, bool& zero) {
  zero = false;
  if (i >= p.size()) return i;
  std::size_t j;
  if (p[i] == '*' || p[i] == '?') {
    zero = true;
    j = i + 1;
  } else if (p[i] == '+') {
    j = i + 1;
  } else if (p[i] == '{') {
    // {n}, {n,}, {n,m}, the numbers without a leading zero and of at most
    // nine digits (RE2 reads any other `{` as a literal: `{01}`, `{,2}`,
    // `{1`, `{0,1234567890}`; it stops reading a number at ten digits, and
    // refuses a count over 1000 of fewer digits).
    // Past the digits at p[k]; npos for a number it reads as text.
    auto number = [&](std::size_t k) {
      std::size_t e = k;
      while (e < p.size() && regex_ascii_digit(p[e])) ++e;
      return (e > k + 1 && p[k] == '0') || e - k > 9 ? npos : e;
    };
    std::size_t k = number(i + 1);
    if (k == npos || k == i + 1) return i;
    const bool min_zero = k == i + 2 && p[i + 1] == '0';
    if (k < p.size() && p[k] == ',') k = number(k + 1);  // (no number: `{n,}`)
    if (k >= p.size() || p[k] != '}') return i;  // (npos too)
    zero = min_zero;
    j = k + 1;
  } else {
    return i;
  }
  if (j < p.size() && p[j] == '?') ++j;  // lazy
  return j;
}

// The alternatives of p[from, to) at its top level, each as its elements;
// nullopt for what this does not read.
using Alternative = std::vector<Element>;
std::optional<std::vector<Alternative>> alternatives(std::string_view p, std::size_t from, std::size_t to) {
  std::vector<Alternative> out(1);
  for (std::size_t i = from; i < to;) {
    if (p[i] == '|') {
      out.emplace_back();
      ++i;
      continue;
    }
    Element e{i, 0, 0};
    if (p[i] == '(') {
      const std::size_t close = regex_group_end(p, i);
      if (close == npos || close >= to) return std::nullopt;
      e.atom_end = close + 1;
    } else if (p[i] == ')') {
      return std::nullopt;
    } else {
      // (A character is all of its UTF-8 bytes: a quantifier repeats it whole.)
      e.atom_end = static_cast<unsigned char>(p[i]) >= 0xC0 ? past_sequence(p, i) : regex_skip(p, i);
      if (e.atom_end == npos || e.atom_end > to) return std::nullopt;
    }
    e.end = quantifier_end(p.substr(0, to), e.atom_end, e.zero);
    out.back().push_back(e);
    i = e.end;
  }
  return out;
}

bool is_flags(std::string_view p, const Element& e) { return p[e.begin] == '(' && body_start(p, e.begin) == npos; }

// Whether the element can match the empty string at any position.
bool nullable(std::string_view p, const Element& e);

bool body_nullable(std::string_view p, std::size_t from, std::size_t to) {
  const auto alts = alternatives(p, from, to);
  if (!alts) return false;
  for (const Alternative& alt : *alts) {
    bool all = true;
    for (const Element& e : alt) all = all && nullable(p, e);
    if (all) return true;
  }
  return false;
}

bool nullable(std::string_view p, const Element& e) {
  if (e.zero) return true;
  if (p[e.begin] != '(') return false;
  const std::size_t body = body_start(p, e.begin);
  if (body == npos) return true;  // flags: they match nothing
  return body_nullable(p, body, e.atom_end - 1);
}

// The alternatives of p[from, to) without their elements that can match
// empty anywhere at the start (when `left`) and at the end (when `right`):
// the sides where nothing else in the pattern is next to them. A group
// left at such a side is read the same way, on that side.
std::optional<std::string> core(std::string_view p, std::size_t from, std::size_t to, bool left, bool right) {
  const auto alts = alternatives(p, from, to);
  if (!alts) return std::nullopt;
  std::string out;
  for (const Alternative& alt : *alts) {
    for (const Element& e : alt)
      if (is_flags(p, e)) return std::nullopt;
    std::size_t first = 0, last = alt.size();
    while (left && first < last && nullable(p, alt[first])) ++first;
    while (right && last > first && nullable(p, alt[last - 1])) --last;
    if (first == last) return std::nullopt;  // it matches empty, anywhere
    if (&alt != &alts->front()) out += '|';
    // A group, repeated once, at a free side: the same inside it, in the
    // group's own brackets (its flags hold inside).
    auto inside = [&](const Element& e, bool l, bool r) -> std::optional<std::string> {
      if (p[e.begin] != '(' || e.end != e.atom_end) return std::nullopt;
      const std::size_t body = body_start(p, e.begin);
      const auto inner = core(p, body, e.atom_end - 1, l, r);
      if (!inner) return std::nullopt;
      return std::string(p.substr(e.begin, body - e.begin)) + *inner + ')';
    };
    if (last == first + 1) {
      const auto one = inside(alt[first], left, right);
      out += one ? *one : std::string(p.substr(alt[first].begin, alt[first].end - alt[first].begin));
      continue;
    }
    const auto head = left ? inside(alt[first], true, false) : std::nullopt;
    const auto tail = right ? inside(alt[last - 1], false, true) : std::nullopt;
    const std::size_t mid_from = head ? alt[first].end : alt[first].begin;
    const std::size_t mid_to = tail ? alt[last - 1].begin : alt[last - 1].end;
    if (head) out += *head;
    out += p.substr(mid_from, mid_to - mid_from);
    if (tail) out += *tail;
  }
  return out;
}

}  // namespace

std::size_t regex_skip(std::string_view p, std::size_t i) {
  if (i >= p.size()) return npos;
  if (p[i] == '\\') return skip_escape(p, i);
  if (p[i] == '[') return skip_class(p, i);
  return i + 1;
}

std::size_t regex_group_end(std::string_view p, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < p.size(); i = regex_skip(p, i)) {
    if (p[i] == '(') {
      ++depth;
    } else if (p[i] == ')' && --depth == 0) {
      return i;
    }
  }
  return npos;
}

bool regex_first_group_is_match(std::string_view p) {
  if (p.find("\\Q") != std::string_view::npos) return false;  // quoted text: not parsed here
  auto skip_assertions = [&](std::size_t i) {
    for (;;) {
      if (p.compare(i, 4, "(?i)") == 0) i += 4;
      else if (p.compare(i, 2, "\\b") == 0 || p.compare(i, 2, "\\A") == 0 || p.compare(i, 2, "\\z") == 0) i += 2;
      else if (i < p.size() && (p[i] == '^' || p[i] == '$')) i += 1;
      else return i;
    }
  };
  const std::size_t i = skip_assertions(0);
  if (p.compare(i, 4, "(?P<") != 0) return false;
  const std::size_t end = regex_group_end(p, i);
  return end != npos && skip_assertions(end + 1) == p.size();
}

std::string regex_existence_core(std::string_view pattern) {
  const auto c = core(pattern, 0, pattern.size(), true, true);
  return c ? *c : std::string(pattern);
}

}  // namespace extract
