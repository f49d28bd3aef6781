#include "rules/simple_regex.hpp"

#include <algorithm>
#include <optional>

namespace extract {

namespace {

// The code point at s[i] (advancing i), or nullopt for anything but
// well-formed UTF-8 (overlong forms, surrogates, values above U+10FFFF).
// RE2 reads some of those as characters and others not: a text holding one
// is left to RE2 (SimpleRegex::match).
std::optional<std::uint32_t> next_code_point(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c >= 0xF5 || i + n > s.size()) return std::nullopt;
  std::uint32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return std::nullopt;
  i += n;
  return cp;
}

}  // namespace

bool SimpleRegex::State::has(std::uint32_t cp) const {
  bool in = false;
  for (const Range& r : ranges)
    if (cp >= r.lo && cp <= r.hi) {
      in = true;
      break;
    }
  return in != negated;
}

// Recursive descent over the pattern, building the states as fragments
// (a start and the states whose `next` is still open).
class SimpleRegexParser {
 public:
  SimpleRegexParser(std::string_view p, SimpleRegex& out) : p_(p), out_(out) {}

  bool run() {
    Frag f;
    if (!alternation(f) || pos_ != p_.size()) return false;
    const std::uint32_t match = add(SimpleRegex::State{});
    patch(f, match);
    out_.start_ = f.start;
    return out_.states_.size() < 4096;
  }

 private:
  using State = SimpleRegex::State;
  struct Frag {
    std::uint32_t start = 0;
    std::vector<std::pair<std::uint32_t, bool>> open;  // (state, its alt) to patch
  };
  static constexpr int kMaxDepth = 16;

  std::uint32_t add(State s) {
    out_.states_.push_back(std::move(s));
    return static_cast<std::uint32_t>(out_.states_.size() - 1);
  }
  void patch(const Frag& f, std::uint32_t to) {
    for (const auto& [s, alt] : f.open) (alt ? out_.states_[s].alt : out_.states_[s].next) = to;
  }
  bool at(char c) const { return pos_ < p_.size() && p_[pos_] == c; }

  bool alternation(Frag& out) {
    if (depth_ > kMaxDepth) return false;
    Frag first;
    if (!sequence(first)) return false;
    while (at('|')) {
      ++pos_;
      Frag next;
      if (!sequence(next)) return false;
      State split;
      split.kind = State::kSplit;
      split.next = first.start;
      split.alt = next.start;
      Frag both;
      both.start = add(std::move(split));
      both.open = std::move(first.open);
      both.open.insert(both.open.end(), next.open.begin(), next.open.end());
      first = std::move(both);
    }
    out = std::move(first);
    return true;
  }

  // One or more items; an empty sequence is not handled (RE2 allows it).
  bool sequence(Frag& out) {
    bool any = false;
    while (pos_ < p_.size() && !at('|') && !at(')')) {
      Frag item;
      if (!repeated(item)) return false;
      if (!any) {
        out = std::move(item);
        any = true;
      } else {
        patch(out, item.start);
        out.open = std::move(item.open);
      }
    }
    return any;
  }

  bool repeated(Frag& out) {
    Frag a;
    if (!atom(a)) return false;
    if (!at('?') && !at('*') && !at('+')) {
      out = std::move(a);
      return true;
    }
    const char q = p_[pos_++];
    if (at('?') || at('*') || at('+') || at('{')) return false;  // lazy or stacked: left to RE2
    State split;
    split.kind = State::kSplit;
    split.next = a.start;
    const std::uint32_t s = add(std::move(split));
    if (q == '?') {
      out.start = s;
      out.open = std::move(a.open);
      out.open.emplace_back(s, true);
    } else if (q == '*') {
      patch(a, s);
      out.start = s;
      out.open = {{s, true}};
    } else {  // +
      patch(a, s);
      out.start = a.start;
      out.open = {{s, true}};
    }
    return true;
  }

  bool atom(Frag& out) {
    if (pos_ >= p_.size()) return false;
    const char c = p_[pos_];
    if (c == '(') {
      if (p_.compare(pos_, 3, "(?:") != 0) return false;  // capture groups, flags: RE2
      pos_ += 3;
      ++depth_;
      const bool ok = alternation(out) && at(')');
      --depth_;
      if (!ok) return false;
      ++pos_;
      return true;
    }
    State s;
    s.kind = State::kClass;
    if (c == '[') {
      if (!char_class(s)) return false;
    } else if (c == '.') {
      ++pos_;
      s.negated = true;
      s.ranges.push_back({'\n', '\n'});
    } else if (c == '\\') {
      if (!escape(s.ranges, s.negated, false)) return false;
    } else if (c == ')' || c == '|' || c == '*' || c == '+' || c == '?' || c == '{' || c == '}' || c == '^' || c == '$' ||
               c == ']') {
      return false;
    } else {
      const auto cp = next_code_point(p_, pos_);
      if (!cp) return false;
      s.ranges.push_back({*cp, *cp});
    }
    out.start = add(std::move(s));
    out.open = {{out.start, false}};
    return true;
  }

