// SimpleRegex (rules/simple_regex.hpp) against RE2 itself: the input is a
// pattern, a newline and a text. When SimpleRegex compiles the pattern and
// RE2 (with the rules' options) does too, both must answer the same
// FullMatch for the text, for each of its lines and for each of its
// space-separated words, unless SimpleRegex leaves the answer to RE2 (a
// text that is not well-formed UTF-8): a failure would be a token rule
// whose words are tested differently from RE2.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <re2/re2.h>

#include "fuzz_check.hpp"
#include "rules/rule_set.hpp"
#include "rules/simple_regex.hpp"

using namespace extract;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  const std::string_view pattern = input.substr(0, nl), text = input.substr(nl + 1);
  const auto simple = SimpleRegex::compile(pattern);
  if (!simple) return 0;
  RE2::Options o = rule_regex_options(1 << 20);
  o.set_log_errors(false);
  const RE2 re(std::string(pattern), o);
  if (!re.ok()) return 0;  // beyond RE2: such a rule never loads
  auto check = [&](std::string_view s) {
    const int m = simple->match(s);
    if (m < 0) return;  // not well-formed UTF-8: the caller asks RE2
    FUZZ_CHECK((m == 1) == RE2::FullMatch(s, re),
               "pattern '" + std::string(pattern) + "' on '" + std::string(s) + "': RE2 and SimpleRegex disagree");
  };
  check(text);
  for (char sep : {'\n', ' '}) {
    for (std::size_t pos = 0; pos <= text.size();) {
      const std::size_t end = std::min(text.find(sep, pos), text.size());
      check(text.substr(pos, end - pos));
      pos = end + 1;
    }
  }
  return 0;
}
