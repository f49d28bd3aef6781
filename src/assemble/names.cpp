#include "assemble/names.hpp"

#include <cctype>

#include <re2/re2.h>

#include "core/ascii.hpp"
#include "core/utf8.hpp"

namespace extract::names {

namespace {

bool is_space(char c) { return is_c_space(c); }

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80 || c == '_'; }

bool in(const Lexicon* lex, std::string_view w) { return lex && lex->contains(w); }

// `w` ends with a tail of the list that starts with a hyphen, after at least
// one byte: "Dallas-based" ends with "-based"; "-based" alone does not.
bool has_hyphen_tail(const LexiconList& tails, std::string_view w) {
  if (tails.empty()) return false;
  for (std::size_t p = w.find('-', 1); p != std::string_view::npos; p = w.find('-', p + 1))
    if (tails.contains(w.substr(p))) return true;
  return false;
}

}  // namespace

Lexicons Lexicons::from(const RuleSet& rules) {
  Lexicons l;
  l.stop = rules.lexicon("name_stopwords");
  l.honorific = rules.lexicon("name_honorifics");
  l.org_head = rules.lexicon("org_head_words");
  l.suffix = rules.lexicon("corp_suffix");
  l.suffix_dotted = rules.lexicon("corp_suffix_dotted");
  l.descriptor = rules.lexicon("corp_descriptor");
  l.places = rules.lexicon("place_gazetteer");
  l.orgs = rules.lexicon("org_gazetteer");
  l.generic = rules.lexicon("org_generic_words");
  l.tails = LexiconList(rules, "name_tail");
  return l;
}

bool Lexicons::is_stop(std::string_view w) const { return in(stop, w); }
bool Lexicons::is_honorific(std::string_view w) const { return in(honorific, w); }
bool Lexicons::is_suffix(std::string_view w) const {
  if (in(suffix_dotted, w)) return true;
  if (!w.empty() && w.back() == '.') w.remove_suffix(1);
  return in(suffix, w);
}
bool Lexicons::is_org_word(std::string_view w) const {
  if (is_suffix(w)) return true;
  if (!w.empty() && (w.back() == '.' || w.back() == ',')) w.remove_suffix(1);
  return in(descriptor, w) || in(org_head, w);
}

std::string collapse(std::string_view s) { return Lexicon::fold(s, false); }

std::vector<Span> words(std::string_view text, Span span) {
  std::vector<Span> out;
  out.reserve(8);  // (names and headlines: one allocation, not one per doubling)
  std::size_t i = span.start;
  while (i < span.end) {
    while (i < span.end && is_space(text[i])) ++i;
    if (i >= span.end) break;
    std::size_t j = i;
    while (j < span.end && !is_space(text[j])) ++j;
    out.push_back({i, j});
    i = j;
  }
  return out;
}

Span trim(std::string_view text, Span span, const Lexicons& lex, bool honorifics) {
  auto ws = words(text, span);
  std::size_t a = 0, b = ws.size();
  auto word = [&](std::size_t k) { return text.substr(ws[k].start, ws[k].size()); };
  // "Hong Kong-based Tai Shan Trading Ltd", "state-owned": a word with a
  // descriptive tail (lexicon name_tail) describes the name after it.
  for (std::size_t k = b; k-- > a + 0;)
    if (k + 1 < b && has_hyphen_tail(lex.tails, word(k))) {
      a = k + 1;
      break;
    }
  while (a < b && (lex.is_stop(word(a)) || (honorifics && lex.is_honorific(word(a))))) ++a;
  while (b > a && lex.is_stop(word(b - 1))) --b;
  if (a >= b) return {span.start, span.start};
  Span out{ws[a].start, ws[b - 1].end};
  // Trailing punctuation that is not part of a legal form ("Corp." keeps its dot).
  while (out.end > out.start) {
    const char c = text[out.end - 1];
    if (c == ',' || c == ';' || c == ':') {
      --out.end;
    } else if (c == '.') {
      auto last = text.substr(ws[b - 1].start, out.end - ws[b - 1].start);
      // Keep the dot of an abbreviation or initial (Inc., S.A., E.).
      if (lex.is_suffix(last) || last.size() <= 2 || last.find('.') < last.size() - 1) break;
      --out.end;
    } else {
      break;
    }
  }
  return out;
}

