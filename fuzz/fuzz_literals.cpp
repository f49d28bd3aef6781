// The literal condition of a pattern (rules/literals.hpp) against RE2 itself:
// the input is a pattern, a newline and a text; when RE2 accepts the pattern
// and finds a match in the text, the condition must hold on the atoms found
// in the text, as the scanner finds them. A failure would be a rule skipped
// where it matches.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "engine/atom_matcher.hpp"
#include "fuzz_check.hpp"
#include "rules/literals.hpp"

using namespace extract;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  const std::string pattern(input.substr(0, nl));
  const std::string text(nl == std::string_view::npos ? input : input.substr(nl + 1));
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(1 << 20);
  const RE2 re(pattern, o);
  if (!re.ok()) return 0;
  for (std::size_t min_len : {1, 3}) {
    AtomIndex atoms;
    const LiteralCondition c = LiteralCondition::of_pattern(pattern, min_len, atoms);
    (void)c.to_string(atoms.atoms());
    for (const std::string& a : atoms.atoms()) FUZZ_CHECK(a.size() >= min_len, "atom shorter than the minimum: " + a);
    if (!RE2::PartialMatch(text, re)) continue;
    AtomFlags found(atoms.atoms().size(), 0);
    if (!atoms.atoms().empty())
      AtomMatcher(atoms.atoms()).mark(text, found);
    FUZZ_CHECK(c.holds(found), "pattern /" + pattern + "/ matches but its condition " + c.to_string(atoms.atoms()) +
                                   " fails");
  }
  return 0;
}
