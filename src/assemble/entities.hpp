// Entities: one per document and canonical name, with aliases and mentions.
#pragma once

#include <string_view>

#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// Groups the entity facts (organization, person, product, place) of
// `record.facts` into `record.entities`.
void assemble_entities(const RuleSet& rules, std::string_view text, Record& record);

}  // namespace extract
