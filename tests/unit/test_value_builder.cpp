// From captures to typed values (src/normalize/value_builder.hpp), with rules
// written for the test.
#include <catch2/catch.hpp>

#include "engine/compiled_rules.hpp"
#include "normalize/value_builder.hpp"
#include "test_support.hpp"

using namespace extract;
using extract::testing::load_from;
using extract::testing::TempDir;

namespace {

const char* kRules = R"(
lexicons:
  cur: {case: sensitive, entries: {"$": USD, "Rp": IDR, "€": EUR}}
  scale: {entries: {juta: 1000000, miliar: 1000000000, million: 1000000, billion: 1000000000}}
  qual: {entries: {lebih dari: more_than, up to: up_to}}
  words: {entries: {dua: 2, empat: 4, puluh: {mul: 10}, ribu: {mul: 1000}}}
  vague: {entries: {ribuan: {approximate: true, magnitude: 1000}}}
  tunit: {entries: {bulan: M, detik: S, tahun: Y, jam: H, menit: MIN, dekade: DEC}}
  units: {entries: {kaki persegi: square_foot}}
rules:
  - id: t.money_id
    type: money
    pattern: '(?:(?P<qualifier>lebih dari|up to)\s+)?(?P<currency>\$|Rp|€)\s?(?P<amount>[\d.,]*\d)(?:\s+(?P<scale>juta|miliar|million|billion))?'
    fields: {qualifier: lexicon:qual, currency: lexicon:cur, amount: number, scale: lexicon:scale}
  - id: t.money_en
    type: money
    pattern: 'USD\s(?P<amount>[\d.,]*\d)'
    fields: {amount: number}
    value: {currency: USD}
  - id: t.no_currency
    type: money
    pattern: 'sum of (?P<amount>\d+)'
    fields: {amount: number}
  - id: t.percent
    type: percent
    pattern: '(?P<amount>[\d.,]*\d)\s?persen'
    fields: {amount: number_id}
  - id: t.quantity
    type: quantity
    pattern: '(?P<amount>[\d.,]*\d)\s(?P<unit>kaki persegi|chip)'
    fields: {amount: number_id, unit: lexicon:units}
  - id: t.count
    type: quantity
    pattern: '(?P<amount>[\d.,]*\d)\s(?P<unit>kartu grafis)'
    fields: {amount: number_id, unit: text}
  - id: t.vague
    type: quantity
    pattern: '(?P<_v>ribuan)\s(?P<unit>GPU)'
    fields: {_v: lexicon:vague, unit: text}
  - id: t.resolution
    type: quantity
    pattern: '(?P<width>\d+)x(?P<height>\d+)'
    fields: {width: int, height: int}
    value: {unit: pixel}
  - id: t.duration
    type: duration
    pattern: '(?:(?P<qualifier>up to)\s)?(?P<amount>\d+|dua|empat|dua puluh)\s(?P<unit>bulan|detik|tahun|jam|menit|dekade)'
    fields: {qualifier: lexicon:qual, amount: numword:words, unit: lexicon:tunit}
  - id: t.bad_unit
    type: duration
    pattern: '(?P<amount>\d+) fortnights'
    fields: {amount: int}
    value: {unit: FN}
  - id: t.number
    type: number
    pattern: 'n=(?P<amount>[\d.,]+)'
    fields: {amount: number}
  - id: t.date
    type: date
    pattern: '(?P<day>\d+)/(?P<month>\d+)/(?P<year>\d{4})'
    fields: {day: int, month: int, year: int}
)";

struct Built {
  std::string rule;
  std::optional<Json> value;
  std::string why;
};

// Every candidate of `text` with its value (or why it has none).
std::vector<Built> build_all(const std::string& text, const std::string& lang = "id") {
  static TempDir dir;
  static Diagnostics diags;
  static const RuleSet set = load_from({{"r.yaml", kRules}}, diags, dir);
  static const Scanner scanner(set);
  REQUIRE_FALSE(diags.has_errors());
  BuildContext ctx{text, lang, CivilDate{2025, 3, 18}};
  std::vector<Built> out;
  for (const auto& c : scanner.scan(text, lang)) {
    Built b;
    b.rule = set.rules[c.rule_index].id;
    b.value = build_value(set, c, ctx, &b.why);
    out.push_back(std::move(b));
  }
  return out;
}

