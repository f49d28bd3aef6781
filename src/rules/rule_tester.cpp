#include "rules/rule_tester.hpp"

#include <cmath>

#include <fmt/format.h>

#include "emit/record_json.hpp"
#include "normalize/value_builder.hpp"

namespace extract {

bool json_contains(const Json& actual, const Json& expected) {
  if (expected.is_object()) {
    if (!actual.is_object()) return false;
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      auto a = actual.find(it.key());
      if (it.value().is_null()) {
        if (a != actual.end() && !a->is_null()) return false;
        continue;
      }
      if (a == actual.end() || !json_contains(*a, it.value())) return false;
    }
    return true;
  }
  if (expected.is_number() && actual.is_number()) {
    const double e = expected.get<double>(), v = actual.get<double>();
    return std::fabs(e - v) <= 1e-9 * std::max(1.0, std::fabs(e));
  }
  if (expected.is_array() && actual.is_array()) {
    if (expected.size() != actual.size()) return false;
    for (std::size_t i = 0; i < expected.size(); ++i)
      if (!json_contains(actual[i], expected[i])) return false;
    return true;
  }
  return actual == expected;
}

TestReport test_rules(const RuleSet& rules, const Scanner& scanner) {
  TestReport report;
  for (std::size_t i = 0; i < rules.rules.size(); ++i) {
    const Rule& rule = rules.rules[i];
    if (rule.examples.empty()) report.rules_without_examples.push_back(rule.id);
    for (const auto& ex : rule.examples) {
      std::vector<Candidate> found;
      scanner.scan_rule(i, ex.text, found);
      BuildContext ctx{ex.text, rule.lang.empty() ? "en" : rule.lang, ex.date.value_or(kExampleReference)};
      std::string got;  // what matched, for the failure message
      bool pass = false;
      for (const auto& c : found) {
        std::string why;
        auto value = build_value(rules, c, ctx, &why);
        const std::string text = ex.text.substr(c.span.start, c.span.size());
        if (!value) {
          if (got.empty()) got = fmt::format("'{}' (no value: {})", text, why);
          continue;
        }
        if (ex.reject) {
          got = fmt::format("'{}' -> {}", text, dump_json(*value));
          break;
        }
        if (ex.match && text != *ex.match) {
          if (got.empty()) got = fmt::format("'{}'", text);
          continue;
        }
        got = fmt::format("'{}' -> {}", text, dump_json(*value));
        if (ex.value && !json_contains(*value, *ex.value)) continue;
        pass = true;
        break;
      }
      if (ex.reject) pass = got.empty() || got.find("(no value") != std::string::npos;
      if (pass) {
        ++report.passed;
        continue;
      }
      ++report.failed;
      std::string msg;
      if (ex.reject) {
        msg = fmt::format("must not match \"{}\", but matched {}", ex.text, got);
      } else {
        std::string want = ex.match ? fmt::format("'{}'", *ex.match) : std::string("a match");
        if (ex.value) want += " with value " + dump_json(*ex.value);
        msg = fmt::format("expected {} in \"{}\", got {}", want, ex.text, got.empty() ? "no match" : got);
      }
      report.failures.push_back({ex.pos, rule.id, msg});
    }
  }
  for (const auto& [name, re] : rules.regexes) {
    auto it = rules.regex_examples.find(name);
    if (it == rules.regex_examples.end() || it->second.empty()) {
      report.regexes_without_examples.push_back(name);
      continue;
    }
    for (const auto& ex : it->second) {
      re2::StringPiece m;
      const bool found = re->Match(ex.text, 0, ex.text.size(), RE2::UNANCHORED, &m, 1);
      const std::string got = found ? std::string(m.data(), m.size()) : std::string();
      const bool pass = ex.reject ? !found : found && (!ex.match || got == *ex.match);
      if (pass) {
        ++report.passed;
        continue;
      }
      ++report.failed;
      std::string msg;
      if (ex.reject) msg = fmt::format("must not match \"{}\", but matched '{}'", ex.text, got);
      else
        msg = fmt::format("expected {} in \"{}\", got {}", ex.match ? fmt::format("'{}'", *ex.match) : "a match",
                          ex.text, found ? fmt::format("'{}'", got) : "no match");
      report.failures.push_back({ex.pos, name, msg, "regex"});
    }
  }
  return report;
}

}  // namespace extract
