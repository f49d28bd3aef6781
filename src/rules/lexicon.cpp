#include <algorithm>
#include <cctype>

#include "rules/rule_set.hpp"

namespace extract {

namespace {

// std::isspace and std::tolower of the "C" locale (the program never sets
// another), without the locale lookups: fold runs for every lexicon lookup.
bool c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
char c_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

void fold_into(std::string_view text, bool case_insensitive, std::string& out) {
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

// The folded key of a lookup, in a buffer reused by the thread's lookups.
const std::string& lookup_key(std::string_view text, bool case_insensitive) {
  thread_local std::string key;
  fold_into(text, case_insensitive, key);
  return key;
}

}  // namespace

std::string Lexicon::fold(std::string_view text, bool case_insensitive) {
  std::string out;
  out.reserve(text.size());
  fold_into(text, case_insensitive, out);
  return out;
}

void Lexicon::add(std::string form, Json value, Json attrs) {
  std::string key = fold(form, case_insensitive);
  if (index_.count(key)) return;
  index_.emplace(key, forms_.size());
  forms_.push_back(std::move(form));
  values_.push_back(std::move(value));
  attributes_.push_back(std::move(attrs));
}

const Json* Lexicon::lookup(std::string_view text) const {
  auto it = index_.find(lookup_key(text, case_insensitive));
  return it == index_.end() ? nullptr : &values_[it->second];
}

const Json* Lexicon::attributes(std::string_view text) const {
  auto it = index_.find(lookup_key(text, case_insensitive));
  return it == index_.end() ? nullptr : &attributes_[it->second];
}

std::string Lexicon::alternation() const {
  std::vector<std::string> sorted = forms_;
  // Longest first: RE2 prefers the earlier alternative, and "juta" must win over "jt".
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string out = case_insensitive ? "(?i:" : "(?:";
  bool first = true;
  for (const auto& form : sorted) {
    if (!first) out += '|';
    first = false;
    std::string folded = fold(form, false);
    std::size_t pos = 0;
    while (pos <= folded.size()) {
      std::size_t sp = folded.find(' ', pos);
      std::string word = folded.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
      out += RE2::QuoteMeta(word);
      if (sp == std::string::npos) break;
      out += "\\s+";
      pos = sp + 1;
    }
  }
  if (sorted.empty()) out += "[^\\x00-\\x{10FFFF}]";  // matches nothing
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
