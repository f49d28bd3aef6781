#include "rules/literals.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>
#include <utility>

namespace extract {

std::int32_t AtomIndex::id(const std::string& atom) {
  auto [it, added] = ids_.emplace(atom, static_cast<std::int32_t>(atoms_.size()));
  if (added) atoms_.push_back(atom);
  return it->second;
}

namespace {

// A condition while it is built: true (kAll), an atom, AND or OR.
struct Query {
  enum Op { kAll, kAtom, kAnd, kOr } op = kAll;
  std::string atom;
  std::vector<Query> subs;
};

Query atom_query(std::string atom) {
  Query q;
  q.op = Query::kAtom;
  q.atom = std::move(atom);
  return q;
}

Query combine(Query::Op op, Query a, Query b) {
  // AND with true is the other side; OR with true is true.
  if (a.op == Query::kAll || b.op == Query::kAll) {
    const bool a_all = a.op == Query::kAll;
    if (op == Query::kAnd) return a_all ? std::move(b) : std::move(a);
    return a_all ? std::move(a) : std::move(b);
  }
  // Operands of the same operation are joined into one list, appended in
  // place (a long concatenation is one AND, built in linear time).
  if (a.op != op) {
    Query q;
    q.op = op;
    q.subs.push_back(std::move(a));
    a = std::move(q);
  }
  if (b.op == op) {
    for (auto& s : b.subs) a.subs.push_back(std::move(s));
  } else {
    a.subs.push_back(std::move(b));
  }
  return a;
}

constexpr std::size_t kMaxExact = 16;  // as RE2's prefilter

// What one part of a pattern needs: a set of exact strings (the part matches
// one of them, ASCII in lower case), or a condition.
struct Info {
  bool exact = false;
  std::set<std::string> strings;
  Query match;  // when !exact

