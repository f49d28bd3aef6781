#include "rules/class_sequence.hpp"

#include <algorithm>
#include <climits>

#include "core/utf8.hpp"
#include "rules/regex_shape.hpp"

namespace extract {

// Reads a pattern left to right into classes and slots; every step returns
// false on what it does not take (the pattern is then RE2's alone).
class ClassSequenceParser {
 public:
  using Class = ClassSequence::Class;
  explicit ClassSequenceParser(std::string_view p) : p_(p) {}

  bool run(ClassSequence& out) {
    while (!done()) {
      Class c;
      int lo = 1, hi = 1;
      if (!atom(c, lo, hi)) return false;
      if (lo == 1 && hi == 1 && !done() && !quantifier(lo, hi)) return false;
      merge(c.ranges);
      const auto index = static_cast<std::uint32_t>(out.classes_.size());
      out.classes_.push_back(std::move(c));
      for (int k = 0; k < lo; ++k) out.slots_.push_back({index, false, false});
      if (hi < 0) out.slots_.push_back({index, true, false});
      for (int k = lo; k < hi; ++k) out.slots_.push_back({index, false, true});
      if (out.slots_.size() > ClassSequence::kMaxSlots) return false;
    }
    return !out.slots_.empty();
  }

 private:
  bool done() const { return i_ >= p_.size(); }
  char peek() const { return p_[i_]; }
  bool eat(std::string_view s) {
    if (p_.substr(i_, s.size()) != s) return false;
    i_ += s.size();
    return true;
  }

