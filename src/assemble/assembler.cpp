#include "assemble/assembler.hpp"

#include "assemble/deals.hpp"
#include "assemble/entities.hpp"
#include "assemble/quotes.hpp"

namespace extract {

void assemble(const RuleSet& rules, std::string_view text, Record& record) {
  assemble_entities(rules, text, record);
  assemble_quotes(rules, text, record);
  assemble_deals(rules, text, record);
}

}  // namespace extract
