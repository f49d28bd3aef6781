// Document profile: language and publication date.
#pragma once

#include <string>
#include <string_view>

#include "rules/rule_set.hpp"

namespace extract {

// Detects the language by counting stop words of each language declared in the
// rules (`language:` blocks) among the first 64 KiB of text. Returns the code of
// the language with the most hits when it has at least 3 and at least twice
// as many as the runner-up, else "unknown".
std::string detect_language(std::string_view text, const RuleSet& rules);

}  // namespace extract
