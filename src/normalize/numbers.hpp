// Numerals and number words.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/document.hpp"

namespace extract {

class Lexicon;

// How to read a lone separator followed by exactly three digits ("1.280",
// "1,280"): Indonesian groups thousands with '.', English with ','.
enum class NumberStyle { en, id };

// Parses a numeral such as "200.000", "1,5", "1.500.000", "200,000", "1.5",
// "1,234.56". Other separator uses decide by themselves: several of one kind
// are thousands groups, a separator not followed by exactly three digits is a
// decimal point. Returns nullopt for malformed numerals ("1.2.3", "1,,2",
// "12.34.567") and for values of 10^18 or more (overflow).
std::optional<double> parse_number(std::string_view text, NumberStyle style);

// Parses number words with a lexicon whose values are numbers (units: "dua": 2,
// "twenty": 20, "seratus": 100), `{mul: N}` (multipliers: "puluh": 10,
// "hundred": 100, "ribu": 1000), `{add: N}` ("belas": 10) or `{skip: true}`
// ("and"). Words are separated by spaces or hyphens. Returns nullopt if a word
// is unknown or the words do not form a number.
std::optional<double> parse_number_words(std::string_view text, const Lexicon& words);

// Two-digit years: 00-49 -> 20xx, 50-99 -> 19xx.
int expand_year(int year);

// A JSON number: an integer when the value is integral and exactly
// representable, else a double rounded to 12 significant digits.
Json number_json(double v);

}  // namespace extract
