// Whole extraction of arbitrary bytes with the shipped rules: run, record to
// JSON, dump; the dump must parse back, every offset must be in the text,
// and the JSON Lines writer must give the dump's bytes.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "fuzz_check.hpp"
#include "pipeline.hpp"

using namespace extract;

namespace {

const Extractor& extractor() {
  static const std::unique_ptr<Extractor> ex = [] {
    Diagnostics diags;
    auto e = Extractor::load(EXTRACT_FUZZ_RULES_DIR, diags);
    if (!e) {
      for (const auto& d : diags.items()) std::fprintf(stderr, "%s\n", d.format().c_str());
      std::abort();
    }
    return e;
  }();
  return *ex;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  extractor();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Extractor& ex = extractor();
  Document doc;
  doc.source = "fuzz";
  doc.text.assign(reinterpret_cast<const char*>(data), size);
  // Half the inputs run with --explain (decided by the input itself, so that
  // a crash reproduces).
  RunOptions opts;
  opts.explain = size % 2 == 1;
  const Record rec = ex.run(doc, opts);
  FUZZ_CHECK(rec.language == "en" || rec.language == "id" || rec.language == "unknown", "language");
  for (const auto& f : rec.facts) {
    FUZZ_CHECK(f.span.start < f.span.end && f.span.end <= size, "fact span within the text");
    for (const auto& [name, s] : f.captures)
      FUZZ_CHECK(s.start <= s.end && s.end <= size, "capture span within the text");
  }
  const Json tree = record_to_json(doc, rec, ex.rules(), opts.explain);
  fuzz::check_record_json(tree, doc.text);
  // The JSON Lines writer gives the tree's bytes, here with the input's
  // first line (any bytes) as the source name and the record id.
  FUZZ_CHECK(record_json_line(doc, rec, ex.rules(), opts.explain) == dump_json(tree), "JSON Lines record");
  Document named = doc;
  named.source = doc.text.substr(0, doc.text.find('\n'));
  named.id = Json(named.source);
  FUZZ_CHECK(record_json_line(named, rec, ex.rules(), opts.explain) ==
                 dump_json(record_to_json(named, rec, ex.rules(), opts.explain)),
             "JSON Lines record, source and id from the input");
  return 0;
}
