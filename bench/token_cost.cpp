// The first stage of a token cascade, measured outside extract (docs/performance.md,
// "The floor of a token cascade"): what it costs to find, once per document and for
// every rule at once, what today's rules each find again with an automaton of their own.
//
//   tokens   split the text into words (letters, digits and the bytes of non-ASCII
//            characters), each with its offsets and a shape (capitalised, all upper
//            case, lower case, number); other characters are one-byte tokens, spaces
//            are skipped
//   lexicons every lexicon of the rule set at once, from every token: each token
//            looked up as written among the words of the case-sensitive lexicons and
//            folded to ASCII lower case among those of the others (open-addressing
//            tables, no copy of the token), then one trie of word numbers for each,
//            each node listing the lexicons whose forms end there
//   names    the runs of capitalised words, as a names unit would find them
//
// Each stage is timed with the ones before it, three passes over the documents in
// memory; the best pass is printed, in MB/s and ns per byte.
//
// Input: the lexicon forms as printed by `bench/rules_tool.py lexicons RULES`
// (`name<TAB>case<TAB>form` lines) and documents named on the command line.
// Build: g++ -O2 -std=c++17 bench/token_cost.cpp -o /tmp/token_cost
// Usage: token_cost LEXICONS.tsv FILE...
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bench_input.hpp"

namespace {

using Clock = std::chrono::steady_clock;

enum Shape : std::uint8_t { kOther, kLower, kCapitalised, kUpper, kNumber };

struct Token {
  std::uint32_t start, end;
  Shape shape;
};

bool word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

Shape shape_of(std::string_view w) {
  const auto c = static_cast<unsigned char>(w[0]);
  if (c >= '0' && c <= '9') return kNumber;
  if (c >= 'A' && c <= 'Z') {
    for (std::size_t i = 1; i < w.size(); ++i)
      if (w[i] >= 'a' && w[i] <= 'z') return kCapitalised;
    return kUpper;
  }
  if (c >= 'a' && c <= 'z') return kLower;
  return kOther;  // a non-ASCII first letter: not classified here
}

void tokenize(std::string_view text, std::vector<Token>& out) {
  out.clear();
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    const std::size_t s = i;
    if (word_byte(c)) {
      while (i < n && word_byte(static_cast<unsigned char>(text[i]))) ++i;
    } else {
      ++i;
    }
    out.push_back({static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(i),
                   shape_of(text.substr(s, i - s))});
  }
}

unsigned char fold_byte(unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c; }

// FNV-1a over the bytes, ASCII letters folded when `fold`.
std::uint64_t hash_bytes(std::string_view w, bool fold) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : w) h = (h ^ (fold ? fold_byte(c) : c)) * 1099511628211ull;
  return h;
}

// The words of the lexicons' forms, each with a number (from 1): a token is
// looked up without copying it, in an open-addressing table. One table holds
// the words as written (case-sensitive lexicons), another the folded ones.
struct Vocabulary {
  bool folded = false;
  std::string arena;                                   // the words, one after another
  std::vector<std::pair<std::uint32_t, std::uint32_t>> words{{0, 0}};  // id -> (offset, length)
  std::vector<std::uint32_t> slots = std::vector<std::uint32_t>(1024, 0);  // 0: empty, else an id

  std::uint32_t id(const std::string& w) {
    if (const std::uint32_t found = find(w)) return found;
    if ((words.size() + 1) * 2 > slots.size()) grow();
    words.emplace_back(static_cast<std::uint32_t>(arena.size()), static_cast<std::uint32_t>(w.size()));
    arena += w;
    place(static_cast<std::uint32_t>(words.size() - 1));
    return static_cast<std::uint32_t>(words.size() - 1);
  }
  // 0 when no form has this word.
  std::uint32_t find(std::string_view w) const {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = hash_bytes(w, folded) & mask;; i = (i + 1) & mask) {
      const std::uint32_t id = slots[i];
      if (id == 0) return 0;
      if (same(id, w)) return id;
    }
  }

 private:
  bool same(std::uint32_t id, std::string_view w) const {
    const auto [at, len] = words[id];
    if (len != w.size()) return false;
    for (std::size_t k = 0; k < len; ++k) {
      const auto c = static_cast<unsigned char>(w[k]);
      if (static_cast<unsigned char>(arena[at + k]) != (folded ? fold_byte(c) : c)) return false;
    }
    return true;
  }
  void place(std::uint32_t id) {
    const std::size_t mask = slots.size() - 1;
    const std::string_view w(arena.data() + words[id].first, words[id].second);
    std::size_t i = hash_bytes(w, false) & mask;  // stored words are folded already when `folded`
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = id;
  }
  void grow() {
    slots.assign(slots.size() * 2, 0);
    for (std::uint32_t id = 1; id < words.size(); ++id) place(id);
  }
};

