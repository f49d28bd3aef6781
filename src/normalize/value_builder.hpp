// From a rule's captures to a typed value: each captured field goes through its
// field normalizer (number, lexicon:NAME, ...), constants from the rule's
// `value:` fill in what was not captured, and the type's builder (money, date,
// duration, ...) composes the final value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

struct BuildContext {
  std::string_view text;
  std::string language;                 // document language: en, id or unknown
  std::optional<CivilDate> reference;   // publication date
};

// Normalized fields of a candidate (captures, then constants for the rest).
// Sets *why and returns nullopt when a field cannot be normalized.
std::optional<Json> normalize_fields(const RuleSet& rules, const Candidate& c, const BuildContext& ctx,
                                     std::string* why);

// The value of a candidate, or nullopt (with *why) when it has none: a number
// that does not parse, money without a currency, an impossible date.
std::optional<Json> build_value(const RuleSet& rules, const Candidate& c, const BuildContext& ctx,
                                std::string* why);

// A duration in ISO 8601 from an amount and a unit code (Y, M, W, D, H, MIN, S):
// (4, "M") -> "P4M", (10, "S") -> "PT10S", (1.5, "Y") -> "P1.5Y".
std::optional<std::string> iso_duration(double amount, std::string_view unit);

}  // namespace extract
