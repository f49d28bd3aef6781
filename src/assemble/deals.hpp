// Deal records: the mentions of one acquisition merged into one record.
//
// Input: the `acquisition` and `purchase` facts of `record.facts` (rules in
// rules/{en,id}/acquisitions.yaml), the money, percent and date facts around
// them, the hidden `cue` facts (undisclosed price, "X said") and the entities.
//
// Output:
// - every acquisition and purchase fact's value gets its parties cleaned and
//   resolved ("it" -> the company named before), and `price`, `stake` and
//   `date` when a money / percent / date fact belongs to it;
// - `record.deals`: one object per deal, built from the acquisition facts only
//   (purchases of sites, servers... stay facts):
//   {acquirer, co_acquirers, target, target_aliases, seller, price,
//    price_disclosed, stake,
//    status, date, evidence}.
//
// The result depends on the set of mentions, not on their order in the text:
// an article with its paragraphs reordered gives the same deals (ties are
// broken by value, never by position). docs/deals.md has the rules.
#pragma once

#include <string>
#include <string_view>

#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// Builds `record.deals` and completes the acquisition/purchase fact values.
void assemble_deals(const RuleSet& rules, std::string_view text, Record& record);

// Rank of a deal status: rumored 0 < negotiating 1 < announced 2 <
// completed 3; terminated 4 (a stated termination ends the deal whatever was
// reported before); unknown -1.
int deal_status_rank(std::string_view status);

// A party name as captured, tidied: white space collapsed, a leading "The"
// and "X-based" dropped, a place after a legal suffix cut ("Acme Inc of
// Ohio" -> "Acme Inc", but "Dynamics Corp of America" stays), a unit named
// after its parent kept ("Acme Corp's Widget Co" -> "Widget Co"), a final
// possessive, a bracketed abbreviation and the full stop of a final legal
// suffix dropped ("Acme Inc." -> "Acme Inc"), the first of two suffixed
// names joined by "and" kept.
std::string clean_party_name(std::string_view raw);

}  // namespace extract
