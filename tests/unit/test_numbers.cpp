// Numerals and number words (src/normalize/numbers.hpp).
#include <catch2/catch.hpp>

#include "normalize/numbers.hpp"
#include "rules/rule_set.hpp"

using namespace extract;

namespace {

// A small number-word lexicon in the documented value format.
Lexicon words_en() {
  Lexicon lex;
  lex.name = "words";
  const std::pair<const char*, int> units[] = {{"one", 1},     {"two", 2},     {"three", 3},   {"four", 4},
                                               {"five", 5},    {"nine", 9},    {"ten", 10},    {"twelve", 12},
                                               {"twenty", 20}, {"fifty", 50},  {"ninety", 90}};
  for (const auto& [w, v] : units) lex.add(w, v);
  lex.add("half", 0.5);
  lex.add("hundred", Json{{"mul", 100}});
  lex.add("thousand", Json{{"mul", 1000}});
  lex.add("million", Json{{"mul", 1000000}});
  lex.add("billion", Json{{"mul", 1000000000}});
  lex.add("and", Json{{"skip", true}});
  return lex;
}

Lexicon words_id() {
  Lexicon lex;
  lex.name = "kata";
  const std::pair<const char*, int> units[] = {{"satu", 1}, {"dua", 2},       {"tiga", 3},      {"lima", 5},
                                               {"sepuluh", 10}, {"seratus", 100}, {"seribu", 1000}};
  for (const auto& [w, v] : units) lex.add(w, v);
  lex.add("belas", Json{{"add", 10}});
  lex.add("puluh", Json{{"mul", 10}});
  lex.add("ratus", Json{{"mul", 100}});
  lex.add("ribu", Json{{"mul", 1000}});
  lex.add("juta", Json{{"mul", 1000000}});
  return lex;
}

}  // namespace

TEST_CASE("parse_number reads Indonesian separators", "[numbers]") {
  CHECK(parse_number("200.000", NumberStyle::id) == Approx(200000));
  CHECK(parse_number("1,5", NumberStyle::id) == Approx(1.5));
  CHECK(parse_number("1.280", NumberStyle::id) == Approx(1280));
  CHECK(parse_number("1.500.000", NumberStyle::id) == Approx(1500000));
  CHECK(parse_number("1.500.000,25", NumberStyle::id) == Approx(1500000.25));
  CHECK(parse_number("74.27", NumberStyle::id) == Approx(74.27));  // two digits: a decimal point
}

TEST_CASE("parse_number reads English separators", "[numbers]") {
  CHECK(parse_number("200,000", NumberStyle::en) == Approx(200000));
  CHECK(parse_number("1.5", NumberStyle::en) == Approx(1.5));
  CHECK(parse_number("1,280", NumberStyle::en) == Approx(1280));
  CHECK(parse_number("1.280", NumberStyle::en) == Approx(1.28));
  CHECK(parse_number("1,234.56", NumberStyle::en) == Approx(1234.56));
  CHECK(parse_number("4,315,200", NumberStyle::en) == Approx(4315200));
  CHECK(parse_number("0", NumberStyle::en) == Approx(0));
}

TEST_CASE("parse_number rejects malformed numerals", "[numbers]") {
  CHECK_FALSE(parse_number("1.2.3", NumberStyle::en));
  CHECK_FALSE(parse_number("1.2.3", NumberStyle::id));
  CHECK_FALSE(parse_number("12.34.567", NumberStyle::id));
  CHECK_FALSE(parse_number("1,,2", NumberStyle::en));
  CHECK_FALSE(parse_number("1,234,56", NumberStyle::en));
  CHECK_FALSE(parse_number("1.234,5.6", NumberStyle::id));
  CHECK_FALSE(parse_number("", NumberStyle::en));
  CHECK_FALSE(parse_number("$", NumberStyle::en));
  CHECK_FALSE(parse_number(".5", NumberStyle::en));
  CHECK_FALSE(parse_number("5.", NumberStyle::en));
  CHECK_FALSE(parse_number("12a", NumberStyle::en));
  CHECK_FALSE(parse_number("-5", NumberStyle::en));
}

TEST_CASE("parse_number refuses overflow", "[numbers]") {
  CHECK(parse_number("123456789012345678", NumberStyle::en) == Approx(123456789012345678.0));
  CHECK_FALSE(parse_number("1000000000000000000", NumberStyle::en));
  CHECK_FALSE(parse_number("99999999999999999999999999", NumberStyle::en));
  CHECK_FALSE(parse_number("1.000.000.000.000.000.000", NumberStyle::id));
}

TEST_CASE("parse_number_words composes English number words", "[numbers]") {
  const Lexicon w = words_en();
  CHECK(parse_number_words("four", w) == Approx(4));
  CHECK(parse_number_words("twenty-one", w) == Approx(21));
  CHECK(parse_number_words("Twenty Five", w) == Approx(25));
  CHECK(parse_number_words("two hundred and fifty thousand", w) == Approx(250000));
  CHECK(parse_number_words("one billion", w) == Approx(1e9));
  CHECK(parse_number_words("million", w) == Approx(1e6));  // a lone multiplier counts once
  CHECK(parse_number_words("half million", w) == Approx(500000));
  CHECK(parse_number_words("nine hundred ninety", w) == Approx(990));
  CHECK(parse_number_words("twelve million five hundred thousand", w) == Approx(12500000));
  CHECK(parse_number_words("thousand million", w) == Approx(1e9));
}

TEST_CASE("parse_number_words composes Indonesian number words", "[numbers]") {
  const Lexicon w = words_id();
  CHECK(parse_number_words("dua puluh", w) == Approx(20));
  CHECK(parse_number_words("dua belas", w) == Approx(12));
  CHECK(parse_number_words("seratus", w) == Approx(100));
  CHECK(parse_number_words("seratus ribu", w) == Approx(100000));
  CHECK(parse_number_words("tiga ratus lima puluh ribu", w) == Approx(350000));
  CHECK(parse_number_words("seribu dua ratus", w) == Approx(1200));
  CHECK(parse_number_words("satu juta", w) == Approx(1e6));
}

TEST_CASE("parse_number_words rejects what is not a number", "[numbers]") {
  const Lexicon w = words_en();
  CHECK_FALSE(parse_number_words("", w));
  CHECK_FALSE(parse_number_words("and", w));          // only skipped words
  CHECK_FALSE(parse_number_words("two apples", w));   // unknown word
  CHECK_FALSE(parse_number_words("200", w));          // digits are parse_number's job
  // 10^18 and more is overflow, as for numerals.
  CHECK_FALSE(parse_number_words("billion billion", w));
  CHECK_FALSE(parse_number_words("million million million", w));
}

TEST_CASE("expand_year and number_json", "[numbers]") {
  CHECK(expand_year(25) == 2025);
  CHECK(expand_year(49) == 2049);
  CHECK(expand_year(50) == 1950);
  CHECK(expand_year(98) == 1998);
  CHECK(expand_year(1987) == 1987);
  CHECK(number_json(68.7 * 1e9) == Json(68700000000));
  CHECK(number_json(1.5).dump() == "1.5");
  CHECK(number_json(0.1 + 0.2).dump() == "0.3");
  CHECK(number_json(5e9).is_number_integer());
}
