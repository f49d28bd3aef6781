// Assembly: from resolved facts to document-level structures (entities with
// their mentions, deals).
#pragma once

#include "assemble/deals.hpp"
#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// Groups entity facts into entities (one per canonical name and type) and
// builds deal records from acquisition facts. Reads and may annotate
// `record.facts`; fills `record.entities` and `record.deals`.
void assemble(const RuleSet& rules, std::string_view text, Record& record);
// The same with the deal word lists looked up once (DealLexicons(rules)), as
// the pipeline does for all its documents.
void assemble(const RuleSet& rules, const DealLexicons& deal_lexicons, std::string_view text, Record& record);

}  // namespace extract
