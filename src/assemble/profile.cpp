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
  // Each word (a run of ASCII letters), lowered, is its own key: hashed as
  // it is read, and looked up in place.
  std::size_t start = std::string_view::npos;
  std::uint64_t h = 0;
  auto flush = [&](std::size_t end) {
    if (start == std::string_view::npos) return;
    const std::string_view word = text.substr(start, end - start);
    for (const auto& [stop, n] : lists)
      if (stop->contains_lowered(word, h)) ++*n;
    start = std::string_view::npos;
  };
  // Letters as std::isalpha and std::tolower take them in the "C" locale
  // (the program never sets another), without their locale lookups.
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char lower = static_cast<char>(text[i] | 0x20);
    if (lower >= 'a' && lower <= 'z') {
      if (start == std::string_view::npos) start = i, h = Lexicon::kKeyHashSeed;
      h = Lexicon::key_hash_step(h, lower);
    } else {
      flush(i);
    }
  }
  flush(text.size());
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
