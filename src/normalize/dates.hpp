// Calendar arithmetic and the date value builder.
#pragma once

#include <optional>
#include <string>

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
//   weekday                 1-7; resolved to the nearest such day on or before
//                           the reference ("Tuesday"), after it with direction: future
//   direction               past | future: for a month or weekday without year
//                           ("September lalu" = the last September before the reference)
//   unit, offset, count, sign   relative: day|week|month|year, offset (signed)
//                           or count * sign ("tiga bulan lalu": count 3, sign -1)
//   modifier                start | mid | end ("awal tahun ini"), passed through
// `reference` is the publication date. Returns {"date": "YYYY[-MM[-DD]]"} (or
// "YYYY-Www" for week units), {"resolved": false, ...} when a reference is needed
// but missing, or nullopt when the fields do not form a valid date.
std::optional<Json> build_date(const Json& fields, const std::optional<CivilDate>& reference);

}  // namespace extract
