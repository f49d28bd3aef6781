// The number and date normalizers: parse_number, parse_number_words and
// build_date (from fuzzed fields and reference dates), with number_json on
// every result.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_check.hpp"
#include "normalize/dates.hpp"
#include "normalize/numbers.hpp"
#include "normalize/value_builder.hpp"
#include "rules/rule_set.hpp"

using namespace extract;

namespace {

// A small number-word lexicon of our own, in the shape the `numword:`
// normalizer expects: units, multipliers {mul}, additions {add}, skips.
const Lexicon& words() {
  static const Lexicon lex = [] {
    Lexicon l;
    l.name = "fuzz_words";
    const char* units[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
    for (int i = 0; i < 10; ++i) l.add(units[i], i);
    l.add("ten", 10);
    l.add("twenty", 20);
    l.add("ninety", 90);
    l.add("satu", 1);
    l.add("se", 1);
    l.add("dua", 2);
    l.add("sembilan", 9);
    l.add("hundred", Json{{"mul", 100}});
    l.add("thousand", Json{{"mul", 1000}});
    l.add("million", Json{{"mul", 1000000}});
    l.add("billion", Json{{"mul", 1e9}});
    l.add("trillion", Json{{"mul", 1e12}});
    l.add("puluh", Json{{"mul", 10}});
    l.add("ratus", Json{{"mul", 100}});
    l.add("ribu", Json{{"mul", 1000}});
    l.add("juta", Json{{"mul", 1e6}});
    l.add("belas", Json{{"add", 10}});
    l.add("and", Json{{"skip", true}});
    l.add("odd", Json::array());
    return l;
  }();
  return lex;
}

void check_number(const std::optional<double>& v, const char* what) {
  if (!v) return;
  FUZZ_CHECK(std::isfinite(*v) && *v >= 0 && *v < 1e18, std::string(what) + ": value in [0, 1e18)");
  const Json j = number_json(*v);
  FUZZ_CHECK(j.is_number(), std::string(what) + ": number_json gives a number");
}

Json fuzzed_scalar(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 5)) {
    case 0: return in.ConsumeIntegralInRange<long long>(-40, 4000);
    case 1: return in.ConsumeIntegral<long long>();
    case 2: return in.ConsumeFloatingPoint<double>();
    case 3: return in.ConsumeRandomLengthString(24);
    case 4: return nullptr;
    default: return in.ConsumeBool();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0: {
      const std::string s = in.ConsumeRemainingBytesAsString();
      check_number(parse_number(s, NumberStyle::en), "parse_number en");
      check_number(parse_number(s, NumberStyle::id), "parse_number id");
      break;
    }
    case 1: {
      const std::string s = in.ConsumeRemainingBytesAsString();
      check_number(parse_number_words(s, words()), "parse_number_words");
      break;
    }
    case 2: {
      // build_date from any mix of its fields, with or without a reference.
      static const char* const kKeys[] = {"year", "month", "day", "weekday", "direction", "unit",
                                          "offset", "count", "sign", "modifier"};
      static const char* const kStrings[] = {"past", "future", "day", "week", "month", "year", "start", "end"};
      Json fields = Json::object();
      const int n = in.ConsumeIntegralInRange(0, 6);
      for (int i = 0; i < n; ++i) {
        const char* key = in.PickValueInArray(kKeys);
        fields[key] = in.ConsumeBool() ? Json(in.PickValueInArray(kStrings)) : fuzzed_scalar(in);
      }
      std::optional<CivilDate> ref;
      if (in.ConsumeBool())
        ref = CivilDate{in.ConsumeIntegralInRange(1000, 2999), in.ConsumeIntegralInRange(1, 12),
                        in.ConsumeIntegralInRange(1, 28)};
      auto v = build_date(fields, ref);
      if (v) {
        FUZZ_CHECK(v->is_object(), "build_date gives an object");
        (void)dump_json(*v);
      }
      break;
    }
    default: {
      const double amount = in.ConsumeFloatingPoint<double>();
      static const char* const kUnits[] = {"Y", "M", "W", "D", "H", "MIN", "S", "X", ""};
      (void)iso_duration(amount, in.PickValueInArray(kUnits));
      (void)number_json(amount);
      break;
    }
  }
  return 0;
}
