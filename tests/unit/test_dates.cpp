// Calendar arithmetic and the date value builder (src/normalize/dates.hpp).
#include <catch2/catch.hpp>

#include "normalize/dates.hpp"

using namespace extract;

namespace {

const CivilDate kRef{2025, 3, 18};  // a Tuesday

std::string date_of(const Json& fields, std::optional<CivilDate> ref = kRef) {
  auto v = build_date(fields, ref);
  if (!v) return "<none>";
  if (!v->contains("date")) return "<unresolved>";
  return (*v)["date"].get<std::string>();
}

Fact date_fact(std::size_t start, Json value) {
  Fact f;
  f.type = "date";
  f.span = {start, start + 5};
  f.value = std::move(value);
  return f;
}

}  // namespace

TEST_CASE("calendar arithmetic", "[dates]") {
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(2025, 2) == 28);
  CHECK(days_in_month(1900, 2) == 28);
  CHECK(days_in_month(2000, 2) == 29);
  CHECK(days_in_month(2025, 13) == 0);
  CHECK(weekday(kRef) == 2);
  CHECK(weekday({1970, 1, 1}) == 4);
  CHECK(weekday({1969, 12, 28}) == 7);
  CHECK(add_days({2024, 12, 31}, 1) == CivilDate{2025, 1, 1});
  CHECK(add_days({2024, 3, 1}, -1) == CivilDate{2024, 2, 29});
  CHECK(valid_date(2024, 2, 29));
  CHECK_FALSE(valid_date(2025, 2, 29));
  CHECK_FALSE(valid_date(2025, 4, 31));
}

TEST_CASE("absolute dates at the precision given", "[dates]") {
  CHECK(date_of({{"year", 2025}, {"month", 3}, {"day", 30}}) == "2025-03-30");
  CHECK(date_of({{"year", 2025}, {"month", 3}}) == "2025-03");
  CHECK(date_of({{"year", 2023}}) == "2023");
  CHECK(date_of({{"year", 25}, {"month", 3}, {"day", 18}}) == "2025-03-18");  // "18/3/25"
  CHECK(date_of({{"century", 19}, {"year_of_century", 96}}) == "1996");     // "nineteen ninety-six"
}

TEST_CASE("invalid dates have no value", "[dates]") {
  CHECK(date_of({{"year", 2025}, {"month", 2}, {"day", 31}}) == "<none>");  // 31/2
  CHECK(date_of({{"year", 2025}, {"month", 2}, {"day", 29}}) == "<none>");
  CHECK(date_of({{"year", 2025}, {"month", 13}, {"day", 1}}) == "<none>");
  CHECK(date_of({{"year", 2025}, {"month", 0}}) == "<none>");
  CHECK(date_of({{"year", 2025}, {"month", 4}, {"day", 0}}) == "<none>");
  CHECK(date_of({{"year", 3025}}) == "<none>");
  CHECK(date_of({{"month", 2}, {"day", 30}}) == "<none>");
  CHECK(date_of({{"weekday", 8}}) == "<none>");
  CHECK(date_of({{"century", 5}, {"year_of_century", 96}}) == "<none>");
  CHECK(date_of({{"unit", "fortnight"}, {"offset", 1}}) == "<none>");
  CHECK(date_of({{"unit", "year"}}) == "<none>");  // no offset
  CHECK(date_of(Json::object()) == "<none>");
  // Overflowing fields are refused, not cast.
  CHECK(date_of({{"unit", "year"}, {"offset", 1e300}}) == "<none>");
  CHECK(date_of({{"unit", "day"}, {"count", 1e12}, {"sign", -1}}) == "<none>");
  CHECK(date_of({{"year", 1e19}}) == "<none>");
}

TEST_CASE("a month without a year is placed around the reference", "[dates]") {
  // Default: the reference's month is this year's, up to four months ahead is
  // the coming one, anything else the last one.
  CHECK(date_of({{"month", 3}}) == "2025-03");
  CHECK(date_of({{"month", 1}}) == "2025-01");
  CHECK(date_of({{"month", 7}}) == "2025-07");
  CHECK(date_of({{"month", 8}}) == "2024-08");
  CHECK(date_of({{"month", 12}}) == "2024-12");
  CHECK(date_of({{"month", 1}, {"day", 2}}, CivilDate{1989, 11, 2}) == "1990-01-02");
  CHECK(date_of({{"month", 10}}, CivilDate{1998, 1, 8}) == "1997-10");
  // past: strictly before; future: strictly after.
  CHECK(date_of({{"month", 9}, {"direction", "past"}}) == "2024-09");
  CHECK(date_of({{"month", 3}, {"direction", "past"}}) == "2024-03");
  CHECK(date_of({{"month", 2}, {"direction", "past"}}) == "2025-02");
  CHECK(date_of({{"month", 3}, {"day", 17}, {"direction", "past"}}) == "2025-03-17");
  CHECK(date_of({{"month", 3}, {"day", 18}, {"direction", "past"}}) == "2024-03-18");
  CHECK(date_of({{"month", 12}, {"direction", "future"}}) == "2025-12");
  CHECK(date_of({{"month", 2}, {"direction", "future"}}) == "2026-02");
  CHECK(date_of({{"month", 6}, {"year_offset", -1}}) == "2024-06");  // "June last year"
  CHECK(date_of({{"month", 1}, {"year_offset", 0}}) == "2025-01");
  // No reference: kept unresolved, never guessed.
  auto v = build_date({{"month", 9}, {"direction", "past"}}, std::nullopt);
  REQUIRE(v);
  CHECK((*v)["resolved"] == false);
  CHECK((*v)["month"] == 9);
}

