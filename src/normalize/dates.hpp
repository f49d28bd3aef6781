// Calendar arithmetic and the date value builder.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/document.hpp"

namespace extract {

int days_in_month(int year, int month);
// ISO weekday: 1 = Monday ... 7 = Sunday.
int weekday(const CivilDate& d);
CivilDate add_days(const CivilDate& d, long days);
bool valid_date(int year, int month, int day);

// Builds a date value from its fields (all optional, as produced by the
// rule's field normalizers and constants):
//   year, month, day        absolute parts ("30 Maret 2025", "18/3/2025")
//   century, year_of_century    a spoken year ("nineteen ninety-six": 19, 96)
//   year_offset             a year relative to the reference, for a month
//                           ("June last year": month 6, year_offset -1)
//   weekday                 1-7; resolved to the nearest such day on or before
//                           the reference ("Tuesday"); strictly before it with
//                           direction: past ("last Tuesday"), after it with future
//   direction               past | future: for a month or weekday without year
//                           ("September lalu" = the last September strictly before
//                           the reference). Without a direction a month is placed
//                           at its nearest reading: up to 4 months ahead = coming,
//                           else the last one (see place_month in dates.cpp)
//   unit, offset, count, sign   relative: day|week|month|year, offset (signed)
//                           or count * sign ("tiga bulan lalu": count 3, sign -1)
//   anchor: previous        the offset counts from the previous date of the text,
//                           not the reference ("tiga bulan kemudian"); left
//                           unresolved here, see resolve_anchored_dates
//   modifier                start | mid | end ("awal tahun ini"), passed through
// `reference` is the publication date. Returns {"date": "YYYY[-MM[-DD]]"} (or
// "YYYY-Www" for week units), {"resolved": false, ...} when a reference is needed
// but missing, or nullopt when the fields do not form a valid date.
std::optional<Json> build_date(const Json& fields, const std::optional<CivilDate>& reference);

// `anchor` ("YYYY", "YYYY-MM" or "YYYY-MM-DD") moved by `offset` units (day,
// week, month, year), at the precision of the unit: ("2024-09", "month", 3) ->
// "2024-12"; ("2024-09-30", "week", 1) -> "2024-W41". nullopt when the anchor is
// not that precise ("2024" + 3 months) or not a date.
std::optional<std::string> shift_date(const std::string& anchor, const std::string& unit, long offset);

// Resolves the date facts left with {resolved: false, anchor: "previous"}
// against the closest earlier date fact that has a date value. `facts` must be
// sorted by position. Unanchorable ones stay unresolved, never guessed.
void resolve_anchored_dates(std::vector<Fact>& facts);

}  // namespace extract
