#include "assemble/entities.hpp"

#include <algorithm>
#include <map>

namespace extract {

namespace {

bool is_entity_type(const std::string& t) {
  return t == "organization" || t == "person" || t == "product" || t == "place";
}

std::string canonical_name(const Fact& f, std::string_view text) {
  if (auto it = f.value.find("name"); it != f.value.end() && it->is_string()) return it->get<std::string>();
  return Lexicon::fold(text.substr(f.span.start, f.span.size()), false);
}

}  // namespace

void assemble_entities(const RuleSet&, std::string_view text, Record& record) {
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
}

}  // namespace extract
