// The output record as JSON. See docs/output.md for the wire format and
// docs/record.schema.json for its JSON Schema.
#pragma once

#include <string>

#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract {

// {"id"?, "source", "language", "published", "facts", "entities", "deals"}.
// Facts carry byte offsets into doc.text, half-open; `text` is the bytes at
// those offsets (invalid UTF-8 bytes appear as U+FFFD). With `explain`, each
// fact has an "explain" object listing the candidates it beat.
Json record_to_json(const Document& doc, const Record& rec, const RuleSet& rules, bool explain);

// record_to_json(...) as dump_json writes it on one line, byte for byte,
// written directly (the JSON Lines output: building the tree first took
// a tenth of a run).
std::string record_json_line(const Document& doc, const Record& rec, const RuleSet& rules, bool explain);
// record_json_line(...) appended to `out`.
void append_record_json_line(std::string& out, const Document& doc, const Record& rec, const RuleSet& rules,
                             bool explain);

// {"id"?, "source", "error"} for an input that could not be processed.
Json error_record(const std::string& source, const std::optional<Json>& id, const std::string& message);

// Serializes with invalid UTF-8 replaced by U+FFFD (never throws);
// indent < 0 = one line.
std::string dump_json(const Json& j, int indent = -1);
// Appends dump_json(j) to `out`, byte for byte, without a serializer of
// its own for each value (objects, arrays, strings, integers, booleans and
// null written here; a fraction by dump_json).
void append_json(std::string& out, const Json& j);

}  // namespace extract
