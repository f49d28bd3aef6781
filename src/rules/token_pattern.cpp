#include "rules/token_pattern.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <tuple>
#include <unordered_map>

#include "core/utf8.hpp"
#include "rules/class_sequence.hpp"
#include "rules/regex_shape.hpp"
#include "rules/rule_set.hpp"

namespace extract {

namespace {

constexpr std::uint64_t kFnvOffset = 1469598103934665603ull, kFnvPrime = 1099511628211ull;

constexpr unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c; }
constexpr bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
constexpr bool is_ascii_word(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
constexpr bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// The code point at text[i] and its length in bytes; a byte that starts no
// valid sequence is one code point of its own (returned as -1).
std::pair<long, std::size_t> decode(std::string_view text, std::size_t i) {
  const auto [cp, n] = utf8_decode(text, i);
  return {cp, n == 0 ? 1 : n};
}

// Whether a non-ASCII code point is punctuation, a symbol or a space
// (a token of its own) rather than part of a word.
bool is_non_word(long cp) {
  return cp < 0 || (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) ||
         (cp >= 0x20A0 && cp <= 0x20CF) || (cp >= 0x2190 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
         (cp >= 0xFF01 && cp <= 0xFF0F);
}

// Whether the token `t` of `text` is `key` (lowered when `fold`).
bool token_is(std::string_view text, const Token& t, std::string_view key, bool fold) {
  if (t.end - t.start != key.size()) return false;
  const char* p = text.data() + t.start;
  if (!fold) return std::equal(key.begin(), key.end(), p);
  for (std::size_t i = 0; i < key.size(); ++i)
    if (lower(static_cast<unsigned char>(p[i])) != static_cast<unsigned char>(key[i])) return false;
  return true;
}

// `bytes` and the bytes a token that is `key` (lowered when `fold`) can
// start with.
ClassSequence::FirstBytes first_bytes_of_word(std::string_view key, bool fold, ClassSequence::FirstBytes bytes) {
  if (key.empty()) return bytes;
  const auto b = static_cast<unsigned char>(key[0]);
  bytes.add(b);
  if (fold && b >= 'a' && b <= 'z') bytes.add(static_cast<unsigned char>(b - 'a' + 'A'));
  return bytes;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(lower(static_cast<unsigned char>(c)));
  return out;
}

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// The slot of a 64-bit key (a word's fold_hash, a search state) in an
// open-addressing table of mask + 1 slots (a power of two).
std::size_t slot_of(std::uint64_t key, std::size_t mask) { return (key * 0x9E3779B97F4A7C15ull) >> 20 & mask; }

// What each token regex answered on a word, kept by each thread across
// texts: news repeats its words, and a regex asked about a word it has
// answered before costs a table lookup instead of an RE2 search (500
// instructions a call). Direct-mapped, by the regex's address and the
// word's bytes (words over kMaxWord bytes are not kept); a slot holds the
// last word it was given, and answers are always RE2's own. The table
// stays at kSlots * 32 bytes, 128 KiB, within a core's cache: 512 KiB
// took fewer instructions and more time, 1 MiB more time than RE2 itself.
// (Regexes of classes only are answered by ClassSequence before this.)
class WordAnswers {
 public:
  static constexpr std::size_t kSlots = std::size_t{1} << 12;
  static constexpr std::size_t kMaxWord = 22;

  // RE2::FullMatch(word, re), remembered.
  static bool full_match(const RE2& re, std::string_view word) {
    if (word.size() > kMaxWord) return RE2::FullMatch(word, re);
    thread_local WordAnswers mine;
    return mine.answer(re, word);
  }
  // Called when a token regex is freed.
  static void forget_all() { freed().fetch_add(1, std::memory_order_acq_rel); }

 private:
  struct Slot {
    const RE2* re = nullptr;
    char bytes[kMaxWord] = {};
    std::uint8_t size = 0;
    bool yes = false;
  };
  static std::atomic<std::uint64_t>& freed() {
    static std::atomic<std::uint64_t> count{0};
    return count;
  }
  bool answer(const RE2& re, std::string_view word) {
    const std::uint64_t now = freed().load(std::memory_order_acquire);
    if (!slots_ || now != seen_freed_) {
      slots_ = std::make_unique<Slot[]>(kSlots);  // zeroed: nothing known
      seen_freed_ = now;
    }
    std::uint64_t h = reinterpret_cast<std::uintptr_t>(&re) * kFnvPrime;
    for (char c : word) h = (h ^ static_cast<unsigned char>(c)) * kFnvPrime;
    Slot& s = slots_[(h ^ (h >> 29)) & (kSlots - 1)];
    if (s.re == &re && s.size == word.size() && std::equal(word.begin(), word.end(), s.bytes)) return s.yes;
    s.re = &re;
    s.size = static_cast<std::uint8_t>(word.size());
    std::copy(word.begin(), word.end(), s.bytes);
    s.yes = RE2::FullMatch(word, re);
    return s.yes;
  }
  std::unique_ptr<Slot[]> slots_;
  std::uint64_t seen_freed_ = 0;
};

}  // namespace

std::uint64_t fold_hash(std::string_view text) {
  std::uint64_t h = kFnvOffset;
  for (char c : text) h = (h ^ lower(static_cast<unsigned char>(c))) * kFnvPrime;
  return h;
}

namespace {

// What an ASCII byte is to the tokenizer; bytes from 0x80 are decoded.
// (Word and digit first: a word's bytes are those up to kDigit.)
enum ByteClass : std::uint8_t { kWord, kDigit, kSpace, kPunct, kHigh };
struct ByteClasses {
  std::uint8_t of[256];
  unsigned char lowered[256];
  constexpr ByteClasses() : of(), lowered() {
    for (int b = 0; b < 256; ++b) {
      const auto c = static_cast<unsigned char>(b);
      of[b] = b >= 0x80 ? kHigh : is_space(c) ? kSpace : is_digit(c) ? kDigit : is_ascii_word(c) ? kWord : kPunct;
      lowered[b] = lower(c);
    }
  }
};
constexpr ByteClasses kBytes;

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  out.reserve(text.size() / 5 + 1);
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = std::min(text.size(), kMaxTokenizedBytes);
  text = text.substr(0, n);
  // A word character at j: its length in bytes, or 0.
  auto word_at = [&](std::size_t j) -> std::size_t {
    const std::uint8_t k = kBytes.of[p[j]];
    if (k <= kDigit) return 1;
    if (k != kHigh) return 0;
    const auto [cp, len] = decode(text, j);
    return is_non_word(cp) ? 0 : len;
  };
  std::size_t i = 0;
  std::uint8_t gap = 0;  // Token::gap of the white space read since the last token
  while (i < n) {
    if (kBytes.of[p[i]] == kSpace) {
      const unsigned char c = p[i];
      if (c == '\n' || (c == '\r' && i + 1 < n && p[i + 1] == '\n')) {
        if (c == '\r') ++i;
        gap = gap >= 2 ? 3 : 2;
      } else if (c == '\f' || c == '\r') {
        gap = 3;
      } else if (gap == 0) {
        gap = 1;
      }
      ++i;
      continue;
    }
    Token t;
    t.start = static_cast<std::uint32_t>(i);
    t.gap = out.empty() ? 0 : gap;
    gap = 0;
    std::uint64_t h = kFnvOffset;
    std::size_t len = word_at(i);
    if (len > 0) {
      std::size_t j = i;
      for (;;) {
        for (std::size_t k = 0; k < len; ++k) h = (h ^ kBytes.lowered[p[j + k]]) * kFnvPrime;
        j += len;
        // (ASCII letters and digits, most of a word, one after the other.)
        while (j < n && kBytes.of[p[j]] <= kDigit) {
          h = (h ^ kBytes.lowered[p[j]]) * kFnvPrime;
          ++j;
        }
        if (j >= n) break;
        const std::uint8_t k = kBytes.of[p[j]];
        if ((p[j] == '.' || p[j] == ',') && kBytes.of[p[j - 1]] == kDigit && j + 1 < n && kBytes.of[p[j + 1]] == kDigit) {
          len = 1;  // "1,500.25"
        } else if (k == kHigh) {
          if ((len = word_at(j)) == 0) break;
        } else {
          break;
        }
      }
      i = j;
    } else {
      len = kBytes.of[p[i]] == kHigh ? decode(text, i).second : 1;
      for (std::size_t k = 0; k < len; ++k) h = (h ^ kBytes.lowered[p[i + k]]) * kFnvPrime;
      i += len;
    }
    t.end = static_cast<std::uint32_t>(i);
    t.folded = h;
    out.push_back(t);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Lexicons

std::shared_ptr<const TokenLexicon> TokenLexicon::of(const Lexicon& lexicon) {
  auto out = std::make_shared<TokenLexicon>();
  out->case_insensitive_ = lexicon.case_insensitive;
  out->nodes_.emplace_back();
  // A node's child by (node, spacing, key), while the tree is built: a
  // gazetteer's root has thousands of children, and looking through them
  // for each form made the build quadratic (3 ms of every start-up).
  std::unordered_map<std::string, std::uint32_t> child_of;
  std::string child_key;
  for (const std::string& form : lexicon.forms()) {
    const std::vector<Token> toks = tokenize(form);
    if (toks.empty()) continue;
    std::uint32_t node = 0;
    for (const Token& t : toks) {
      std::string key = form.substr(t.start, t.end - t.start);
      if (out->case_insensitive_) key = lowered(key);
      const bool space = t.space_before();
      child_key.assign(std::to_string(node)).append(space ? " " : "~").append(key);
      auto [it, added] = child_of.try_emplace(child_key, static_cast<std::uint32_t>(out->nodes_.size()));
      const std::uint32_t next = it->second;
      if (added) {
        Node n;
        n.hash = t.folded;
        n.key = std::move(key);
        n.space_before = space;
        out->nodes_.push_back(std::move(n));
        out->nodes_[node].children.push_back(next);
      }
      node = next;
    }
    out->nodes_[node].end = true;
  }
  out->max_tokens_ = out->count_max_tokens();
  // Children by hash, for a binary search (a root has a child per first word).
  for (Node& n : out->nodes_)
    std::stable_sort(n.children.begin(), n.children.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return out->nodes_[a].hash < out->nodes_[b].hash; });
  out->index_root();
  for (const std::uint32_t c : out->nodes_[0].children)
    out->first_bytes_ = first_bytes_of_word(out->nodes_[c].key, out->case_insensitive_, out->first_bytes_);
  return out;
}

void TokenLexicon::index_root() {
  const auto& children = nodes_[0].children;
  std::size_t runs = 0;
  for (std::size_t i = 0; i < children.size(); ++i)
    runs += i == 0 || nodes_[children[i]].hash != nodes_[children[i - 1]].hash;
  std::size_t size = 16;
  while (size < 2 * runs) size *= 2;
  root_.assign(size, RootSlot{});
  for (std::size_t i = 0; i < children.size();) {
    std::size_t j = i;
    const std::uint64_t h = nodes_[children[i]].hash;
    while (j < children.size() && nodes_[children[j]].hash == h) ++j;
    std::size_t k = slot_of(h, size - 1);
    while (root_[k].end != 0) k = (k + 1) & (size - 1);
    root_[k] = RootSlot{h, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j)};
    i = j;
  }
}

std::shared_ptr<const TokenLexicon> TokenLexicon::of(const Lexicon& lexicon, Built& built) {
  auto [it, added] = built.try_emplace(&lexicon);
  if (added) it->second = of(lexicon);
  return it->second;
}

std::pair<std::uint32_t, std::uint32_t> TokenLexicon::first_nodes(std::uint64_t hash) const {
  const std::size_t mask = root_.size() - 1;
  std::size_t k = slot_of(hash, mask);
  while (root_[k].end != 0 && root_[k].hash != hash) k = (k + 1) & mask;
  return {root_[k].begin, root_[k].end};  // (an empty slot: 0, 0)
}

// Depth first, from a form's first word; a form's nodes are few, and forms
// rarely share a prefix with a different spacing, so the walk is nearly a
// single path. Each end of a form below `from` (its own is the caller's) is
// given to `found`, which says whether to stop there; true when it did.
template <typename Found>
bool TokenLexicon::walk(std::string_view text, const std::vector<Token>& tokens, std::size_t at, Found& found,
                        std::uint32_t from) const {
  struct Step {
    std::uint32_t node;
    std::size_t at;
  };
  Step stack[64];
  std::size_t depth = 0;
  stack[depth++] = {from, at};
  while (depth > 0) {
    const Step s = stack[--depth];
    if (s.node != from && nodes_[s.node].end && found(s.at)) return true;
    if (s.at >= tokens.size()) continue;
    const Token& t = tokens[s.at];
    const auto& children = nodes_[s.node].children;
    auto it = std::lower_bound(children.begin(), children.end(), t.folded,
                               [&](std::uint32_t c, std::uint64_t h) { return nodes_[c].hash < h; });
    for (; it != children.end() && nodes_[*it].hash == t.folded; ++it) {
      const Node& n = nodes_[*it];
      if (n.space_before != t.space_before()) continue;
      if (!token_is(text, t, n.key, case_insensitive_)) continue;
      if (depth < 64) stack[depth++] = {*it, s.at + 1};
    }
  }
  return false;
}

// The first word read here (most forms are one word: no walk), then a
// walk from each first word's node that goes on.
template <typename Found>
void TokenLexicon::forms_at(std::string_view text, const std::vector<Token>& tokens, std::size_t at,
                            Found found) const {
  if (root_.empty() || at >= tokens.size()) return;
  const Token& t = tokens[at];
  const auto [from, to] = first_nodes(t.folded);
  const std::vector<std::uint32_t>& firsts = nodes_[0].children;
  for (std::uint32_t i = from; i < to; ++i) {
    const Node& n = nodes_[firsts[i]];
    if (!token_is(text, t, n.key, case_insensitive_)) continue;
    if (n.end && found(at + 1)) return;
    if (!n.children.empty() && walk(text, tokens, at + 1, found, firsts[i])) return;
  }
}

void TokenLexicon::match(std::string_view text, const std::vector<Token>& tokens, std::size_t at,
                         std::vector<std::uint32_t>& ends) const {
  const std::size_t first = ends.size();
  forms_at(text, tokens, at, [&](std::size_t end) {
    ends.push_back(static_cast<std::uint32_t>(end));
    return false;
  });
  if (ends.size() - first < 2) return;  // (most words start no form, or one)
  std::sort(ends.begin() + static_cast<std::ptrdiff_t>(first), ends.end(), std::greater<>());
  ends.erase(std::unique(ends.begin() + static_cast<std::ptrdiff_t>(first), ends.end()), ends.end());
}

bool TokenLexicon::starts_at(std::string_view text, const std::vector<Token>& tokens, std::size_t at) const {
  bool any = false;
  forms_at(text, tokens, at, [&](std::size_t) { return any = true; });
  return any;
}

std::optional<std::vector<std::uint64_t>> TokenLexicon::second_words(std::uint64_t first) const {
  std::vector<std::uint64_t> out;
  if (root_.empty()) return out;
  const auto [from, to] = first_nodes(first);
  for (std::uint32_t i = from; i < to; ++i) {
    const Node& n = nodes_[nodes_[0].children[i]];
    if (n.end) return std::nullopt;
    for (const std::uint32_t c : n.children) out.push_back(nodes_[c].hash);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::uint64_t> TokenLexicon::all_words() const {
  std::vector<std::uint64_t> out;
  for (std::size_t i = 1; i < nodes_.size(); ++i) out.push_back(nodes_[i].hash);
  return out;
}

std::size_t TokenLexicon::count_max_tokens() const {
  std::size_t most = 0;
  std::vector<std::pair<std::uint32_t, std::size_t>> stack{{0, 0}};
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    most = std::max(most, depth);
    for (std::uint32_t c : nodes_[node].children) stack.push_back({c, depth + 1});
  }
  return most;
}

std::vector<std::uint64_t> TokenLexicon::first_words() const {
  std::vector<std::uint64_t> out;
  for (std::uint32_t c : nodes_[0].children) out.push_back(nodes_[c].hash);
  return out;
}

// ---------------------------------------------------------------------------
// The program

// A predicate on one token: its text (lowered when `fold`), or a regex it
// matches whole.
struct TokenPattern::Pred {
  // (What every test of a token reads comes first, in its first 64 bytes:
  // the hash, the kind, the first bytes; a program's predicates are many,
  // and four sets of rules hold four times as many.)
  std::uint64_t hash = 0;
  std::shared_ptr<const RE2> regex;
  bool fold = true;
  bool number = false;  // `#`: the token starts with an ASCII digit (and matches `regex`, if any)
  // The bytes a word it matches can start with, when `simple` or `words`
  // knows them: a token that starts with another fails without asking.
  std::optional<ClassSequence::FirstBytes> first;
  std::string text;
  // The regex without RE2, when it is only classes in a row (most are).
  std::optional<ClassSequence> simple;
  // Or without RE2 when it is words in alternation.
  std::optional<WordAlternation> words;
  bool first_fails(unsigned char b) const { return first && !first->has(b); }
  // A word (compared by hash and text), not a regex or a number.
  bool is_word() const { return !regex && !number; }
  // simple, words and first, from the regex's pattern: its WordShape read
  // once per load (Env::shapes, keyed by the RE2, which env.regexes keeps
  // alive for the load) and copied, so that matching reads it in place.
  void read_shape(const RE2& re, const Env& env) {
    WordShape::of(re.pattern(), &re, env.regexes ? env.shapes : nullptr)->copy_to(simple, words);
    if (simple) first = simple->first_bytes();
    if (words) first = words->first_bytes();
    group_is_token = regex_first_group_is_match(re.pattern());
  }
  bool full_match(std::string_view token) const {
    if (simple) {
      if (const int answer = simple->full_match(token); answer >= 0) return answer == 1;
    }
    if (words) return words->full_match(token);
    return WordAnswers::full_match(*regex, token);
  }
  // full_match() on token `at` (the text `token`), read from a text's
  // RegexAnswers row and written there when not asked yet.
  bool answer_in(std::uint8_t* row, std::size_t at, std::string_view token) const {
    int answer = RegexAnswers::get(row, at);
    if (answer == 0) {
      answer = full_match(token) ? 2 : 1;
      RegexAnswers::set(row, at, answer == 2);
    }
    return answer == 2;
  }
  // A regex's named groups: (its group number, the pattern's group), read
  // from the token it matched, whose index the matcher saves in `slot`.
  std::vector<std::pair<int, std::uint32_t>> inner;
  std::uint32_t slot = 0;
  // Group 1 is the whole regex (`(?P<amount>...)`): it spans the token.
  bool group_is_token = false;
};

// kTok: token `arg` of preds_, then pc + 1. kLex: a form of lexicons_[arg]
// (each, longest first), then pc + 1. kSplit: x first, then y. kJmp: x.
// kSave: capture slot `arg` = the current token. kMatch: done. `space`
// constrains the first token a kTok or kLex reads: kAny, kNone (directly
// after the previous token), kSome (white space before it), kLine (none,
// or blanks without a line break: Token::gap at most 1), kParagraph (at
// most one line break: gap at most 2), kOne (at most one white-space
// character, a regex's `\s?`), kLineSome, kParagraphSome and kOneSome (the
// same, but not none). Never checked on a match's first token. (`^` is
// kSome, kLineSome, kParagraphSome or kOneSome, by the gaps where it is
// written.)
struct TokenPattern::Inst {
  enum Op : std::uint8_t { kTok, kLex, kSplit, kJmp, kSave, kMatch } op;
  enum Space : std::uint8_t { kAny, kNone, kSome, kLine, kParagraph, kLineSome, kParagraphSome, kOne, kOneSome } space =
      kAny;
  std::uint32_t arg = 0, x = 0, y = 0;
};

namespace {
// The instructions that instruction `pc` leads to without reading a token
// (a split: x then y; a jump: x; a save: the next one), into `to`; how many.
// Reading steps and kMatch lead nowhere here.
int steps_without_token(const TokenPattern::Inst& i, std::uint32_t pc, std::uint32_t to[2]) {
  switch (i.op) {
    case TokenPattern::Inst::kSplit: to[0] = i.x, to[1] = i.y; return 2;
    case TokenPattern::Inst::kJmp: to[0] = i.x; return 1;
    case TokenPattern::Inst::kSave: to[0] = pc + 1; return 1;
    default: return 0;
  }
}
}  // namespace

void TokenPattern::Anchor::close(const std::vector<Pred>& preds) {
  const std::size_t n = back_program.size();
  next_range.assign(n, Range{});
  word_range.assign(n, Range{});
  next.clear();
  next_first.clear();
  next_bytes.clear();
  next_space.clear();
  next_ends.clear();
  word_next.clear();
  // done_at[c]: the pc whose lists were made from instruction c.
  std::vector<std::uint32_t> seen(n, kNone), stack, done_at(n, kNone);
  for (std::uint32_t pc = 0; pc < n; ++pc) {
    // A walk goes on only from the start and after a step that read a
    // token: the other steps' lists stay empty (most of a program is the
    // splits, jumps and saves between tokens).
    if (pc > 0 && back_program[pc - 1].op != Inst::kTok && back_program[pc - 1].op != Inst::kLex) continue;
    // Where pc comes by jumps and saves alone: its lists are those of any
    // other pc that comes there (a word list's fifty steps, one list).
    std::uint32_t c = pc;
    for (std::size_t hops = 0; c < n && hops < n; ++hops) {
      if (back_program[c].op == Inst::kJmp) c = back_program[c].x;
      else if (back_program[c].op == Inst::kSave) ++c;
      else break;
    }
    if (c < n && done_at[c] != kNone) {
      next_range[pc] = next_range[done_at[c]];
      word_range[pc] = word_range[done_at[c]];
      continue;
    }
    const auto next_from = static_cast<std::uint32_t>(next.size());
    const auto word_from = static_cast<std::uint32_t>(word_next.size());
    stack.assign(1, pc);
    seen[pc] = pc;
    while (!stack.empty()) {
      const std::uint32_t at = stack.back();
      stack.pop_back();
      std::uint32_t to[2];
      const int count = steps_without_token(back_program[at], at, to);
      if (count == 0) {
        const Inst& inst = back_program[at];
        const Pred* word = inst.op == Inst::kTok && inst.arg < preds.size() ? &preds[inst.arg] : nullptr;
        if (word && word->is_word()) {
          word_next.push_back({word->hash, at, inst.space, false});
        } else {
          next.push_back(at);
          next_first.push_back(word && word->first ? inst.arg : kNoPred);
          ClassSequence::FirstBytes bytes;
          bytes.ascii[0] = bytes.ascii[1] = ~std::uint64_t{0};
          bytes.multibyte = true;
          next_bytes.push_back(word && word->first ? *word->first : bytes);
          next_space.push_back(inst.op == Inst::kTok ? inst.space : Inst::kAny);
        }
      }
      for (int k = 0; k < count; ++k) {
        if (to[k] < n && seen[to[k]] != pc) {
          seen[to[k]] = pc;
          stack.push_back(to[k]);
        }
      }
    }
    std::sort(word_next.begin() + word_from, word_next.end(), [](const WordStep& x, const WordStep& y) {
      return x.hash != y.hash ? x.hash < y.hash : x.pc < y.pc;
    });
    next_range[pc] = Range{next_from, static_cast<std::uint32_t>(next.size())};
    word_range[pc] = Range{word_from, static_cast<std::uint32_t>(word_next.size())};
    if (c < n) done_at[c] = pc;
  }
  for (const std::uint32_t step : next) next_ends.push_back(ends_after(step) ? 1 : 0);
  for (WordStep& step : word_next) step.ends = ends_after(step.pc);
  // The walk's first steps: what starts_before's first go_on reads.
  before_bytes = ClassSequence::FirstBytes{};
  before_words.clear();
  walk_reads_before = max_back > 0 && n > 0;
  if (!walk_reads_before) return;
  for (std::uint32_t k = next_range[0].begin; k < next_range[0].end; ++k) {
    if (back_program[next[k]].op == Inst::kMatch) walk_reads_before = false;
    before_bytes |= next_bytes[k];
  }
  for (std::uint32_t k = word_range[0].begin; k < word_range[0].end; ++k) before_words.push_back(word_next[k].hash);
  std::sort(before_words.begin(), before_words.end());
  before_words.erase(std::unique(before_words.begin(), before_words.end()), before_words.end());
}

bool TokenPattern::Anchor::ends_after(std::uint32_t step) const {
  if (back_program[step].op != Inst::kTok || step + 1 >= next_range.size()) return false;
  const Range after = next_range[step + 1];
  for (std::uint32_t k = after.begin; k < after.end; ++k)
    if (back_program[next[k]].op == Inst::kMatch) return true;
  return false;
}

// The parsed pattern, before it becomes a program.
namespace {

// The `/regex/` of `text` compiled with env.options, shared through
// env.regexes (an invalid one is returned, never shared). Freeing one
// makes every thread's WordAnswers forget what they know (another regex
// may be given its address).
std::shared_ptr<const RE2> regex_in(const TokenPattern::Env& env, const std::string& text) {
  if (env.regexes) {
    if (auto it = env.regexes->find(text); it != env.regexes->end()) return it->second;
  }
  std::shared_ptr<const RE2> re(new RE2(text, env.options), [](const RE2* r) {
    WordAnswers::forget_all();
    delete r;
  });
  if (re->ok() && env.regexes) env.regexes->emplace(text, re);
  return re;
}

struct Node {
  enum Kind { kPred, kLex, kSeq, kAlt, kGroup, kRepeat } kind;
  std::uint32_t arg = 0;  // pred or lexicon index; group number for kGroup (0: not capturing)
  TokenPattern::Inst::Space space = TokenPattern::Inst::kAny;  // ~ or ^ before it (kNone; kSome, kLineSome, kParagraphSome)
  TokenPattern::Inst::Space mode = TokenPattern::Inst::kAny;   // the (?gaps=...) in force where it was read
  int min = 0, max = 0;  // kRepeat; max -1: unbounded
  bool greedy = true;
  std::vector<Node> kids;
  bool anchor_here = false;  // written `@x`: the anchor of its sequence
};

}  // namespace

class TokenPatternCompiler {
 public:
  TokenPatternCompiler(std::string_view src, const TokenPattern::Env& env, TokenPattern& out)
      : src_(src), env_(env), out_(out) {}

  bool run(std::string& error, std::size_t& error_at) {
    out_.names_.push_back("");
    // The pattern's flags, (?gaps=...) and (?case=...), in either order
    // (not a group of its own, `(?gaps=line: ...)`, which starts the pattern).
    for (skip_space(); src_.compare(pos_, 7, "(?gaps=") == 0 || src_.compare(pos_, 7, "(?case=") == 0; skip_space()) {
      const std::size_t close = src_.find(')', pos_);
      if (src_.find(':', pos_) < close) break;
      if (const char* why = set_flag(pos_ + 2, close)) {
        error = why;
        error_at = pos_;
        return false;
      }
      pos_ = close + 1;
    }
    Node root;
    if (!parse_alt(root) || !expect_end()) {
      error = error_;
      error_at = error_at_;
      return false;
    }
    if (nullable(root)) {
      error = "the pattern can match no token at all";
      error_at = 0;
      return false;
    }
    // The anchors, each with the elements before it run backwards.
    std::vector<AnchorDraft> drafts;
    if (anchors_of(root, drafts) && drafts.size() <= kMaxAnchors) {
      for (AnchorDraft& d : drafts) {
        TokenPattern::Anchor a;
        std::sort(d.words.begin(), d.words.end());
        d.words.erase(std::unique(d.words.begin(), d.words.end()), d.words.end());
        a.words = std::move(d.words);
        a.max_back = max_tokens(d.prefix);
        a.follow = std::move(d.follow);
        a.then = std::move(d.then);
        a.then_bytes = d.then_bytes;
        a.then_bytes_known = d.then_bytes_known;
        a.number_regex = d.number_regex;
        if (d.lexicon >= 0 && out_.lexicons_[static_cast<std::size_t>(d.lexicon)]->max_tokens() > 1)
          a.check = out_.lexicons_[static_cast<std::size_t>(d.lexicon)].get();
        if (!d.prefix.kids.empty()) {
          prog_ = &a.back_program;
          emit(reversed(d.prefix));
          push({TokenPattern::Inst::kMatch});
          prog_ = &out_.program_;
          a.close(out_.preds_);
        }
        out_.anchors_.push_back(std::move(a));
      }
      for (const auto& lex : out_.lexicons_) {
        auto w = lex->all_words();
        std::sort(w.begin(), w.end());
        w.erase(std::unique(w.begin(), w.end()), w.end());
        out_.back_words_.push_back(std::move(w));
      }
    }
    if (const NeedTree needs = need_within(without_anchors(need_of(root, 0)), TokenPattern::kMaxNeeds, 0); !needs.any)
      need_flatten(needs, out_.needs_);
    out_.expanded_.append(src_.substr(copied_));
    // Capture slots: two per group, then one per regex with groups.
    out_.slots_ = 2 * out_.names_.size();
    for (TokenPattern::Pred& p : out_.preds_)
      if (!p.inner.empty()) p.slot = static_cast<std::uint32_t>(out_.slots_++);
    emit(root);
    out_.program_.push_back({TokenPattern::Inst::kMatch});
    return true;
  }

 private:
  static constexpr int kMaxRepeat = 100;
  static constexpr int kMaxDepth = 100;  // nested groups and sub-patterns (the parser and the tree's walks recurse)
  static constexpr std::size_t kMaxProgram = 100000;

  bool fail(std::string msg, std::size_t at) {
    if (error_.empty()) {
      error_ = std::move(msg);
      error_at_ = at;
    }
    return false;
  }
  void skip_space() {
    while (pos_ < src_.size() && is_space(static_cast<unsigned char>(src_[pos_]))) ++pos_;
  }
  bool expect_end() {
    skip_space();
    if (pos_ < src_.size()) return fail(fmt_unexpected(), pos_);
    return true;
  }
  std::string fmt_unexpected() const { return "unexpected '" + std::string(1, src_[pos_]) + "'"; }

  bool parse_alt(Node& out) {
    Node alt{Node::kAlt};
    for (;;) {
      Node seq{Node::kSeq};
      if (!parse_seq(seq)) return false;
      alt.kids.push_back(std::move(seq));
      skip_space();
      if (pos_ < src_.size() && src_[pos_] == '|') {
        ++pos_;
        continue;
      }
      break;
    }
    for (const Node& s : alt.kids)
      if (s.kids.empty()) return fail("an empty alternative", pos_);
    out = alt.kids.size() == 1 ? std::move(alt.kids[0]) : std::move(alt);
    return true;
  }

  bool parse_seq(Node& seq) {
    for (;;) {
      skip_space();
      if (pos_ >= src_.size() || src_[pos_] == '|' || src_[pos_] == ')') return true;
      auto space = TokenPattern::Inst::kAny;
      const std::size_t element_at = pos_;
      const bool anchor_here = src_[pos_] == '@';
      if (anchor_here) {
        ++pos_;
        skip_space();
      }
      if (pos_ < src_.size() && (src_[pos_] == '~' || src_[pos_] == '^')) {
        // `^` holds with the gaps in force where it is written, also before
        // a group of other gaps (`^(?gaps=paragraph: ...)`: blanks before
        // the group's first token in a (?gaps=line) pattern).
        space = src_[pos_] == '~'                        ? TokenPattern::Inst::kNone
                : gaps_ == TokenPattern::Inst::kLine      ? TokenPattern::Inst::kLineSome
                : gaps_ == TokenPattern::Inst::kParagraph ? TokenPattern::Inst::kParagraphSome
                : gaps_ == TokenPattern::Inst::kOne       ? TokenPattern::Inst::kOneSome
                                                          : TokenPattern::Inst::kSome;
        ++pos_;
        skip_space();
      }
      Node atom;
      if (!parse_atom(atom)) return false;
      if (space != TokenPattern::Inst::kAny) apply_space(atom, space);
      if (!parse_quantifier(atom)) return false;
      if (anchor_here) {
        std::vector<std::uint64_t> words;
        if (nullable(atom) || !first_words(atom, words))
          return fail("'@' marks an element that every match has and that starts with known words", element_at);
        atom.anchor_here = true;
      }
      seq.kids.push_back(std::move(atom));
    }
  }

  // `~` or `^` before an element: on every token it may start with (a
  // quoted text's first word; each branch's first; past optional ones),
  // unless one of its own is written there.
  static void apply_space(Node& n, TokenPattern::Inst::Space s) {
    switch (n.kind) {
      case Node::kPred:
      case Node::kLex:
        if (n.space == TokenPattern::Inst::kAny) n.space = s;
        return;
      case Node::kSeq:
        for (Node& k : n.kids) {
          apply_space(k, s);
          if (!nullable(k)) return;
        }
        return;
      case Node::kAlt:
        for (Node& k : n.kids) apply_space(k, s);
        return;
      case Node::kGroup:
      case Node::kRepeat:
        apply_space(n.kids[0], s);
        return;
    }
  }

  // The flag `gaps=VALUE` or `case=VALUE` that starts at src_[at] and whose
  // value ends at src_[end] (npos: never ended), of a pattern or a group:
  // sets gaps_ or exact_; else the message.
  const char* set_flag(std::size_t at, std::size_t end) {
    const bool gaps = src_.compare(at, 5, "gaps=") == 0;
    const std::string value(src_.substr(at + 5, end == std::string_view::npos ? 0 : end - at - 5));
    if (end != std::string_view::npos && (gaps ? gap_mode(value, gaps_) : case_mode(value, exact_))) return nullptr;
    return gaps ? "(?gaps=...) is any, line, paragraph or one" : "(?case=...) is sensitive or insensitive";
  }
  // Whether words are exact (not case folded) in `(?case=VALUE)` or
  // `(?case=VALUE: ...)`; false if VALUE is unknown.
  static bool case_mode(const std::string& value, bool& exact) {
    if (value == "sensitive") exact = true;
    else if (value == "insensitive") exact = false;
    else return false;
    return true;
  }
  // The mode of `(?gaps=MODE)` or `(?gaps=MODE: ...)`; false if unknown.
  static bool gap_mode(const std::string& name, TokenPattern::Inst::Space& mode) {
    if (name == "any") mode = TokenPattern::Inst::kAny;
    else if (name == "line") mode = TokenPattern::Inst::kLine;
    else if (name == "paragraph") mode = TokenPattern::Inst::kParagraph;
    else if (name == "one") mode = TokenPattern::Inst::kOne;
    else return false;
    return true;
  }

  bool parse_quantifier(Node& atom) {
    if (pos_ >= src_.size()) return true;
    const std::size_t at = pos_;
    int min = 0, max = 0;
    const char c = src_[pos_];
    if (c == '?') {
      min = 0, max = 1;
      ++pos_;
    } else if (c == '*') {
      min = 0, max = -1;
      ++pos_;
    } else if (c == '+') {
      min = 1, max = -1;
      ++pos_;
    } else if (c == '{') {
      const std::size_t close = src_.find('}', pos_);
      if (close == std::string_view::npos) return fail("unterminated '{'", at);
      const std::string body(src_.substr(pos_ + 1, close - pos_ - 1));
      const std::size_t comma = body.find(',');
      auto number = [&](const std::string& s, int& v) {
        if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), [](char d) { return is_digit(static_cast<unsigned char>(d)); }))
          return false;
        v = std::stoi(s);
        return true;
      };
      if (comma == std::string::npos) {
        if (!number(body, min)) return fail("a repetition is {m}, {m,} or {m,n}", at);
        max = min;
      } else {
        if (!number(body.substr(0, comma), min)) return fail("a repetition is {m}, {m,} or {m,n}", at);
        if (comma + 1 == body.size()) max = -1;
        else if (!number(body.substr(comma + 1), max)) return fail("a repetition is {m}, {m,} or {m,n}", at);
      }
      if (min > kMaxRepeat || max > kMaxRepeat) return fail("a repetition goes up to 100", at);
      if (max >= 0 && max < min) return fail("a repetition {m,n} needs m <= n", at);
      if (max == 0) return fail("a repetition of {0} matches nothing", at);
      pos_ = close + 1;
    } else {
      return true;
    }
    bool greedy = true;
    if (pos_ < src_.size() && src_[pos_] == '?') {
      greedy = false;
      ++pos_;
    }
    if (pos_ < src_.size() && (src_[pos_] == '?' || src_[pos_] == '*' || src_[pos_] == '+' || src_[pos_] == '{'))
      return fail("a repetition of a repetition: put the inner one in ( )", pos_);
    if (nullable(atom) && max != 1) return fail("a repetition of something that can match no token", at);
    Node rep{Node::kRepeat};
    rep.min = min;
    rep.max = max;
    rep.greedy = greedy;
    rep.kids.push_back(std::move(atom));
    atom = std::move(rep);
    return true;
  }