  // Sorted, overlapping and touching ranges joined.
  static void merge(std::vector<std::pair<long, long>>& ranges) {
    std::sort(ranges.begin(), ranges.end());
    std::vector<std::pair<long, long>> out;
    for (const auto& r : ranges) {
      if (!out.empty() && r.first <= out.back().second + 1) out.back().second = std::max(out.back().second, r.second);
      else out.push_back(r);
    }
    ranges = std::move(out);
  }
  static void add_range(Class& c, long a, long b) {
    for (long x = a; x <= std::min(b, 127L); ++x) c.ascii[x >> 6] |= std::uint64_t{1} << (x & 63);
    if (b >= 128) c.ranges.emplace_back(std::max(a, 128L), b);
  }
  // \d \w \s and \D \W \S, as RE2 reads them (ASCII only), added to `c`
  // (a negated one also takes every code point from 128). False for any
  // other letter.
  static bool perl(char e, Class& c) {
    const char lower = static_cast<char>(e | 0x20);
    Class k;
    if (lower == 'd') {
      add_range(k, '0', '9');
    } else if (lower == 'w') {
      add_range(k, '0', '9');
      add_range(k, 'A', 'Z');
      add_range(k, 'a', 'z');
      add_range(k, '_', '_');
    } else if (lower == 's') {
      add_range(k, '\t', '\n');
      add_range(k, '\f', '\r');
      add_range(k, ' ', ' ');
    } else {
      return false;
    }
    if (e != lower) {
      k.ascii[0] = ~k.ascii[0];
      k.ascii[1] = ~k.ascii[1];
      k.ranges.emplace_back(128, 0x10FFFF);
    }
    c.ascii[0] |= k.ascii[0];
    c.ascii[1] |= k.ascii[1];
    c.ranges.insert(c.ranges.end(), k.ranges.begin(), k.ranges.end());
    return true;
  }
  // After a `\`: a control character's letter or escaped punctuation, as
  // the code point it stands for.
  bool escape(long& cp) {
    if (done()) return false;
    const char e = peek();
    switch (e) {
      case 'n': cp = '\n'; break;
      case 't': cp = '\t'; break;
      case 'r': cp = '\r'; break;
      case 'f': cp = '\f'; break;
      default:
        if (regex_ascii_letter(e) || regex_ascii_digit(e) || static_cast<unsigned char>(e) >= 0x80) return false;
        cp = static_cast<unsigned char>(e);
    }
    ++i_;
    return true;
  }
  bool literal(long& cp) {
    const auto [c, n] = utf8_decode(p_, i_);
    if (n == 0) return false;
    cp = c;
    i_ += n;
    return true;
  }
  // One member of a bracketed class: a character (into `cp`) or a Perl
  // class (added to `c`; then `perl_class`).
  bool member(Class& c, long& cp, bool& perl_class) {
    perl_class = false;
    if (done()) return false;
    if (eat("\\")) {
      if (!done() && perl(peek(), c)) {
        ++i_;
        perl_class = true;
        return true;
      }
      return escape(cp);
    }
    if (peek() == '[') return false;  // [:alpha:] and the like
    return literal(cp);
  }
  bool bracket(Class& c) {  // after the `[`
    const bool negate = eat("^");
    bool first = true;
    while (!done() && (first || peek() != ']')) {
      first = false;
      long a = 0;
      bool perl_class = false;
      if (!member(c, a, perl_class)) return false;
      if (perl_class) continue;
      long b = a;
      // A range, unless the `-` is the last member ("[a-]").
      if (p_.substr(i_, 1) == "-" && p_.substr(i_, 2) != "-]") {
        ++i_;
        bool second_perl = false;
        if (!member(c, b, second_perl) || second_perl || b < a) return false;
      }
      add_range(c, a, b);
    }
    if (!eat("]")) return false;
    if (negate) {
      merge(c.ranges);
      std::vector<std::pair<long, long>> rest;
      long from = 128;
      for (const auto& [a, b] : c.ranges) {
        if (a > from) rest.emplace_back(from, a - 1);
        from = std::max(from, b + 1);
      }
      if (from <= 0x10FFFF) rest.emplace_back(from, 0x10FFFF);
      c.ranges = std::move(rest);
      c.ascii[0] = ~c.ascii[0];
      c.ascii[1] = ~c.ascii[1];
    }
    return true;
  }
  // A class, an escape or a literal; or `(?:` one of them, maybe repeated,
  // `)` (then lo..hi are the repetition inside).
  bool atom(Class& c, int& lo, int& hi) {
    if (eat("(?:")) {
      if (!atom_body(c)) return false;
      if (!done() && peek() != ')' && !quantifier(lo, hi)) return false;
      return eat(")");
    }
    return atom_body(c);
  }
  bool atom_body(Class& c) {
    if (done()) return false;
    if (eat("[")) return bracket(c);
    long cp = 0;
    if (eat("\\")) {
      if (!done() && perl(peek(), c)) {
        ++i_;
        return true;
      }
      if (!escape(cp)) return false;
      add_range(c, cp, cp);
      return true;
    }
    switch (peek()) {
      case '.': case '^': case '$': case '|': case '(': case ')': case ']': case '{': case '}':
      case '*': case '+': case '?':
        return false;
      default:
        if (!literal(cp)) return false;
        add_range(c, cp, cp);
        return true;
    }
  }
  // `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe lazy (the same
  // answer for a whole match), as lo..hi (hi -1: no bound).
  bool quantifier(int& lo, int& hi) {
    if (eat("*")) {
      lo = 0, hi = -1;
    } else if (eat("+")) {
      lo = 1, hi = -1;
    } else if (eat("?")) {
      lo = 0, hi = 1;
    } else if (eat("{")) {
      if (!number(lo)) return false;
      hi = lo;
      if (eat(",")) {
        hi = -1;
        if (!done() && regex_ascii_digit(peek()) && !number(hi)) return false;
      }
      if (!eat("}") || (hi >= 0 && hi < lo)) return false;
    } else {
      return done() || peek() != ')';  // no repetition: only the next atom or the end may follow
    }
    eat("?");
    return done() || (peek() != '*' && peek() != '+' && peek() != '?' && peek() != '{');
  }
  // A count of one or two digits; RE2 takes a count with a leading zero
  // ("{00,3}") as literal text, which is left to it.
  bool number(int& v) {
    v = 0;
    const std::size_t start = i_;
    while (!done() && regex_ascii_digit(peek()) && i_ - start < 2) v = v * 10 + (p_[i_++] - '0');
    if (i_ - start == 2 && p_[start] == '0') return false;
    return i_ > start && (done() || !regex_ascii_digit(peek()));
  }

