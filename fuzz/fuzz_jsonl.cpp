// The JSON Lines input reader: any line gives a document or an error, never
// a crash; an error record for it serializes to valid JSON.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "io/input.hpp"

using namespace extract;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  // A small size limit too, so that the limit's branch is exercised.
  for (std::uint64_t max : {kDefaultMaxDocumentSize, std::uint64_t{64}}) {
    InputResult r = parse_record(line, max);
    FUZZ_CHECK(r.document.has_value() != !r.error.empty(), "a document or an error, not both");
    if (r.document) {
      FUZZ_CHECK(r.document->text.size() <= size, "text no longer than the line");
      if (r.document->published_hint) {
        const auto& d = *r.document->published_hint;
        FUZZ_CHECK(d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31, "published date in range");
      }
    } else {
      const std::string out = dump_json(error_record("-", r.id, r.error));
      FUZZ_CHECK(!Json::parse(out, nullptr, false).is_discarded(), "error record is valid JSON");
    }
  }
  // Also the text checks that run on every document.
  (void)text_problem(line);
  return 0;
}
