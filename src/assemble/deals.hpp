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
// broken by value, never by position). docs/deals.md has the rules. The words
// it knows come from the rules: word lists (DealLexicons) and the regexes it
// runs around a mention (`regexes:` deal_price_lead ...; docs/deals.md,
// "Patterns").
#pragma once

#include <string>
#include <string_view>

#include "assemble/names.hpp"
#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// The word lists of the deal assembly, read from the rules' lexicons (see
// LexiconList: `deal_title` is `deal_title` and `deal_title_<code>` of each
// language). docs/deals.md says what each one is for. A list the rules lack
// is empty; a default-constructed DealLexicons has every list empty.
// The assembly's regular expressions, read by name from the rules'
// `regexes:` (compiled once when the rules load; docs/deals.md, "Patterns").
// One the rules lack is null and never matches.
struct DealPatterns {
  const RE2* price_blocked = nullptr;    // deal_price_blocked: "sales", "pendapatan" between a mention and money
  const RE2* price_lead = nullptr;       // deal_price_lead: "for", "senilai" up to two words before money
  const RE2* price_elsewhere = nullptr;  // deal_price_elsewhere: "valuing X at", "nilai transaksinya" before money
  const RE2* market_value = nullptr;     // deal_market_value: "market value" before money
  const RE2* topic = nullptr;            // deal_topic: a sentence about a deal ("acquisition", "akuisisi")
  const RE2* official_name = nullptr;    // deal_official_name: "(formerly X)" after the target; group 1 is X
  const RE2* unit_after = nullptr;       // deal_unit_after: " unit" after a seller's name
  const RE2* seller_gap = nullptr;       // deal_seller_gap: the words from a mention to "from Y"
  const RE2* joint_parties = nullptr;    // deal_joint_parties: " and " between acquirer and target

  DealPatterns() = default;
  explicit DealPatterns(const RuleSet& rules);
};

struct DealLexicons {
  LexiconList legal_suffix;    // deal_legal_suffix: Inc, Corp, Co, Ltd ... (a final dot aside)
  LexiconList non_party;       // deal_non_party: a whole name that is no party ("Monday", "analysts", "perseroan")
  LexiconList amount_unit;     // deal_amount_unit: a last word that makes a name an amount ("4.20 N.Z. Dlrs")
  LexiconList ruling_body;     // deal_ruling_body: a last word of a body that rules on deals ("Court", "Board")
  LexiconList title;           // deal_title: a title word between a company and a person ("Chairman")
  LexiconList official_title;  // deal_official_title: a title that marks a person, not a company ("Minister")
  LexiconList pronoun;         // deal_pronoun: a name that stands for one named before; value `person` or `company`
  LexiconList run_in_pronoun;  // deal_run_in_pronoun: a next sentence's first word a name ran into ("It")
  LexiconList time_opener;     // deal_time_opener: a time phrase before a name ("On Friday", "Earlier")
  LexiconList units_of;        // deal_units_of: "Subsidiaries" in "Subsidiaries of Acme Corp"
  LexiconList legal_prefix;    // deal_legal_prefix: a legal form before a name ("PT", "CV")
  LexiconList town_named;      // deal_town_named: a last word of a name with its town ("National Bank of Salem")
  LexiconList place_after;     // deal_place_after: "Bancorp" of "Coastal Bancorp of Portland", whose place is cut
  // The name lexicons of the entity and quote assembly, looked up here once
  // for them too.
  names::Lexicons names;
  // And the assembly's regular expressions (a lookup by name each).
  DealPatterns patterns;

  DealLexicons() = default;
  explicit DealLexicons(const RuleSet& rules);
};

// Builds `record.deals` and completes the acquisition/purchase fact values;
// `lex` is DealLexicons(rules), looked up once for many documents.
void assemble_deals(const RuleSet& rules, const DealLexicons& lex, std::string_view text, Record& record);

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
// names joined by "and" kept. The words it knows (legal suffixes, titles,
// time phrases) come from `lex`.
std::string clean_party_name(std::string_view raw, const DealLexicons& lex);

// A cleaned name that is never a party: a whole name of `deal_non_party`, one
// letter ("B" shares), a name ending in an amount's unit ("4.20 N.Z. Dlrs"),
// in a ruling body ("Superior Court") or in "-based".
bool is_non_party_name(std::string_view name, const DealLexicons& lex);

// A name of `deal_pronoun` ("it", "the company", "perseroan"): it stands for a
// company named before; `personal` (when given) says whether it may stand
// for a person who spoke (the entry's value is `person`: "he", "she").
bool is_party_pronoun(std::string_view name, const DealLexicons& lex, bool* personal = nullptr);

}  // namespace extract