  bool parse_atom(Node& atom) {
    const std::size_t at = pos_;
    const char c = src_[pos_];
    if (c == '(') {
      if (depth_ >= kMaxDepth) return fail("groups nested more than 100 deep", at);
      ++pos_;
      std::uint32_t group = 0;
      if (src_.compare(pos_, 3, "?P<") == 0 || src_.compare(pos_, 2, "?<") == 0) {
        pos_ += src_[pos_ + 1] == 'P' ? 3 : 2;
        const std::size_t close = src_.find('>', pos_);
        if (close == std::string_view::npos) return fail("unterminated group name", at);
        const std::string name(src_.substr(pos_, close - pos_));
        if (name.empty() || !std::all_of(name.begin(), name.end(), [](char ch) { return is_ascii_word(static_cast<unsigned char>(ch)); }) ||
            is_digit(static_cast<unsigned char>(name[0])))
          return fail("a group name is letters, digits and _", pos_);
        if (std::find(out_.names_.begin(), out_.names_.end(), name) != out_.names_.end())
          return fail("duplicate group name '" + name + "'", pos_);
        group = static_cast<std::uint32_t>(out_.names_.size());
        out_.names_.push_back(name);
        pos_ = close + 1;
      } else if (src_.compare(pos_, 2, "?:") == 0) {
        pos_ += 2;
      } else if (src_.compare(pos_, 6, "?gaps=") == 0 || src_.compare(pos_, 6, "?case=") == 0) {
        // A group with white space of its own between its elements, or
        // words of their own case.
        const std::size_t colon = src_.find(':', pos_);
        const auto outer_gaps = gaps_;
        const bool outer_exact = exact_;
        if (const char* why = set_flag(pos_ + 1, colon)) return fail(why, at);
        pos_ = colon + 1;
        Node inner;
        ++depth_;
        const bool inner_ok = parse_alt(inner);
        --depth_;
        gaps_ = outer_gaps;
        exact_ = outer_exact;
        if (!inner_ok) return false;
        skip_space();
        if (pos_ >= src_.size() || src_[pos_] != ')') return fail("missing ')'", at);
        ++pos_;
        atom = Node{Node::kGroup};
        atom.kids.push_back(std::move(inner));
        return true;
      } else if (pos_ < src_.size() && src_[pos_] == '?') {
        return fail("a group is ( ), (?: ) or (?P<name> )", at);
      }
      Node inner;
      ++depth_;
      const bool inner_ok = parse_alt(inner);
      --depth_;
      if (!inner_ok) return false;
      skip_space();
      if (pos_ >= src_.size() || src_[pos_] != ')') return fail("missing ')'", at);
      ++pos_;
      atom = Node{Node::kGroup};
      atom.arg = group;
      atom.kids.push_back(std::move(inner));
      return true;
    }
    if (c == '%' && src_.compare(pos_, 2, "%{") == 0) {
      const std::size_t close = src_.find('}', pos_);
      if (close == std::string_view::npos) return fail("unterminated '%{'", at);
      const std::string name(src_.substr(pos_ + 2, close - pos_ - 2));
      auto lex = env_.lexicon ? env_.lexicon(name) : nullptr;
      if (!lex) {
        if (const std::string* sub = env_.token_pattern ? env_.token_pattern(name) : nullptr)
          return parse_sub_pattern(name, *sub, at, close, atom);
        return fail("'%{" + name + "}' is no lexicon or token pattern (a regex sub-pattern goes inside /.../)", at);
      }
      pos_ = close + 1;
      atom = Node{Node::kLex};
      atom.mode = gaps_;
      atom.arg = static_cast<std::uint32_t>(out_.lexicons_.size());
      out_.lexicons_.push_back(std::move(lex));
      out_.lexicon_names_.push_back(name);
      return true;
    }
    // `#`: a number, a token that starts with a digit; `#/regex/`, one the
    // regex matches too. Either anchors a pattern.
    bool number = false;
    if (c == '#') {
      number = true;
      if (pos_ + 1 >= src_.size() || src_[pos_ + 1] != '/') {
        ++pos_;
        TokenPattern::Pred p;
        p.number = true;
        p.hash = kNumberWord;
        return add_pred(std::move(p), atom);
      }
      ++pos_;
    }
    if (src_[pos_] == '/') {
      std::string body;
      std::size_t i = pos_ + 1;
      for (; i < src_.size() && src_[i] != '/'; ++i) {
        if (src_[i] == '\\' && i + 1 < src_.size() && src_[i + 1] == '/') ++i;
        else if (src_[i] == '\\' && i + 1 < src_.size()) body += src_[i++];
        body += src_[i];
      }
      if (i >= src_.size()) return fail("unterminated '/regex/'", at);
      if (body.empty()) return fail("an empty '/regex/'", at);
      pos_ = i + 1;
      std::optional<std::string> expanded = env_.expand ? env_.expand(body) : std::optional<std::string>(body);
      if (!expanded) return fail("", at);  // reported by expand
      out_.expanded_.append(src_.substr(copied_, at - copied_));
      out_.expanded_ += (number ? "#/" : "/") + escape_slashes(*expanded) + '/';
      copied_ = pos_;
      std::shared_ptr<const RE2> re = regex_in(env_, *expanded);
      if (!re->ok()) return fail("invalid regex: " + re->error(), at);
      TokenPattern::Pred p;
      for (const auto& [name, index] : re->NamedCapturingGroups()) {
        if (std::find(out_.names_.begin(), out_.names_.end(), name) != out_.names_.end())
          return fail("duplicate group name '" + name + "'", at);
        p.inner.emplace_back(index, static_cast<std::uint32_t>(out_.names_.size()));
        out_.names_.push_back(name);
      }
      p.read_shape(*re, env_);
      p.regex = std::move(re);
      p.number = number;
      return add_pred(std::move(p), atom);
    }
    if (c == '"' || c == '\'') {
      const std::size_t close = src_.find(c, pos_ + 1);
      if (close == std::string_view::npos) return fail(std::string("unterminated ") + c, at);
      const std::string_view body = src_.substr(pos_ + 1, close - pos_ - 1);
      const std::vector<Token> toks = tokenize(body);
      if (toks.empty()) return fail("an empty quoted text", at);
      pos_ = close + 1;
      if (toks.size() == 1) return add_word(body, toks[0], atom);
      atom = Node{Node::kSeq};
      for (const Token& t : toks) {
        Node w;
        add_word(body, t, w);
        if (!atom.kids.empty()) w.space = t.space_before() ? TokenPattern::Inst::kSome : TokenPattern::Inst::kNone;
        atom.kids.push_back(std::move(w));
      }
      return true;
    }
    // A bare word.
    std::size_t end = pos_;
    while (end < src_.size() && !is_space(static_cast<unsigned char>(src_[end])) &&
           std::string_view("()|?*+{}~/%\"'").find(src_[end]) == std::string_view::npos)
      ++end;
    if (end == pos_) return fail(fmt_unexpected(), at);
    const std::string_view word = src_.substr(pos_, end - pos_);
    const std::vector<Token> toks = tokenize(word);
    if (toks.size() != 1) return fail("'" + std::string(word) + "' is more than one token: quote it", at);
    pos_ = end;
    return add_word(word, toks[0], atom);
  }