  std::string_view p_;
  std::size_t i_ = 0;
};

bool ClassSequence::Class::has(long cp) const {
  if (cp < 128) return (ascii[cp >> 6] >> (cp & 63)) & 1;
  const auto it = std::upper_bound(ranges.begin(), ranges.end(), std::make_pair(cp, LONG_MAX));
  return it != ranges.begin() && std::prev(it)->second >= cp;
}

WordShape WordShape::of(std::string_view pattern) {
  WordShape out;
  out.simple = ClassSequence::of(pattern);
  if (!out.simple) out.words = WordAlternation::of(pattern);
  return out;
}

std::shared_ptr<const WordShape> WordShape::of(std::string_view pattern, const void* key, Known* known) {
  std::shared_ptr<const WordShape>* slot = known ? &(*known)[key] : nullptr;
  if (slot && *slot) return *slot;
  auto shape = std::make_shared<const WordShape>(of(pattern));
  if (slot) *slot = shape;
  return shape;
}

void WordShape::copy_to(std::optional<ClassSequence>& s, std::optional<WordAlternation>& w) const {
  s = simple;
  w = words;
}

std::optional<ClassSequence> ClassSequence::of(std::string_view pattern) {
  ClassSequence out;
  ClassSequenceParser parser(pattern);
  if (!parser.run(out)) return std::nullopt;
  // closure_[k]: slot k and every slot after it that a match may skip to
  // from there (past optional and starred slots); index n is the end.
  const std::size_t n = out.slots_.size();
  out.closure_.assign(n + 1, 0);
  out.closure_[n] = std::uint64_t{1} << n;
  for (std::size_t k = n; k-- > 0;) {
    out.closure_[k] = std::uint64_t{1} << k;
    if (out.slots_[k].star || out.slots_[k].optional) out.closure_[k] |= out.closure_[k + 1];
  }
  out.build_dfa();
  return out;
}

void ClassSequence::build_dfa() {
  // The ASCII bytes in groups that the same slots read (a step depends on
  // nothing else): the table has a column per group, not per byte.
  std::uint64_t read_by[128] = {};  // bit k: slot k reads the byte
  for (std::size_t k = 0; k < slots_.size(); ++k)
    for (std::size_t w = 0; w < 2; ++w)
      for (std::uint64_t m = classes_[slots_[k].cls].ascii[w]; m != 0; m &= m - 1)
        read_by[w * 64 + static_cast<std::size_t>(__builtin_ctzll(m))] |= std::uint64_t{1} << k;
  std::vector<std::pair<std::uint64_t, long>> groups;  // the slots that read it, a byte of it
  dfa_group_.resize(128);
  for (long b = 0; b < 128; ++b) {
    std::size_t g = 0;
    while (g < groups.size() && groups[g].first != read_by[b]) ++g;
    if (g == groups.size()) groups.emplace_back(read_by[b], b);
    dfa_group_[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(g);
  }
  dfa_groups_ = groups.size();
  dfa_masks_ = {0, closure_[0]};
  dfa_next_.assign(2 * dfa_groups_, 0);
  for (std::size_t id = 1; id < dfa_masks_.size(); ++id) {
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::uint64_t next = step(dfa_masks_[id], groups[g].second);
      std::size_t to = 0;
      while (to < dfa_masks_.size() && dfa_masks_[to] != next) ++to;
      if (to == dfa_masks_.size()) {
        if (to == kMaxDfaStates) {  // (a rare, long pattern: step() alone)
          dfa_masks_.clear();
          dfa_next_.clear();
          dfa_group_.clear();
          return;
        }
        dfa_masks_.push_back(next);
        dfa_next_.resize(dfa_next_.size() + dfa_groups_, 0);
      }
      dfa_next_[id * dfa_groups_ + g] = static_cast<std::uint8_t>(to);
    }
  }
}

ClassSequence::FirstBytes ClassSequence::first_bytes() const {
  FirstBytes f;
  const std::uint64_t reading = (std::uint64_t{1} << slots_.size()) - 1;
  for (std::uint64_t m = closure_[0] & reading; m != 0; m &= m - 1) {
    const Class& c = classes_[slots_[static_cast<std::size_t>(__builtin_ctzll(m))].cls];
    f.ascii[0] |= c.ascii[0];
    f.ascii[1] |= c.ascii[1];
    if (!c.ranges.empty()) f.multibyte = true;
  }
  return f;
}

// (Inlined into the loops that call it: a call per character cost 1% of a run.)
[[gnu::always_inline]] inline std::uint64_t ClassSequence::step(std::uint64_t at, long cp) const {
  const std::uint64_t reading = (std::uint64_t{1} << slots_.size()) - 1;
  std::uint64_t next = 0;
  for (std::uint64_t m = at & reading; m != 0; m &= m - 1) {
    const auto k = static_cast<std::size_t>(__builtin_ctzll(m));
    if (!classes_[slots_[k].cls].has(cp)) continue;
    next |= closure_[k + 1];
    if (slots_[k].star) next |= closure_[k];
  }
  return next;
}

int ClassSequence::matches_prefix(std::string_view text) const {
  const std::size_t n = slots_.size();
  std::uint64_t at = closure_[0];
  for (std::size_t i = 0;;) {
    if ((at >> n) & 1) return 1;
    if (at == 0 || i >= text.size()) return 0;
    const auto [cp, len] = utf8_decode(text, i);
    if (len == 0) return -1;
    i += len;
    at = step(at, cp);
  }
}

std::size_t ClassSequence::max_chars() const {
  for (const Slot& s : slots_)
    if (s.star) return SIZE_MAX;
  return slots_.size();
}

int ClassSequence::full_match(std::string_view word) const {
  const std::size_t n = slots_.size();
  std::uint64_t at = closure_[0];
  std::size_t i = 0;
  if (!dfa_next_.empty()) {
    // ASCII by the table, up to the first other byte.
    std::size_t id = 1;
    for (; i < word.size(); ++i) {
      const auto b = static_cast<unsigned char>(word[i]);
      if (b >= 0x80) break;
      id = dfa_next_[id * dfa_groups_ + dfa_group_[b]];
      if (id == 0) return find_invalid_utf8(word.substr(i + 1)) ? -1 : 0;
    }
    at = dfa_masks_[id];
  }
  while (i < word.size()) {
    const auto [cp, len] = utf8_decode(word, i);
    if (len == 0) return -1;
    i += len;
    at = step(at, cp);
    if (at == 0) {
      // (The rest must still be valid UTF-8 for the answer to be RE2's.)
      return find_invalid_utf8(word.substr(i)) ? -1 : 0;
    }
  }
  return static_cast<int>((at >> n) & 1);
}

std::optional<WordAlternation> WordAlternation::of(std::string_view pattern) {
  if (pattern.size() >= 4 && pattern.substr(0, 3) == "(?:" && pattern.back() == ')')
    pattern = pattern.substr(3, pattern.size() - 4);
  WordAlternation out;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= pattern.size(); ++i) {
    if (i < pattern.size() && pattern[i] != '|') {
      const auto c = static_cast<unsigned char>(pattern[i]);
      const bool literal = regex_ascii_letter(static_cast<char>(c)) || regex_ascii_digit(static_cast<char>(c)) || c == '_' ||
                           c == '&' || c == '\'' || c == '-' || c >= 0x80;
      if (!literal) return std::nullopt;
      continue;
    }
    if (i == from) return std::nullopt;  // an empty alternative
    out.words_.emplace_back(pattern.substr(from, i - from));
    from = i + 1;
  }
  // (A pattern RE2 accepted is valid UTF-8; this checks it for other callers.)
  for (const std::string& w : out.words_)
    if (find_invalid_utf8(w)) return std::nullopt;
  std::sort(out.words_.begin(), out.words_.end());
  out.words_.erase(std::unique(out.words_.begin(), out.words_.end()), out.words_.end());
  return out;
}

