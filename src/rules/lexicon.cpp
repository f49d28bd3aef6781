#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include "core/ascii.hpp"
#include "rules/rule_set.hpp"

namespace extract {

namespace {

// std::isspace and std::tolower of the "C" locale (the program never sets
// another), without the locale lookups, as tables (core/ascii.hpp): fold
// runs for every lexicon lookup.
bool c_space(char c) { return is_c_space(c); }
char c_lower(char c) { return c_lower_byte(c); }

// Whether folding leaves `text` as it is: words apart by single spaces, no
// white space at either end, nothing to lower.
bool folded_already(std::string_view text, bool case_insensitive) {
  bool space = true;  // (white space first is not folded)
  for (char c : text) {
    if (c == ' ') {
      if (space) return false;
      space = true;
    } else if (c_space(c) || (case_insensitive && c >= 'A' && c <= 'Z')) {
      return false;
    } else {
      space = false;
    }
  }
  return !space || text.empty();
}

void fold_into(std::string_view text, bool case_insensitive, std::string& out) {
  if (folded_already(text, case_insensitive)) {  // (most names and words: one copy)
    out.assign(text);
    return;
  }
  out.clear();
  bool space = false;
  for (char c : text) {
    if (c_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += case_insensitive ? c_lower(c) : c;
  }
}

// FNV-1a over the bytes of a folded key.
std::uint64_t hash_key(std::string_view key) {
  std::uint64_t h = Lexicon::kKeyHashSeed;
  for (char c : key) h = Lexicon::key_hash_step(h, c);
  return h;
}

}  // namespace

std::uint64_t Lexicon::key_hash(std::string_view key) { return hash_key(key); }

void Lexicon::fold_into(std::string_view text, bool case_insensitive, std::string& out) {
  extract::fold_into(text, case_insensitive, out);
}

std::string Lexicon::fold(std::string_view text, bool case_insensitive) {
  std::string out;
  out.reserve(text.size());
  fold_into(text, case_insensitive, out);
  return out;
}

void Lexicon::add(std::string form, Json value, Json attrs) {
  std::string key = fold(form, case_insensitive);
  const std::uint64_t h = hash_key(key);
  if (entry_of(h, key, false) != SIZE_MAX) return;
  if (2 * (keys_.size() + 1) > slots_.size()) grow();
  insert(slots_, Slot{h, static_cast<std::uint32_t>(keys_.size() + 1)});
  if (!key.empty()) {
    const auto b = static_cast<unsigned char>(key[0]);
    first_bytes_[b >> 6] |= std::uint64_t{1} << (b & 63);
    const std::size_t pair = pair_bit(b, key.size() > 1 ? static_cast<unsigned char>(key[1]) : 0);
    pairs_[pair >> 6] |= std::uint64_t{1} << (pair & 63);
  }
  lengths_ |= std::uint64_t{1} << std::min<std::size_t>(key.size(), 63);
  max_length_ = std::max(max_length_, key.size());
  keys_.push_back(std::move(key));
  forms_.push_back(std::move(form));
  values_.push_back(std::move(value));
  attributes_.push_back(std::move(attrs));
}

void Lexicon::grow() {
  std::vector<Slot> slots(std::max<std::size_t>(16, 2 * slots_.size()));
  for (const Slot& s : slots_)
    if (s.entry != 0) insert(slots, s);
  slots_ = std::move(slots);
}

void Lexicon::insert(std::vector<Slot>& slots, const Slot& s) {
  const std::size_t mask = slots.size() - 1;
  std::size_t i = s.hash & mask;
  while (slots[i].entry != 0) i = (i + 1) & mask;
  slots[i] = s;
}

template <typename Same>
std::size_t Lexicon::entry_where(std::uint64_t h, std::size_t size, Same same) const {
  if (slots_.empty()) return SIZE_MAX;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask; slots_[i].entry != 0; i = (i + 1) & mask) {
    if (slots_[i].hash != h) continue;
    const std::string& k = keys_[slots_[i].entry - 1];
    if (k.size() == size && same(k)) return slots_[i].entry - 1;
  }
  return SIZE_MAX;
}

std::size_t Lexicon::entry_of(std::uint64_t h, std::string_view key, bool lower) const {
  return entry_where(h, key.size(), [&](const std::string& k) {
    if (!lower) return k == key;
    for (std::size_t j = 0; j < k.size(); ++j)
      if (c_lower(key[j]) != k[j]) return false;
    return true;
  });
}

std::size_t Lexicon::find(std::string_view text) const {
  if (slots_.empty()) return SIZE_MAX;
  // A text that does not start with white space keeps its first byte (lowered
  // when the lexicon folds case) as the first byte of its key.
  if (!text.empty() && !c_space(text[0])) {
    const auto b = static_cast<unsigned char>(case_insensitive ? c_lower(text[0]) : text[0]);
    if (!first_byte_known(b)) return SIZE_MAX;
    // The second byte too, when the text's is its key's (not white space).
    if (text.size() == 1 || !c_space(text[1])) {
      const auto b1 =
          text.size() == 1 ? 0 : static_cast<unsigned char>(case_insensitive ? c_lower(text[1]) : text[1]);
      if (!pair_known(b, b1)) return SIZE_MAX;
    }
  }
  // One pass, without a copy: the hash and length of the text as folding
  // makes it (white space at the ends dropped, each run of it one space,
  // lowered when the lexicon folds case). Longer than the longest key: none.
  std::uint64_t h = Lexicon::kKeyHashSeed;
  std::size_t n = 0;
  bool plain = true, gap = false;
  for (char c : text) {
    if (c_space(c)) {
      plain = false;
      gap = n > 0;
      continue;
    }
    if (gap) {
      h = Lexicon::key_hash_step(h, ' ');
      ++n;
      gap = false;
    }
    if (++n > max_length_) return SIZE_MAX;
    h = Lexicon::key_hash_step(h, case_insensitive ? c_lower(c) : c);
  }
  if (!(lengths_ >> std::min<std::size_t>(n, 63) & 1)) return SIZE_MAX;
  if (plain) return entry_of(h, text, case_insensitive);
  // The key compared with the text as folding makes it.
  return entry_where(h, n, [&](const std::string& k) {
    std::size_t j = 0;
    bool space = false;
    for (char c : text) {
      if (c_space(c)) {
        space = j > 0;
        continue;
      }
      if (space && k[j++] != ' ') return false;
      space = false;
      if (k[j++] != (case_insensitive ? c_lower(c) : c)) return false;
    }
    return true;
  });
}

bool Lexicon::contains_lowered(std::string_view word, std::uint64_t hash) const {
  if (slots_.empty() || word.empty() || word.size() > max_length_) return false;
  const auto b = static_cast<unsigned char>(c_lower(word[0]));
  if (!first_byte_known(b) || !pair_known(b, word.size() == 1 ? 0 : static_cast<unsigned char>(c_lower(word[1]))))
    return false;
  if (!(lengths_ >> std::min<std::size_t>(word.size(), 63) & 1)) return false;
  return entry_of(hash, word, true) != SIZE_MAX;
}

const Json* Lexicon::lookup(std::string_view text) const {
  const std::size_t e = find(text);
  return e == SIZE_MAX ? nullptr : &values_[e];
}

const Json* Lexicon::attributes(std::string_view text) const {
  const std::size_t e = find(text);
  return e == SIZE_MAX ? nullptr : &attributes_[e];
}

namespace {

// The alternatives below node `at` of a Lexicon::tree(), '|'-separated. Each
// word is written once per shared prefix: RE2 factors only the leading
// literal of neighbouring alternatives, so a flat list of hundreds of
// multi-word forms compiled to a program many times larger
// (docs/performance.md). Siblings come longest first (then in descending
// byte order): a word before the words it starts with ("selling" before
// "sell"), the only order that matters, since siblings that do not start
// one another never match at the same place; ordering them by length
// rather than alphabetically also keeps words with a common start ("sell",
// "sold") apart, so RE2 does not factor them into "s(?:ell|old)", from
// which its prefilter would keep only the atom "old". A longer
// continuation comes before stopping, so of the forms that match at one
// place the longest is preferred, as RE2 takes the first alternative that
// matches: those forms are prefixes of one another, word for word.
std::string tree_pattern(const Lexicon::Tree& tree, std::size_t at = 0) {
  std::string out;
  for (std::uint32_t child : tree[at].children) {
    if (!out.empty()) out += '|';
    const Lexicon::TreeNode& n = tree[child];
    out += RE2::QuoteMeta(n.word);
    if (n.children.empty()) continue;
    std::string tail = tree_pattern(tree, child);
    if (n.children.size() > 1) tail = "(?:" + tail + ")";
    out += n.end ? "(?:\\s+" + tail + ")?" : "\\s+" + tail;
  }
  return out;
}

}  // namespace

bool lexicon_word_before(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() > b.size() : a > b;
}

std::vector<std::string> Lexicon::words(const std::string& form) {
  const std::string folded = Lexicon::fold(form, false);
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos < folded.size();) {
    const std::size_t sp = std::min(folded.find(' ', pos), folded.size());
    out.push_back(folded.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return out;
}

std::optional<Lexicon::Tree> Lexicon::tree() const {
  // While building: each node's children by folded word, in sibling order.
  using Children = std::map<std::string, std::uint32_t, bool (*)(const std::string&, const std::string&)>;
  std::vector<Children> next(1, Children(&lexicon_word_before));
  Tree tree(1);
  for (const std::string& form : forms_) {
    const std::vector<std::string> form_words = words(form);
    if (form_words.size() > kMaxTrieWords) return std::nullopt;
    if (form_words.empty()) continue;
    std::uint32_t at = 0;
    for (const std::string& word : form_words) {
      std::string key = word;
      if (case_insensitive) std::transform(key.begin(), key.end(), key.begin(), c_lower);
      auto it = next[at].find(key);
      if (it == next[at].end()) {
        it = next[at].emplace(std::move(key), static_cast<std::uint32_t>(tree.size())).first;
        tree.emplace_back();
        tree.back().word = word;
        next.emplace_back(&lexicon_word_before);
      }
      at = it->second;
    }
    tree[at].end = true;
  }
  for (std::size_t n = 0; n < tree.size(); ++n)
    for (const auto& entry : next[n]) tree[n].children.push_back(entry.second);
  return tree;
}


std::string Lexicon::alternation() const {
  std::vector<std::vector<std::string>> forms;
  forms.reserve(forms_.size());
  for (const auto& form : forms_) forms.push_back(words(form));
  std::string out = case_insensitive ? "(?i:" : "(?:";
  // Only ASCII letters are folded here; a case-insensitive list with other
  // bytes keeps the flat list, longest first, where RE2 does all folding.
  const bool ascii = std::none_of(forms_.begin(), forms_.end(), [](const std::string& f) {
    return std::any_of(f.begin(), f.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  });
  // The tree nests a group per word: a form of very many words would go past
  // RE2's nesting limit (1,000) and the writer's recursion; such a list
  // stays flat too (tree() gives none).
  std::optional<Tree> tree;
  if (ascii || !case_insensitive) tree = this->tree();
  if (forms_.empty()) {
    out += "[^\\x00-\\x{10FFFF}]";  // matches nothing
  } else if (tree) {
    out += tree_pattern(*tree);
    const bool empty_form = std::any_of(forms.begin(), forms.end(), [](const auto& w) { return w.empty(); });
    if (empty_form) out += '|';
  } else {
    // Longest first: RE2 prefers the earlier alternative, and "juta" must win over "jt".
    std::vector<std::size_t> order(forms_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return forms_[a].size() > forms_[b].size(); });
    for (std::size_t k = 0; k < order.size(); ++k) {
      if (k) out += '|';
      const auto& words = forms[order[k]];
      for (std::size_t w = 0; w < words.size(); ++w) {
        if (w) out += "\\s+";
        out += RE2::QuoteMeta(words[w]);
      }
    }
  }
  out += ')';
  return out;
}

const Lexicon* RuleSet::lexicon(const std::string& name) const {
  auto it = lexicons.find(name);
  return it == lexicons.end() ? nullptr : &it->second;
}

const RE2* RuleSet::regex(const std::string& name) const {
  auto it = regexes.find(name);
  return it == regexes.end() ? nullptr : it->second.get();
}

LexiconList::LexiconList(const RuleSet& rules, const std::string& base) {
  if (const Lexicon* l = rules.lexicon(base)) lexicons_.push_back(l);
  for (const auto& lang : rules.languages) {
    const Lexicon* l = rules.lexicon(base + "_" + lang.code);
    // Languages may repeat a code or share a list: each lexicon once.
    if (l && std::find(lexicons_.begin(), lexicons_.end(), l) == lexicons_.end()) lexicons_.push_back(l);
  }
}

const Json* LexiconList::lookup(std::string_view text) const {
  for (const Lexicon* l : lexicons_)
    if (const Json* v = l->lookup(text)) return v;
  return nullptr;
}

}  // namespace extract