  // `%{name}` of a token sub-pattern: its elements as a group, written
  // into the expanded source in its place.
  bool parse_sub_pattern(const std::string& name, const std::string& sub, std::size_t at, std::size_t close, Node& atom) {
    if (std::find(stack_.begin(), stack_.end(), name) != stack_.end())
      return fail("token pattern cycle through %{" + name + "}", at);
    if (depth_ >= kMaxDepth) return fail("groups nested more than 100 deep", at);
    out_.expanded_.append(src_.substr(copied_, at - copied_));
    out_.expanded_ += "(?: ";
    const std::string_view outer = src_;
    stack_.push_back(name);
    src_ = sub;
    pos_ = copied_ = 0;
    Node inner;
    ++depth_;
    const bool ok = parse_alt(inner) && expect_end();
    --depth_;
    if (ok) out_.expanded_.append(src_.substr(copied_));
    src_ = outer;
    stack_.pop_back();
    if (!ok) {
      error_ = "in %{" + name + "}, at " + std::to_string(error_at_) + ": " + error_;
      error_at_ = at;
      return false;
    }
    out_.expanded_ += " )";
    pos_ = copied_ = close + 1;
    atom = Node{Node::kGroup};
    atom.kids.push_back(std::move(inner));
    return true;
  }

  bool add_word(std::string_view src, const Token& t, Node& atom) {
    TokenPattern::Pred p;
    p.fold = !exact_;
    p.text = src.substr(t.start, t.end - t.start);
    if (p.fold) p.text = lowered(p.text);
    p.hash = t.folded;  // exact or not, the index finds a word by its folded hash
    return add_pred(std::move(p), atom);
  }
  bool add_pred(TokenPattern::Pred p, Node& atom) {
    atom = Node{Node::kPred};
    atom.mode = gaps_;
    // The same word or regex (without groups) written twice is one
    // predicate, whose result a search remembers per token.
    if (p.inner.empty()) {
      for (std::size_t k = 0; k < out_.preds_.size(); ++k) {
        const TokenPattern::Pred& q = out_.preds_[k];
        if (!q.inner.empty() || (q.regex == nullptr) != (p.regex == nullptr) || q.number != p.number) continue;
        if (p.regex ? q.regex->pattern() == p.regex->pattern() : q.text == p.text && q.fold == p.fold) {
          atom.arg = static_cast<std::uint32_t>(k);
          return true;
        }
      }
    }
    atom.arg = static_cast<std::uint32_t>(out_.preds_.size());
    out_.preds_.push_back(std::move(p));
    return true;
  }

