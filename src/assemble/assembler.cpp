#include "assemble/assembler.hpp"

#include <algorithm>
#include <set>

#include "assemble/deals.hpp"
#include "assemble/entities.hpp"
#include "assemble/names.hpp"
#include "assemble/quotes.hpp"
#include "core/sort.hpp"

namespace extract {

using namespace std::string_view_literals;

namespace {

bool names_entity(const Entity& e, const std::string& name) {
  return e.name == name || std::find(e.aliases.begin(), e.aliases.end(), name) != e.aliases.end();
}

// `shorter` is the first words of `longer` ("Lumio" of "Lumio Vision").
bool word_prefix(const std::string& shorter, const std::string& longer) {
  return longer.size() > shorter.size() + 1 && longer.compare(0, shorter.size(), shorter) == 0 &&
         longer[shorter.size()] == ' ';
}

// Every word-bounded occurrence of `name` outside headlines.
std::vector<Span> occurrences(std::string_view text, const std::string& name) {
  std::vector<Span> out;
  for (std::size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1))
    if (names::word_bounded(text, at, at + name.size()) && !names::in_headline(text, at))
      out.push_back(Span{at, at + name.size()});
  return out;
}

// The parties of a deal are organizations, named as the deal names them: an
// entity known by a shorter form ("Lumio") takes the deal's fuller name
// ("Lumio Vision") and keeps the short one as an alias; a party no entity rule
// found becomes an organization when the text names it outside headlines.
// Roles that named the renamed entity follow it, and the target's aliases
// include those of its entity.
void reconcile_parties(std::string_view text, Record& record) {
  bool added = false;
  for (auto& deal : record.deals) {
    for (const char* key : {"acquirer", "target", "seller"}) {
      if (!deal.contains(key) || !deal[key].is_string()) continue;
      const std::string name = deal[key].get<std::string>();
      auto is_org = [](const Entity& e) { return e.type == "organization"sv; };
      auto it = std::find_if(record.entities.begin(), record.entities.end(),
                             [&](const Entity& e) { return is_org(e) && names_entity(e, name); });
      if (it == record.entities.end()) {
        it = std::find_if(record.entities.begin(), record.entities.end(),
                          [&](const Entity& e) { return is_org(e) && word_prefix(e.name, name); });
        if (it != record.entities.end()) {
          const std::string old = it->name;
          it->aliases.push_back(old);
          it->aliases.erase(std::remove(it->aliases.begin(), it->aliases.end(), name), it->aliases.end());
          std::sort(it->aliases.begin(), it->aliases.end());
          it->name = name;
          for (auto& f : record.facts)
            if (f.type == "role"sv && f.value.contains("organization") && f.value["organization"] == old)
              f.value["organization"] = name;
          for (const Span& s : occurrences(text, name))
            if (std::none_of(it->mentions.begin(), it->mentions.end(),
                             [&](const Span& m) { return m.start == s.start; }))
              it->mentions.push_back(s);
          std::sort(it->mentions.begin(), it->mentions.end(),
                    [](const Span& a, const Span& b) { return a.start < b.start; });
        } else {
          auto spans = occurrences(text, name);
          if (spans.empty()) continue;
          Entity e;
          e.type = "organization";
          e.name = name;
          e.mentions = std::move(spans);
          record.entities.push_back(std::move(e));
          it = std::prev(record.entities.end());
          added = true;
        }
      }
      if (std::string(key) == "target"sv && deal.contains("target_aliases")) {
        std::set<std::string> aliases;
        for (const auto& a : deal["target_aliases"]) aliases.insert(a.get<std::string>());
        aliases.insert(it->aliases.begin(), it->aliases.end());
        aliases.insert(it->name);
        aliases.erase(name);
        if (deal.contains("acquirer") && deal["acquirer"].is_string()) aliases.erase(deal["acquirer"].get<std::string>());
        deal["target_aliases"] = Json(std::vector<std::string>(aliases.begin(), aliases.end()));
      }
    }
  }
  if (added)
    stable_sort_unless_sorted(record.entities.begin(), record.entities.end(), entity_before);
}

}  // namespace

void assemble(const RuleSet& rules, const DealLexicons& deal_lexicons, std::string_view text, Record& record) {
  assemble_entities(rules, deal_lexicons.names, text, record);
  assemble_quotes(deal_lexicons.names, text, record);
  assemble_deals(rules, deal_lexicons, text, record);
  reconcile_parties(text, record);
}

}  // namespace extract
