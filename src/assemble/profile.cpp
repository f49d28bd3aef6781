#include "assemble/profile.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace extract {

std::string detect_language(std::string_view text, const RuleSet& rules) { return LanguageDetector(rules).detect(text); }

LanguageDetector::LanguageDetector(const RuleSet& rules) : any_(!rules.languages.empty()) {
  // Each language's list (languages may share a code, and a list): a word
  // counts once per list that holds it, for the list's code.
  std::vector<std::pair<const Lexicon*, std::string>> lists;
  for (const auto& lang : rules.languages)
    if (const Lexicon* stop = rules.lexicon(lang.stopwords)) {
      lists.emplace_back(stop, lang.code);
      codes_.push_back(lang.code);
    }
  std::sort(codes_.begin(), codes_.end());
  codes_.erase(std::unique(codes_.begin(), codes_.end()), codes_.end());
  // A word of lowered ASCII letters equals a list's key only when the key
  // is such a word too (Lexicon::contains_lowered).
  std::map<std::string, std::vector<std::uint32_t>> words;
  for (const auto& [stop, code] : lists) {
    const std::size_t c = static_cast<std::size_t>(std::lower_bound(codes_.begin(), codes_.end(), code) - codes_.begin());
    for (const std::string& form : stop->forms()) {
      const std::string key = Lexicon::fold(form, stop->case_insensitive);
      if (key.empty() || !std::all_of(key.begin(), key.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; }))
        continue;
      auto& n = words[key];
      n.resize(codes_.size(), 0);
      ++n[c];
    }
  }
  std::size_t size = 16;
  while (size < 2 * words.size()) size *= 2;
  slots_.assign(size, Slot{});
  for (auto& [word, n] : words) {
    const std::uint64_t h = Lexicon::key_hash(word);
    std::size_t i = h & (size - 1);
    while (slots_[i].word != 0) i = (i + 1) & (size - 1);
    words_.push_back(word);
    slots_[i] = Slot{h, static_cast<std::uint32_t>(words_.size())};
    counts_.insert(counts_.end(), n.begin(), n.end());
    max_length_ = std::max(max_length_, word.size());
  }
}

std::string LanguageDetector::detect(std::string_view text) const {
  if (!any_) return "unknown";
  text = text.substr(0, 64 * 1024);
  thread_local std::vector<std::uint32_t> hits;
  hits.assign(codes_.size(), 0);
  if (!words_.empty()) {
    const std::size_t mask = slots_.size() - 1, ncodes = codes_.size();
    // Each word (a run of ASCII letters), lowered, is its own key: hashed as
    // it is read, and looked up in place. Letters as std::isalpha and
    // std::tolower take them in the "C" locale (the program never sets
    // another), without their locale lookups.
    std::size_t start = std::string_view::npos;
    std::uint64_t h = 0;
    auto flush = [&](std::size_t end) {
      const std::size_t n = end - start;
      start = std::string_view::npos;
      if (n > max_length_) return;
      for (std::size_t i = h & mask; slots_[i].word != 0; i = (i + 1) & mask) {
        if (slots_[i].hash != h) continue;
        const std::string& w = words_[slots_[i].word - 1];
        if (w.size() != n) continue;
        const char* p = text.data() + end - n;
        std::size_t j = 0;
        while (j < n && static_cast<char>(p[j] | 0x20) == w[j]) ++j;
        if (j < n) continue;
        const std::uint32_t* c = counts_.data() + (slots_[i].word - 1) * ncodes;
        for (std::size_t k = 0; k < ncodes; ++k) hits[k] += c[k];
        return;
      }
    };
    // Each byte's lowered letter, or 0 for a byte that is no ASCII letter.
    static constexpr struct Letters {
      char of[256];
      constexpr Letters() : of() {
        for (int b = 'A'; b <= 'Z'; ++b) of[b] = static_cast<char>(b - 'A' + 'a');
        for (int b = 'a'; b <= 'z'; ++b) of[b] = static_cast<char>(b);
      }
    } kLetters;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char lower = kLetters.of[static_cast<unsigned char>(text[i])];
      if (lower != 0) {
        if (start == std::string_view::npos) start = i, h = Lexicon::kKeyHashSeed;
        h = Lexicon::key_hash_step(h, lower);
      } else if (start != std::string_view::npos) {
        flush(i);
      }
    }
    if (start != std::string_view::npos) flush(text.size());
  }
  // In code order: a code without hits counts 0, which never wins.
  std::size_t best = SIZE_MAX;
  std::uint32_t best_n = 0, second_n = 0;
  for (std::size_t k = 0; k < codes_.size(); ++k) {
    if (hits[k] > best_n) {
      second_n = best_n;
      best_n = hits[k];
      best = k;
    } else if (hits[k] > second_n) {
      second_n = hits[k];
    }
  }
  if (best_n >= 3 && best_n >= 2 * second_n) return codes_[best];
  return "unknown";
}

}  // namespace extract