  static Info of_strings(std::set<std::string> s) {
    Info i;
    i.exact = true;
    i.strings = std::move(s);
    return i;
  }
  static Info empty() { return of_strings({std::string()}); }
  static Info any() { return Info{}; }  // matches something unknown: needs nothing
};

// An OR over exact strings. A string containing another of the set is
// implied by it and dropped; a string shorter than an atom makes the whole
// set need nothing (it could match without any atom).
Query or_strings(const std::set<std::string>& strings, std::size_t min_len) {
  std::vector<std::string> kept;
  for (const auto& s : strings) {
    if (s.size() < min_len) return Query{};
    kept.push_back(s);
  }
  std::sort(kept.begin(), kept.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  // (Only in small sets: in a word list of hundreds the search costs more
  // than the redundant atoms, which change no result.)
  std::vector<std::string> minimal;
  for (const auto& s : kept)
    if (kept.size() > 64 ||
        std::none_of(minimal.begin(), minimal.end(), [&](const std::string& m) { return s.find(m) != std::string::npos; }))
      minimal.push_back(s);
  if (minimal.empty()) return Query{};
  if (minimal.size() == 1) return atom_query(minimal.front());
  Query q;
  q.op = Query::kOr;
  for (auto& s : minimal) q.subs.push_back(atom_query(std::move(s)));
  return q;
}

class Builder {
 public:
  Builder(std::string_view p, std::size_t min_len) : p_(p), min_len_(min_len) {}

  Query run() {
    // RE2 reads a repetition right after a flag group, as in `ab(?i)?`, or
    // after an empty quotation (`ab\Q\E?`), as repeating what came before
    // (`b?`). Rare enough that such a pattern simply needs nothing.
    if (repeated_flag_group()) return Query{};
    Info top = alternation();
    return take_match(std::move(top));
  }

 private:
  std::string_view p_;
  std::size_t pos_ = 0;
  std::size_t min_len_;

  bool at_end() const { return pos_ >= p_.size(); }
  // The position after the next `c` from pos_, or the end of the pattern.
  std::size_t after(char c) const {
    const std::size_t at = p_.find(c, pos_);
    return at == std::string_view::npos ? p_.size() : at + 1;
  }
  char peek(std::size_t ahead = 0) const { return pos_ + ahead < p_.size() ? p_[pos_ + ahead] : '\0'; }

  Query take_match(Info i) const { return i.exact ? or_strings(i.strings, min_len_) : std::move(i.match); }

  Info as_match(Query q) const {
    Info i;
    i.match = std::move(q);
    return i;
  }

  // The union of the branches' exact sets while it stays small; else an
  // OR over what each branch needs, the exact branches' strings together.
  Info alternation() {
    std::vector<Info> branches;
    branches.push_back(concatenation());
    while (!at_end() && peek() == '|') {
      ++pos_;
      branches.push_back(concatenation());
    }
    if (branches.size() == 1) return std::move(branches.front());
    std::set<std::string> strings;
    bool all_exact = true;
    for (Info& b : branches) {
      if (b.exact) strings.insert(b.strings.begin(), b.strings.end());
      else all_exact = false;
    }
    if (all_exact && strings.size() <= kMaxExact) return Info::of_strings(std::move(strings));
    // What each branch needs, ORed (combine: OR with true is true).
    std::vector<Query> needs;
    if (!strings.empty()) needs.push_back(or_strings(strings, min_len_));
    for (Info& b : branches)
      if (!b.exact) needs.push_back(std::move(b.match));
    Query out = std::move(needs.front());
    for (std::size_t i = 1; i < needs.size(); ++i) out = combine(Query::kOr, std::move(out), std::move(needs[i]));
    return as_match(std::move(out));
  }

  // RE2's rule: runs of exact parts are multiplied out while the product
  // stays small; everything else is ANDed.
  Info concatenation() {
    Query info;  // true
    bool have_exact = false, inexact = false;  // inexact: some part is not an exact set
    std::set<std::string> exact;
    bool any_part = false;
    while (!at_end() && peek() != '|' && peek() != ')') {
      any_part = true;
      // A run of plain characters is one part (most of a pattern; a set per
      // character would cost far more).
      Info part = plain_literal() ? plain_run() : repetition();
      if (!part.exact || (have_exact && part.strings.size() * exact.size() > kMaxExact)) {
        // The run of exact parts ends; the whole is no exact set any more.
        inexact = true;
        if (have_exact) info = combine(Query::kAnd, std::move(info), or_strings(exact, min_len_));
        have_exact = false;
        exact.clear();
        if (part.exact) {
          have_exact = true;
          exact = std::move(part.strings);
        } else {
          info = combine(Query::kAnd, std::move(info), std::move(part.match));
        }
      } else if (!have_exact) {
        have_exact = true;
        exact = std::move(part.strings);
      } else if (exact.size() == 1 && part.strings.size() == 1) {
        auto node = exact.extract(exact.begin());  // one string: appended in place
        node.value() += *part.strings.begin();
        exact.insert(std::move(node));
      } else {
        std::set<std::string> product;
        for (const auto& a : exact)
          for (const auto& b : part.strings) product.insert(a + b);
        exact = std::move(product);
      }
    }
    if (!any_part) return Info::empty();
    if (!inexact) return Info::of_strings(std::move(exact));
    if (have_exact) info = combine(Query::kAnd, std::move(info), or_strings(exact, min_len_));
    return as_match(std::move(info));
  }

  // Whether some `(?flags)` is followed by a repetition operator (looked for
  // anywhere, escapes and classes included: a false alarm only makes the
  // condition weaker).
  bool repeated_flag_group() const {
    // An empty quotation (`a\Q\E*`) is as transparent as a flag group.
    if (p_.find("\\Q\\E") != std::string_view::npos) return true;
    for (std::size_t at = p_.find("(?"); at != std::string_view::npos; at = p_.find("(?", at + 2)) {
      std::size_t i = at + 2;
      while (i < p_.size() && (std::isalpha(static_cast<unsigned char>(p_[i])) || p_[i] == '-')) ++i;
      if (i + 1 < p_.size() && p_[i] == ')' && std::strchr("*+?{", p_[i + 1]) != nullptr) return true;
    }
    return false;
  }

  // Whether pos_ is at an ASCII character that stands for itself and is not
  // followed by a repetition operator.
  bool plain_literal() const {
    const char c = peek();
    if (static_cast<unsigned char>(c) >= 0x80 || std::strchr("\\.[](){}|*+?^$", c) != nullptr || c == '\0') return false;
    const char next = peek(1);
    return next != '*' && next != '+' && next != '?' && next != '{';
  }

  // The plain characters from pos_ (plain_literal()), as one exact string.
  Info plain_run() {
    std::string run;
    while (plain_literal()) run += lower(p_[pos_++]);
    return Info::of_strings({std::move(run)});
  }

  // {n}, {n,} or {n,m} at pos_: its minimum, and pos_ after it; or -1
  // (then `{` is a literal, as in RE2).
  long repeat_min() {
    std::size_t i = pos_ + 1;
    auto digits = [&](std::size_t& at) {
      const std::size_t from = at;
      while (at < p_.size() && p_[at] >= '0' && p_[at] <= '9') ++at;
      return at > from;
    };
    const std::size_t start = i;
    if (!digits(i) || i - start > 6) return -1;  // RE2 refuses counts over 1000 anyway
    const long n = std::stol(std::string(p_.substr(start, i - start)));
    if (i < p_.size() && p_[i] == ',') {
      ++i;
      digits(i);
    }
    if (i >= p_.size() || p_[i] != '}') return -1;
    pos_ = i + 1;
    return n;
  }

  Info repetition() {
    Info item = atom();
    for (;;) {
      const char c = peek();
      long min = -1;
      if (c == '*' || c == '?') {
        ++pos_;
        min = 0;
      } else if (c == '+') {
        ++pos_;
        min = 1;
      } else if (c == '{') {
        min = repeat_min();
        if (min < 0) break;
      } else {
        break;
      }
      if (peek() == '?' || peek() == '+') ++pos_;  // lazy (or possessive, refused by RE2)
      if (min == 0) item = Info::any();
      else item = as_match(take_match(std::move(item)));  // x+ and x{n,m} need what x needs
    }
    return item;
  }

  static char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
  static Info literal(char c) { return Info::of_strings({std::string(1, lower(c))}); }
  // The character with code `code`: an atom's byte when ASCII (NUL aside).
  static Info of_code(long code) { return code > 0 && code < 0x80 ? literal(static_cast<char>(code)) : Info::any(); }

  // One UTF-8 character at pos_ (at least one byte).
  void skip_char() {
    const auto lead = static_cast<unsigned char>(p_[pos_++]);
    if (lead < 0x80) return;
    while (pos_ < p_.size() && (static_cast<unsigned char>(p_[pos_]) & 0xC0) == 0x80) ++pos_;
  }

  Info atom() {
    const char c = p_[pos_];
    if (c == '(') return group();
    if (c == '[') return char_class();
    if (c == '\\') return escape();
    if (c == '.') {
      ++pos_;
      return Info::any();
    }
    if (c == '^' || c == '$') {
      ++pos_;
      return Info::empty();
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      skip_char();  // a non-ASCII character: no atom (AtomMatcher folds ASCII only)
      return Info::any();
    }
    ++pos_;
    return literal(c);
  }

  Info group() {
    ++pos_;  // (
    if (peek() == '?') {
      ++pos_;
      if (peek() == '<' || (peek() == 'P' && peek(1) == '<')) {
        pos_ = after('>');  // a named group
      } else {
        // Flags: (?i) applies to the rest of the group and needs nothing;
        // (?i:...) is a group. Case never matters here: atoms are folded.
        while (!at_end() && peek() != ')' && peek() != ':') ++pos_;
        if (peek() == ')') {
          ++pos_;
          return Info::empty();
        }
        ++pos_;  // :
      }
    }
    Info inner = alternation();
    if (peek() == ')') ++pos_;
    return inner;
  }

  Info escape() {
    ++pos_;  // backslash
    if (at_end()) return Info::any();
    const char e = p_[pos_++];
    switch (e) {
      case 'b': case 'B': case 'A': case 'z':
        return Info::empty();
      case 'n': return literal('\n');
      case 't': return literal('\t');
      case 'r': return literal('\r');
      case 'f': return literal('\f');
      case 'v': return literal('\v');
      case 'a': return literal('\a');
      case 'p': case 'P':
        if (peek() == '{') pos_ = after('}');
        else if (!at_end()) skip_char();
        return Info::any();
      case 'x': {
        std::string hex;
        if (peek() == '{') {
          const std::size_t close = p_.find('}', pos_);
          if (close == std::string_view::npos) return Info::any();
          hex = std::string(p_.substr(pos_ + 1, close - pos_ - 1));
          pos_ = close + 1;
        } else {
          hex = std::string(p_.substr(pos_, 2));
          pos_ = std::min(p_.size(), pos_ + 2);
        }
        if (hex.empty() || hex.size() > 6 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
          return Info::any();
        const long code = std::stol(hex, nullptr, 16);
        return of_code(code);
      }
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        // Octal: \0, or up to three digits (\12 and \012 are a newline).
        int code = e - '0';
        for (int more = 0; more < 2 && peek() >= '0' && peek() <= '7'; ++more) code = code * 8 + (p_[pos_++] - '0');
        return of_code(code);
      }
      case 'Q': {
        // Quoted text up to \E: literal characters.
        const std::size_t close = p_.find("\\E", pos_);
        const std::size_t end = close == std::string_view::npos ? p_.size() : close;
        Query info;
        std::string run;
        bool split = false;  // a non-ASCII character: the text is no exact string
        auto flush = [&] {
          if (!run.empty()) info = combine(Query::kAnd, std::move(info), or_strings({run}, min_len_));
          run.clear();
        };
        while (pos_ < end) {
          const char q = p_[pos_];
          if (static_cast<unsigned char>(q) >= 0x80) {
            skip_char();
            flush();
            split = true;
          } else {
            run += lower(q);
            ++pos_;
          }
        }
        pos_ = close == std::string_view::npos ? p_.size() : close + 2;
        if (!split) return Info::of_strings({run});
        flush();
        return as_match(std::move(info));
      }
      default:
        // Punctuation stands for itself; other letters and digits are
        // classes (\d \w \s ...) or not understood: they need nothing.
        if (static_cast<unsigned char>(e) < 0x80 && !std::isalnum(static_cast<unsigned char>(e))) return literal(e);
        if (static_cast<unsigned char>(e) >= 0x80) {
          --pos_;
          skip_char();
        }
        return Info::any();
    }
  }

  // [...]: the set of its characters when it has at most four ASCII ones
  // (after folding), else nothing is needed.
  Info char_class() {
    ++pos_;  // [
    bool negated = false, big = false;
    if (peek() == '^') {
      negated = true;
      ++pos_;
    }
    std::set<char> chars;
    bool first = true;
    while (!at_end() && (p_[pos_] != ']' || first)) {
      first = false;
      if (p_.compare(pos_, 2, "[:") == 0) {
        // [:alpha:] (RE2 refuses unknown names); a `[` without a name is itself.
        const std::size_t close = p_.find(":]", pos_ + 2);
        if (close != std::string_view::npos &&
            std::all_of(p_.begin() + static_cast<std::ptrdiff_t>(pos_ + 2), p_.begin() + static_cast<std::ptrdiff_t>(close),
                        [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)) || ch == '^'; })) {
          pos_ = close + 2;
          big = true;
          continue;
        }
      }
      int lo = -1;  // the character, -1 for a class or a non-ASCII one
      if (p_[pos_] == '\\') {
        ++pos_;
        if (at_end()) break;
        const char e = p_[pos_];
        if (e == 'p' || e == 'P') {
          ++pos_;
          if (peek() == '{') pos_ = after('}');
          else if (!at_end()) skip_char();
          big = true;
          continue;
        }
        ++pos_;
        switch (e) {
          case 'n': lo = '\n'; break;
          case 't': lo = '\t'; break;
          case 'r': lo = '\r'; break;
          case 'f': lo = '\f'; break;
          case 'v': lo = '\v'; break;
          default:
            if (static_cast<unsigned char>(e) < 0x80 && !std::isalnum(static_cast<unsigned char>(e))) lo = e;
            else big = true;  // \d \w \s \x.. ...: treated as large
        }
        if (lo < 0) continue;
      } else if (static_cast<unsigned char>(p_[pos_]) >= 0x80) {
        skip_char();
        big = true;
        lo = -1;
      } else {
        lo = p_[pos_++];
      }
      // A range lo-hi.
      if (peek() == '-' && peek(1) != ']' && pos_ + 1 < p_.size()) {
        ++pos_;
        int hi = -1;
        if (p_[pos_] == '\\') {
          ++pos_;
          if (!at_end() && static_cast<unsigned char>(p_[pos_]) < 0x80 && !std::isalnum(static_cast<unsigned char>(p_[pos_])))
            hi = p_[pos_];
          if (!at_end()) skip_char();
        } else if (static_cast<unsigned char>(p_[pos_]) >= 0x80) {
          skip_char();
        } else {
          hi = p_[pos_++];
        }
        if (lo < 0 || hi < 0 || hi - lo > 8) {
          big = true;
          continue;
        }
        for (int ch = lo; ch <= hi; ++ch) chars.insert(lower(static_cast<char>(ch)));
        continue;
      }
      if (lo >= 0) chars.insert(lower(static_cast<char>(lo)));
    }
    if (peek() == ']') ++pos_;
    if (negated || big || chars.size() > 4 || chars.empty()) return Info::any();
    std::set<std::string> strings;
    for (char ch : chars) strings.insert(std::string(1, ch));
    return Info::of_strings(std::move(strings));
  }
};

}  // namespace

