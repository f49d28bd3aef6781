#include "emit/text_view.hpp"

#include <map>

#include <fmt/format.h>

#include "core/utf8.hpp"
#include "emit/record_json.hpp"

namespace extract {

using namespace std::string_view_literals;

namespace {

struct Style {
  bool on;
  std::string paint(const char* code, const std::string& s) const {
    return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
  }
  std::string heading(const std::string& s) const { return paint("1;36", s); }
  std::string value(const std::string& s) const { return paint("32", s); }
  std::string dim(const std::string& s) const { return paint("2", s); }
  std::string bold(const std::string& s) const { return paint("1", s); }
  std::string error(const std::string& s) const { return paint("1;31", s); }
};

// Groups, in the order people read them.
const std::vector<std::pair<std::string, std::string>> kSections = {
    {"acquisition", "Acquisitions"}, {"purchase", "Other purchases"}, {"person", "People"},
    {"organization", "Organizations"}, {"role", "Roles"}, {"product", "Products"},
    {"place", "Places"}, {"money", "Money"}, {"percent", "Percentages"}, {"quantity", "Quantities"},
    {"number", "Numbers"}, {"duration", "Durations"}, {"date", "Dates"}, {"quote", "Quotes"},
};

std::string with_commas(const Json& n) {
  std::string s = n.dump();
  auto dot = s.find_first_of(".eE");
  std::string head = s.substr(0, dot == std::string::npos ? s.size() : dot);
  std::string tail = dot == std::string::npos ? "" : s.substr(dot);
  std::string out;
  int count = 0;
  for (auto it = head.rbegin(); it != head.rend(); ++it) {
    if (count && count % 3 == 0 && std::isdigit(static_cast<unsigned char>(*it))) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++count;
  }
  return out + tail;
}

std::string str(const Json& v, const char* key) {
  auto it = v.find(key);
  if (it == v.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : dump_json(*it);
}

// Cuts to `width` code points, with an ellipsis.
std::string fit(const std::string& s, std::size_t width) {
  std::string flat = Lexicon::fold(repair_utf8(s), false);
  if (utf8_length(flat) <= width) return flat;
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < flat.size() && n + 1 < width;) {
    std::size_t len = 1;
    unsigned char c = static_cast<unsigned char>(flat[i]);
    if (c >= 0xF0) len = 4;
    else if (c >= 0xE0) len = 3;
    else if (c >= 0xC0) len = 2;
    out.append(flat, i, len);
    i += len;
    ++n;
  }
  return out + "…";
}

// Word-wraps `s` to lines of at most `width` code points, each line after the
// first prefixed with `indent`.
std::string wrap(const std::string& s, std::size_t width, const std::string& indent) {
  std::string flat = Lexicon::fold(repair_utf8(s), false), out, line;
  std::size_t pos = 0;
  while (pos <= flat.size()) {
    std::size_t sp = flat.find(' ', pos);
    std::string word = flat.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
    if (!line.empty() && utf8_length(line) + 1 + utf8_length(word) > width) {
      out += line + "\n" + indent;
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    if (sp == std::string::npos) break;
    pos = sp + 1;
  }
  return out + line;
}

std::string pad(const std::string& s, std::size_t width) {
  std::size_t n = utf8_length(s);
  return n >= width ? s : s + std::string(width - n, ' ');
}

}  // namespace

std::string summarize_value(const std::string& type, const Json& v) {
  if (v.contains("resolved") && v["resolved"] == false) return "unresolved";
  std::string q = str(v, "qualifier");
  std::string hedge = q.empty() ? "" : " (" + q + ")";
  for (auto& c : hedge)
    if (c == '_') c = ' ';
  if (type == "date"sv) return str(v, "date") + (v.contains("modifier") ? " (" + str(v, "modifier") + ")" : "");
  if (type == "money"sv) {
    std::string per = v.contains("per") ? " per " + str(v, "per") : "";
    return with_commas(v.value("amount", Json(0))) + " " + str(v, "currency") + per + hedge;
  }
  if (type == "percent"sv) return str(v, "percent") + "%" + hedge;
  if (type == "duration"sv) return str(v, "duration") + hedge;
  if (type == "quantity"sv || type == "number"sv) {
    if (v.contains("width")) return str(v, "width") + "×" + str(v, "height") + " " + str(v, "unit");
    std::string amount = v.contains("amount") ? with_commas(v["amount"]) : "approx.";
    return amount + (v.contains("unit") ? " " + str(v, "unit") : "") + hedge;
  }
  if (type == "quote"sv) return "— " + (v.contains("speaker") && !v["speaker"].is_null() ? str(v, "speaker") : "?");
  if (type == "role"sv) {
    std::string s = str(v, "person");
    if (!str(v, "title").empty()) s += (s.empty() ? "" : ": ") + str(v, "title");
    if (!str(v, "organization").empty()) s += ", " + str(v, "organization");
    return s;
  }
  if (v.contains("name")) return str(v, "name");
  if (type == "acquisition"sv || type == "purchase"sv) {
    std::string what = str(v, "target");
    if (what.empty()) what = str(v, "item");
    if (what.empty()) what = str(v, "object");
    std::string s = str(v, "acquirer") + " buys " + (what.empty() ? "?" : what);
    if (!str(v, "seller").empty()) s += " from " + str(v, "seller");
    if (v.contains("status")) s += " · " + str(v, "status");
    if (v.contains("price") && v["price"].is_object()) s += " · " + summarize_value("money", v["price"]);
    return s;
  }
  return dump_json(v);
}

std::string render_text(const Document& doc, const Record& rec, const RuleSet& rules, const SinkOptions& opts) {
  const Style st{opts.color};
  const std::size_t width = static_cast<std::size_t>(std::max(60, opts.width));
  std::string out;
  std::string title = doc.source.empty() && doc.id ? dump_json(*doc.id) : doc.source;
  out += st.bold(title) + st.dim(fmt::format("  language {} · published {}", rec.language,
                                             rec.published ? format_iso(*rec.published) : "unknown")) + "\n";
  for (const auto& w : rec.warnings) out += "  " + st.error("warning: ") + w + "\n";
  if (!rec.deals.empty()) {
    out += st.heading("  Deals") + "\n";
    for (const auto& d : rec.deals) {
      std::string buyers = str(d, "acquirer");
      const bool joint = d.contains("co_acquirers") && !d["co_acquirers"].empty();
      if (joint)
        for (const auto& c : d["co_acquirers"]) buyers += " and " + c.get<std::string>();
      std::string line = buyers + (joint ? " acquire " : " acquires ") + str(d, "target");
      if (!str(d, "seller").empty()) line += " from " + str(d, "seller");
      std::string detail = str(d, "status");
      if (d.contains("price") && d["price"].is_object()) detail += " · " + summarize_value("money", d["price"]);
      else if (d.contains("price_disclosed") && d["price_disclosed"] == false) detail += " · price not disclosed";
      out += "    " + st.value(fit(line, width - 6)) + "  " + st.dim(detail) + "\n";
    }
  }
  std::map<std::string, std::vector<const Fact*>> by_type;
  for (const auto& f : rec.facts) by_type[f.type].push_back(&f);
  // Entities are shown once each, merged, with their aliases and mention count.
  std::map<std::string, std::vector<const Entity*>> entities;
  for (const auto& e : rec.entities) entities[e.type].push_back(&e);
  const std::size_t text_w = std::min<std::size_t>(34, width / 3);
  for (const auto& [type, heading] : kSections) {
    if (auto en = entities.find(type); en != entities.end()) {
      out += st.heading("  " + heading) + "\n";
      for (const Entity* e : en->second) {
        std::string extra;
        for (const auto& a : e->aliases) extra += (extra.empty() ? "also " : ", ") + a;
        const std::size_t n = e->mentions.size();
        extra += (extra.empty() ? "" : " · ") + std::to_string(n) + (n == 1 ? " mention" : " mentions");
        out += "    " + st.value(pad(fit(e->name, text_w), text_w)) + "  " + st.dim(fit(extra, width - text_w - 8)) + "\n";
      }
      continue;
    }
    if (type == "person"sv || type == "organization"sv || type == "product"sv || type == "place"sv) {
      if (!rec.entities.empty()) continue;  // shown above from the merged entities
    }
    auto it = by_type.find(type);
    if (it == by_type.end()) continue;
    out += st.heading("  " + heading) + "\n";
    for (const Fact* f : it->second) {
      std::string text = doc.text.substr(f->span.start, f->span.size());
      if (type == "quote"sv) {
        // Quotes are read, not scanned: the whole quotation, wrapped.
        const std::string q = f->value.contains("quote") ? str(f->value, "quote") : text;
        out += "    “" + wrap(q, width - 8, "     ") + "”\n";
        out += "      " + st.value(summarize_value(type, f->value)) +
               (f->value.contains("cue") ? st.dim(" (" + str(f->value, "cue") + ")") : "") + "\n";
        continue;
      }
      std::string shown = pad(fit(text, text_w), text_w);
      std::string value = fit(summarize_value(type, f->value), width - text_w - 8);
      out += "    " + shown + "  " + st.value(value) + "\n";
      if (opts.explain) {
        out += "      " + st.dim(fmt::format("rule {} · bytes {}-{}", f->rule, f->span.start, f->span.end)) + "\n";
        for (const auto& c : f->beaten)
          out += "      " + st.dim(fmt::format("beat \"{}\" of rule {} at bytes {}-{}",
                                               fit(doc.text.substr(c.span.start, c.span.size()), 40),
                                               rules.rules[c.rule_index].id, c.span.start, c.span.end)) + "\n";
      }
    }
  }
  if (rec.facts.empty()) out += st.dim("  no facts found") + "\n";
  out += "\n";
  return out;
}

std::string render_text_error(const std::string& source, const std::string& message, const SinkOptions& opts) {
  const Style st{opts.color};
  return st.bold(source) + "  " + st.error("error: ") + message + "\n\n";
}

}  // namespace extract
