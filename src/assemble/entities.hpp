// Entities: one per document and canonical name, with aliases and mentions.
#pragma once

#include <string_view>

#include "assemble/names.hpp"
#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// Groups the entity facts (organization, person, product, place) of
// `record.facts` into `record.entities`.
void assemble_entities(const RuleSet& rules, std::string_view text, Record& record);
// The same with the name lexicons looked up already (names::Lexicons::from(rules)).
void assemble_entities(const RuleSet& rules, const names::Lexicons& lex, std::string_view text, Record& record);

}  // namespace extract