TEST_CASE("weekdays", "[dates]") {
  CHECK(date_of({{"weekday", 2}}) == "2025-03-18");  // the same day
  CHECK(date_of({{"weekday", 1}}) == "2025-03-17");
  CHECK(date_of({{"weekday", 5}}) == "2025-03-14");
  CHECK(date_of({{"weekday", 2}, {"direction", "past"}}) == "2025-03-11");  // "last Tuesday"
  CHECK(date_of({{"weekday", 1}, {"direction", "past"}}) == "2025-03-17");
  CHECK(date_of({{"weekday", 2}, {"direction", "future"}}) == "2025-03-25");
  CHECK(date_of({{"weekday", 1}, {"direction", "future"}}) == "2025-03-24");
  CHECK(date_of({{"weekday", 1}}, std::nullopt) == "<unresolved>");
}

TEST_CASE("relative to the reference", "[dates]") {
  CHECK(date_of({{"unit", "day"}, {"offset", -1}}) == "2025-03-17");
  CHECK(date_of({{"unit", "year"}, {"offset", -1}}) == "2024");
  CHECK(date_of({{"unit", "month"}, {"offset", 1}}) == "2025-04");
  CHECK(date_of({{"unit", "month"}, {"offset", -3}}) == "2024-12");
  CHECK(date_of({{"unit", "month"}, {"count", 3}, {"sign", -1}}) == "2024-12");
  // Weeks in ISO 8601: the week-numbering year is that of the week's Thursday.
  CHECK(date_of({{"unit", "week"}, {"offset", -1}}) == "2025-W11");
  CHECK(date_of({{"unit", "week"}, {"offset", 0}}, CivilDate{2024, 12, 30}) == "2025-W01");
  CHECK(date_of({{"unit", "week"}, {"offset", 0}}, CivilDate{2021, 1, 3}) == "2020-W53");
  auto v = build_date({{"unit", "year"}, {"offset", 0}, {"modifier", "start"}}, kRef);
  REQUIRE(v);
  CHECK(*v == Json{{"date", "2025"}, {"modifier", "start"}});
  CHECK(date_of({{"unit", "day"}, {"offset", -1}}, std::nullopt) == "<unresolved>");
}

TEST_CASE("shift_date keeps the precision of the unit", "[dates]") {
  CHECK(shift_date("2024-09", "month", 3) == std::optional<std::string>("2024-12"));
  CHECK(shift_date("2024-11", "month", 3) == std::optional<std::string>("2025-02"));
  CHECK(shift_date("2024-09-30", "day", 2) == std::optional<std::string>("2024-10-02"));
  CHECK(shift_date("2024-09-30", "year", 1) == std::optional<std::string>("2025"));
  CHECK(shift_date("2024-09-30", "week", 1) == std::optional<std::string>("2024-W41"));
  CHECK_FALSE(shift_date("2024", "month", 3));        // not precise enough
  CHECK_FALSE(shift_date("2024-09", "day", 3));
  CHECK_FALSE(shift_date("2024-W11", "week", 1));
  CHECK_FALSE(shift_date("September", "month", 1));
  CHECK_FALSE(shift_date("2024-02-30", "day", 1));
  CHECK_FALSE(shift_date("2024-13", "month", 1));
}

TEST_CASE("anchored dates count from the previous date of the text", "[dates]") {
  const Json anchored = {{"resolved", false}, {"unit", "month"}, {"count", 3}, {"sign", 1}, {"anchor", "previous"}};
  auto built = build_date({{"unit", "month"}, {"count", 3}, {"sign", 1}, {"anchor", "previous"}}, kRef);
  REQUIRE(built);
  CHECK((*built)["resolved"] == false);  // left for resolve_anchored_dates

  std::vector<Fact> facts = {date_fact(0, {{"date", "2024-09"}}), date_fact(10, anchored)};
  resolve_anchored_dates(facts);
  CHECK(facts[1].value == Json{{"date", "2024-12"}, {"relative_to", "2024-09"}});

  // The closest earlier date counts, including a resolved anchored one.
  std::vector<Fact> chain = {date_fact(0, {{"date", "2020-01"}}), date_fact(10, {{"date", "2024-09"}}),
                             date_fact(20, anchored), date_fact(30, anchored)};
  resolve_anchored_dates(chain);
  CHECK(chain[2].value["date"] == "2024-12");
  CHECK(chain[3].value["date"] == "2025-03");

  // Nothing before it, or an anchor too coarse: stays unresolved.
  std::vector<Fact> alone = {date_fact(0, anchored)};
  resolve_anchored_dates(alone);
  CHECK(alone[0].value["resolved"] == false);
  std::vector<Fact> coarse = {date_fact(0, {{"date", "2024"}}), date_fact(10, anchored)};
  resolve_anchored_dates(coarse);
  CHECK(coarse[1].value["resolved"] == false);
}
