// Shared checks for the fuzz targets: a failed check prints what broke and
// aborts, which libFuzzer reports as a crash with the input that caused it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/document.hpp"
#include "core/utf8.hpp"
#include "emit/record_json.hpp"

namespace extract::fuzz {

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what.c_str());
  std::abort();
}

#define FUZZ_CHECK(cond, what) \
  do {                         \
    if (!(cond)) ::extract::fuzz::fail(std::string(what) + " [" #cond "]"); \
  } while (0)

// A span [start, end) printed in the JSON output: inside the text, non-empty,
// and its "text" is the input bytes at those offsets (invalid UTF-8 repaired).
inline void check_span(const Json& o, std::string_view text, bool need_text, const char* what) {
  FUZZ_CHECK(o.contains("start") && o["start"].is_number_unsigned(), what);
  FUZZ_CHECK(o.contains("end") && o["end"].is_number_unsigned(), what);
  const auto start = o["start"].get<std::size_t>(), end = o["end"].get<std::size_t>();
  FUZZ_CHECK(start < end, std::string(what) + ": start < end");
  FUZZ_CHECK(end <= text.size(), std::string(what) + ": end within the text");
  if (need_text) {
    FUZZ_CHECK(o.contains("text") && o["text"].is_string(), what);
    FUZZ_CHECK(o["text"].get<std::string>() == repair_utf8(text.substr(start, end - start)),
               std::string(what) + ": text == input[start:end]");
  }
}

// The record as one JSON line: it must parse back, and every offset in it
// must be a valid span of the text.
inline void check_record_json(const Json& j, std::string_view text) {
  const std::string line = dump_json(j);
  FUZZ_CHECK(line.find('\n') == std::string::npos, "one line per record");
  FUZZ_CHECK(!find_invalid_utf8(line), "output is valid UTF-8");
  const Json back = Json::parse(line, nullptr, false);
  FUZZ_CHECK(!back.is_discarded(), "dump parses back as JSON");
  FUZZ_CHECK(back.is_object() && back.contains("facts") && back["facts"].is_array(), "record has facts");
  for (const auto& f : back["facts"]) {
    check_span(f, text, true, "fact");
    if (f.contains("explain"))
      for (const auto& b : f["explain"]["beat"]) check_span(b, text, true, "beaten candidate");
  }
  FUZZ_CHECK(back.contains("entities") && back["entities"].is_array(), "record has entities");
  for (const auto& e : back["entities"])
    for (const auto& m : e["mentions"]) check_span(m, text, true, "entity mention");
}

}  // namespace extract::fuzz
