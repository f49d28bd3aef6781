// Quotes and their speakers.
#pragma once

#include <string_view>

#include "assemble/names.hpp"
#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// Attributes quote facts to speakers (filled in by the quotes work).
void assemble_quotes(const RuleSet& rules, std::string_view text, Record& record);
// The same with the name lexicons looked up already (names::Lexicons::from(rules)).
void assemble_quotes(const names::Lexicons& lex, std::string_view text, Record& record);

}  // namespace extract
