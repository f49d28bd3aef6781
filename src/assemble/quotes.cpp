#include "assemble/quotes.hpp"

namespace extract {

void assemble_quotes(const RuleSet&, std::string_view, Record&) {}

}  // namespace extract
