// Reading inputs: files, folders, standard input, and JSON Lines records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.hpp"

namespace extract {

constexpr std::uint64_t kDefaultMaxDocumentSize = 64ull << 20;

// Why some bytes are not a text document we read: NUL bytes (binary), a UTF-16
// or UTF-32 byte-order mark. Invalid UTF-8 is not an error (it is repaired in
// the output, see docs/errors.md). Returns nullopt for acceptable text.
std::optional<std::string> text_problem(std::string_view bytes);

struct InputResult {
  std::optional<Document> document;
  std::string error;          // set when document is empty
  std::optional<Json> id;     // the record id, when known, for error records
};

// Reads one file (`-` = standard input) as a document.
InputResult read_document(const std::string& path, std::uint64_t max_size = kDefaultMaxDocumentSize);

// Parses one JSON Lines input record {"id", "text", "published"?, "lang"?}.
InputResult parse_record(std::string_view line, std::uint64_t max_size = kDefaultMaxDocumentSize);

// Expands the paths given on the command line: files as they are, folders
// walked recursively in sorted order (hidden entries skipped). Problems are
// reported through `errors` as "path: message".
struct Expanded {
  std::vector<std::string> files;
  std::vector<std::pair<std::string, std::string>> errors;  // path, message
};
Expanded expand_paths(const std::vector<std::string>& paths);

}  // namespace extract