// A trie of word numbers: node 0 is the root; a child is found by (node, word)
// in one open-addressing table.
struct Trie {
  std::vector<std::uint64_t> keys = std::vector<std::uint64_t>(1024, 0);  // 0: empty
  std::vector<std::uint32_t> values = std::vector<std::uint32_t>(1024, 0);
  std::size_t used = 0;
  std::vector<std::vector<std::uint16_t>> ends{{}};  // per node: the lexicons ending there

  void add(const std::vector<std::uint32_t>& words, std::uint16_t lexicon) {
    std::uint32_t at = 0;
    for (const auto w : words) {
      std::uint32_t next = child(at, w);
      if (next == 0) {
        next = static_cast<std::uint32_t>(ends.size());
        ends.emplace_back();
        insert(key(at, w), next);
      }
      at = next;
    }
    if (std::find(ends[at].begin(), ends[at].end(), lexicon) == ends[at].end()) ends[at].push_back(lexicon);
  }
  // The child of `node` by word number `word` (0: none), or 0.
  std::uint32_t child(std::uint32_t node, std::uint32_t word) const {
    if (word == 0) return 0;
    const std::uint64_t k = key(node, word);
    const std::size_t mask = keys.size() - 1;
    for (std::size_t i = mix(k) & mask;; i = (i + 1) & mask) {
      if (keys[i] == k) return values[i];
      if (keys[i] == 0) return 0;
    }
  }
  // Words are numbered from 1, so no key is 0.
  static std::uint64_t key(std::uint32_t node, std::uint32_t word) {
    return (static_cast<std::uint64_t>(node) << 32) | word;
  }

 private:
  static std::uint64_t mix(std::uint64_t k) { return (k * 0x9E3779B97F4A7C15ull) >> 20; }
  void insert(std::uint64_t k, std::uint32_t v) {
    if ((used + 1) * 2 > keys.size()) {
      std::vector<std::uint64_t> old_keys(keys.size() * 2, 0);
      std::vector<std::uint32_t> old_values(keys.size() * 2, 0);
      old_keys.swap(keys);
      old_values.swap(values);
      used = 0;
      for (std::size_t i = 0; i < old_keys.size(); ++i)
        if (old_keys[i] != 0) insert(old_keys[i], old_values[i]);
    }
    const std::size_t mask = keys.size() - 1;
    std::size_t i = mix(k) & mask;
    while (keys[i] != 0) i = (i + 1) & mask;
    keys[i] = k;
    values[i] = v;
    ++used;
  }
};

void fold_ascii(std::string& w) {
  for (char& c : w)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}

std::vector<std::string> split(const std::string& form, bool fold) {
  std::vector<std::string> words;
  std::vector<Token> tokens;
  tokenize(form, tokens);
  for (const Token& t : tokens) {
    std::string w = form.substr(t.start, t.end - t.start);
    if (fold) fold_ascii(w);
    words.push_back(std::move(w));
  }
  return words;
}

struct Lexicons {
  Vocabulary as_written, folded;
  Trie sensitive, insensitive;
  Lexicons() { folded.folded = true; }
};

