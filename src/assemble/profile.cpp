#include "assemble/profile.hpp"

#include <map>
#include <utility>
#include <vector>

namespace extract {

std::string detect_language(std::string_view text, const RuleSet& rules) {
  if (rules.languages.empty()) return "unknown";
  text = text.substr(0, 64 * 1024);
  // Each language's stopword list, found once; hits are counted per code
  // (languages may share one) and read in code order (a code without hits
  // counts 0, which never wins).
  std::map<std::string, int> hits;
  std::vector<std::pair<const Lexicon*, int*>> lists;
  for (const auto& lang : rules.languages)
    if (const Lexicon* stop = rules.lexicon(lang.stopwords)) lists.emplace_back(stop, &hits[lang.code]);
  std::string word;
  auto flush = [&]() {
    if (word.empty()) return;
    // (The word is its own key: lower-case letters only.)
    const std::uint64_t h = Lexicon::key_hash(word);
    for (const auto& [stop, n] : lists)
      if (stop->contains_key(word, h)) ++*n;
    word.clear();
  };
  // Letters as std::isalpha and std::tolower take them in the "C" locale
  // (the program never sets another), without their locale lookups.
  for (char c : text) {
    const char lower = static_cast<char>(c | 0x20);
    if (lower >= 'a' && lower <= 'z') {
      word += lower;
    } else {
      flush();
    }
  }
  flush();
  std::string best;
  int best_n = 0, second_n = 0;
  for (const auto& [code, n] : hits) {
    if (n > best_n) {
      second_n = best_n;
      best_n = n;
      best = code;
    } else if (n > second_n) {
      second_n = n;
    }
  }
  if (best_n >= 3 && best_n >= 2 * second_n) return best;
  return "unknown";
}

}  // namespace extract