bool WordAlternation::full_match(std::string_view word) const {
  return std::binary_search(words_.begin(), words_.end(), word,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

ClassSequence::FirstBytes WordAlternation::first_bytes() const {
  ClassSequence::FirstBytes f;
  for (const std::string& w : words_) f.add(static_cast<unsigned char>(w[0]));
  return f;
}

namespace {

// Whether `e` is one group `(?:...)` whose `)` is its last byte.
bool one_group(std::string_view e) {
  return e.size() >= 4 && e.substr(0, 3) == "(?:" && regex_group_end(e, 0) == e.size() - 1;
}

// Whether `e` ends with a `$` that is not escaped.
bool ends_with_anchor(std::string_view e) {
  if (e.empty() || e.back() != '$') return false;
  std::size_t slashes = 0;
  while (slashes + 1 < e.size() && e[e.size() - 2 - slashes] == '\\') ++slashes;
  return slashes % 2 == 0;
}

}  // namespace

std::optional<AnchoredClasses> AnchoredClasses::of(std::string_view pattern, bool before) {
  // Without the anchor at its end, the groups around the rest, and an
  // anchor of its own at the same end (`(?:(?:X$))$` is X at the end).
  std::string_view e = pattern;
  if (before ? !ends_with_anchor(e) : (e.empty() || e.front() != '^')) return std::nullopt;
  for (bool again = true; again;) {
    again = false;
    if (before && ends_with_anchor(e)) {
      e.remove_suffix(1);
      again = true;
    } else if (!before && !e.empty() && e.front() == '^') {
      e.remove_prefix(1);
      again = true;
    }
    if (one_group(e)) {
      e = e.substr(3, e.size() - 4);
      again = true;
    }
  }
  // Alternatives at the top level: `|` outside a class and not escaped;
  // a group anywhere leaves the pattern to RE2.
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  for (std::size_t i = 0; i < e.size();) {
    if (e[i] == '(' || e[i] == ')') return std::nullopt;
    if (e[i] == '|') {
      parts.push_back(e.substr(from, i - from));
      from = i + 1;
    }
    i = regex_skip(e, i);  // past an escape or a class whole
    if (i == std::string_view::npos) return std::nullopt;
  }
  parts.push_back(e.substr(from));
  AnchoredClasses out;
  out.before_ = before;
  for (std::string_view part : parts) {
    auto cs = ClassSequence::of(part);
    if (!cs) return std::nullopt;
    if (before) {
      const std::size_t most = cs->max_chars();
      if (most > 16) return std::nullopt;  // (a suffix of each length is tried)
      out.max_chars_ = std::max(out.max_chars_, most);
    }
    out.alternatives_.push_back(std::move(*cs));
  }
  return out;
}

int AnchoredClasses::partial_match(std::string_view window) const {
  if (!before_) {
    int answer = 0;
    for (const ClassSequence& cs : alternatives_) {
      const int one = cs.matches_prefix(window);
      if (one == 1) return 1;
      if (one < 0) answer = -1;
    }
    return answer;
  }
  // The starts of the window's last 0, 1, ... max_chars_ characters.
  std::size_t starts[17];
  std::size_t count = 0, at = window.size();
  starts[count++] = at;
  while (count <= max_chars_ && at > 0) {
    std::size_t lead = at - 1;
    while (lead > 0 && at - lead < 4 && (static_cast<unsigned char>(window[lead]) & 0xC0) == 0x80) --lead;
    if (utf8_sequence_length(window, lead) != at - lead) return -1;
    at = lead;
    starts[count++] = at;
  }
  for (const ClassSequence& cs : alternatives_)
    for (std::size_t k = 0; k < count; ++k)
      if (cs.full_match(window.substr(starts[k])) == 1) return 1;
  return 0;
}

}  // namespace extract
