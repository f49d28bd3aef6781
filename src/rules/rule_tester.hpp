// `extract rules test`: runs every rule's inline examples.
#pragma once

#include <string>
#include <vector>

#include "engine/compiled_rules.hpp"
#include "rules/rule_set.hpp"

namespace extract {

struct ExampleFailure {
  SourcePos pos;
  std::string rule;  // the rule id or the regex name
  std::string message;
  std::string kind = "rule";  // or "regex"
};

struct TestReport {
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::vector<ExampleFailure> failures;
  std::vector<std::string> rules_without_examples;
  std::vector<std::string> regexes_without_examples;
};

// Reference date for examples that give none.
constexpr CivilDate kExampleReference{2025, 3, 18};

// Each example runs its rule alone on its text, in the rule's language (the
// number style of `common` rules is English unless the example says `lang`).
// A positive example passes when a match has the expected text (if `match` is
// given; else any match) and its value contains every key of `value` with an
// equal value (numbers compared to 1e-9 relative). A `reject` example passes
// when no match with a value is found. The examples of the `regexes:` run
// the regex alone: a `text` example passes when the regex finds a match in it
// (the leftmost, equal to `match` if given), a `reject` one when it finds none.
TestReport test_rules(const RuleSet& rules, const Scanner& scanner);

// Whether `actual` contains `expected` (objects by subset, numbers within 1e-9).
bool json_contains(const Json& actual, const Json& expected);

}  // namespace extract
