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

// Reads one file (`-` = standard input) as a document. HTML files (.html,
// .htm) are turned into their readable text (io/html.hpp); offsets then index
// that text.
InputResult read_document(const std::string& path, std::uint64_t max_size = kDefaultMaxDocumentSize);

// Parses one JSON Lines input record {"id", "text", "published"?, "lang"?}.
InputResult parse_record(std::string_view line, std::uint64_t max_size = kDefaultMaxDocumentSize);

// Expands the paths given on the command line: files as they are, folders
// walked recursively in sorted order, hidden entries (names starting with '.')
// skipped and counted. Files found in folders are kept when they match one of
// `include` (if any) and none of `exclude`; globs are fnmatch patterns tried on
// the file name and on the path below the folder ("*.txt", "2025/*"). Walk
// problems (e.g. a symlink loop) are reported through `errors` as path, message.
struct Expanded {
  std::vector<std::string> files;
  std::vector<bool> from_walk;  // found in a folder (not named on the command line)
  std::vector<std::pair<std::string, std::string>> errors;  // path, message
  std::size_t hidden_skipped = 0;
  std::size_t filtered_out = 0;
};
Expanded expand_paths(const std::vector<std::string>& paths, const std::vector<std::string>& include = {},
                      const std::vector<std::string>& exclude = {});

}  // namespace extract