LiteralCondition LiteralCondition::of_pattern(std::string_view pattern, std::size_t min_atom_length, AtomIndex& atoms) {
  const Query q = Builder(pattern, std::max<std::size_t>(1, min_atom_length)).run();
  LiteralCondition c;
  if (q.op == Query::kAll) return c;
  // Flatten, root first.
  auto add = [&](const Query& n, auto& self) -> std::int32_t {
    const auto at = static_cast<std::int32_t>(c.nodes_.size());
    c.nodes_.push_back(Node{n.op == Query::kAtom ? Node::kAtom : n.op == Query::kAnd ? Node::kAnd : Node::kOr, -1, {}, {}});
    if (n.op == Query::kAtom) {
      c.nodes_[at].atom = atoms.id(n.atom);
      return at;
    }
    for (const Query& s : n.subs) {
      if (s.op == Query::kAtom) {
        const std::int32_t a = atoms.id(s.atom);
        c.nodes_[at].atoms.push_back(a);
      } else {
        const std::int32_t sub = self(s, self);
        c.nodes_[at].subs.push_back(sub);
      }
    }
    return at;
  };
  add(q, add);
  return c;
}

std::optional<LiteralCondition> LiteralCondition::from_nodes(std::vector<Node> nodes, std::size_t atom_count) {
  const auto in = [](std::int32_t i, std::size_t end) { return i >= 0 && static_cast<std::size_t>(i) < end; };
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (n.op == Node::kAtom) {
      if (!in(n.atom, atom_count) || !n.atoms.empty() || !n.subs.empty()) return std::nullopt;
      continue;
    }
    if (n.op != Node::kAnd && n.op != Node::kOr) return std::nullopt;
    for (std::int32_t a : n.atoms)
      if (!in(a, atom_count)) return std::nullopt;
    // Operands come after their node: no cycle, and eval() ends.
    for (std::int32_t s : n.subs)
      if (!in(s, nodes.size()) || static_cast<std::size_t>(s) <= i) return std::nullopt;
  }
  LiteralCondition c;
  c.nodes_ = std::move(nodes);
  return c;
}