// Every lexicon match starting at every token, in both tries: the number of (token, lexicon) hits.
std::size_t tag(std::string_view text, const std::vector<Token>& tokens, const Lexicons& lex,
                std::vector<std::uint32_t>& as_written, std::vector<std::uint32_t>& folded) {
  as_written.resize(tokens.size());
  folded.resize(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string_view word = text.substr(tokens[i].start, tokens[i].end - tokens[i].start);
    as_written[i] = lex.as_written.find(word);
    folded[i] = lex.folded.find(word);
  }
  std::size_t hits = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::uint32_t a = 0, b = 0;
    for (std::size_t j = i; j < tokens.size(); ++j) {
      if (j == i || a) a = lex.sensitive.child(a, as_written[j]);
      if (j == i || b) b = lex.insensitive.child(b, folded[j]);
      if (!a && !b) break;
      hits += (a ? lex.sensitive.ends[a].size() : 0) + (b ? lex.insensitive.ends[b].size() : 0);
    }
  }
  return hits;
}

// Runs of capitalised or upper-case words (with "of", "&" and "and" inside a run).
std::size_t names(std::string_view text, const std::vector<Token>& tokens) {
  std::size_t runs = 0;
  bool in = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    const bool cap = t.shape == kCapitalised || t.shape == kUpper;
    if (cap) {
      if (!in) ++runs;
      in = true;
      continue;
    }
    const std::string_view w = text.substr(t.start, t.end - t.start);
    const bool joiner = in && (w == "of" || w == "&" || w == "and") && i + 1 < tokens.size() &&
                        (tokens[i + 1].shape == kCapitalised || tokens[i + 1].shape == kUpper);
    if (!joiner) in = false;
  }
  return runs;
}

double mbps(std::size_t bytes, double s) { return static_cast<double>(bytes) / 1e6 / s; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: token_cost LEXICONS.tsv FILE...\n");
    return 2;
  }
  Lexicons lex;
  std::unordered_map<std::string, std::uint16_t> lexicon_ids;
  std::size_t forms = 0;
  {
    std::ifstream in(argv[1]);
    for (std::string line; std::getline(in, line);) {
      const auto a = line.find('\t');
      const auto b = a == std::string::npos ? a : line.find('\t', a + 1);
      if (b == std::string::npos) continue;
      const std::string name = line.substr(0, a), form = line.substr(b + 1);
      const bool fold = line.compare(a + 1, b - a - 1, "sensitive") != 0;
      const auto id = lexicon_ids.emplace(name, static_cast<std::uint16_t>(lexicon_ids.size())).first->second;
      std::vector<std::uint32_t> words;
      for (const auto& w : split(form, fold)) words.push_back((fold ? lex.folded : lex.as_written).id(w));
      if (words.empty()) continue;
      (fold ? lex.insensitive : lex.sensitive).add(words, id);
      ++forms;
    }
  }
  const auto docs = bench::read_documents(2, argc, argv);
  std::size_t bytes = 0;
  for (const auto& d : docs) bytes += d.size();
  std::printf("%zu lexicons, %zu forms; %zu documents, %.2f MB\n", lexicon_ids.size(), forms, docs.size(),
              static_cast<double>(bytes) / 1e6);

  std::vector<Token> tokens;
  std::vector<std::uint32_t> as_written, folded;
  const char* stages[] = {"tokens", "tokens + lexicons", "tokens + lexicons + names"};
  for (int stage = 0; stage < 3; ++stage) {
    double best = 1e99;
    std::size_t ntokens = 0, hits = 0, runs = 0;
    for (int pass = 0; pass < 3; ++pass) {
      ntokens = hits = runs = 0;
      const auto t0 = Clock::now();
      for (const auto& d : docs) {
        tokenize(d, tokens);
        ntokens += tokens.size();
        if (stage >= 1) hits += tag(d, tokens, lex, as_written, folded);
        if (stage >= 2) runs += names(d, tokens);
      }
      best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::printf("%-28s %8.1f ms  %7.1f MB/s  %6.1f ns/byte  (%zu tokens, %zu lexicon hits, %zu name runs)\n",
                stages[stage], best * 1e3, mbps(bytes, best), best * 1e9 / static_cast<double>(bytes), ntokens,
                hits, runs);
  }
  return 0;
}
