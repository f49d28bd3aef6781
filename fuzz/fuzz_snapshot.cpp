// The rule-set snapshot reader (rules/snapshot.hpp) on damaged files: the
// input is a snapshot file, read without its checksum (which would refuse
// nearly every mutation before the reader sees it). The reader must refuse
// or return a rule set, never crash, read out of bounds or allocate without
// bound; a rule set it returns must scan a text without failing (its literal
// conditions only name atoms and nodes that exist, its units exist).
//
// Seeds are snapshots of small rule files, made at run time by fuzz/run.sh
// with this binary: FUZZ_SNAPSHOT_SEED_RULES=FILE FUZZ_SNAPSHOT_SEED_OUT=OUT
// writes the snapshot of FILE's rules (when they load without errors) and exits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "engine/compiled_rules.hpp"
#include "rules/snapshot.hpp"

using namespace extract;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* rules = std::getenv("FUZZ_SNAPSHOT_SEED_RULES");
  const char* out = std::getenv("FUZZ_SNAPSHOT_SEED_OUT");
  if (!rules || !out) return 0;
  std::ifstream in(rules, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Diagnostics diags;
  const RuleSet rs = load_rules_from_string(rules, text, diags);
  if (!diags.has_errors() && !rs.rules.empty()) std::ofstream(out, std::ios::binary) << encode_snapshot(rs, diags, "seed");
  std::exit(0);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Diagnostics messages;
  auto rs = decode_snapshot_unchecked(input, messages);
  if (!rs) return 0;
  // Patterns were checked when the snapshot was written; a damaged one may
  // not compile, which the scanner cannot meet in a real snapshot (the
  // checksum stops it). Keep to rules whose patterns compile.
  for (auto& rule : rs->rules) {
    RE2 re(rule.pattern, rule_regex_options(1 << 20));
    if (!re.ok()) return 0;
  }
  rs->max_rule_mem = 1 << 20;
  Scanner scanner(*rs, 1);
  (void)scanner.scan("Acme Corp agreed to buy Widget Inc for $5 million on March 3, 2024.", "en");
  (void)scanner.scan("PT Maju setuju membeli PT Jaya senilai Rp 1 triliun.", "id");
  return 0;
}
