// The readable view for people: facts grouped by kind, deals first.
#pragma once

#include <string>

#include "core/document.hpp"
#include "emit/sink.hpp"
#include "rules/rule_set.hpp"

namespace extract {

std::string render_text(const Document& doc, const Record& rec, const RuleSet& rules, const SinkOptions& opts);
std::string render_text_error(const std::string& source, const std::string& message, const SinkOptions& opts);

// A one-line human summary of a fact's value: "5,000,000,000 USD (more than)".
std::string summarize_value(const std::string& type, const Json& value);

}  // namespace extract
