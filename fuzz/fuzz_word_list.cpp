// The word list (rules/word_list.hpp) against RE2 itself: the input is a
// list of forms separated by '|', a newline and a text. The word list of
// those forms (a case-sensitive lexicon) must find, from every start
// position, exactly the match RE2 finds for `\b(?P<name>ALTERNATION)\b`. A
// failure would be a rule whose matches change when the scanner runs the
// word list instead of the pattern.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <re2/re2.h>

#include "core/utf8.hpp"
#include "fuzz_check.hpp"
#include "rules/rule_set.hpp"
#include "rules/word_list.hpp"

using namespace extract;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  // Documents reach the scanner as valid UTF-8 (RE2 skips no invalid byte
  // in UTF-8 mode), and so do the rule files' forms.
  if (find_invalid_utf8(input)) return 0;
  const std::string_view forms = input.substr(0, nl), text = input.substr(nl + 1);
  Lexicon lexicon;
  lexicon.case_insensitive = false;
  std::size_t count = 0;
  for (std::size_t pos = 0; pos <= forms.size() && count < 64; ++count) {
    const std::size_t bar = std::min(forms.find('|', pos), forms.size());
    lexicon.add(std::string(forms.substr(pos, bar - pos)), Json(nullptr));
    pos = bar + 1;
  }
  const auto list = WordList::of(lexicon);
  if (!list) return 0;
  RE2::Options o = rule_regex_options(8 << 20);
  o.set_log_errors(false);
  const RE2 re("\\b(?P<name>" + lexicon.alternation() + ")\\b", o);
  if (!re.ok()) return 0;  // beyond RE2's limits: the loader keeps the pattern
  for (std::size_t from = 0; from <= text.size(); ++from) {
    re2::StringPiece m;
    const bool by_re2 = re.Match(text, from, text.size(), RE2::UNANCHORED, &m, 1);
    std::size_t start = 0, end = 0;
    const bool by_list = list->find(text, from, start, end);
    FUZZ_CHECK(by_re2 == by_list, "from " + std::to_string(from) + ": RE2 and the word list disagree on a match");
    if (!by_re2) break;  // none further on either
    const auto re2_start = static_cast<std::size_t>(m.data() - text.data());
    FUZZ_CHECK(start == re2_start && end == re2_start + m.size(),
               "from " + std::to_string(from) + ": RE2 '" + std::string(m) + "', word list '" +
                   std::string(text.substr(start, end - start)) + "'");
  }
  return 0;
}