void word_views(std::string_view name, std::vector<std::string_view>& out) {
  out.clear();
  out.reserve(8);
  for (std::size_t i = 0; i < name.size();) {
    while (i < name.size() && is_space(name[i])) ++i;
    std::size_t j = i;
    while (j < name.size() && !is_space(name[j])) ++j;
    if (j > i) out.push_back(name.substr(i, j - i));
    i = j;
  }
}

std::vector<std::string> split_words(std::string_view name) {
  thread_local std::vector<std::string_view> views;  // (reused: one allocation per list)
  word_views(name, views);
  return std::vector<std::string>(views.begin(), views.end());
}

std::string last_word(std::string_view name) {
  std::size_t end = name.size();
  while (end > 0 && is_space(name[end - 1])) --end;
  std::size_t start = end;
  while (start > 0 && !is_space(name[start - 1])) --start;
  while (end > start && (name[end - 1] == '.' || name[end - 1] == ',')) --end;
  return std::string(name.substr(start, end - start));
}

bool word_bounded(std::string_view text, std::size_t pos, std::size_t end) {
  auto inner = [&](std::size_t i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    return is_word_byte(c) || c == '-';
  };
  if (pos > 0 && inner(pos - 1)) return false;
  if (end < text.size()) {
    if (inner(end)) return false;
    // "Hotshot-XL": a hyphen joins words; an apostrophe before "s" is a possessive and is fine.
  }
  return true;
}

namespace {

// The paragraph holding `pos` (lines between blank lines) is set in capitals:
// three words or more and no lower-case letter. Wire headlines wrap onto a
// second line ("X AGREES TO ACQUIRE Y FOR 367 / MLN DLRS"); body text is never
// all capitals. Only the 400 bytes on either side of `pos` are read: a line
// running past them is no headline (and a text of one long line would
// otherwise be read whole for each name in it).
constexpr std::size_t kBlockReach = 400;

bool in_capitals_block(std::string_view text, std::size_t pos) {
  const std::size_t lo = pos > kBlockReach + 1 ? pos - kBlockReach - 1 : 0;
  const std::size_t hi = std::min(text.size(), pos + kBlockReach + 1);
  constexpr std::size_t kFar = std::string_view::npos;
  // Where the line holding p starts / ends, or kFar when that is outside [lo, hi].
  auto line_start = [&](std::size_t p) -> std::size_t {
    if (p == 0) return 0;
    const std::size_t nl = text.substr(lo, p - lo).rfind('\n');
    if (nl != std::string_view::npos) return lo + nl + 1;
    return lo == 0 ? 0 : kFar;
  };
  auto line_end = [&](std::size_t p) -> std::size_t {
    if (p >= hi) return p >= text.size() ? text.size() : kFar;
    const std::size_t nl = text.substr(p, hi - p).find('\n');
    if (nl != std::string_view::npos) return p + nl;
    return hi == text.size() ? text.size() : kFar;
  };
  auto blank = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      if (!is_space(text[i])) return false;
    return true;
  };
  std::size_t a = line_start(pos);
  std::size_t b = line_end(pos);
  if (a == kFar || b == kFar) return false;
  // The block holds pos's line: a small letter there (most lines of body
  // text) answers before the lines around it are looked for.
  for (std::size_t i = a; i < b; ++i)
    if (std::islower(static_cast<unsigned char>(text[i]))) return false;
  while (a > 0) {
    const std::size_t prev = line_start(a - 1);
    if (prev == kFar || blank(prev, a - 1) || pos - prev > kBlockReach) break;
    a = prev;
  }
  while (b < text.size()) {
    const std::size_t next_end = line_end(b + 1);
    if (next_end == kFar || blank(b + 1, next_end) || next_end - pos > kBlockReach) break;
    b = next_end;
  }
  int words = 0;
  bool in_word = false;
  for (std::size_t i = a; i < b; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::islower(c)) return false;
    const bool letter = std::isupper(c) != 0;
    if (letter && !in_word) ++words;
    in_word = letter || (in_word && !is_space(text[i]));
  }
  return words >= 3;
}

}  // namespace