  // After a backslash: a Perl class (\d \w \s, negated in capitals) or a
  // punctuation character taken literally; \n \t \r \f. Anything else
  // (\b, \pL, \x{...}, \Q...) is left to RE2.
  bool escape(std::vector<SimpleRegex::Range>& ranges, bool& negated, bool in_class) {
    ++pos_;
    if (pos_ >= p_.size()) return false;
    const char e = p_[pos_++];
    switch (e) {
      case 'd':
      case 'D':
        if (in_class && e == 'D') return false;
        ranges.push_back({'0', '9'});
        negated = e == 'D';
        return true;
      case 'w':
      case 'W':
        if (in_class && e == 'W') return false;
        ranges.push_back({'0', '9'});
        ranges.push_back({'A', 'Z'});
        ranges.push_back({'_', '_'});
        ranges.push_back({'a', 'z'});
        negated = e == 'W';
        return true;
      case 's':
      case 'S':
        if (in_class && e == 'S') return false;
        ranges.push_back({'\t', '\n'});
        ranges.push_back({'\f', '\r'});
        ranges.push_back({' ', ' '});
        negated = e == 'S';
        return true;
      case 'n': ranges.push_back({'\n', '\n'}); return true;
      case 't': ranges.push_back({'\t', '\t'}); return true;
      case 'r': ranges.push_back({'\r', '\r'}); return true;
      case 'f': ranges.push_back({'\f', '\f'}); return true;
      default:
        if (static_cast<unsigned char>(e) < 0x80 && !((e >= '0' && e <= '9') || (e >= 'A' && e <= 'Z') || (e >= 'a' && e <= 'z'))) {
          ranges.push_back({static_cast<std::uint32_t>(e), static_cast<std::uint32_t>(e)});
          return true;
        }
        return false;
    }
  }

  // [...]: ranges and single characters, `^` negating, escapes; a `]`
  // first and a `-` first or last are literal. POSIX classes: RE2.
  bool char_class(State& s) {
    ++pos_;
    if (at('^')) {
      s.negated = true;
      ++pos_;
    }
    bool first = true;
    while (pos_ < p_.size() && (first || !at(']'))) {
      first = false;
      if (p_.compare(pos_, 2, "[:") == 0) return false;
      std::uint32_t lo = 0;
      if (at('\\')) {
        std::vector<SimpleRegex::Range> r;
        bool neg = false;
        if (!escape(r, neg, true)) return false;
        if (r.size() != 1 || r[0].lo != r[0].hi) {  // a Perl class inside
          s.ranges.insert(s.ranges.end(), r.begin(), r.end());
          continue;
        }
        lo = r[0].lo;
      } else {
        const auto cp = next_code_point(p_, pos_);
        if (!cp) return false;
        lo = *cp;
      }
      std::uint32_t hi = lo;
      if (at('-') && pos_ + 1 < p_.size() && p_[pos_ + 1] != ']') {
        ++pos_;
        if (at('\\')) {
          std::vector<SimpleRegex::Range> r;
          bool neg = false;
          if (!escape(r, neg, true) || r.size() != 1 || r[0].lo != r[0].hi) return false;
          hi = r[0].lo;
        } else {
          const auto cp = next_code_point(p_, pos_);
          if (!cp) return false;
          hi = *cp;
        }
        if (hi < lo) return false;
      }
      s.ranges.push_back({lo, hi});
    }
    if (!at(']')) return false;
    ++pos_;
    return !s.ranges.empty();
  }

  std::string_view p_;
  SimpleRegex& out_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

std::shared_ptr<const SimpleRegex> SimpleRegex::compile(std::string_view pattern) {
  auto out = std::make_shared<SimpleRegex>();
  SimpleRegexParser parser(pattern, *out);
  if (!parser.run()) return nullptr;
  return out;
}

int SimpleRegex::match(std::string_view text) const {
  // The states reachable before each character (a Thompson simulation),
  // deduplicated by a generation mark per state.
  thread_local std::vector<std::uint32_t> current, next, mark;
  thread_local std::uint32_t generation = 0;
  if (mark.size() < states_.size()) mark.assign(states_.size(), 0);
  current.clear();
  auto add = [&](std::vector<std::uint32_t>& list, std::uint32_t s, auto& self) -> void {
    if (mark[s] == generation) return;
    mark[s] = generation;
    const State& st = states_[s];
    if (st.kind == State::kSplit) {
      self(list, st.next, self);
      self(list, st.alt, self);
    } else {
      list.push_back(s);
    }
  };
  if (++generation == 0) {
    std::fill(mark.begin(), mark.end(), 0);
    generation = 1;
  }
  add(current, start_, add);
  std::size_t i = 0;
  while (i < text.size()) {
    const auto cp = next_code_point(text, i);
    if (!cp) return -1;
    next.clear();
    if (++generation == 0) {
      std::fill(mark.begin(), mark.end(), 0);
      generation = 1;
    }
    for (std::uint32_t s : current) {
      const State& st = states_[s];
      if (st.kind == State::kClass && st.has(*cp)) add(next, st.next, add);
    }
    std::swap(current, next);
    if (current.empty()) {
      // No match, unless the rest holds a sequence only RE2 may read.
      while (i < text.size())
        if (!next_code_point(text, i)) return -1;
      return 0;
    }
  }
  for (std::uint32_t s : current)
    if (states_[s].kind == State::kMatch) return 1;
  return 0;
}

}  // namespace extract
