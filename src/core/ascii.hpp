// Byte classes of the "C" locale without its lookups.
#pragma once

#include <string_view>

namespace extract {

// A set of bytes as a table, for a test asked of every byte of a text: one
// load a byte.
struct ByteSet {
  bool of[256];
  constexpr ByteSet() : of() {}
  constexpr explicit ByteSet(std::string_view bytes) : of() {
    for (const char c : bytes) of[static_cast<unsigned char>(c)] = true;
  }
  // The bytes from lo to hi, both included, but those of `except`.
  static constexpr ByteSet range(unsigned char lo, unsigned char hi, std::string_view except = {}) {
    ByteSet set;
    for (int b = lo; b <= hi; ++b) set.of[b] = true;
    for (const char c : except) set.of[static_cast<unsigned char>(c)] = false;
    return set;
  }
  bool has(char c) const { return of[static_cast<unsigned char>(c)]; }
};

// std::isspace of the "C" locale (space, \t, \n, \v, \f, \r): names and
// matches are split into words many times per document.
inline constexpr ByteSet kCSpaceBytes(" \t\n\v\f\r");
inline bool is_c_space(char c) { return kCSpaceBytes.has(c); }

// std::tolower of the "C" locale (A-Z to a-z, every other byte as it is).
struct CLowerBytes {
  char of[256];
  constexpr CLowerBytes() : of() {
    for (int b = 0; b < 256; ++b) of[b] = static_cast<char>(b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
  }
};
inline constexpr CLowerBytes kCLowerBytes;
inline char c_lower_byte(char c) { return kCLowerBytes.of[static_cast<unsigned char>(c)]; }

}  // namespace extract