bool LiteralCondition::eval(std::int32_t node, const AtomFlags& found) const {
  const Node& n = nodes_[static_cast<std::size_t>(node)];
  auto is_found = [&](std::int32_t a) { return static_cast<bool>(found[static_cast<std::size_t>(a)]); };
  auto sub_holds = [&](std::int32_t s) { return eval(s, found); };
  switch (n.op) {
    case Node::kAtom: return is_found(n.atom);
    case Node::kAnd:
      return std::all_of(n.atoms.begin(), n.atoms.end(), is_found) && std::all_of(n.subs.begin(), n.subs.end(), sub_holds);
    case Node::kOr:
      return std::any_of(n.atoms.begin(), n.atoms.end(), is_found) || std::any_of(n.subs.begin(), n.subs.end(), sub_holds);
  }
  return true;
}

void LiteralCondition::reindex(const std::vector<std::string>& from, AtomIndex& to) {
  auto move = [&](std::int32_t& a) { a = to.id(from[static_cast<std::size_t>(a)]); };
  for (Node& n : nodes_) {
    if (n.op == Node::kAtom) move(n.atom);
    for (std::int32_t& a : n.atoms) move(a);
  }
}

LiteralCondition LiteralCondition::both(const LiteralCondition& a, const LiteralCondition& b) {
  if (a.always()) return b;
  if (b.always()) return a;
  // A root "and" of the two trees, each moved up by the nodes before it
  // (operands stay after the node they belong to).
  LiteralCondition c;
  c.nodes_.push_back(Node{Node::kAnd, -1, {}, {}});
  for (const LiteralCondition* part : {&a, &b}) {
    const auto shift = static_cast<std::int32_t>(c.nodes_.size());
    c.nodes_[0].subs.push_back(shift);
    for (Node n : part->nodes_) {
      for (std::int32_t& s : n.subs) s += shift;
      c.nodes_.push_back(std::move(n));
    }
  }
  return c;
}

std::string LiteralCondition::show(std::int32_t node, const std::vector<std::string>& atoms) const {
  const Node& n = nodes_[static_cast<std::size_t>(node)];
  if (n.op == Node::kAtom) return atoms[static_cast<std::size_t>(n.atom)];
  std::string out;
  const char* op = n.op == Node::kAnd ? " AND " : " OR ";
  for (std::int32_t a : n.atoms) out += (out.empty() ? "" : op) + atoms[static_cast<std::size_t>(a)];
  for (std::int32_t s : n.subs) out += (out.empty() ? "" : op) + ("(" + show(s, atoms) + ")");
  return out;
}

std::string LiteralCondition::to_string(const std::vector<std::string>& atoms) const {
  return nodes_.empty() ? "true" : show(0, atoms);
}

}  // namespace extract
