// UTF-8 validation and repair. Input text is kept as raw bytes so that output
// offsets are byte offsets into the input; these helpers find invalid sequences
// and make JSON-safe copies.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace extract {

// The length of the valid UTF-8 sequence at s[i] (1 to 4), or 0 when it is
// invalid there (as find_invalid_utf8 reads it). `i` must be inside `s`.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// The code point at s[i] and its length in bytes; {-1, 0} when s[i] starts
// no valid sequence. `i` must be inside `s`. (An ASCII byte inline, the
// rest out of line.)
std::pair<long, std::size_t> utf8_decode_multibyte(std::string_view s, std::size_t i);
inline std::pair<long, std::size_t> utf8_decode(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  return utf8_decode_multibyte(s, i);
}

// Byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates,
// code points above U+10FFFF, truncated or stray continuation bytes), or nullopt.
std::optional<std::size_t> find_invalid_utf8(std::string_view s);

// A copy in which each invalid byte is replaced by U+FFFD.
std::string repair_utf8(std::string_view s);

// Number of Unicode code points (invalid bytes count one each).
std::size_t utf8_length(std::string_view s);

}  // namespace extract
