// Quotes and their speakers.
#pragma once

#include <string_view>

#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// Attributes quote facts to speakers (filled in by the quotes work).
void assemble_quotes(const RuleSet& rules, std::string_view text, Record& record);

}  // namespace extract
