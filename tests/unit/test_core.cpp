#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/ascii.hpp"
#include "core/diagnostic.hpp"
#include "core/document.hpp"
#include "core/sort.hpp"
#include "core/utf8.hpp"

using namespace extract;

TEST_CASE("find_invalid_utf8 accepts valid text and finds each kind of invalid sequence", "[core][utf8]") {
  CHECK_FALSE(find_invalid_utf8("plain ASCII"));
  CHECK_FALSE(find_invalid_utf8("Maret “kutipan” — €5 𝄞"));
  CHECK(find_invalid_utf8("ab\xC0\xAF") == 2u);          // overlong '/'
  CHECK(find_invalid_utf8("abc\xE2\x82") == 3u);         // truncated euro sign
  CHECK(find_invalid_utf8("x\x80y") == 1u);              // lone continuation byte
  CHECK(find_invalid_utf8("\xED\xA0\x80") == 0u);        // UTF-16 surrogate
  CHECK(find_invalid_utf8("\xF4\x90\x80\x80") == 0u);    // above U+10FFFF
  CHECK(find_invalid_utf8("ok\xFF") == 2u);
}

TEST_CASE("find_invalid_utf8 finds an invalid byte at any offset in long ASCII runs", "[core][utf8]") {
  // Read eight ASCII bytes at a time: the bad byte before, inside and after
  // each group of eight, and a valid sequence between runs of ASCII.
  for (std::size_t k = 0; k < 40; ++k) {
    for (const char* bad : {"\x80", "\xC3", "\xE2\x82", "\xFF"}) {
      const std::string text = std::string(k, 'a') + bad + std::string(17, 'b');
      CHECK(find_invalid_utf8(text) == k);
    }
    CHECK_FALSE(find_invalid_utf8(std::string(k, 'a') + "\xC3\xA9" + std::string(k, 'c')));
    CHECK(find_invalid_utf8(std::string(k, 'a') + "\xC3\xA9" + std::string(k, 'c') + "\x80") == 2 * k + 2);
  }
}

TEST_CASE("utf8_decode reads ASCII, multi-byte sequences and invalid bytes", "[core][utf8]") {
  CHECK(utf8_decode("a", 0) == std::pair<long, std::size_t>{'a', 1});
  CHECK(utf8_decode("x\xC3\xA9", 1) == std::pair<long, std::size_t>{0xE9, 2});
  CHECK(utf8_decode("\xE2\x82\xAC", 0) == std::pair<long, std::size_t>{0x20AC, 3});
  CHECK(utf8_decode("\xF0\x9D\x84\x9E", 0) == std::pair<long, std::size_t>{0x1D11E, 4});
  CHECK(utf8_decode("\x80", 0) == std::pair<long, std::size_t>{-1, 0});
  CHECK(utf8_decode("\xE2\x82", 0) == std::pair<long, std::size_t>{-1, 0});
}

TEST_CASE("repair_utf8 replaces each invalid byte and keeps valid text", "[core][utf8]") {
  CHECK(repair_utf8("a\x80" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(repair_utf8("€") == "€");
  CHECK(repair_utf8("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK_FALSE(find_invalid_utf8(repair_utf8("\xC0\xAF\xFF\xED\xA0\x80 tail")));
}

TEST_CASE("utf8_length counts code points", "[core][utf8]") {
  CHECK(utf8_length("") == 0);
  CHECK(utf8_length("abc") == 3);
  CHECK(utf8_length("“€”") == 3);
  CHECK(utf8_length("a\xFF") == 2);
}

TEST_CASE("parse_iso_date accepts real dates only", "[core]") {
  auto d = parse_iso_date("2025-03-18");
  REQUIRE(d);
  CHECK(d->year == 2025);
  CHECK(d->month == 3);
  CHECK(d->day == 18);
  CHECK(parse_iso_date("2024-02-29"));
  CHECK_FALSE(parse_iso_date("2025-02-29"));
  CHECK_FALSE(parse_iso_date("2025-13-01"));
  CHECK_FALSE(parse_iso_date("2025-3-18"));
  CHECK_FALSE(parse_iso_date("2025-03-18x"));
  CHECK_FALSE(parse_iso_date("yesterday"));
  CHECK(format_iso(CivilDate{987, 1, 2}) == "0987-01-02");
}

TEST_CASE("diagnostics format as path:line:col: severity: message", "[core]") {
  Diagnostics d;
  d.error({"rules/en/x.yaml", 3, 14}, "bad thing");
  d.warning({"rules/id/y.yaml", 0, 0}, "whole file");
  d.error({"z.yaml", 7, 0}, "line only");
  REQUIRE(d.items().size() == 3);
  CHECK(d.items()[0].format() == "rules/en/x.yaml:3:14: error: bad thing");
  CHECK(d.items()[1].format() == "rules/id/y.yaml: warning: whole file");
  CHECK(d.items()[2].format() == "z.yaml:7: error: line only");
  CHECK(d.error_count() == 2);
  CHECK(d.has_errors());
}

TEST_CASE("stable_sort_unless_sorted and stable_sort_moving_once give std::stable_sort's order, ties included", "[core]") {
  // (key, original position): sorted by key, equal keys keep their order.
  const auto by_key = [](const std::pair<int, int>& a, const std::pair<int, int>& b) { return a.first < b.first; };
  std::uint32_t seed = 7;
  auto next = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  int sorted_before = 0, unsorted_before = 0;
  for (int round = 0; round < 500; ++round) {
    std::vector<std::pair<int, int>> v;
    const auto n = static_cast<int>(next() % 200);
    for (int i = 0; i < n; ++i) v.emplace_back(static_cast<int>(next() % 6), i);
    if (round % 3 == 0) std::stable_sort(v.begin(), v.end(), by_key);  // some already in order
    (std::is_sorted(v.begin(), v.end(), by_key) ? sorted_before : unsorted_before) += 1;
    std::vector<std::pair<int, int>> expected = v;
    std::stable_sort(expected.begin(), expected.end(), by_key);
    std::vector<std::pair<int, int>> moved = v;
    stable_sort_unless_sorted(v.begin(), v.end(), by_key);
    REQUIRE(v == expected);
    stable_sort_moving_once(moved, by_key);
    REQUIRE(moved == expected);
  }
  CHECK(sorted_before > 100);
  CHECK(unsorted_before > 100);
}

TEST_CASE("stable_sort_moving_once moves elements that cannot be copied, each to its place", "[core]") {
  std::vector<std::unique_ptr<std::string>> v;
  for (const char* w : {"pear", "fig", "apple", "fig", "kiwi"}) v.push_back(std::make_unique<std::string>(w));
  const std::string* first_fig = v[1].get();
  stable_sort_moving_once(v, [](const auto& a, const auto& b) { return *a < *b; });
  std::vector<std::string> order;
  for (const auto& p : v) order.push_back(*p);
  CHECK(order == std::vector<std::string>{"apple", "fig", "fig", "kiwi", "pear"});
  CHECK(v[1].get() == first_fig);  // equal elements keep their order
}

TEST_CASE("the C-locale byte tables answer as <cctype> does in the C locale", "[core]") {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    CHECK(is_c_space(c) == (std::isspace(b) != 0));
    CHECK(static_cast<unsigned char>(c_lower_byte(c)) == static_cast<unsigned char>(std::tolower(b)));
  }
}
