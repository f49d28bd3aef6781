// The rule loader over arbitrary YAML: any text gives a rule set or
// diagnostics, never a crash or a hang. A rule set that loads cleanly is
// compiled, its examples are run, and it extracts from its own example texts.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "pipeline.hpp"
#include "rules/rule_tester.hpp"

using namespace extract;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The file's folder (common/, en/, id/) is chosen by the input's length, so
  // that a crash reproduces from the input alone.
  static const char* const kLangs[] = {"", "en", "id"};
  Diagnostics diags;
  RuleSet rules = load_rules_from_string("fuzz.yaml", text, diags, kLangs[size % 3]);
  for (const auto& d : diags.items()) {
    FUZZ_CHECK(!d.message.empty(), "diagnostics have a message");
    (void)d.format();
  }
  if (diags.has_errors()) return 0;
  for (const auto& r : rules.rules)
    FUZZ_CHECK(r.tokens || r.words || (r.regex && r.regex->ok()),
               "a loaded rule has a compiled regex, a token pattern or a word list");
  Extractor ex(std::move(rules));
  (void)test_rules(ex.rules(), ex.scanner());
  std::vector<std::string> texts = {"PT Contoh membeli Acme Corp senilai US$ 1,5 miliar pada 3 Maret 2025."};
  for (const auto& r : ex.rules().rules)
    for (const auto& e : r.examples) texts.push_back(e.text);
  for (const auto& t : texts) {
    Document doc;
    doc.source = "fuzz";
    doc.text = t;
    RunOptions opts;
    opts.explain = true;
    const Record rec = ex.run(doc, opts);
    fuzz::check_record_json(record_to_json(doc, rec, ex.rules(), true), doc.text);
  }
  return 0;
}
