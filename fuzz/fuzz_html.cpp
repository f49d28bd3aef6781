// HTML pages as `extract` reads them (io/html.hpp): any bytes, with or
// without a declared charset, become valid UTF-8 text, never a crash, and the
// charset step leaves valid UTF-8 as it is.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "io/html.hpp"

using namespace extract;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string warning;
  const std::string utf8 = html_to_utf8(bytes, warning);
  if (!find_invalid_utf8(bytes)) {
    FUZZ_CHECK(utf8 == bytes, "valid UTF-8 is kept as it is");
    FUZZ_CHECK(warning.empty(), "no warning for valid UTF-8");
  } else {
    FUZZ_CHECK(!warning.empty(), "a warning when the bytes are not UTF-8");
  }
  FUZZ_CHECK(!find_invalid_utf8(warning), "the warning is valid UTF-8");
  const std::string text = html_to_text(utf8);
  FUZZ_CHECK(!find_invalid_utf8(text), "the readable text is valid UTF-8");
  return 0;
}