// The value built by `rule` on `text`; a JSON null when it has none.
Json value_of(const std::string& rule, const std::string& text, const std::string& lang = "id") {
  for (const auto& b : build_all(text, lang))
    if (b.rule == rule) return b.value ? *b.value : Json(nullptr);
  return Json("<no match>");
}

}  // namespace

TEST_CASE("money: amount, scale, currency, qualifier", "[value_builder]") {
  CHECK(value_of("t.money_id", "lebih dari $5 miliar") ==
        Json{{"amount", 5000000000}, {"currency", "USD"}, {"qualifier", "more_than"}});
  CHECK(value_of("t.money_id", "Rp 1,5 miliar") == Json{{"amount", 1500000000}, {"currency", "IDR"}});
  CHECK(value_of("t.money_id", "Rp1.500.000") == Json{{"amount", 1500000}, {"currency", "IDR"}});
  // The document language decides the separators for `number`.
  CHECK(value_of("t.money_en", "USD 1.500", "en") == Json{{"amount", 1.5}, {"currency", "USD"}});
  CHECK(value_of("t.money_id", "€2 billion", "en") == Json{{"amount", 2000000000}, {"currency", "EUR"}});
}

TEST_CASE("money without a parsable amount or a currency has no value", "[value_builder]") {
  CHECK(value_of("t.money_id", "Rp 1.2.3") == Json(nullptr));  // malformed numeral
  CHECK(value_of("t.no_currency", "a sum of 40") == Json(nullptr));
  CHECK(value_of("t.money_id", "Rp 99999999999999999999") == Json(nullptr));  // overflow
  // A lone currency sign does not match at all.
  CHECK(value_of("t.money_id", "tanda Rp saja") == Json("<no match>"));
}

TEST_CASE("percentages and quantities", "[value_builder]") {
  CHECK(value_of("t.percent", "12,5 persen") == Json{{"percent", 12.5}});
  CHECK(value_of("t.quantity", "750.000 kaki persegi") == Json{{"amount", 750000}, {"unit", "square_foot"}});
  CHECK(value_of("t.count", "100.000 kartu grafis") == Json{{"amount", 100000}, {"unit", "kartu grafis"}});
  CHECK(value_of("t.resolution", "1280x720") == Json{{"width", 1280}, {"height", 720}, {"unit", "pixel"}});
  CHECK(value_of("t.number", "n=200.000") == Json{{"amount", 200000}});
  CHECK(value_of("t.number", "n=1.2.3") == Json(nullptr));
  // Vague amounts: approximate with a magnitude, no amount; the private
  // capture `_v` is not part of the value.
  CHECK(value_of("t.vague", "ribuan GPU") == Json{{"approximate", true}, {"magnitude", 1000}, {"unit", "GPU"}});
}

TEST_CASE("durations in ISO 8601", "[value_builder]") {
  CHECK(value_of("t.duration", "empat bulan") == Json{{"duration", "P4M"}});
  CHECK(value_of("t.duration", "dua puluh tahun") == Json{{"duration", "P20Y"}});
  CHECK(value_of("t.duration", "up to 10 detik") == Json{{"duration", "PT10S"}, {"qualifier", "up_to"}});
  CHECK(value_of("t.duration", "36 jam") == Json{{"duration", "PT36H"}});
  CHECK(value_of("t.duration", "5 menit") == Json{{"duration", "PT5M"}});
  CHECK(value_of("t.duration", "2 dekade") == Json{{"duration", "P20Y"}});
  CHECK(value_of("t.bad_unit", "3 fortnights") == Json(nullptr));
  CHECK(iso_duration(1.5, "Y") == std::optional<std::string>("P1.5Y"));
  CHECK(iso_duration(2, "W") == std::optional<std::string>("P2W"));
  CHECK_FALSE(iso_duration(-1, "Y"));
  CHECK_FALSE(iso_duration(3, "fortnight"));
}

TEST_CASE("dates go through build_date", "[value_builder]") {
  CHECK(value_of("t.date", "18/3/2025") == Json{{"date", "2025-03-18"}});
  CHECK(value_of("t.date", "31/2/2025") == Json(nullptr));  // no 31 February
  CHECK(value_of("t.date", "1/13/2025") == Json(nullptr));
}

TEST_CASE("why a value is missing is said", "[value_builder]") {
  for (const auto& b : build_all("Rp 1.2.3 and a sum of 40"))
    if (!b.value) CHECK_FALSE(b.why.empty());
}
