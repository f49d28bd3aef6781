// Assembly: from resolved facts to document-level structures (entities with
// their mentions, deals).
#pragma once

#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// Groups entity facts into entities (one per canonical name and type) and
// builds deal records from acquisition facts. Reads and may annotate
// `record.facts`; fills `record.entities` and `record.deals`.
void assemble(const RuleSet& rules, std::string_view text, Record& record);

}  // namespace extract
