// Deal records: the mentions of one acquisition merged into one record.
#pragma once

#include <string_view>

#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// Builds `record.deals` from the acquisition facts of `record.facts`.
void assemble_deals(const RuleSet& rules, std::string_view text, Record& record);

}  // namespace extract