bool in_headline(std::string_view text, std::size_t pos) {
  if (in_capitals_block(text, pos)) return true;
  // The line holding pos, if it is at most 300 bytes long (found within 301
  // bytes on either side, so that a text of one long line is not read whole
  // for each name in it).
  constexpr std::size_t kReach = 301;
  const std::size_t lo = pos > kReach ? pos - kReach : 0;
  std::size_t a = text.substr(lo, pos + 1 - lo).rfind('\n');
  if (a == std::string_view::npos && lo > 0) return false;
  a = a == std::string_view::npos ? 0 : lo + a + 1;
  std::size_t b = pos >= text.size() ? std::string_view::npos : text.substr(pos, kReach + 1).find('\n');
  if (b == std::string_view::npos && pos + kReach + 1 < text.size()) return false;
  b = b == std::string_view::npos ? text.size() : pos + b;
  if (b - a > 300) return false;
  // A headline stands alone: a blank line (or the end) follows it. Wire copy
  // wraps body lines, so a body line full of capitalised names is not one.
  {
    std::size_t n = b;
    while (n < text.size() && (text[n] == '\n' || text[n] == '\r' || text[n] == ' ' || text[n] == '\t')) {
      if (text[n] == '\n' && n > b) break;
      ++n;
    }
    if (!(n >= text.size() || (n > b && text[n] == '\n'))) return false;
  }
  auto ws = words(text, {a, b});
  if (ws.size() < 3) return false;
  // A line ending in a sentence period is body text.
  std::size_t e = b;
  while (e > a && is_space(text[e - 1])) --e;
  if (e > a && text[e - 1] == '.') return false;
  int content = 0, capital = 0;
  for (const auto& w : ws) {
    const std::string_view s = text.substr(w.start, w.size());
    const unsigned char c = static_cast<unsigned char>(s[0]);
    if (!std::isalpha(c)) continue;
    if (s.size() <= 3 && std::islower(c)) continue;  // of, to, the, a, and
    ++content;
    if (std::isupper(c)) ++capital;
  }
  return content >= 3 && capital * 10 >= content * 8;
}

FormMatcher::FormMatcher(const std::vector<std::string>& list) {
  words_.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    words_.emplace_back();
    word_views(list[i], words_.back());
    if (words_.back().empty()) continue;
    const auto b = static_cast<unsigned char>(words_.back()[0][0]);
    by_byte_[b].push_back(i);
    starts_[b] = true;
  }
}

namespace {

bool re2_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

std::size_t match_form(std::string_view text, std::size_t p, const std::vector<std::string_view>& words) {
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (k) {
      if (p >= text.size() || !re2_space(text[p])) return FormMatcher::npos;
      while (p < text.size() && re2_space(text[p])) ++p;
    }
    const std::string_view w = words[k];
    if (text.size() - p < w.size() || text.compare(p, w.size(), w) != 0) return FormMatcher::npos;
    p += w.size();
  }
  return p;
}

}  // namespace

std::size_t FormMatcher::match(std::string_view text, std::size_t pos) const {
  for (std::size_t i : by_byte_[static_cast<unsigned char>(text[pos])])
    if (const std::size_t end = match_form(text, pos, words_[i]); end != npos) return end;
  return npos;
}

// RE2 refuses a pattern that is not valid UTF-8 or whose program exceeds its
// budget (64 MiB: about 700,000 instructions); a list of valid forms well
// under that (estimated generously per byte and per gap) compiles without
// asking, anything else is compiled once to see.
bool alternation_compiles(const std::vector<std::string>& list) {
  std::size_t estimate = 0;
  bool valid = true;
  for (const auto& f : list) {
    valid = valid && !find_invalid_utf8(f);
    thread_local std::vector<std::string_view> words;
    word_views(f, words);
    estimate += 8 + 2 * f.size() + 16 * words.size();
  }
  if (valid && estimate < 300000) return true;
  std::string pattern = "(";
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) pattern += '|';
    std::string q;
    for (const auto& w : split_words(list[i])) q += (q.empty() ? "" : "\\s+") + RE2::QuoteMeta(w);
    pattern += q;
  }
  pattern += ")";
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return RE2(pattern, o).ok();
}

}  // namespace extract::names
