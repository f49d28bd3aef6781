#include "normalize/value_builder.hpp"

#include <cmath>

#include <fmt/format.h>

#include "normalize/dates.hpp"
#include "normalize/numbers.hpp"

namespace extract {

using namespace std::string_view_literals;

namespace {

NumberStyle style_for(Normalizer normalizer, const Rule& rule, const std::string& doc_lang) {
  if (normalizer == Normalizer::number_id) return NumberStyle::id;
  if (normalizer == Normalizer::number_en) return NumberStyle::en;
  const std::string& lang = rule.lang.empty() ? doc_lang : rule.lang;
  return lang == "id"sv ? NumberStyle::id : NumberStyle::en;
}

std::string collapse(std::string_view s) { return Lexicon::fold(s, false); }

// An entity name: white space collapsed, trailing punctuation dropped.
std::string clean_name(std::string_view s) {
  std::string out = collapse(s);
  while (!out.empty() && (out.back() == ',' || out.back() == ';' || out.back() == ':')) out.pop_back();
  return out;
}

std::optional<double> get_number(const Json& fields, std::string_view key) {
  auto it = fields.find(key);
  if (it == fields.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

void copy_except(const Json& from, Json& to, std::initializer_list<std::string_view> skip) {
  for (auto it = from.begin(); it != from.end(); ++it) {
    bool skipped = false;
    for (const std::string_view s : skip) skipped |= it.key() == s;
    if (!skipped && !to.contains(it.key())) to[it.key()] = it.value();
  }
}

// Figure values leave out fields whose name starts with '_': captures that only
// carry a lexicon value into the other fields ("ribuan" -> approximate,
// magnitude), whose text is the fact's text anyway.
void drop_private_fields(Json& v) {
  for (auto it = v.begin(); it != v.end();) {
    if (!it.key().empty() && it.key()[0] == '_') it = v.erase(it);
    else ++it;
  }
}

// amount * scale, with a lone scale meaning one ("a billion").
std::optional<double> scaled_amount(const Json& fields) {
  auto amount = get_number(fields, "amount");
  auto scale = get_number(fields, "scale");
  if (!amount && !scale) return std::nullopt;
  return amount.value_or(1.0) * scale.value_or(1.0);
}

std::optional<Json> build_money(const Json& f, std::string* why) {
  auto amount = scaled_amount(f);
  if (!amount) {
    *why = "no amount";
    return std::nullopt;
  }
  auto cur = f.find("currency");
  if (cur == f.end() || !cur->is_string() || cur->get<std::string>().empty()) {
    *why = "no currency";
    return std::nullopt;
  }
  Json v = Json::object();
  v["amount"] = number_json(*amount);
  v["currency"] = *cur;
  copy_except(f, v, {"amount", "scale", "currency"});
  return v;
}

std::optional<Json> build_scaled(const Json& f, const char* key, std::string* why) {
  auto amount = scaled_amount(f);
  Json v = Json::object();
  if (amount) {
    v[key] = number_json(*amount);
  } else if (!f.contains("approximate") && !(f.contains("width") && f.contains("height"))) {
    *why = "no amount";
    return std::nullopt;
  }
  copy_except(f, v, {"amount", "scale"});
  return v;
}

std::optional<Json> build_duration(const Json& f, std::string* why) {
  auto amount = scaled_amount(f);
  auto unit = f.find("unit");
  if (!amount || unit == f.end() || !unit->is_string()) {
    *why = "a duration needs an amount and a unit";
    return std::nullopt;
  }
  auto iso = iso_duration(*amount, unit->get<std::string>());
  if (!iso) {
    *why = "unknown duration unit '" + unit->get<std::string>() + "'";
    return std::nullopt;
  }
  Json v = Json::object();
  v["duration"] = *iso;
  copy_except(f, v, {"amount", "scale", "unit"});
  return v;
}

}  // namespace

std::optional<std::string> iso_duration(double amount, std::string_view unit) {
  if (!(amount >= 0) || amount >= 1e9) return std::nullopt;
  std::string n = number_json(amount).dump();
  if (unit == "Y"sv || unit == "M"sv || unit == "W"sv || unit == "D"sv) return "P" + n + std::string(unit);
  if (unit == "H"sv) return "PT" + n + "H";
  if (unit == "MIN"sv) return "PT" + n + "M";
  if (unit == "S"sv) return "PT" + n + "S";
  if (unit == "DEC"sv) return "P" + number_json(amount * 10).dump() + "Y";
  if (unit == "CENT"sv) return "P" + number_json(amount * 100).dump() + "Y";
  return std::nullopt;
}

std::optional<Json> normalize_fields(const RuleSet& rules, const Candidate& c, const BuildContext& ctx,
                                     std::string* why) {
  const Rule& rule = rules.rules[c.rule_index];
  Json fields = Json::object();
  fields.get_ref<Json::object_t&>().reserve(c.captures.size() + rule.constants.size());
  for (const auto& [name, span] : c.captures) {
    if (fields.contains(name)) continue;  // first non-empty branch wins
    const std::string_view raw = ctx.text.substr(span.start, span.size());
    if (raw.empty()) continue;
    static const std::string kNone;
    auto spec_it = rule.fields.find(name);
    const Normalizer normalizer = spec_it == rule.fields.end() ? Normalizer::text : spec_it->second.kind;
    const std::string& arg = spec_it == rule.fields.end() ? kNone : spec_it->second.arg;
    switch (normalizer) {
      case Normalizer::text:
        fields[name] = collapse(raw);
        break;
      case Normalizer::name:
        fields[name] = clean_name(raw);
        break;
      case Normalizer::number:
      case Normalizer::number_en:
      case Normalizer::number_id: {
        auto n = parse_number(raw, style_for(normalizer, rule, ctx.language));
        if (!n) {
          *why = fmt::format("field '{}': '{}' is not a number", name, raw);
          return std::nullopt;
        }
        fields[name] = number_json(*n);
        break;
      }
      case Normalizer::integer:
      case Normalizer::year: {
        auto n = parse_number(raw, NumberStyle::en);
        if (!n || std::floor(*n) != *n) {
          *why = fmt::format("field '{}': '{}' is not an integer", name, raw);
          return std::nullopt;
        }
        if (normalizer == Normalizer::year) fields[name] = expand_year(static_cast<int>(*n));
        else fields[name] = static_cast<std::int64_t>(*n);
        break;
      }
      case Normalizer::lexicon: {
        const Lexicon* lex = rules.lexicon(arg);
        const std::size_t entry = lex ? lex->find(raw) : SIZE_MAX;
        if (entry == SIZE_MAX) {
          *why = fmt::format("field '{}': '{}' is not in lexicon '{}'", name, raw, arg);
          return std::nullopt;
        }
        const Json& v = lex->values()[entry];
        if (v.is_object()) {
          // An object value spreads its keys into the fields ("last year" ->
          // unit: year, offset: -1); the field itself keeps the matched text.
          for (auto it = v.begin(); it != v.end(); ++it)
            if (!fields.contains(it.key())) fields[it.key()] = it.value();
          fields[name] = collapse(raw);
        } else {
          fields[name] = v;
          // Entry attributes (a gazetteer's `kind:`) join the fields.
          if (const Json& attrs = lex->attribute_values()[entry]; attrs.is_object())
            for (auto it = attrs.begin(); it != attrs.end(); ++it)
              if (!fields.contains(it.key())) fields[it.key()] = it.value();
        }
        break;
      }
      case Normalizer::numword: {
        const Lexicon* lex = rules.lexicon(arg);
        auto n = lex ? parse_number_words(raw, *lex) : std::nullopt;
        if (!n) n = parse_number(raw, style_for(Normalizer::number, rule, ctx.language));
        if (!n) {
          *why = fmt::format("field '{}': '{}' is not a number in words", name, raw);
          return std::nullopt;
        }
        fields[name] = number_json(*n);
        break;
      }
    }
  }
  for (auto it = rule.constants.begin(); it != rule.constants.end(); ++it)
    if (!fields.contains(it.key())) fields[it.key()] = it.value();
  return fields;
}

std::optional<Json> build_value(const RuleSet& rules, const Candidate& c, const BuildContext& ctx,
                                std::string* why) {
  auto fields = normalize_fields(rules, c, ctx, why);
  if (!fields) return std::nullopt;
  std::optional<Json> v;
  switch (rules.rules[c.rule_index].value_kind) {
    case ValueKind::money: v = build_money(*fields, why); break;
    case ValueKind::percent: v = build_scaled(*fields, "percent", why); break;
    case ValueKind::quantity:
    case ValueKind::number: v = build_scaled(*fields, "amount", why); break;
    case ValueKind::duration: v = build_duration(*fields, why); break;
    case ValueKind::date:
      v = build_date(*fields, ctx.reference);
      if (!v) *why = "not a valid date";
      break;
    case ValueKind::fields: return fields;  // entities, quotes, events: the fields themselves
  }
  if (v) drop_private_fields(*v);
  return v;
}

}  // namespace extract