  static bool nullable(const Node& n) {
    switch (n.kind) {
      case Node::kPred:
      case Node::kLex:
        return false;
      case Node::kSeq:
        return std::all_of(n.kids.begin(), n.kids.end(), nullable);
      case Node::kAlt:
        return std::any_of(n.kids.begin(), n.kids.end(), nullable);
      case Node::kGroup:
        return nullable(n.kids[0]);
      case Node::kRepeat:
        return n.min == 0 || nullable(n.kids[0]);
    }
    return true;
  }

  // Each element that may read the first token of `n` (a predicate or a
  // lexicon: through a sequence's elements that may be missing, each
  // branch of an alternation) given to leaf(element), which says whether
  // what it adds is known; false when one is not.
  template <typename Leaf>
  bool each_first(const Node& n, const Leaf& leaf) const {
    switch (n.kind) {
      case Node::kPred:
      case Node::kLex:
        return leaf(n);
      case Node::kSeq:
        for (const Node& k : n.kids) {
          if (!each_first(k, leaf)) return false;
          if (!nullable(k)) return true;
        }
        return true;
      case Node::kAlt:
        for (const Node& k : n.kids)
          if (!each_first(k, leaf)) return false;
        return true;
      case Node::kGroup:
      case Node::kRepeat:
        return each_first(n.kids[0], leaf);
    }
    return false;
  }

  // Adds the first words of `n` to `out`; false when a regex may start it.
  bool first_words(const Node& n, std::vector<std::uint64_t>& out) const {
    return each_first(n, [&](const Node& e) {
      if (e.kind == Node::kLex) {
        auto w = out_.lexicons_[e.arg]->first_words();
        out.insert(out.end(), w.begin(), w.end());
        return true;
      }
      const TokenPattern::Pred& p = out_.preds_[e.arg];
      if (p.number) {
        out.push_back(kNumberWord);
        return true;
      }
      if (p.regex) return false;
      out.push_back(p.hash);
      return true;
    });
  }

  // Adds the bytes the first token of `n` can start with to `out`; false
  // when they are not known (a regex that may start with any byte).
  bool first_bytes(const Node& n, ClassSequence::FirstBytes& out) const {
    return each_first(n, [&](const Node& e) {
      if (e.kind == Node::kLex) {
        out |= out_.lexicons_[e.arg]->first_bytes();
        return true;
      }
      const TokenPattern::Pred& p = out_.preds_[e.arg];
      ClassSequence::FirstBytes digits;
      for (unsigned char d = '0'; d <= '9'; ++d) digits.add(d);
      if (p.number) {
        out |= p.regex && p.first ? (digits & *p.first) : digits;
        return true;
      }
      if (p.regex) {
        if (!p.first) return false;
        out |= *p.first;
        return true;
      }
      out = first_bytes_of_word(p.text, p.fold, out);
      return true;
    });
  }

  // TokenPattern::needs_ of `root`, as a tree first: `any` when nothing
  // is needed (true), else a word or an "and" / "or" of kids.
  struct NeedTree {
    bool any = true;
    TokenPattern::Need::Op op = TokenPattern::Need::kWord;
    std::uint64_t hash = 0;
    std::vector<NeedTree> kids;
    std::size_t size() const {
      std::size_t n = 1;
      for (const NeedTree& k : kids) n += k.size();
      return n;
    }
  };
  static NeedTree need_word(std::uint64_t h) {
    NeedTree t;
    t.any = false;
    t.hash = h;
    return t;
  }
  // An "and" or "or" of `kids`, flattened and without repeats: an "and"
  // drops the kids that need nothing, an "or" with one needs nothing, and
  // so does an "or" of more than kMaxNeedWords.
  static NeedTree need_join(TokenPattern::Need::Op op, std::vector<NeedTree> kids) {
    static constexpr std::size_t kMaxNeedWords = 32;
    NeedTree t;
    t.op = op;
    for (NeedTree& k : kids) {
      if (k.any) {
        if (op == TokenPattern::Need::kOr) return NeedTree{};
        continue;
      }
      if (k.op == op) {
        for (NeedTree& g : k.kids) t.kids.push_back(std::move(g));
      } else {
        t.kids.push_back(std::move(k));
      }
    }
    auto same_word = [](const NeedTree& a, const NeedTree& b) {
      return a.op == TokenPattern::Need::kWord && b.op == TokenPattern::Need::kWord && a.hash == b.hash;
    };
    std::vector<NeedTree> once;
    for (NeedTree& k : t.kids)
      if (std::none_of(once.begin(), once.end(), [&](const NeedTree& o) { return same_word(o, k); }))
        once.push_back(std::move(k));
    t.kids = std::move(once);
    if (t.kids.empty()) return NeedTree{};
    if (t.kids.size() == 1) return std::move(t.kids[0]);
    if (op == TokenPattern::Need::kOr && t.kids.size() > kMaxNeedWords) return NeedTree{};
    t.any = false;
    return t;
  }
  NeedTree need_of(const Node& n, std::size_t depth) const {
    if (depth > 2 * TokenPattern::kMaxNeedDepth) return NeedTree{};
    std::vector<NeedTree> kids;
    switch (n.kind) {
      case Node::kPred: {
        const TokenPattern::Pred& p = out_.preds_[n.arg];
        if (p.number) return need_word(kNumberWord);
        if (p.regex) return NeedTree{};
        return need_word(p.hash);
      }
      case Node::kLex:
        for (std::uint64_t h : out_.lexicons_[n.arg]->first_words()) kids.push_back(need_word(h));
        return need_join(TokenPattern::Need::kOr, std::move(kids));
      case Node::kSeq:
      case Node::kAlt:
        for (const Node& k : n.kids) kids.push_back(need_of(k, depth + 1));
        return need_join(n.kind == Node::kSeq ? TokenPattern::Need::kAnd : TokenPattern::Need::kOr, std::move(kids));
      case Node::kGroup:
        return need_of(n.kids[0], depth + 1);
      case Node::kRepeat:
        return n.min == 0 ? NeedTree{} : need_of(n.kids[0], depth + 1);
    }
    return NeedTree{};
  }
  // `t` within `budget` entries and kMaxNeedDepth levels below `depth`: an
  // "and" keeps its smallest kids that fit (fewer words needed: still a
  // weakening), an "or" that does not fit needs nothing.
  static NeedTree need_within(NeedTree t, std::size_t budget, std::size_t depth) {
    if (t.any || t.op == TokenPattern::Need::kWord) return t;
    if (depth >= TokenPattern::kMaxNeedDepth) return NeedTree{};
    std::vector<NeedTree> kids;
    for (NeedTree& k : t.kids) {
      NeedTree within = need_within(std::move(k), budget - 1, depth + 1);
      if (within.any && t.op == TokenPattern::Need::kAnd) continue;
      kids.push_back(std::move(within));
    }
    if (t.op == TokenPattern::Need::kAnd) {
      std::stable_sort(kids.begin(), kids.end(), [](const NeedTree& a, const NeedTree& b) { return a.size() < b.size(); });
      std::size_t used = 1, fit = 0;
      while (fit < kids.size() && used + kids[fit].size() <= budget) used += kids[fit++].size();
      kids.resize(fit);
    }
    NeedTree out = need_join(t.op, std::move(kids));
    return out.size() <= budget ? out : NeedTree{};
  }
  // `t` without what the anchors' tokens already say: TokenIndex::starts
  // asks about needs only where one of the anchors' words is, so that "one
  // of the words W" is known to hold when W has all of them.
  NeedTree without_anchors(NeedTree t) const {
    if (out_.anchors_.empty() || t.any) return t;
    std::vector<std::uint64_t> anchor_words;
    for (const TokenPattern::Anchor& a : out_.anchors_) anchor_words.insert(anchor_words.end(), a.words.begin(), a.words.end());
    auto implied = [&](const NeedTree& c) {
      std::vector<std::uint64_t> w;
      if (c.op == TokenPattern::Need::kWord) w.push_back(c.hash);
      if (c.op == TokenPattern::Need::kOr)
        for (const NeedTree& k : c.kids) {
          if (k.op != TokenPattern::Need::kWord) return false;
          w.push_back(k.hash);
        }
      std::sort(w.begin(), w.end());
      return std::all_of(anchor_words.begin(), anchor_words.end(),
                         [&](std::uint64_t h) { return std::binary_search(w.begin(), w.end(), h); });
    };
    if (t.op != TokenPattern::Need::kAnd) return implied(t) ? NeedTree{} : t;
    std::vector<NeedTree> kids;
    for (NeedTree& k : t.kids)
      if (!implied(k)) kids.push_back(std::move(k));
    return need_join(TokenPattern::Need::kAnd, std::move(kids));
  }
  static void need_flatten(const NeedTree& t, std::vector<TokenPattern::Need>& out) {
    out.push_back({t.op, static_cast<std::uint32_t>(t.size()), t.op == TokenPattern::Need::kWord ? t.hash : 0});
    for (const NeedTree& k : t.kids) need_flatten(k, out);
  }

  // An anchor found in the tree: its words and the elements before it in
  // the match (a sequence, in order).
  struct AnchorDraft {
    std::vector<std::uint64_t> words;
    Node prefix{Node::kSeq};
    bool punctuation = false;  // its words are one punctuation character each (",", "<")
    int lexicon = -1;          // a lexicon anchor's index into lexicons_ (Anchor::check)
    std::vector<std::uint64_t> follow;  // Anchor::follow
    std::vector<std::uint64_t> then;    // Anchor::then
    ClassSequence::FirstBytes then_bytes;  // Anchor::then_bytes
    bool then_bytes_known = false;
    std::uint32_t number_regex = TokenPattern::kNoPred;  // Anchor::number_regex
  };
  static constexpr std::size_t kMaxFollow = 4;
  static constexpr std::size_t kMaxAnchors = 64;
  // The anchors of `n` (false: some match of it has none): a word, quoted
  // text or lexicon; a sequence's first element that every match has and
  // that has anchors, the elements before it walked back over (optional
  // words before an anchor make far more places to try than the anchor);
  // every branch of an alternation; a repetition's first time round.
  bool anchors_of(const Node& n, std::vector<AnchorDraft>& out) const {
    if (out.size() > kMaxAnchors) return false;
    switch (n.kind) {
      case Node::kPred:
      case Node::kLex: {
        AnchorDraft d;
        if (!first_words(n, d.words)) return false;
        if (n.kind == Node::kLex) d.lexicon = static_cast<int>(n.arg);
        if (n.kind == Node::kPred) {
          const std::string& w = out_.preds_[n.arg].text;
          d.punctuation = w.size() == 1 && !is_ascii_word(static_cast<unsigned char>(w[0]));
          if (out_.preds_[n.arg].number && out_.preds_[n.arg].regex) d.number_regex = n.arg;
        }
        out.push_back(std::move(d));
        return true;
      }
      case Node::kGroup:
        return anchors_of(n.kids[0], out);
      case Node::kRepeat:
        return n.min >= 1 && anchors_of(n.kids[0], out);
      case Node::kAlt:
        for (const Node& k : n.kids)
          if (!anchors_of(k, out)) return false;
        return true;
      case Node::kSeq: {
        // The first element with anchors; but a later one's words rather
        // than punctuation (a comma is in every sentence, a title is not).
        // An element marked `@` is the one (the parser checked that it can be).
        std::vector<AnchorDraft> chosen;
        std::size_t at = n.kids.size();
        const auto marked = std::find_if(n.kids.begin(), n.kids.end(), [](const Node& k) { return k.anchor_here; });
        const bool hinted = marked != n.kids.end() && anchors_of(*marked, chosen);
        if (hinted) at = static_cast<std::size_t>(marked - n.kids.begin());
        for (std::size_t k = 0; !hinted && k < n.kids.size(); ++k) {
          if (nullable(n.kids[k])) continue;
          std::vector<AnchorDraft> inner;
          if (!anchors_of(n.kids[k], inner)) continue;
          const bool punctuation =
              std::all_of(inner.begin(), inner.end(), [](const AnchorDraft& d) { return d.punctuation; });
          if (at == n.kids.size() || !punctuation) {
            chosen = std::move(inner);
            at = k;
          }
          if (!punctuation) break;
        }
        if (at == n.kids.size()) return false;
        // The plain words right after a one-word anchor, which every match
        // has there (the innermost sequence's, where the anchor is).
        // Then the first words of the element after them, when every
        // match has it and its first words are known ("and" of `and
        // ^%{legal_forms}`: one of the forms' first words).
        // An anchor that is one of several words ("(bought | purchased)")
        // is one token too: each of its words gets them.
        const bool plain = std::all_of(chosen.begin(), chosen.end(), [](const AnchorDraft& d) {
          return d.follow.empty() && d.then.empty() && !d.then_bytes_known && d.prefix.kids.empty();
        });
        if (plain && one_token(n.kids[at])) {
          std::vector<std::uint64_t> follow;
          std::size_t k = at + 1;
          for (; k < n.kids.size() && follow.size() < kMaxFollow; ++k) {
            if (n.kids[k].kind != Node::kPred) break;
            const TokenPattern::Pred& p = out_.preds_[n.kids[k].arg];
            if (!p.is_word()) break;
            follow.push_back(p.hash);
          }
          // The first words of the next token, or the bytes it starts
          // with: through the elements that may be missing ("." of `~"."?`)
          // to the first that every match has there; unknown when all may
          // be missing (what comes next is outside this sequence).
          std::vector<std::uint64_t> then;
          ClassSequence::FirstBytes bytes;
          bool words_known = k < n.kids.size() && follow.size() < kMaxFollow, bytes_known = words_known;
          std::size_t j = k;
          for (; j < n.kids.size() && (words_known || bytes_known); ++j) {
            words_known = words_known && first_words(n.kids[j], then);
            bytes_known = bytes_known && first_bytes(n.kids[j], bytes);
            if (!nullable(n.kids[j])) break;
          }
          if (j >= n.kids.size()) words_known = bytes_known = false;
          // (Not a number: `#` is a word of the index only, no token's hash.)
          if (words_known && std::find(then.begin(), then.end(), kNumberWord) == then.end()) {
            std::sort(then.begin(), then.end());
            then.erase(std::unique(then.begin(), then.end()), then.end());
            bytes_known = false;  // the words say more
          } else {
            then.clear();
          }
          for (AnchorDraft& d : chosen) {
            d.follow = follow;
            d.then = then;
            d.then_bytes = bytes;
            d.then_bytes_known = bytes_known;
          }
        }
        for (AnchorDraft& d : chosen) {
          Node prefix{Node::kSeq};
          prefix.kids.assign(n.kids.begin(), n.kids.begin() + static_cast<std::ptrdiff_t>(at));
          for (Node& p : d.prefix.kids) prefix.kids.push_back(std::move(p));
          d.prefix = std::move(prefix);
          out.push_back(std::move(d));
        }
        return true;
      }
    }
    return false;
  }

