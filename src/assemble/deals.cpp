#include "assemble/deals.hpp"

namespace extract {

void assemble_deals(const RuleSet&, std::string_view, Record& record) {
  for (const auto& f : record.facts) {
    if (f.type != "acquisition") continue;
    Json deal = Json::object();
    for (const char* slot : {"acquirer", "target", "seller", "price", "status"})
      deal[slot] = f.value.contains(slot) ? f.value[slot] : Json(nullptr);
    record.deals.push_back(std::move(deal));
  }
}

}  // namespace extract
