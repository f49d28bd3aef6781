// Byte classes of the "C" locale without its lookups.
#pragma once

namespace extract {

// std::isspace of the "C" locale (space, \t, \n, \v, \f, \r), one load a
// byte: names and matches are split into words many times per document.
struct CSpaceBytes {
  bool of[256];
  constexpr CSpaceBytes() : of() {
    for (const char c : {' ', '\t', '\n', '\v', '\f', '\r'}) of[static_cast<unsigned char>(c)] = true;
  }
};
inline constexpr CSpaceBytes kCSpaceBytes;
inline bool is_c_space(char c) { return kCSpaceBytes.of[static_cast<unsigned char>(c)]; }

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
