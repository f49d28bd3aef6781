#include "assemble/assembler.hpp"

#include <algorithm>
#include <map>

namespace extract {

namespace {

const char* kEntityTypes[] = {"organization", "person", "product", "place"};

bool is_entity_type(const std::string& t) {
  return std::any_of(std::begin(kEntityTypes), std::end(kEntityTypes), [&](const char* e) { return t == e; });
}

std::string canonical_name(const Fact& f, std::string_view text) {
  if (auto it = f.value.find("name"); it != f.value.end() && it->is_string()) return it->get<std::string>();
  return Lexicon::fold(text.substr(f.span.start, f.span.size()), false);
}

}  // namespace

void assemble(const RuleSet&, std::string_view text, Record& record) {
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (const auto& f : record.facts) {
    if (!is_entity_type(f.type)) continue;
    const std::string name = canonical_name(f, text);
    auto key = std::make_pair(f.type, name);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, record.entities.size()).first;
      Entity e;
      e.type = f.type;
      e.name = name;
      record.entities.push_back(std::move(e));
    }
    Entity& e = record.entities[it->second];
    e.mentions.push_back(f.span);
    const std::string surface = Lexicon::fold(text.substr(f.span.start, f.span.size()), false);
    if (surface != e.name && std::find(e.aliases.begin(), e.aliases.end(), surface) == e.aliases.end())
      e.aliases.push_back(surface);
  }
  for (auto& e : record.entities) std::sort(e.aliases.begin(), e.aliases.end());

  for (const auto& f : record.facts) {
    if (f.type != "acquisition") continue;
    Json deal = Json::object();
    for (const char* slot : {"acquirer", "target", "seller"})
      deal[slot] = f.value.contains(slot) ? f.value[slot] : Json(nullptr);
    deal["price"] = f.value.contains("price") ? f.value["price"] : Json(nullptr);
    deal["status"] = f.value.contains("status") ? f.value["status"] : Json(nullptr);
    record.deals.push_back(std::move(deal));
  }
}

}  // namespace extract
