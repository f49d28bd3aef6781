#include "normalize/dates.hpp"

#include <fmt/format.h>

#include "normalize/numbers.hpp"

namespace extract {

namespace {

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Days since 1970-01-01 (proleptic Gregorian), after H. Hinnant's algorithm.
long to_days(const CivilDate& d) {
  const int y = d.year - (d.month <= 2);
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

CivilDate from_days(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

std::optional<long> get_int(const Json& fields, const char* key) {
  auto it = fields.find(key);
  if (it == fields.end() || it->is_null()) return std::nullopt;
  if (it->is_number()) return static_cast<long>(it->get<double>());
  if (it->is_string()) {
    try {
      return std::stol(it->get<std::string>());
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string get_str(const Json& fields, const char* key) {
  auto it = fields.find(key);
  return (it != fields.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

std::string iso_week(const CivilDate& d) {
  // The ISO week-numbering year is the year of the week's Thursday.
  const CivilDate thursday = add_days(d, 4 - weekday(d));
  const long first = to_days({thursday.year, 1, 1});
  const long week = (to_days(thursday) - first) / 7 + 1;
  return fmt::format("{:04d}-W{:02d}", thursday.year, week);
}

}  // namespace

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && leap(year) ? 29 : days[month - 1];
}

bool valid_date(int year, int month, int day) {
  return year >= 1000 && year <= 2999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= days_in_month(year, month);
}

int weekday(const CivilDate& d) {
  const long z = to_days(d);
  return static_cast<int>(z >= -3 ? (z + 3) % 7 + 1 : (z + 4) % 7 + 7);
}

CivilDate add_days(const CivilDate& d, long days) { return from_days(to_days(d) + days); }

std::optional<Json> build_date(const Json& fields, const std::optional<CivilDate>& reference) {
  Json out = Json::object();
  const std::string modifier = get_str(fields, "modifier");
  const std::string direction = get_str(fields, "direction");
  auto finish = [&](std::string iso) -> Json {
    out["date"] = std::move(iso);
    if (!modifier.empty()) out["modifier"] = modifier;
    return out;
  };
  auto unresolved = [&]() -> Json {
    Json u = Json::object();
    u["resolved"] = false;
    for (auto it = fields.begin(); it != fields.end(); ++it) u[it.key()] = it.value();
    return u;
  };

  auto year = get_int(fields, "year");
  auto month = get_int(fields, "month");
  auto day = get_int(fields, "day");
  auto wday = get_int(fields, "weekday");
  const std::string unit = get_str(fields, "unit");

  if (year) year = expand_year(static_cast<int>(*year));
  if (month && (*month < 1 || *month > 12)) return std::nullopt;
  if (day && (*day < 1 || *day > 31)) return std::nullopt;

  // Relative to the reference: "last year", "tiga bulan lalu", "kemarin".
  if (!unit.empty()) {
    std::optional<long> offset = get_int(fields, "offset");
    if (!offset) {
      auto count = get_int(fields, "count");
      auto sign = get_int(fields, "sign");
      if (count && sign) offset = *count * *sign;
    }
    if (!offset) return std::nullopt;
    if (!reference) return unresolved();
    const CivilDate r = *reference;
    if (unit == "day") return finish(format_iso(add_days(r, *offset)));
    if (unit == "week") return finish(iso_week(add_days(r, *offset * 7)));
    if (unit == "month") {
      long m = r.year * 12L + (r.month - 1) + *offset;
      return finish(fmt::format("{:04d}-{:02d}", m / 12, m % 12 + 1));
    }
    if (unit == "year") return finish(fmt::format("{:04d}", r.year + *offset));
    return std::nullopt;
  }

  if (year && month && day) {
    if (!valid_date(static_cast<int>(*year), static_cast<int>(*month), static_cast<int>(*day)))
      return std::nullopt;
    return finish(fmt::format("{:04d}-{:02d}-{:02d}", *year, *month, *day));
  }
  if (year && month) {
    if (*year < 1000 || *year > 2999) return std::nullopt;
    return finish(fmt::format("{:04d}-{:02d}", *year, *month));
  }
  if (year && !day) {
    if (*year < 1000 || *year > 2999) return std::nullopt;
    return finish(fmt::format("{:04d}", *year));
  }
  if (month) {
    // No year: place the month (and day) relative to the reference.
    if (!reference) return unresolved();
    int y = reference->year;
    const int ref_m = reference->month;
    if (direction == "past" && (*month > ref_m || (*month == ref_m && !day))) --y;
    if (direction == "past" && day && *month == ref_m && *day >= reference->day) --y;
    if (direction == "future" && (*month < ref_m || (*month == ref_m && (!day || *day <= reference->day)))) ++y;
    if (day) {
      if (!valid_date(y, static_cast<int>(*month), static_cast<int>(*day))) return std::nullopt;
      return finish(fmt::format("{:04d}-{:02d}-{:02d}", y, *month, *day));
    }
    return finish(fmt::format("{:04d}-{:02d}", y, *month));
  }
  if (wday) {
    if (*wday < 1 || *wday > 7) return std::nullopt;
    if (!reference) return unresolved();
    const int ref_w = weekday(*reference);
    long delta;
    if (direction == "future") {
      delta = (*wday - ref_w + 7) % 7;
      if (delta == 0) delta = 7;
    } else {
      delta = -((ref_w - *wday + 7) % 7);
    }
    return finish(format_iso(add_days(*reference, delta)));
  }
  return std::nullopt;
}

}  // namespace extract
