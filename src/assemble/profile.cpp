#include "assemble/profile.hpp"

#include <cctype>
#include <map>

namespace extract {

std::string detect_language(std::string_view text, const RuleSet& rules) {
  if (rules.languages.empty()) return "unknown";
  text = text.substr(0, 64 * 1024);
  std::map<std::string, int> hits;
  std::string word;
  auto flush = [&]() {
    if (word.empty()) return;
    for (const auto& lang : rules.languages) {
      const Lexicon* stop = rules.lexicon(lang.stopwords);
      if (stop && stop->contains(word)) ++hits[lang.code];
    }
    word.clear();
  };
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
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