  // Whether `n` always reads exactly one token: a word or regex, or a
  // choice of them (a lexicon of one-word forms included).
  bool one_token(const Node& n) const {
    switch (n.kind) {
      case Node::kPred:
        return true;
      case Node::kLex:
        return out_.lexicons_[n.arg]->max_tokens() == 1;
      case Node::kGroup:
        return one_token(n.kids[0]);
      case Node::kSeq:
        return n.kids.size() == 1 && one_token(n.kids[0]);
      case Node::kAlt:
        return std::all_of(n.kids.begin(), n.kids.end(), [&](const Node& k) { return one_token(k); });
      default:
        return false;
    }
  }

  // `n` read from its end: sequences reversed, groups not capturing.
  static Node reversed(const Node& n) {
    Node out = n;
    out.kids.clear();
    for (const Node& k : n.kids) out.kids.push_back(reversed(k));
    if (n.kind == Node::kSeq) std::reverse(out.kids.begin(), out.kids.end());
    if (n.kind == Node::kGroup) out.arg = 0;
    return out;
  }
  static std::size_t add_len(std::size_t a, std::size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }
  // The most tokens `n` can match (SIZE_MAX: no bound).
  std::size_t max_tokens(const Node& n) const {
    switch (n.kind) {
      case Node::kPred:
        return 1;
      case Node::kLex:
        return out_.lexicons_[n.arg]->max_tokens();
      case Node::kSeq: {
        std::size_t sum = 0;
        for (const Node& k : n.kids) sum = add_len(sum, max_tokens(k));
        return sum;
      }
      case Node::kAlt: {
        std::size_t most = 0;
        for (const Node& k : n.kids) most = std::max(most, max_tokens(k));
        return most;
      }
      case Node::kGroup:
        return max_tokens(n.kids[0]);
      case Node::kRepeat: {
        const std::size_t one = max_tokens(n.kids[0]);
        if (n.max < 0 || one == SIZE_MAX) return one == 0 ? 0 : SIZE_MAX;
        const auto times = static_cast<std::size_t>(n.max);
        return one > SIZE_MAX / times ? SIZE_MAX : one * times;
      }
    }
    return SIZE_MAX;
  }

  using Inst = TokenPattern::Inst;
  std::uint32_t here() const { return static_cast<std::uint32_t>(prog_->size()); }
  std::uint32_t push(Inst i) {
    prog_->push_back(i);
    return here() - 1;
  }

  void emit(const Node& n) {
    if (prog_->size() > kMaxProgram) return;  // reported by run()'s caller check
    switch (n.kind) {
      case Node::kPred:
      case Node::kLex: {
        if (n.kind == Node::kPred && !out_.preds_[n.arg].inner.empty())
          push({Inst::kSave, Inst::kAny, out_.preds_[n.arg].slot});
        Inst i{n.kind == Node::kPred ? Inst::kTok : Inst::kLex};
        i.space = n.space == Inst::kAny ? n.mode : n.space;
        i.arg = n.arg;
        push(i);
        return;
      }
      case Node::kSeq:
        for (const Node& k : n.kids) emit(k);
        return;
      case Node::kAlt: {
        std::vector<std::uint32_t> jumps;
        for (std::size_t k = 0; k < n.kids.size(); ++k) {
          if (k + 1 < n.kids.size()) {
            const std::uint32_t split = push({Inst::kSplit});
            (*prog_)[split].x = here();
            emit(n.kids[k]);
            jumps.push_back(push({Inst::kJmp}));
            (*prog_)[split].y = here();
          } else {
            emit(n.kids[k]);
          }
        }
        for (std::uint32_t j : jumps) (*prog_)[j].x = here();
        return;
      }
      case Node::kGroup:
        if (n.arg == 0) return emit(n.kids[0]);
        push({Inst::kSave, Inst::kAny, 2 * n.arg});
        emit(n.kids[0]);
        push({Inst::kSave, Inst::kAny, 2 * n.arg + 1});
        return;
      case Node::kRepeat: {
        for (int k = 0; k < n.min; ++k) emit(n.kids[0]);
        if (n.max < 0) {
          // L: split(body, out); body; jmp L
          const std::uint32_t split = push({Inst::kSplit});
          const std::uint32_t body = here();
          emit(n.kids[0]);
          Inst j{Inst::kJmp};
          j.x = split;
          push(j);
          set_split(split, body, here(), n.greedy);
          return;
        }
        std::vector<std::uint32_t> splits;
        for (int k = n.min; k < n.max; ++k) {
          splits.push_back(push({Inst::kSplit}));
          (*prog_)[splits.back()].x = here();
          emit(n.kids[0]);
        }
        for (std::uint32_t s : splits) set_split(s, s + 1, here(), n.greedy);
        return;
      }
    }
  }
  void set_split(std::uint32_t split, std::uint32_t body, std::uint32_t after, bool greedy) {
    (*prog_)[split].x = greedy ? body : after;
    (*prog_)[split].y = greedy ? after : body;
  }

  // A regex written back between slashes: each `/` escaped (the reader
  // takes `\/` as `/`, which means the same in a regex).
  static std::string escape_slashes(const std::string& re) {
    std::string out;
    for (std::size_t i = 0; i < re.size(); ++i) {
      if (re[i] == '\\' && i + 1 < re.size()) {
        out += '\\';  // an escaped `/` stays one
        out += re[++i];
      } else {
        out += re[i] == '/' ? std::string("\\/") : std::string(1, re[i]);
      }
    }
    return out;
  }

  std::string_view src_;
  TokenPattern::Inst::Space gaps_ = TokenPattern::Inst::kAny;  // between elements, from (?gaps=...)
  bool exact_ = false;  // words and quoted texts not case folded, from (?case=sensitive)
  std::size_t copied_ = 0;  // source copied to expanded_ so far
  std::vector<std::string> stack_;  // the token sub-patterns being read
  int depth_ = 0;                   // groups and sub-patterns open
  const TokenPattern::Env& env_;
  TokenPattern& out_;
  std::vector<TokenPattern::Inst>* prog_ = &out_.program_;  // the program emit() writes (after out_)
  std::size_t pos_ = 0;
  std::string error_;
  std::size_t error_at_ = 0;
};

std::shared_ptr<const TokenPattern> TokenPattern::compile(std::string_view source, const Env& env, std::string& error,
                                                          std::size_t& error_at) {
  auto out = std::make_shared<TokenPattern>();
  TokenPatternCompiler c(source, env, *out);
  if (!c.run(error, error_at)) return nullptr;
  if (out->program_.size() > 100000) {
    error = "the pattern is too large (repetitions of large groups?)";
    error_at = 0;
    return nullptr;
  }
  out->close_program();
  return out;
}

