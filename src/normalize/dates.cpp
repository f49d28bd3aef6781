#include "normalize/dates.hpp"

#include <fmt/format.h>

#include "normalize/numbers.hpp"

namespace extract {

using namespace std::string_view_literals;

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

// No date field is beyond a billion; larger values (and NaN, infinities) are
// rejected before the cast to long, which would be undefined for them, and so
// that count * sign and offset arithmetic cannot overflow.
constexpr double kMaxDateField = 1e9;

std::optional<long> get_int(const Json& fields, std::string_view key) {
  auto it = fields.find(key);
  if (it == fields.end() || it->is_null()) return std::nullopt;
  if (it->is_number()) {
    const double v = it->get<double>();
    if (!(v >= -kMaxDateField && v <= kMaxDateField)) return std::nullopt;
    return static_cast<long>(v);
  }
  if (it->is_string()) {
    try {
      const long v = std::stol(it->get<std::string>());
      if (v < -kMaxDateField || v > kMaxDateField) return std::nullopt;
      return v;
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
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

namespace {

// The year of a month (and day) written without a year, placed against the
// reference by `direction`:
//   past     the last such month (day) strictly before the reference
//   future   the first one strictly after it
//   (none)   the nearest reading: the reference's own month is this year's; a
//            month up to 4 months ahead is the coming one, any other the last
//            one before. News looks back more than ahead, and the 4-month window
//            was set on the TimeBank dev set (docs/figures.md, "Dates").
int place_month(int month, std::optional<long> day, const std::string& direction, const CivilDate& ref) {
  int y = ref.year;
  const int ref_m = ref.month;
  if (direction == "past"sv) {
    if (month > ref_m || (month == ref_m && (!day || *day >= ref.day))) --y;
  } else if (direction == "future"sv) {
    if (month < ref_m || (month == ref_m && (!day || *day <= ref.day))) ++y;
  } else {
    const int ahead = ((month - ref_m) % 12 + 12) % 12;
    if (ahead == 0) return y;
    if (ahead <= 4) return month < ref_m ? y + 1 : y;
    return month > ref_m ? y - 1 : y;
  }
  return y;
}

}  // namespace

std::optional<Json> build_date(const Json& fields, const std::optional<CivilDate>& reference) {
  Json out = Json::object();
  const std::string modifier = string_at(fields, "modifier");
  const std::string direction = string_at(fields, "direction");
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
  const std::string unit = string_at(fields, "unit");

  // A spoken year: "nineteen ninety-six" = century 19, year_of_century 96.
  if (!year) {
    auto century = get_int(fields, "century");
    auto yy = get_int(fields, "year_of_century");
    if (century && yy) {
      if (*century < 10 || *century > 29 || *yy < 0 || *yy > 99) return std::nullopt;
      year = *century * 100 + *yy;
    }
  }
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
    if (unit != "day"sv && unit != "week"sv && unit != "month"sv && unit != "year"sv) return std::nullopt;
    // Anchored to the previous date of the text ("tiga bulan kemudian"): left
    // for resolve_anchored_dates, which sees the other facts.
    if (!reference || string_at(fields, "anchor") == "previous"sv) return unresolved();
    const CivilDate r = *reference;
    if (unit == "day"sv) return finish(format_iso(add_days(r, *offset)));
    if (unit == "week"sv) return finish(iso_week(add_days(r, *offset * 7)));
    if (unit == "month"sv) {
      long m = r.year * 12L + (r.month - 1) + *offset;
      return finish(fmt::format("{:04d}-{:02d}", m / 12, m % 12 + 1));
    }
    return finish(fmt::format("{:04d}", r.year + *offset));
  }

  // A year relative to the reference, for a month: "January this year",
  // "June last year", "this September".
  if (!year) {
    if (auto year_offset = get_int(fields, "year_offset")) {
      if (!reference) return unresolved();
      year = reference->year + *year_offset;
    }
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
    const int y = place_month(static_cast<int>(*month), day, direction, *reference);
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
    if (direction == "future"sv) {
      delta = (*wday - ref_w + 7) % 7;
      if (delta == 0) delta = 7;
    } else {
      delta = -((ref_w - *wday + 7) % 7);
      if (delta == 0 && direction == "past"sv) delta = -7;  // "last Monday" said on a Monday
    }
    return finish(format_iso(add_days(*reference, delta)));
  }
  return std::nullopt;
}

std::optional<std::string> shift_date(const std::string& anchor, const std::string& unit, long offset) {
  static const char* kDigits = "0123456789";
  auto all_digits = [&](std::size_t from, std::size_t n) {
    return anchor.size() >= from + n && anchor.find_first_not_of(kDigits, from) >= from + n;
  };
  // The anchor's precision: YYYY, YYYY-MM or YYYY-MM-DD.
  int precision = 0;
  if (anchor.size() == 4 && all_digits(0, 4)) precision = 1;
  else if (anchor.size() == 7 && all_digits(0, 4) && anchor[4] == '-' && all_digits(5, 2)) precision = 2;
  else if (auto d = parse_iso_date(anchor); d && anchor.size() == 10) precision = 3;
  if (precision == 2 && (std::stoi(anchor.substr(5, 2)) < 1 || std::stoi(anchor.substr(5, 2)) > 12)) precision = 0;
  if (precision == 0) return std::nullopt;
  const int y = std::stoi(anchor.substr(0, 4));
  if (unit == "year"sv) return fmt::format("{:04d}", y + offset);
  if (unit == "month"sv) {
    if (precision < 2) return std::nullopt;
    long m = y * 12L + (std::stoi(anchor.substr(5, 2)) - 1) + offset;
    return fmt::format("{:04d}-{:02d}", m / 12, m % 12 + 1);
  }
  if (precision < 3) return std::nullopt;
  const CivilDate d = *parse_iso_date(anchor);
  if (unit == "day"sv) return format_iso(add_days(d, offset));
  if (unit == "week"sv) return iso_week(add_days(d, offset * 7));
  return std::nullopt;
}

void resolve_anchored_dates(std::vector<Fact>& facts) {
  const Fact* previous = nullptr;  // the last date fact with a calendar value
  for (auto& f : facts) {
    if (f.type != "date"sv) continue;
    const Json& v = f.value;
    auto anchor = v.find("anchor");
    if (anchor != v.end() && *anchor == "previous"sv && v.value("resolved", true) == false) {
      if (!previous) continue;
      auto offset = get_int(v, "offset");
      if (!offset) {
        auto count = get_int(v, "count");
        auto sign = get_int(v, "sign");
        if (count && sign) offset = *count * *sign;
      }
      const std::string from = previous->value["date"].get<std::string>();
      auto shifted = offset ? shift_date(from, string_at(v, "unit"), *offset) : std::nullopt;
      if (!shifted) continue;
      Json out = Json::object();
      out["date"] = *shifted;
      out["relative_to"] = from;
      if (v.contains("modifier")) out["modifier"] = v["modifier"];
      f.value = std::move(out);
    }
    auto date = f.value.find("date");
    if (date != f.value.end() && date->is_string()) previous = &f;
  }
}

}  // namespace extract
