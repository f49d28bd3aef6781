// Assembly: from resolved facts to document-level structures (entities with
// their mentions, deals).
#pragma once

#include "assemble/deals.hpp"
#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// Groups entity facts into entities (one per canonical name and type) and
// builds deal records from acquisition facts. Reads and may annotate
// `record.facts`; fills `record.entities` and `record.deals`. The deal word
// lists are looked up once per rule set (DealLexicons(rules)), not per document.
void assemble(const RuleSet& rules, const DealLexicons& deal_lexicons, std::string_view text, Record& record);

}  // namespace extract