void TokenPattern::close_program() {
  inner_preds_.clear();
  for (std::size_t k = 0; k < preds_.size(); ++k)
    if (!preds_[k].inner.empty()) inner_preds_.push_back(static_cast<std::uint32_t>(k));
  const std::size_t n = program_.size();
  // A jump to a jump goes where the last one goes, and a split's branch
  // that is a jump goes where the jump does: a state fewer for the matcher
  // each time (a jump reads nothing and saves nothing, so the matches are
  // the same), and a split's check of its first branch's word then sees
  // the word itself (alternatives end in jumps past the others).
  auto through_jumps = [&](std::uint32_t pc) {
    for (std::size_t hops = 0; hops < n && pc < n && program_[pc].op == Inst::kJmp; ++hops) pc = program_[pc].x;
    return pc;
  };
  for (Inst& inst : program_) {
    if (inst.op == Inst::kJmp) inst.x = through_jumps(inst.x);
    if (inst.op == Inst::kSplit) {
      inst.x = through_jumps(inst.x);
      inst.y = through_jumps(inst.y);
    }
  }
  ClassSequence::FirstBytes any;
  any.ascii[0] = any.ascii[1] = ~std::uint64_t{0};
  any.multibyte = true;
  ClassSequence::FirstBytes digits;
  for (unsigned char d = '0'; d <= '9'; ++d) digits.add(d);
  auto join = [](FirstToken a, const FirstToken& b) {
    a.bytes |= b.bytes;
    a.none = a.none || b.none;
    return a;
  };
  auto same = [](const FirstToken& a, const FirstToken& b) { return a.bytes == b.bytes && a.none == b.none; };
  first_of_.assign(n, FirstToken{});
  // To a fixed point: each pass can only add bytes (loops jump back).
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t pc = n; pc-- > 0;) {
      const Inst& inst = program_[pc];
      FirstToken f;
      switch (inst.op) {
        case Inst::kTok: {
          const Pred& p = preds_[inst.arg];
          // (A `#/regex/` reads a digit its regex can start with.)
          const ClassSequence::FirstBytes regex = p.regex && p.first ? *p.first : any;
          f.bytes = p.number ? (digits & regex) : p.regex ? regex : first_bytes_of_word(p.text, p.fold, {});
          break;
        }
        case Inst::kLex: f.bytes = lexicons_[inst.arg]->first_bytes(); break;
        case Inst::kMatch: f.none = true; break;
        case Inst::kSplit: f = join(first_of_[inst.x], first_of_[inst.y]); break;
        case Inst::kJmp: f = first_of_[inst.x]; break;
        case Inst::kSave: f = first_of_[pc + 1]; break;
      }
      if (!same(f, first_of_[pc])) {
        first_of_[pc] = f;
        changed = true;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Saved programs

namespace {

class ProgramWriter {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void count(std::size_t n) { u32(static_cast<std::uint32_t>(n)); }
  void str(std::string_view s) {
    count(s.size());
    out_.append(s);
  }
  void words(const std::vector<std::uint64_t>& w) {
    count(w.size());
    for (std::uint64_t h : w) u64(h);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what ProgramWriter wrote; any read past the end, or a count larger
// than the bytes left could hold, makes ok() false and reads zeros.
class ProgramReader {
 public:
  explicit ProgramReader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && at_ == in_.size(); }
  std::uint8_t u8() { return need(1) ? static_cast<std::uint8_t>(in_[at_++]) : 0; }
  std::uint32_t u32() { return static_cast<std::uint32_t>(le(4)); }
  std::uint64_t u64() { return le(8); }
  // A count of items of at least `min_bytes` each.
  std::size_t count(std::size_t min_bytes) {
    const std::uint32_t n = u32();
    if (!ok_ || n > (in_.size() - at_) / min_bytes) return fail();
    return n;
  }
  std::string str() {
    const std::size_t n = count(1);
    if (!need(n)) return {};
    std::string s(in_.substr(at_, n));
    at_ += n;
    return s;
  }
  std::vector<std::uint64_t> words() {
    std::vector<std::uint64_t> w(count(8));
    for (std::uint64_t& h : w) h = u64();
    return w;
  }
  std::size_t fail() {
    ok_ = false;
    at_ = in_.size();
    return 0;
  }

 private:
  bool need(std::size_t n) {
    if (ok_ && n <= in_.size() - at_) return true;
    fail();
    return false;
  }
  std::uint64_t le(int bytes) {
    if (!need(static_cast<std::size_t>(bytes))) return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[at_ + i])) << (8 * i);
    at_ += static_cast<std::size_t>(bytes);
    return v;
  }
  std::string_view in_;
  std::size_t at_ = 0;
  bool ok_ = true;
};

constexpr std::size_t kInstBytes = 14;  // op, space, arg, x, y

void write_program(ProgramWriter& w, const std::vector<TokenPattern::Inst>& program) {
  w.count(program.size());
  for (const TokenPattern::Inst& i : program) {
    w.u8(i.op);
    w.u8(i.space);
    w.u32(i.arg);
    w.u32(i.x);
    w.u32(i.y);
  }
}

std::vector<TokenPattern::Inst> read_program(ProgramReader& r) {
  std::vector<TokenPattern::Inst> program(r.count(kInstBytes));
  for (TokenPattern::Inst& i : program) {
    const std::uint8_t op = r.u8(), space = r.u8();
    if (op > TokenPattern::Inst::kMatch || space > TokenPattern::Inst::kOneSome) r.fail();
    i.op = static_cast<TokenPattern::Inst::Op>(op);
    i.space = static_cast<TokenPattern::Inst::Space>(space);
    i.arg = r.u32();
    i.x = r.u32();
    i.y = r.u32();
  }
  return program;
}

// Whether `program` only refers to what exists (`preds` predicates,
// `lexicons` lexicons, `slots` capture slots, its own instructions), never
// steps past its end, and has no loop of steps that read no token (the
// compiler refuses a repetition of what can match nothing).
bool program_valid(const std::vector<TokenPattern::Inst>& program, std::size_t preds, std::size_t lexicons,
                   std::size_t slots) {
  using Inst = TokenPattern::Inst;
  const std::size_t n = program.size();
  if (n == 0 || n > 100000) return false;
  for (std::size_t pc = 0; pc < n; ++pc) {
    const Inst& i = program[pc];
    switch (i.op) {
      case Inst::kTok:
        if (i.arg >= preds || pc + 1 >= n) return false;
        break;
      case Inst::kLex:
        if (i.arg >= lexicons || pc + 1 >= n) return false;
        break;
      case Inst::kSplit:
        if (i.x >= n || i.y >= n) return false;
        break;
      case Inst::kJmp:
        if (i.x >= n) return false;
        break;
      case Inst::kSave:
        if (i.arg >= slots || pc + 1 >= n) return false;
        break;
      case Inst::kMatch:
        break;
    }
  }
  // Loops through steps without a token: a depth-first walk over those
  // steps alone, colouring instructions (0 new, 1 on the path, 2 done).
  std::vector<std::uint8_t> colour(n, 0);
  std::vector<std::pair<std::uint32_t, int>> stack;  // instruction, next edge to follow
  for (std::uint32_t start = 0; start < n; ++start) {
    if (colour[start] != 0) continue;
    stack.push_back({start, 0});
    colour[start] = 1;
    while (!stack.empty()) {
      auto& [pc, edge] = stack.back();
      std::uint32_t to[2];
      const std::uint32_t next = edge < steps_without_token(program[pc], pc, to) ? to[edge] : kNone;
      ++edge;
      if (next == kNone) {
        colour[pc] = 2;
        stack.pop_back();
        continue;
      }
      if (colour[next] == 1) return false;
      if (colour[next] == 0) {
        colour[next] = 1;
        stack.push_back({next, 0});
      }
    }
  }
  return true;
}

}  // namespace

// Whether `needs` is a tree TokenPattern's compiler could have made: each
// "and" and "or" of at least two kids whose sizes add up to its own, a
// word of size 1, no deeper than kMaxNeedDepth (need_holds recurses).
static bool needs_valid(const std::vector<TokenPattern::Need>& needs) {
  if (needs.size() > TokenPattern::kMaxNeeds) return false;
  if (needs.empty()) return true;
  struct Open {
    std::size_t end, kids;
  };
  std::vector<Open> open;  // the "and" and "or" entries around entry i
  if (needs[0].size != needs.size()) return false;
  for (std::size_t i = 0; i < needs.size(); ++i) {
    while (!open.empty() && open.back().end == i) {
      if (open.back().kids < 2) return false;
      open.pop_back();
    }
    const TokenPattern::Need& n = needs[i];
    if (n.size == 0 || n.size > needs.size() - i) return false;
    if (!open.empty()) {
      if (i + n.size > open.back().end) return false;
      ++open.back().kids;
    }
    if (n.op == TokenPattern::Need::kWord) {
      if (n.size != 1) return false;
    } else {
      if (n.size < 3 || open.size() >= TokenPattern::kMaxNeedDepth) return false;
      open.push_back({i + n.size, 0});
    }
  }
  for (const Open& o : open)
    if (o.kids < 2) return false;
  return true;
}

std::string TokenPattern::save() const {
  ProgramWriter w;
  w.str(expanded_);
  w.count(names_.size());
  for (const std::string& name : names_) w.str(name);
  w.count(lexicon_names_.size());
  for (const std::string& name : lexicon_names_) w.str(name);
  w.count(preds_.size());
  for (const Pred& p : preds_) {
    w.str(p.text);
    w.u64(p.hash);
    w.u8(static_cast<std::uint8_t>((p.fold ? 1 : 0) | (p.number ? 2 : 0) | (p.regex ? 4 : 0)));
    if (p.regex) w.str(p.regex->pattern());
    w.count(p.inner.size());
    for (const auto& [index, group] : p.inner) {
      w.u32(static_cast<std::uint32_t>(index));
      w.u32(group);
    }
  }
  write_program(w, program_);
  w.count(anchors_.size());
  for (const Anchor& a : anchors_) {
    w.words(a.words);
    w.u64(a.max_back);
    write_program(w, a.back_program);
    std::uint32_t check = kNone;
    for (std::size_t k = 0; k < lexicons_.size(); ++k)
      if (a.check && lexicons_[k].get() == a.check) check = static_cast<std::uint32_t>(k);
    w.u32(check);
    w.words(a.follow);
    w.words(a.then);
    w.u64(a.then_bytes.ascii[0]);
    w.u64(a.then_bytes.ascii[1]);
    w.u8(static_cast<std::uint8_t>((a.then_bytes.multibyte ? 1 : 0) | (a.then_bytes_known ? 2 : 0)));
    w.u32(a.number_regex);
  }
  w.count(back_words_.size());
  for (const auto& words : back_words_) w.words(words);
  w.count(needs_.size());
  for (const Need& n : needs_) {
    w.u8(n.op);
    w.u32(n.size);
    w.u64(n.hash);
  }
  return w.take();
}

std::shared_ptr<const TokenPattern> TokenPattern::restore(std::string_view bytes, const Env& env) {
  auto out = std::make_shared<TokenPattern>();
  ProgramReader r(bytes);
  out->expanded_ = r.str();
  out->names_.resize(r.count(4));
  for (std::string& name : out->names_) name = r.str();
  out->lexicon_names_.resize(r.count(4));
  for (std::string& name : out->lexicon_names_) {
    name = r.str();
    auto lex = r.ok() && env.lexicon ? env.lexicon(name) : nullptr;
    if (!lex) return nullptr;
    out->lexicons_.push_back(std::move(lex));
  }
  if (!r.ok() || out->names_.empty()) return nullptr;
  out->slots_ = 2 * out->names_.size();
  out->preds_.resize(r.count(17));
  for (Pred& p : out->preds_) {
    p.text = r.str();
    p.hash = r.u64();
    const std::uint8_t flags = r.u8();
    if (flags > 7 || !r.ok()) return nullptr;
    p.fold = flags & 1;
    p.number = flags & 2;
    if (flags & 4) {
      const std::string pattern = r.str();
      if (!r.ok()) return nullptr;
      p.regex = regex_in(env, pattern);
      if (!p.regex->ok()) return nullptr;
      p.read_shape(*p.regex, env);
    }
    p.inner.resize(r.count(8));
    for (auto& [index, group] : p.inner) {
      const std::uint32_t i = r.u32();
      group = r.u32();
      if (!p.regex || i == 0 || i > static_cast<std::uint32_t>(p.regex->NumberOfCapturingGroups()) || group == 0 ||
          group >= out->names_.size())
        return nullptr;
      index = static_cast<int>(i);
    }
    if (!p.inner.empty()) p.slot = static_cast<std::uint32_t>(out->slots_++);
  }
  out->program_ = read_program(r);
  if (!r.ok() || !program_valid(out->program_, out->preds_.size(), out->lexicons_.size(), out->slots_)) return nullptr;
  out->anchors_.resize(r.count(45));
  for (Anchor& a : out->anchors_) {
    a.words = r.words();
    a.max_back = static_cast<std::size_t>(r.u64());
    a.back_program = read_program(r);
    if (!a.back_program.empty() &&
        !program_valid(a.back_program, out->preds_.size(), out->lexicons_.size(), out->slots_))
      return nullptr;
    a.close(out->preds_);
    const std::uint32_t check = r.u32();
    if (check != kNone && check >= out->lexicons_.size()) return nullptr;
    a.check = check == kNone ? nullptr : out->lexicons_[check].get();
    a.follow = r.words();
    a.then = r.words();
    a.then_bytes.ascii[0] = r.u64();
    a.then_bytes.ascii[1] = r.u64();
    const std::uint8_t bytes_flags = r.u8();
    if (bytes_flags > 3) return nullptr;
    a.then_bytes.multibyte = bytes_flags & 1;
    a.then_bytes_known = bytes_flags & 2;
    a.number_regex = r.u32();
    if (a.number_regex != kNoPred &&
        (a.number_regex >= out->preds_.size() || !out->preds_[a.number_regex].regex ||
         !out->preds_[a.number_regex].number))
      return nullptr;
  }
  out->back_words_.resize(r.count(4));
  for (auto& words : out->back_words_) words = r.words();
  out->needs_.resize(r.count(13));
  for (Need& n : out->needs_) {
    const std::uint8_t op = r.u8();
    n.size = r.u32();
    n.hash = r.u64();
    if (op > Need::kOr) return nullptr;
    n.op = static_cast<Need::Op>(op);
  }
  if (!r.ok() || !needs_valid(out->needs_)) return nullptr;
  if (!r.done() || (!out->anchors_.empty() && out->back_words_.size() != out->lexicons_.size())) return nullptr;
  out->close_program();
  return out;
}

// ---------------------------------------------------------------------------
// Matching

// An open-addressing table of nonzero 64-bit entries, each found by its
// key (the entry shifted right by `shift`), cleared by the slots in use.
// At most kMaxRemembered entries (16 MB): past it they are forgotten and
// found again, which costs a search time, never a different match (every
// repetition reads a token each time round, so a search ends without them).
class EntryTable {
 public:
  static constexpr std::size_t kMaxRemembered = std::size_t{1} << 20;
  // At most `most` entries (a power of two): past it, all are forgotten.
  explicit EntryTable(int shift, std::size_t most = kMaxRemembered) : shift_(shift), most_(most) {}
  // The entry of `key`; else 0, after adding make()'s entry for it.
  template <typename Make>
  std::uint64_t find_or_add(std::uint64_t key, const Make& make) {
    if (used_.size() >= most_) clear();
    if (2 * (used_.size() + 1) > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = slot_of(key, mask);
    for (; slots_[i] != 0; i = (i + 1) & mask)
      if (slots_[i] >> shift_ == key) return slots_[i];
    slots_[i] = make();
    used_.push_back(static_cast<std::uint32_t>(i));
    return 0;
  }
  void clear() {
    for (std::uint32_t i : used_) slots_[i] = 0;
    used_.clear();
  }

 private:
  void grow() {
    std::vector<std::uint64_t> old(std::max<std::size_t>(256, slots_.size() * 2), 0);
    old.swap(slots_);
    used_.clear();
    const std::size_t mask = slots_.size() - 1;
    for (std::uint64_t entry : old) {
      if (entry == 0) continue;
      std::size_t i = slot_of(entry >> shift_, mask);
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = entry;
      used_.push_back(static_cast<std::uint32_t>(i));
    }
  }
  int shift_;
  std::size_t most_;
  std::vector<std::uint64_t> slots_;  // a power of two, at most half full
  std::vector<std::uint32_t> used_;   // the slots in use
};

// A search's working state: the backtracking stack, the captures, the
// Marks of what one generation tried, each holding the generation it was
// made in, so that a new generation forgets them all at once; cleared only
// when the counter wraps (a mark of 65,535 generations ago, with 16-bit
// marks, would read as made now).
template <typename Mark>
struct Generations {
  std::vector<Mark> marks;
  Mark gen = 0;
  // A new generation over at least `size` marks.
  void next(std::size_t size) {
    if (marks.size() < size) marks.resize(size, 0);
    if (++gen == 0) {
      std::fill(marks.begin(), marks.end(), Mark{0});
      gen = 1;
    }
  }
  // Marks i; false when it was marked in this generation already.
  bool mark(std::size_t i) {
    if (marks[i] == gen) return false;
    marks[i] = gen;
    return true;
  }
};

// states (instruction, token) already tried, which cannot match when tried
// again (nothing but the captures depends on how a state was reached), and
// the regex predicates' answers per token.
struct TokenMatcher {
  struct Job {
    std::uint32_t pc;
    std::uint32_t at;       // token index
    // kNone: a state to try; else the capture slot to restore to `at` (a
    // match), or kStartOnly (a walk back: the token read there can only be
    // a match's first).
    std::uint32_t restore;
  };
  std::vector<Job> stack;
  std::vector<std::uint32_t> caps;
  std::vector<std::uint32_t> ends;  // a lexicon's ends
  std::uint64_t stride = 0;         // tokens + 1
  // Tried states. While the program's size times the tokens + 1 is at
  // most kMaxStamps, a stamp per state (at * width + pc), all forgotten at
  // once by a new generation; past it, a table by key pc * stride + at +
  // 1, as bounded as its entries.
  static constexpr std::size_t kMaxStamps = std::size_t{1} << 18;
  Generations<std::uint16_t> stamps;
  std::uint32_t width = 0;  // the program's size; 0: the table
  EntryTable seen;
  // Past kMaxStamps and up to kMaxBits states: a bit per state (at *
  // bit_width + pc), the words set since the last reset in `touched`.
  static constexpr std::size_t kMaxBits = std::size_t{1} << 27;  // 16 MiB
  std::vector<std::uint64_t> bits;
  std::vector<std::uint32_t> touched;
  std::uint32_t bit_width = 0;
  // Answers: key << 1 | answer, key = (pred + 1) * stride + token + 1.
  EntryTable memo;
  // The text's shared answers, when the caller keeps them (they come first),
  // and their row per predicate of the program searched, looked up once
  // (null: not yet; &kNoRow: none, the budget spent).
  RegexAnswers* answers = nullptr;
  std::vector<std::uint8_t*> rows;
  std::vector<std::uint32_t> rows_set;  // the predicates whose row is looked up
  static inline std::uint8_t kNoRow = 0;
  // The pattern and answers (by serial number: an address may come back)
  // that `rows` are for: the searches of one rule in one text, one after
  // the other, look their rows up once.
  const void* rows_pattern = nullptr;
  std::uint64_t rows_serial = 0;
  void use(RegexAnswers* a, const void* pattern, std::size_t preds) {
    answers = a;
    if (!a) return;
    if (pattern == rows_pattern && a->serial() == rows_serial) return;
    // (Only the rows looked up are forgotten: a program has many
    // predicates, and a search reads the rows of a few.)
    for (const std::uint32_t pred : rows_set) rows[pred] = nullptr;
    rows_set.clear();
    if (rows.size() < preds) rows.resize(preds, nullptr);
    rows_pattern = pattern;
    rows_serial = a->serial();
  }
  std::uint8_t* row_of(std::uint32_t pred, const RE2* re) {
    std::uint8_t*& r = rows[pred];
    if (r == nullptr) {
      rows_set.push_back(pred);
      r = answers->row(re);
      if (r == nullptr) r = &kNoRow;
    }
    return r == &kNoRow ? nullptr : r;
  }
  explicit TokenMatcher(std::size_t most = EntryTable::kMaxRemembered) : seen(0, most), memo(1, most) {}

  // Forgets what a search of a program of `program_size` over `tokens`
  // tokens tried and learnt before.
  void reset(std::size_t program_size, std::size_t tokens) {
    stride = tokens + 1;
    memo.clear();
    const std::size_t states = program_size * stride;
    if (program_size != 0 && states > kMaxStamps && states <= kMaxBits) {
      // A bit per state: a table that forgot would let a search that
      // fails over a long run (a page of capitalised words) go through
      // the same states again and again.
      width = 0;
      bit_width = static_cast<std::uint32_t>(program_size);
      const std::size_t words = (states + 63) / 64;
      if (bits.size() < words || 16 * touched.size() > words) {
        if (bits.size() < words) bits.resize(words);
        std::fill(bits.begin(), bits.end(), std::uint64_t{0});
      } else {
        for (std::uint32_t w : touched) bits[w] = 0;
      }
      touched.clear();
      return;
    }
    bit_width = 0;
    if (program_size == 0 || states > kMaxStamps) {
      width = 0;
      seen.clear();
      return;
    }
    width = static_cast<std::uint32_t>(program_size);
    stamps.next(states);
  }
  // The states at a search's first token, marked apart for each search
  // (start_of()): a state there may match where the same state reached
  // from an earlier first token did not, since the first token's spacing
  // is free ("x" of `(~x)* z` in "x z"); what the other states lead to does
  // not depend on where the search started.
  Generations<std::uint32_t> start_marks;
  void start_of(std::size_t program_size) { start_marks.next(program_size); }
  bool visit_start(std::uint32_t pc) { return start_marks.mark(pc); }
  // Marks the state; false when it was marked already.
  bool visit(std::uint32_t pc, std::uint32_t at) {
    if (width != 0) return stamps.mark(std::size_t{at} * width + pc);
    if (bit_width != 0) {
      const std::size_t i = std::size_t{at} * bit_width + pc;
      std::uint64_t& word = bits[i / 64];
      const std::uint64_t bit = std::uint64_t{1} << (i % 64);
      if (word & bit) return false;
      if (word == 0) touched.push_back(static_cast<std::uint32_t>(i / 64));
      word |= bit;
      return true;
    }
    const std::uint64_t key = pc * stride + at + 1;
    return seen.find_or_add(key, [&] { return key; }) == 0;
  }
  // The result of `test` for predicate `pred` on token `at`, computed once.
  template <typename Test>
  bool remembered(std::uint32_t pred, std::uint32_t at, const Test& test) {
    const std::uint64_t key = (std::uint64_t{pred} + 1) * stride + at + 1;
    bool result = false;
    const std::uint64_t entry = memo.find_or_add(key, [&] {
      result = test();
      return key << 1 | (result ? 1 : 0);
    });
    return entry != 0 ? (entry & 1) != 0 : result;
  }
};

RegexAnswers::RegexAnswers(std::size_t tokens) : tokens_(tokens) {
  static std::atomic<std::uint64_t> made{0};
  serial_ = ++made;
}

std::uint8_t* RegexAnswers::row(const RE2* re) {
  const auto slot = [this](const RE2* r) {
    const std::size_t mask = rows_.size() - 1;
    std::size_t i = slot_of(reinterpret_cast<std::uintptr_t>(r) >> 4, mask);
    while (rows_[i].first != nullptr && rows_[i].first != r) i = (i + 1) & mask;
    return i;
  };
  if (rows_.empty()) rows_.resize(64);
  const std::size_t at = slot(re);
  if (rows_[at].first == re) return rows_[at].second;
  // A regex not asked about yet: a row of its own, while the budget lasts
  // (a refused one is asked about again, and refused, each time).
  const std::size_t bytes = (tokens_ + 3) / 4;  // two bits an answer
  if (tokens_ == 0 || used_ + bytes > kMaxAnswers) return nullptr;
  // Rows are carved from blocks of 16 rows (zeroed: not asked).
  if (block_left_ < bytes) {
    block_left_ = 16 * bytes;
    owned_.push_back(std::make_unique<std::uint8_t[]>(block_left_));
    block_at_ = owned_.back().get();
  }
  std::uint8_t* const row = block_at_;
  block_at_ += bytes;
  block_left_ -= bytes;
  used_ += bytes;
  rows_[at] = {re, row};
  if (2 * ++rows_used_ > rows_.size()) {  // twice as many slots
    std::vector<std::pair<const RE2*, std::uint8_t*>> old(2 * rows_.size());
    old.swap(rows_);
    for (const auto& entry : old)
      if (entry.first) rows_[slot(entry.first)] = entry;
  }
  return row;
}

// A word (the most frequent predicate: a hash compare, mostly) inline; a
// regex or number out of line.
inline bool TokenPattern::pred_holds(std::uint32_t pred, std::string_view text, const std::vector<Token>& tokens,
                                     std::uint32_t at, TokenMatcher& m) const {
  const Pred& p = preds_[pred];
  if (!p.is_word()) {
    // A regex this text has answered on the token already: read in place
    // (its answer says what the first byte would; a number's first digit
    // is a test of its own).
    if (m.answers) {
      const std::uint8_t* row = m.rows[pred];
      if (row != nullptr && row != &TokenMatcher::kNoRow) {
        if (const int answer = RegexAnswers::get(row, at); answer != 0)
          return answer == 2 && (!p.number || is_digit(static_cast<unsigned char>(text[tokens[at].start])));
      }
    }
    return regex_holds(p, pred, text, tokens, at, m);
  }
  const Token& t = tokens[at];
  return t.folded == p.hash && token_is(text, t, p.text, p.fold);
}

bool TokenPattern::regex_holds(const Pred& p, std::uint32_t pred, std::string_view text,
                               const std::vector<Token>& tokens, std::uint32_t at, TokenMatcher& m) const {
  const Token& t = tokens[at];
  if (p.number && !is_digit(static_cast<unsigned char>(text[t.start]))) return false;
  if (p.first_fails(static_cast<unsigned char>(text[t.start]))) return false;
  if (p.regex) {
    const std::string_view word = text.substr(t.start, t.end - t.start);
    if (std::uint8_t* row = m.answers ? m.row_of(pred, p.regex.get()) : nullptr) return p.answer_in(row, at, word);
    return m.remembered(pred, at, [&] { return p.full_match(word); });
  }
  return true;  // a number
}

namespace {
// Per Inst::Space up to kParagraphSome, the Token::gap values it allows,
// one bit each (kOne and kOneSome count the bytes between the tokens).
constexpr std::uint8_t kGapsAllowed[] = {0xF, 0x1, 0xE, 0x3, 0x7, 0x2, 0x6};
// Whether token i has the spacing `s` before it, as a token that is not a
// match's first (the text's first token is always one).
inline __attribute__((always_inline)) bool spaced(std::uint8_t s, const std::vector<Token>& tokens, std::uint32_t i) {
  using Inst = TokenPattern::Inst;
  static_assert(Inst::kAny == 0 && Inst::kNone == 1 && Inst::kSome == 2 && Inst::kLine == 3 && Inst::kParagraph == 4 &&
                    Inst::kLineSome == 5 && Inst::kParagraphSome == 6 && Inst::kOne == 7 && Inst::kOneSome == 8,
                "kGapsAllowed is indexed by Inst::Space");
  if (s == Inst::kAny) return true;
  if (i == 0) return false;
  if (s < Inst::kOne) return (kGapsAllowed[s] >> tokens[i].gap) & 1;
  const std::uint32_t between = tokens[i].start - tokens[i - 1].end;
  return s == Inst::kOne ? between <= 1 : between == 1;
}
// A walk back's state whose token can only be a match's first (its
// spacing is not the step's): it ends there, or nowhere.
constexpr std::uint32_t kStartOnly = kNone - 1;
}  // namespace

bool TokenPattern::match_at(std::string_view text, const std::vector<Token>& tokens, std::size_t at, TokenMatcher& m) const {
  const auto n = static_cast<std::uint32_t>(tokens.size());
  std::fill(m.caps.begin(), m.caps.end(), kNone);
  m.start_of(program_.size());
  m.stack.clear();
  m.stack.push_back({0, static_cast<std::uint32_t>(at), kNone});
  // (A match's first token may have any spacing before it.)
  auto space_ok = [&](Inst::Space s, std::uint32_t i) { return i >= n || i == at || spaced(s, tokens, i); };
  while (!m.stack.empty()) {
    TokenMatcher::Job job = m.stack.back();
    m.stack.pop_back();
    if (job.restore != kNone) {
      m.caps[job.restore] = job.at;
      continue;
    }
    std::uint32_t pc = job.pc, i = job.at;
    for (;;) {
      if (!(i == at ? m.visit_start(pc) : m.visit(pc, i))) break;
      const Inst& inst = program_[pc];
      bool next = false;
      switch (inst.op) {
        case Inst::kTok: {
          if (i >= n || !space_ok(inst.space, i) || !pred_holds(inst.arg, text, tokens, i, m)) break;
          ++pc, ++i;
          next = true;
          break;
        }
        case Inst::kLex: {
          if (i >= n || !space_ok(inst.space, i)) break;
          m.ends.clear();
          lexicons_[inst.arg]->match(text, tokens, i, m.ends);
          if (m.ends.empty()) break;
          for (std::size_t k = m.ends.size(); k-- > 1;) m.stack.push_back({pc + 1, m.ends[k], kNone});
          i = m.ends[0];
          ++pc;
          next = true;
          break;
        }
        case Inst::kSplit: {
          // A first branch that reads a word the token does not have fails
          // at once (most are alternatives of a word list): on to the
          // second, as after that failure, without stacking it. So does a
          // branch whose first token cannot start with the token's first
          // byte, or that needs a token past the last (nor is the second
          // stacked when it cannot start there).
          const Inst& first = program_[inst.x];
          if ((first.op == Inst::kTok && preds_[first.arg].is_word() && i < n &&
               tokens[i].folded != preds_[first.arg].hash) ||
              !may_start(inst.x, i, text, tokens)) {
            pc = inst.y;
            next = true;
            break;
          }
          if (may_start(inst.y, i, text, tokens)) m.stack.push_back({inst.y, i, kNone});
          pc = inst.x;
          next = true;
          break;
        }
        case Inst::kJmp:
          pc = inst.x;
          next = true;
          break;
        case Inst::kSave:
          m.stack.push_back({0, m.caps[inst.arg], inst.arg});
          m.caps[inst.arg] = i;
          ++pc;
          next = true;
          break;
        case Inst::kMatch:
          m.caps[0] = static_cast<std::uint32_t>(at);
          m.caps[1] = i;
          return true;
      }
      if (!next) break;
    }
  }
  return false;
}

bool TokenPattern::find(std::string_view text, const std::vector<Token>& tokens, std::size_t from,
                        const std::vector<std::uint32_t>* starts, std::vector<Span>& out,
                        RegexAnswers* answers) const {
  thread_local TokenMatcher m;
  m.caps.resize(slots_);  // (each match_at sets them all)
  m.reset(program_.size(), tokens.size());
  m.use(answers, this, preds_.size());
  const auto first = static_cast<std::size_t>(
      std::lower_bound(tokens.begin(), tokens.end(), from, [](const Token& t, std::size_t f) { return t.start < f; }) -
      tokens.begin());
  bool found = false;
  if (starts) {
    auto it = std::lower_bound(starts->begin(), starts->end(), static_cast<std::uint32_t>(first));
    for (; it != starts->end() && !found; ++it) found = may_start(0, *it, text, tokens) && match_at(text, tokens, *it, m);
  } else {
    for (std::size_t t = first; t < tokens.size() && !found; ++t)
      found = may_start(0, static_cast<std::uint32_t>(t), text, tokens) && match_at(text, tokens, t, m);
  }
  if (!found) return false;
  out.resize(names_.size());
  for (Span& span : out) span = Span{SIZE_MAX, SIZE_MAX};
  for (std::size_t g = 0; g < names_.size(); ++g) {
    const std::uint32_t s = m.caps[2 * g], e = m.caps[2 * g + 1];
    if (s == kNone || e == kNone) continue;
    const std::size_t bs = s < tokens.size() ? tokens[s].start : text.size();
    out[g] = Span{bs, e > s ? std::size_t{tokens[e - 1].end} : bs};
  }
  // The groups inside a regex, from the token it matched last.
  for (const std::uint32_t k : inner_preds_) {
    const Pred& p = preds_[k];
    if (m.caps[p.slot] == kNone) continue;
    const Token& t = tokens[m.caps[p.slot]];
    if (p.group_is_token && p.inner.size() == 1 && p.inner[0].first == 1) {
      out[p.inner[0].second] = Span{t.start, t.end};
      continue;
    }
    const std::string_view token = text.substr(t.start, t.end - t.start);
    thread_local std::vector<re2::StringPiece> groups;
    groups.assign(static_cast<std::size_t>(p.regex->NumberOfCapturingGroups()) + 1, re2::StringPiece());
    if (!p.regex->Match(token, 0, token.size(), RE2::ANCHOR_BOTH, groups.data(), static_cast<int>(groups.size())))
      continue;  // cannot happen: the token matched it
    for (const auto& [index, g] : p.inner) {
      const re2::StringPiece& piece = groups[static_cast<std::size_t>(index)];
      if (piece.data() == nullptr) continue;
      const std::size_t at = t.start + static_cast<std::size_t>(piece.data() - token.data());
      out[g] = Span{at, at + piece.size()};
    }
  }
  return true;
}

std::vector<const RE2*> TokenPattern::regexes() const {
  std::vector<const RE2*> out;
  for (const Pred& p : preds_)
    if (p.regex) out.push_back(p.regex.get());
  return out;
}

std::vector<std::uint64_t> TokenPattern::first_words() const {
  std::vector<std::uint64_t> out;
  for (const Anchor& a : anchors_) out.insert(out.end(), a.words.begin(), a.words.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::size_t TokenPattern::max_back() const {
  std::size_t most = 0;
  for (const Anchor& a : anchors_) most = std::max(most, a.max_back);
  return most;
}

std::size_t TokenPattern::starts_before(std::string_view text, const std::vector<Token>& tokens, std::size_t a,
                                        std::size_t anchor, std::vector<std::uint32_t>& out, bool again,
                                        std::size_t covered_from, std::size_t covered_to,
                                        RegexAnswers* answers) const {
  const std::vector<Inst>& back_program_ = anchors_[a].back_program;
  const std::size_t max_back_ = anchors_[a].max_back;
  if (back_program_.empty()) {
    out.push_back(static_cast<std::uint32_t>(anchor));
    return SIZE_MAX;
  }
  const Anchor& an = anchors_[a];
  // (Its tables smaller than a search's: the walks of one anchor share
  // them, and forgetting costs only walking again.)
  thread_local TokenMatcher m(kMaxWalkRemembered);
  if (!again) m.reset(back_program_.size(), tokens.size());
  m.use(answers, this, preds_.size());
  m.stack.clear();
  // Every start this walk can find is at least anchor - max_back: where
  // that is inside the tokens given as covered, a state at or before
  // covered_to leads only to starts already listed.
  const bool prune = covered_from <= anchor - std::min(anchor, max_back_);
  // Only the states that read a token or match: those between them are
  // what an.next skips. Each is marked when it is first reached, so that
  // none is stacked twice.
  auto go_on = [&](std::uint32_t pc, std::uint32_t at) {
    if (at <= covered_to && prune) return;
    const Anchor::Range steps = an.next_range[pc], words = an.word_range[pc];
    if (at == 0) {
      for (std::uint32_t k = steps.begin; k < steps.end; ++k)
        if (an.next_first[k] == kNoPred && m.visit(an.next[k], at)) m.stack.push_back({an.next[k], at, kNone});
      return;
    }
    // (Nor a step whose regex cannot start with the token's first byte.)
    // A token without the step's spacing before it can only be the
    // match's first: the walk ends after it, or there is nothing there.
    const std::uint32_t token = at - 1;
    auto step_to = [&](std::uint32_t step, std::uint8_t space, bool ends) {
      const bool first_only = !spaced(space, tokens, token);
      if (first_only && !ends) return;
      if (m.visit(step, at)) m.stack.push_back({step, at, first_only ? kStartOnly : kNone});
    };
    const auto b = static_cast<unsigned char>(text[tokens[token].start]);
    for (std::uint32_t k = steps.begin; k < steps.end; ++k)
      if (an.next_bytes[k].has(b)) step_to(an.next[k], an.next_space[k], an.next_ends[k] != 0);
    // The steps that read a word: only those of the word before.
    if (words.begin == words.end) return;
    const std::uint64_t h = tokens[token].folded;
    const auto end = an.word_next.begin() + words.end;
    for (auto it = std::lower_bound(an.word_next.begin() + words.begin, end, h,
                                    [](const Anchor::WordStep& step, std::uint64_t x) { return step.hash < x; });
         it != end && it->hash == h; ++it)
      step_to(it->pc, it->space, it->ends);
  };
  go_on(0, static_cast<std::uint32_t>(anchor));
  std::size_t states = 0;
  while (!m.stack.empty()) {
    const TokenMatcher::Job job = m.stack.back();
    m.stack.pop_back();
    const std::uint32_t pc = job.pc, at = job.at;
    if (++states > kMaxBackStates) {
      // Too many ways back: every token within reach, which is more.
      return anchor - std::min(anchor, max_back_);
    }
    const Inst& inst = back_program_[pc];
    switch (inst.op) {
      case Inst::kTok: {
        if (at == 0 || !pred_holds(inst.arg, text, tokens, at - 1, m)) break;
        if (job.restore == kStartOnly) out.push_back(at - 1);
        else go_on(pc + 1, at - 1);
        break;
      }
      case Inst::kLex: {
        const auto& words = back_words_[inst.arg];
        const std::size_t most = lexicons_[inst.arg]->max_tokens();
        for (std::size_t len = 1; len <= most && len <= at; ++len) {
          if (!std::binary_search(words.begin(), words.end(), tokens[at - len].folded)) break;
          go_on(pc + 1, static_cast<std::uint32_t>(at - len));
        }
        break;
      }
      case Inst::kMatch:
        out.push_back(at);
        break;
      default:  // never in an.next
        break;
    }
  }
  return SIZE_MAX;
}

bool TokenPattern::anchor_holds(std::size_t a, std::string_view text, const std::vector<Token>& tokens,
                                std::size_t at, RegexAnswers* answers) const {
  const std::uint32_t pred = anchors_[a].number_regex;
  if (pred == kNoPred) return true;
  const Pred& p = preds_[pred];
  const Token& t = tokens[at];
  const std::string_view word = text.substr(t.start, t.end - t.start);
  std::uint8_t* row = answers ? answers->row(p.regex.get()) : nullptr;
  return row ? p.answer_in(row, at, word) : p.full_match(word);
}

// ---------------------------------------------------------------------------
// The index

TokenIndex::TokenIndex(const std::vector<const TokenPattern*>& patterns) : patterns_(patterns) {
  std::map<std::uint64_t, std::vector<std::pair<std::uint32_t, std::uint32_t>>> by_word;
  for (std::size_t k = 0; k < patterns.size(); ++k) {
    if (!patterns[k]) continue;
    const auto& anchors = patterns[k]->anchors();
    for (std::size_t a = 0; a < anchors.size(); ++a)
      for (std::uint64_t h : anchors[a].words)
        by_word[h].emplace_back(static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(a));
  }
  has_numbers_ = by_word.count(kNumberWord) > 0;
  auto pool = [this](const std::vector<std::uint64_t>& words) {
    const auto begin = static_cast<std::uint32_t>(words_.size());
    words_.insert(words_.end(), words.begin(), words.end());
    return std::make_pair(begin, static_cast<std::uint32_t>(words_.size()));
  };
  using Pooled = std::pair<std::uint32_t, std::uint32_t>;
  // Per (pattern, anchor): its follow, then and first back words, pooled.
  struct AnchorWords {
    Pooled follow, then, back;
  };
  std::map<std::pair<std::uint32_t, std::uint32_t>, AnchorWords> anchor_words;
  std::size_t size = 16;
  while (size < 2 * by_word.size()) size *= 2;
  table_.assign(size, Slot{});
  for (auto& [h, pairs] : by_word) {
    std::size_t i = slot_of(h, size - 1);
    while (table_[i].end != 0) i = (i + 1) & (size - 1);
    const auto begin = static_cast<std::uint32_t>(entries_.size());
    for (const auto& [k, a] : pairs) {
      const TokenPattern::Anchor& anchor = patterns[k]->anchors()[a];
      Entry e;
      e.pattern = k;
      e.anchor = a;
      // An anchor's follow and then words are pooled once, whatever the
      // number of its words (a list anchor has dozens).
      auto [pooled, fresh] = anchor_words.try_emplace({k, a});
      AnchorWords& w = pooled->second;
      if (fresh) {
        w.follow = pool(anchor.follow);
        w.then = pool(anchor.then);
        w.back = pool(anchor.before_words);
      }
      std::tie(e.follow_begin, e.follow_end) = w.follow;
      std::tie(e.then_begin, e.then_end) = w.then;
      e.back_filter = anchor.walk_reads_before;
      e.back_bytes = anchor.before_bytes;
      std::tie(e.back_words_begin, e.back_words_end) = w.back;
      e.then_bytes = anchor.then_bytes;
      e.then_bytes_known = anchor.then_bytes_known;
      e.needs = !patterns[k]->needs().empty();
      e.walks = anchor.max_back > 0;
      e.number = anchor.number_regex != TokenPattern::kNoPred;
      e.check = anchor.check;
      if (e.check) {
        if (const auto second = e.check->second_words(h)) {
          e.second = true;
          std::tie(e.second_begin, e.second_end) = pool(*second);
        }
      }
      entries_.push_back(e);
    }
    table_[i] = Slot{h, begin, static_cast<std::uint32_t>(entries_.size())};
  }
}

namespace {
constexpr std::size_t kKeptStarts = 4096;  // the most starts a thread's list keeps room for

// A text's words, for TokenPattern::needs_hold: the fold_hash of each token
// (and kNumberWord when one starts with a digit) in an open-addressing set
// of twice as many slots or more, 0 meaning empty (a 0 hash is kept apart).
class WordSet {
 public:
  bool made() const { return made_; }
  void make(std::string_view text, const std::vector<Token>& tokens) {
    made_ = true;
    std::size_t size = 16;
    while (size < 2 * (tokens.size() + 1)) size *= 2;
    slots_.assign(size, 0);
    bool number = false;
    for (const Token& t : tokens) {
      insert(t.folded);
      number = number || is_digit(static_cast<unsigned char>(text[t.start]));
    }
    if (number) insert(kNumberWord);
  }
  bool has(std::uint64_t h) const { return h == 0 ? has_zero_ : slots_[slot(h)] == h; }
  // Done with the text (a long text's slots are not kept for the short
  // ones after it).
  void done() {
    made_ = has_zero_ = false;
    if (slots_.capacity() > 2 * kKeptStarts) std::vector<std::uint64_t>().swap(slots_);
  }

 private:
  // Where h is, or the empty slot where it would go.
  std::size_t slot(std::uint64_t h) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = slot_of(h, mask);
    while (slots_[i] != 0 && slots_[i] != h) i = (i + 1) & mask;
    return i;
  }
  void insert(std::uint64_t h) {
    if (h == 0) {
      has_zero_ = true;
      return;
    }
    slots_[slot(h)] = h;
  }
  std::vector<std::uint64_t> slots_;
  bool made_ = false, has_zero_ = false;
};
}  // namespace

std::vector<std::vector<std::uint32_t>> TokenIndex::starts(std::string_view text, const std::vector<Token>& tokens,
                                                           RegexAnswers* answers, const std::vector<char>* skip) const {
  std::vector<std::vector<std::uint32_t>> result(patterns_.size());
  if (entries_.empty()) return result;
  // Listed in the thread's lists, which keep their capacity from text to
  // text, and copied out at the end: one allocation per pattern with starts
  // instead of one each time a list grows.
  thread_local std::vector<std::vector<std::uint32_t>> out;
  if (out.size() < patterns_.size()) out.resize(patterns_.size());
  // The patterns with starts, each once (most of a short text's are none):
  // only their lists are read and cleared.
  thread_local std::vector<std::size_t> touched;
  thread_local std::vector<char> is_touched;
  touched.clear();
  if (is_touched.size() < patterns_.size()) is_touched.resize(patterns_.size(), 0);
  auto list = [&](std::size_t k) -> std::vector<std::uint32_t>& {
    if (!is_touched[k]) {
      is_touched[k] = 1;
      touched.push_back(k);
    }
    return out[k];
  };
  const std::size_t mask = table_.size() - 1;
  struct Range {
    std::size_t pattern;
    std::uint32_t from, to;  // tokens from..to, both included
  };
  thread_local std::vector<Range> spans;
  spans.clear();
  // The walks back to make, by pattern: (anchor, token) in token order,
  // and the patterns that have some, each once.
  struct Walk {
    std::uint32_t anchor, at;
  };
  thread_local std::vector<std::vector<Walk>> walks;
  thread_local std::vector<std::size_t> walked;
  if (walks.size() < patterns_.size()) walks.resize(patterns_.size());
  walked.clear();
  // The text's words, made the first time a pattern's needs are asked about.
  thread_local WordSet set;
  WordSet& words = set;
  auto has = [&words](std::uint64_t h) { return words.has(h); };
  // Per pattern: 0 not asked yet, 1 its needs hold in the text, 2 not (no
  // start is listed for it, no walk back made); `asked` to reset them.
  thread_local std::vector<std::uint8_t> verdicts;
  thread_local std::vector<std::size_t> asked;
  if (verdicts.size() < patterns_.size()) verdicts.resize(patterns_.size(), 0);
  std::uint8_t* const verdict = verdicts.data();
  asked.clear();
  auto possible = [&](std::size_t k) {
    if (verdict[k] == 0) {
      if (!words.made()) words.make(text, tokens);
      asked.push_back(k);
      verdict[k] = patterns_[k]->needs_hold(has) ? 1 : 2;
    }
    return verdict[k] == 1;
  };
  // The anchors whose words hash to h, at token t.
  const char* const skipped = skip ? skip->data() : nullptr;
  const std::uint64_t* const pool = words_.data();
  auto add = [&](std::uint64_t h, std::size_t t) {
    for (std::size_t i = slot_of(h, mask); table_[i].end != 0; i = (i + 1) & mask) {
      if (table_[i].hash != h) continue;
      const Entry* const end = entries_.data() + table_[i].end;
      for (const Entry* e = entries_.data() + table_[i].begin; e != end; ++e) {
        const std::size_t k = e->pattern;
        if (skipped && skipped[k]) continue;
        if (e->needs && !possible(k)) continue;
        // Nor a word without the words that follow it in every match.
        const std::size_t follows = e->follow_end - e->follow_begin;
        if (follows != 0) {
          bool ok = t + follows < tokens.size();
          for (std::size_t f = 0; ok && f < follows; ++f) ok = tokens[t + 1 + f].folded == pool[e->follow_begin + f];
          if (!ok) continue;
        }
        if (e->then_begin != e->then_end) {
          const std::size_t next = t + 1 + follows;
          if (next >= tokens.size() ||
              !std::binary_search(pool + e->then_begin, pool + e->then_end, tokens[next].folded))
            continue;
        }
        if (e->then_bytes_known) {
          const std::size_t next = t + 1 + follows;
          if (next >= tokens.size() || !e->then_bytes.has(static_cast<unsigned char>(text[tokens[next].start])))
            continue;
        }
        // Nor a walk back whose first step the token before cannot be.
        if (e->back_filter) {
          if (t == 0) continue;
          const Token& before = tokens[t - 1];
          if (!e->back_bytes.has(static_cast<unsigned char>(text[before.start])) &&
              !std::binary_search(pool + e->back_words_begin, pool + e->back_words_end, before.folded))
            continue;
        }
        // Nor a number that its `#/regex/` does not match.
        if (e->number && !patterns_[k]->anchor_holds(e->anchor, text, tokens, t, answers)) continue;
        // A lexicon's first word without one of its forms is no anchor.
        if (e->check) {
          // (Most of its first words start a form only before a few words.)
          if (e->second && (t + 1 >= tokens.size() || !std::binary_search(pool + e->second_begin, pool + e->second_end,
                                                                           tokens[t + 1].folded)))
            continue;
          if (!e->check->starts_at(text, tokens, t)) continue;
        }
        // The anchor's token, or where the elements before it may start;
        // a walk back that gives up: every token from where it could
        // reach (kept as a range, added once below).
        if (!e->walks) {
          list(k).push_back(static_cast<std::uint32_t>(t));
        } else {
          if (walks[k].empty()) walked.push_back(k);
          walks[k].push_back({e->anchor, static_cast<std::uint32_t>(t)});
        }
      }
      return;
    }
  };
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    add(tokens[t].folded, t);
    // A number is also the anchor of `#`.
    if (has_numbers_ && is_digit(static_cast<unsigned char>(text[tokens[t].start]))) add(kNumberWord, t);
  }

  // The walks back: those of one anchor of a pattern one after the other,
  // each going only where the ones before it have not been (what a state
  // leads to does not depend on the anchor the walk started from), and
  // stopping at a range of tokens listed whole by a walk that gave up.
  // Without both, a page of capitalised words before many legal forms
  // ("Acme Corp Acme Corp ...") is walked back over from each of them.
  for (const std::size_t k : walked) {
    std::vector<Walk>& mine = walks[k];
    if (patterns_[k]->anchors().size() > 1)
      std::stable_sort(mine.begin(), mine.end(), [](const Walk& x, const Walk& y) { return x.anchor < y.anchor; });
    std::size_t lo = SIZE_MAX, hi = 0;  // the range of the last walk of the pattern that gave up
    for (std::size_t w = 0; w < mine.size(); ++w) {
      const Walk& walk = mine[w];
      const bool again = w > 0 && mine[w - 1].anchor == walk.anchor;
      // (Listed as touched first: the walk may add to it.)
      const std::size_t from =
          patterns_[k]->starts_before(text, tokens, walk.anchor, walk.at, list(k), again, lo, hi, answers);
      if (from != SIZE_MAX) {
        spans.push_back({k, static_cast<std::uint32_t>(from), walk.at});
        lo = from, hi = walk.at;
      }
    }
    mine.clear();
    if (mine.capacity() > kKeptStarts) std::vector<Walk>().swap(mine);
  }
  // The ranges of the walks that gave up, each token once: a page of
  // capitalised words before many legal forms ("Acme Corp Acme Corp ...")
  // would otherwise list every token before each of them.
  std::sort(spans.begin(), spans.end(), [](const Range& x, const Range& y) {
    return x.pattern != y.pattern ? x.pattern < y.pattern : x.from < y.from;
  });
  for (std::size_t r = 0; r < spans.size();) {
    const std::size_t k = spans[r].pattern;
    std::uint32_t from = spans[r].from, to = spans[r].to;
    for (++r; r < spans.size() && spans[r].pattern == k && spans[r].from <= to + 1; ++r) to = std::max(to, spans[r].to);
    for (std::uint32_t s = from; s <= to; ++s) list(k).push_back(s);
  }
  // In order, once each (several anchors, or walks back, may repeat or
  // precede tokens already listed).
  for (const std::size_t k : touched) {
    if (patterns_[k]->anchors().size() >= 2 || patterns_[k]->max_back() > 0) {
      std::sort(out[k].begin(), out[k].end());
      out[k].erase(std::unique(out[k].begin(), out[k].end()), out[k].end());
    }
    result[k].assign(out[k].begin(), out[k].end());
    out[k].clear();
    is_touched[k] = 0;
    // (A long text's lists are not kept for the short ones after it.)
    if (out[k].capacity() > kKeptStarts) std::vector<std::uint32_t>().swap(out[k]);
  }
  for (const std::size_t k : asked) verdict[k] = 0;
  words.done();
  return result;
}

}  // namespace extract
