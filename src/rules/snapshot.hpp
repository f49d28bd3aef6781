// Rule-set snapshots: a checked rule set saved in one binary file, read back
// instead of parsing and checking the YAML files again.
//
// Loading the shipped rules takes about 90 ms of work before the first
// article: parsing YAML, expanding sub-patterns, checking every rule and
// compiling every pattern. A snapshot holds the outcome of all of it but the
// compiled programs (expanded patterns, word lists, fields, literal
// conditions, messages), keyed by the exact bytes of every rule file, the
// rules directory as given, the load options and the build of `extract`
// itself. Reading one takes a few milliseconds; the rules' patterns are then
// compiled when a document first needs them (Scanner), so that a run
// compiles only the rules its documents use.
//
// The snapshot cache is a directory (default_cache_dir()): a load that finds
// no snapshot for its key loads the YAML as usual and, when the rules have
// no errors, writes one (to a temporary file renamed into place, so that
// concurrent runs never read a partial file). A snapshot that is unreadable,
// truncated or fails its checksum is ignored and written again. At most
// kMaxSnapshots are kept, the least recently written removed first.
// `rules check` and `rules test` never use snapshots. docs/performance.md,
// "Rule-set snapshots".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/diagnostic.hpp"
#include "rules/rule_set.hpp"

namespace extract {

inline constexpr std::size_t kMaxSnapshots = 8;

// Where snapshots go: $EXTRACT_CACHE_DIR when set (set and empty: no
// cache), else $XDG_CACHE_HOME/extract, else $HOME/.cache/extract; "" when
// none of them is set.
std::string default_cache_dir();

enum class SnapshotUse {
  off,      // no cache directory, or this build has no build ID
  read,     // the rules came from a snapshot
  written,  // loaded from the YAML files; a snapshot was written
  missed,   // loaded from the YAML files; no snapshot written (rule errors, or the cache is not writable)
};

// load_rules(dir, diags, opts) through the snapshots in `cache_dir` ("": none).
// The result and the messages in `diags` are the same either way, except
// that a rule set read from a snapshot has no examples (only `rules test`
// reads them) and its rules' patterns are not compiled yet (Rule::regex).
RuleSet load_rules_cached(const std::string& dir, Diagnostics& diags, const LoadOptions& opts,
                          const std::string& cache_dir, SnapshotUse* use = nullptr);

// The snapshot of a rule set loaded without errors, with the messages of its
// load (warnings), under `key`; and back: nullopt when `bytes` is not a
// whole, intact snapshot with that key. Exposed for tests and fuzzing.
std::string encode_snapshot(const RuleSet& rules, const Diagnostics& messages, std::string_view key);
std::optional<RuleSet> decode_snapshot(std::string_view bytes, std::string_view key, Diagnostics& messages);
// The checksum a snapshot ends with, of the bytes between its magic line and
// it: 32 hex digits (exposed for tests).
std::string snapshot_checksum(std::string_view payload);
// decode_snapshot() without the checksum, whatever the key (stored in `key`
// when given): for fuzzing the reader, which a checksum would otherwise
// keep every mutated input from.
std::optional<RuleSet> decode_snapshot_unchecked(std::string_view bytes, Diagnostics& messages,
                                                 std::string* key = nullptr);

}  // namespace extract
