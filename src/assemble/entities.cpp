#include "assemble/entities.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "assemble/names.hpp"
#include "core/sort.hpp"

namespace extract {

using namespace std::string_view_literals;

namespace {

using names::Lexicons;

bool is_entity_type(const std::string& t) {
  return t == "organization"sv || t == "person"sv || t == "product"sv || t == "place"sv;
}

// One mention before merging.
struct Raw {
  Span span;
  std::string type;  // entity type, or "" for a speaker whose type is not known yet
  std::string name;  // the rule's canonical name (gazetteer value) or the surface
  std::string kind;
  bool lexical = false;       // the name comes from a gazetteer (differs from the surface)
  std::size_t fact = SIZE_MAX;  // index into record.facts, for entity facts
};

class Builder {
 public:
  Builder(const RuleSet& rules, const Lexicons& lex, std::string_view text, Record& record)
      : rules_(rules), text_(text), record_(record), lex_(lex) {}

  void run() {
    collect();
    drop_covered_speakers();
    stable_sort_unless_sorted(raws_.begin(), raws_.end(), [](const Raw& a, const Raw& b) {
      if (a.span.start != b.span.start) return a.span.start < b.span.start;
      return a.span.end > b.span.end;
    });
    for (const auto& r : raws_) place(r);
    rescan();
    roles();
    finish();
  }

 private:
  const RuleSet& rules_;
  std::string_view text_;
  Record& record_;
  const Lexicons& lex_;

  std::vector<Raw> raws_;
  std::vector<Entity>& ents() { return record_.entities; }
  std::vector<bool> lexical_name_;                       // per entity: canonical from a gazetteer
  // (type, form) -> entity, keyed by the type, a line break and the form
  // (a type has no line break: its first one ends it), made in form_key_.
  std::unordered_map<std::string, std::size_t> by_form_;
  mutable std::string form_key_;
  const std::string& form_key(std::string_view type, std::string_view form) const {
    form_key_.assign(type).append(1, '\n').append(form);
    return form_key_;
  }
  std::unordered_map<std::string, std::size_t> any_form_;              // form -> first entity
  std::unordered_map<std::string, std::size_t> last_person_;           // last word -> entity (latest)
  std::unordered_map<std::string, std::size_t> org_prefix_;            // word prefix -> org entity
  // The longest prefix, in words, that stands for an organization: a name
  // of thousands of capitalised words (a page of them, one match) would
  // otherwise keep every prefix, memory that grows with its square.
  static constexpr std::size_t kMaxPrefixWords = 12;
  std::unordered_map<std::string, std::size_t> first_person_;          // first name -> person (first seen)
  std::unordered_map<std::string, std::string> alias_of_;              // alias form <-> name form
  std::map<std::size_t, std::pair<std::size_t, std::size_t>> taken_;   // start -> (end, entity)
  std::vector<std::size_t> drop_facts_;
  mutable std::unordered_map<std::string, bool> distinctive_;  // distinctive(), per word

  std::string surface(Span s) const { return names::collapse(text_.substr(s.start, s.size())); }

  bool overlaps_taken(Span s) const {
    auto it = taken_.lower_bound(s.end);
    if (it == taken_.begin()) return false;
    --it;
    return it->second.first > s.start;
  }

  // A speaker span that overlaps a typed mention ("CEO Hotshot Aakash Sastry
  // mengumumkan": the role found Hotshot and Aakash Sastry) adds nothing.
  void drop_covered_speakers() {
    std::vector<Span> typed;
    for (const auto& r : raws_)
      if (!r.type.empty()) typed.push_back(r.span);
    std::sort(typed.begin(), typed.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
    std::size_t max_len = 0;
    for (const auto& t : typed) max_len = std::max(max_len, t.size());
    raws_.erase(std::remove_if(raws_.begin(), raws_.end(), [&](const Raw& r) {
      if (!r.type.empty()) return false;
      const std::size_t from = r.span.start > max_len ? r.span.start - max_len : 0;
      auto it = std::lower_bound(typed.begin(), typed.end(), from, [](const Span& a, std::size_t pos) { return a.start < pos; });
      for (; it != typed.end() && it->start < r.span.end; ++it)
        if (it->overlaps(r.span)) return true;
      return false;
    }), raws_.end());
  }

  // Entity facts, role participants, speakers and alias appositions.
  void collect() {
    auto& facts = record_.facts;
    for (std::size_t i = 0; i < facts.size(); ++i) {
      Fact& f = facts[i];
      if (is_entity_type(f.type)) {
        const Span* c = capture_of(f, "name");
        Span s = c ? *c : f.span;
        std::string name = string_at(f.value, "name");
        bool lexical = !name.empty() && name != surface(s);
        if (!lexical) {
          s = names::trim(text_, s, lex_, f.type == "person"sv);
          if (s.size() == 0 || !valid_name(s)) {
            drop_facts_.push_back(i);
            continue;
          }
          name = surface(s);
          // Pattern matches in a title-case headline are not trusted; a name
          // that is known from the body comes back through the rescan.
          if (names::in_headline(text_, s.start)) {
            drop_facts_.push_back(i);
            continue;
          }
          // "its Canadian unit", "the U.S. unit": an adjective or a place, no organization.
          if (f.type == "organization"sv && only_generic(s)) {
            drop_facts_.push_back(i);
            continue;
          }
          if (!c || (c->start == f.span.start && c->end == f.span.end)) {
            f.span = s;
          }
          f.value["name"] = name;
          if (f.type == "organization"sv) {
            // A legal name of a known company ("Eastman Kodak Co") takes the gazetteer's name.
            if (auto gaz = gazetteer_name(name); !gaz.empty()) {
              lexical = gaz != name;
              name = gaz;
              f.value["name"] = name;
            }
          }
        }
        if (f.type == "person"sv && lex_.is_org_word(names::last_word(name))) f.type = "organization";
        if (f.type == "organization"sv && !lexical) {
          // "Viacom International Inc and National Widgets Inc": two companies.
          if (auto parts = split_pair(s); parts.second.size() > 0) {
            const std::string kind = string_at(f.value, "kind");
            // The fact keeps the (first) company; a person before it becomes a mention of its own.
            const Span own = parts.first_type == "organization"sv ? parts.first : parts.second;
            f.span = own;
            f.value["name"] = surface(own);
            raws_.push_back({own, f.type, surface(own), kind, false, i});
            if (parts.first_type == "organization"sv) {
              raws_.push_back({parts.second, f.type, surface(parts.second), kind, false});
            } else if (parts.first_type == "person"sv) {
              const Span p = names::trim(text_, parts.first, lex_, true);
              if (p.size() > 0 && valid_name(p)) raws_.push_back({p, "", surface(p), "", false});
            }
            continue;
          }
        }
        raws_.push_back({s, f.type, name, string_at(f.value, "kind"), lexical, i});
      } else if (f.type == "role"sv) {
        add_capture(f, "person", "person");
        add_capture(f, "organization", "organization");
      }
    }
    for (const auto& f : record_.hidden) {
      if (f.type != "cue"sv) continue;
      const std::string kind = string_at(f.value, "kind");
      if (kind == "alias"sv) {
        const Span* n = capture_of(f, "name");
        const Span* a = capture_of(f, "alias");
        if (!n || !a) continue;
        Span ns = names::trim(text_, *n, lex_, false), as = names::trim(text_, *a, lex_, false);
        if (ns.size() == 0 || as.size() == 0) continue;
        const std::string nf = surface(ns), af = surface(as);
        alias_of_[af] = nf;
        alias_of_[nf] = af;
        raws_.push_back({ns, "organization", nf, "company", false});
        raws_.push_back({as, "organization", af, "company", false});
      } else if (kind == "speech"sv) {
        add_capture(f, "speaker", "");
      }
    }
  }

  // Two names in one match: joined by "and" or "&" where the right one has
  // its own legal form ("Seismic Holdings Inc and Energy Holdings Inc",
  // "Machines Bull and NEC Corp"), an owner's possessive ("Federal Industries
  // Ltd's Russelsteel Inc", "Britain's Cable and Wireless Plc", "Martin
  // Sosnoff's MTS Acquisition Corp"), a division and its owner, or a person
  // and the firm ("Allan Kaplan of Merrill Lynch and Co").
  struct Split {
    Span first, second;      // second empty: no split
    std::string first_type;  // "organization", "person" (a name to type later) or "" (dropped)
  };
  Split split_pair(Span s) const {
    auto ws = names::words(text_, s);
    auto word = [&](std::size_t k) { return text_.substr(ws[k].start, ws[k].size()); };
    auto has_suffix = [&](std::size_t from) {
      for (std::size_t k = from; k < ws.size(); ++k)
        if (lex_.is_suffix(word(k))) return true;
      return false;
    };
    auto company_word = [&](std::size_t j) { return lex_.descriptor && lex_.descriptor->contains(word(j)); };
    auto org_word_in = [&](std::size_t from, std::size_t to) {
      for (std::size_t j = from; j < to; ++j)
        if (lex_.is_org_word(word(j))) return true;
      return false;
    };
    auto capital = [&](std::size_t j) { return std::isupper(static_cast<unsigned char>(text_[ws[j].start])) != 0; };
    for (std::size_t k = 0; k + 1 < ws.size(); ++k) {
      const auto w = word(k);
      if (w.size() > 2 && (w.substr(w.size() - 2) == "'s"sv || (w.size() > 4 && w.substr(w.size() - 4) == "\xE2\x80\x99s"sv))) {
        const std::size_t cut = w.substr(w.size() - 2) == "'s"sv ? 2 : 4;
        const auto owner = w.substr(0, w.size() - cut);
        const Span left{s.start, ws[k].end - cut}, right{ws[k + 1].start, s.end};
        if (!has_suffix(k + 1) || !capital(k + 1)) continue;
        if (lex_.is_suffix(owner)) return {left, right, "organization"};
        // "Britain's Cable and Wireless Plc": the place is no part of the name.
        if (k == 0 && lex_.places && lex_.places->contains(owner)) return {left, right, ""};
        // "Martin Sosnoff's MTS Acquisition Corp": an owner of two words or more without
        // a company word is left to other rules; a one-word owner may be the name's own
        // ("Marten's Bakery Inc").
        std::size_t n = 0;
        for (std::size_t j = k + 1; j < ws.size(); ++j) n += !lex_.is_suffix(word(j));
        if (k >= 1 && n >= 2 && !org_word_in(0, k + 1)) return {left, right, ""};
      }
      if ((w == "and"sv || w == "&"sv || w == "dan"sv) && k >= 1 && k + 2 < ws.size() && has_suffix(k + 1) &&
          !lex_.is_suffix(word(k + 1))) {
        // "Seismic Holdings Inc and Energy Holdings Inc": both sides have a legal form.
        if (lex_.is_suffix(word(k - 1))) return {Span{s.start, ws[k - 1].end}, Span{ws[k + 1].start, s.end}, "organization"};
        // "Machines Bull and NEC Corp", but "Northern Engineering and Testing Inc" is one name:
        // the right side needs two words before its legal form, or an acronym.
        std::size_t n = 0;
        for (std::size_t j = k + 1; j < ws.size() && !lex_.is_suffix(word(j)); ++j) ++n;
        const bool acronym = word(k + 1).size() >= 2 &&
                             std::all_of(word(k + 1).begin(), word(k + 1).end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
        // "Harrowgate and Lyle Group and Pemberton Group Inc": a company word may end the left
        // side when the right one has a name of its own before the same company word
        // (not "Federal Savings and Loan Insurance Corp").
        const bool paired = n >= 2 && company_word(k + n) && word(k + n) == word(k - 1);
        if (k >= 2 && (!company_word(k - 1) || paired) && !company_word(k + 1) && (n >= 2 || acronym))
          return {Span{s.start, ws[k - 1].end}, Span{ws[k + 1].start, s.end}, "organization"};
      }
      // "First National Bank of Ardmore and Tradesmen and Growers State Bank":
      // after "<company word> of <place>", "and" starts a second company with its own company word.
      if (w == "and"sv && k >= 4 && k + 2 < ws.size() && company_word(ws.size() - 1) && capital(k + 1)) {
        bool of_place = false;
        for (std::size_t j = 1; j + 1 < k && !of_place; ++j) of_place = word(j) == "of"sv && company_word(j - 1);
        if (of_place) return {Span{s.start, ws[k - 1].end}, Span{ws[k + 1].start, s.end}, "organization"};
      }
      if (w == "of"sv && k >= 2 && k + 1 < ws.size() && valid_name(Span{ws[k + 1].start, s.end})) {
        // "Gauge Systems Division of Marl-Benton Corp": a division and its owner.
        if (word(k - 1) == "Division"sv || word(k - 1) == "Unit"sv)
          return {Span{s.start, ws[k - 1].end}, Span{ws[k + 1].start, s.end}, "organization"};
        // "Allan Kaplan of Merrill Lynch and Co": a person's name (no company word) and the firm.
        // Not "United Banks of Colorado Inc" (a generic word) or "Hunter Helicopter of Wisconsin Inc" (a place).
        auto plain = [&](std::size_t j) {
          std::string_view w = word(j);
          while (!w.empty() && (w.back() == ',' || w.back() == '.')) w.remove_suffix(1);
          return !(lex_.generic && lex_.generic->contains(w)) && !(lex_.places && lex_.places->contains(w));
        };
        bool person = k <= 3 && has_suffix(k + 1) && !org_word_in(0, k) && plain(k + 1);
        for (std::size_t j = 0; j < k && person; ++j) person = plain(j);
        if (person)
          return {Span{s.start, ws[k - 1].end}, Span{ws[k + 1].start, s.end}, "person"};
      }
    }
    return {};
  }

  // The gazetteer name of an organization written with its legal form.
  std::string gazetteer_name(const std::string& name) const {
    if (!lex_.orgs) return {};
    auto ws = names::split_words(name);
    std::size_t n = ws.size();
    while (true) {
      std::string s;
      for (std::size_t k = 0; k < n; ++k) s += (k ? " " : "") + ws[k];
      if (const Json* v = lex_.orgs->lookup(s); v && v->is_string()) return v->get<std::string>();
      if (n <= 1 || !lex_.is_suffix(ws[n - 1])) break;
      --n;
    }
    return {};
  }

  // Every word of the span is a generic word (American, Canadian) or a place, none a company word.
  bool only_generic(Span s) const {
    for (const auto& w : names::words(text_, s)) {
      const auto word = text_.substr(w.start, w.size());
      if (lex_.is_org_word(word)) return false;
      if (!(lex_.generic && lex_.generic->contains(word)) && !(lex_.places && lex_.places->contains(word))) return false;
    }
    return true;
  }

  // A name needs a capitalised word that is not a stop word (xAI and iPhone count).
  bool valid_name(Span s) const {
    for (const auto& w : names::words(text_, s)) {
      const unsigned char c = static_cast<unsigned char>(text_[w.start]);
      const unsigned char c2 = w.size() > 1 ? static_cast<unsigned char>(text_[w.start + 1]) : 0;
      if ((std::isupper(c) || c >= 0x80 || std::isdigit(c) || std::isupper(c2)) &&
          !lex_.is_stop(text_.substr(w.start, w.size())))
        return true;
    }
    return false;
  }

  void add_capture(const Fact& f, const char* field, const char* type) {
    const Span* c = capture_of(f, field);
    if (!c) return;
    Span s = names::trim(text_, *c, lex_, true);
    if (s.size() == 0 || !valid_name(s)) return;
    std::string name = surface(s);
    std::string t = type;
    std::string gaz;
    if (lex_.orgs) {
      if (const Json* v = lex_.orgs->lookup(name); v && v->is_string()) {
        t = "organization";
        gaz = v->get<std::string>();
      }
    }
    raws_.push_back({s, t, gaz.empty() ? name : gaz, "", !gaz.empty() && gaz != name});
  }

  std::size_t find(const std::string& type, const std::string& form) const {
    if (type.empty()) {
      auto it = any_form_.find(form);
      return it == any_form_.end() ? SIZE_MAX : it->second;
    }
    auto it = by_form_.find(form_key(type, form));
    return it == by_form_.end() ? SIZE_MAX : it->second;
  }

  // The first entity registered under (type, form) keeps it.
  void add_form(const std::string& type, const std::string& form, std::size_t e) {
    by_form_.try_emplace(form_key(type, form), e);
    any_form_.try_emplace(form, e);
  }

  void register_form(std::size_t e, const std::string& form) {
    const std::string& type = ents()[e].type;
    add_form(type, form, e);
    std::vector<std::string_view> ws;
    names::word_views(form, ws);
    if (type == "person"sv) {
      std::string last = names::last_word(form);
      if (!last.empty()) last_person_[last] = e;
      if (ws.size() >= 2) {
        const std::string first(ws[0]);
        if (distinctive(first)) first_person_.try_emplace(first, e);
      }
      return;
    }
    if (type != "organization"sv) return;
    // The core of a company name: without PT and legal forms ("PT Arunika Data Tbk" -> "Arunika Data").
    const std::string core = org_core(form);
    if (!core.empty() && core != form) {
      add_form(type, core, e);
      names::word_views(core, ws);
    }
    if (ws.size() >= 2) {
      std::string prefix;
      for (std::size_t k = 0; k + 1 < ws.size() && k < kMaxPrefixWords; ++k) {
        if (k) prefix += ' ';
        prefix += ws[k];
        if (k == 0 && !distinctive(prefix)) continue;
        org_prefix_.try_emplace(prefix, e);
      }
    }
  }

  std::string org_core(const std::string& name) const {
    thread_local std::vector<std::string_view> ws;
    names::word_views(name, ws);
    std::size_t a = 0, b = ws.size();
    if (b > 1 && (ws[0] == "PT"sv || ws[0] == "PT."sv)) a = 1;
    // "Harlow Brightman & Co" -> "Harlow Brightman", "Acme, Inc." -> "Acme".
    while (b > a + 1 && (lex_.is_suffix(ws[b - 1]) || ws[b - 1] == "&"sv || ws[b - 1] == "and"sv)) --b;
    std::string out;
    for (std::size_t k = a; k < b; ++k) {
      if (k > a) out += ' ';
      out += ws[k];
    }
    while (!out.empty() && out.back() == ',') out.pop_back();
    return out;
  }

  // A single word that can stand for an organization or a person by itself.
  // Asked for the same words many times per document (up to eight lexicons
  // each time): the answers are kept.
  bool distinctive(const std::string& w) const {
    if (w.size() < 3) return false;
    const unsigned char c = static_cast<unsigned char>(w[0]);
    if (!(std::isupper(c) || c >= 0x80)) return false;
    auto it = distinctive_.find(w);
    if (it == distinctive_.end()) {
      const bool yes = !(lex_.is_stop(w) || lex_.is_honorific(w) || lex_.is_org_word(w) ||
                         (lex_.places && lex_.places->contains(w)) || (lex_.generic && lex_.generic->contains(w)));
      it = distinctive_.emplace(w, yes).first;
    }
    return it->second;
  }

  std::size_t create(const Raw& r, const std::string& type) {
    Entity e;
    e.type = type;
    e.name = r.name;
    if (!r.kind.empty() && r.kind != "alias"sv) e.attributes["kind"] = r.kind;
    ents().push_back(std::move(e));
    lexical_name_.push_back(r.lexical);
    const std::size_t idx = ents().size() - 1;
    register_form(idx, r.name);
    return idx;
  }

  void attach(std::size_t e, const Raw& r) {
    Entity& ent = ents()[e];
    const std::string form = surface(r.span);
    ent.mentions.push_back(r.span);
    taken_[r.span.start] = {r.span.end, e};
    if (ent.attributes.find("kind") == ent.attributes.end() && !r.kind.empty() && r.kind != "alias"sv)
      ent.attributes["kind"] = r.kind;
    // A longer name upgrades a one-word person name (Sastry -> Aakash Sastry) or
    // an organization's short name (Kestrel -> Kestrel Robotics Inc).
    std::vector<std::string_view> new_words, old_words;
    names::word_views(r.name, new_words);
    names::word_views(ent.name, old_words);
    if (!lexical_name_[e] && !r.lexical && new_words.size() > old_words.size() &&
        ((ent.type == "person"sv && old_words.size() == 1 && names::last_word(r.name) == names::last_word(ent.name)) ||
         (ent.type == "organization"sv && std::equal(old_words.begin(), old_words.end(), new_words.begin())))) {
      ent.name = r.name;
    }
    if (r.lexical) {
      if (!lexical_name_[e] && ent.name != r.name) ent.name = r.name;
      lexical_name_[e] = true;
    }
    register_form(e, form);
    if (r.name != form) register_form(e, r.name);  // the same call again changes nothing
  }

  // Finds the entity a mention belongs to, creating it when it is new.
  void place(const Raw& r) {
    if (overlaps_taken(r.span)) {
      // The same span again (a role or a speaker over an entity fact): nothing new.
      return;
    }
    const std::string form = surface(r.span);
    std::size_t e = SIZE_MAX;
    for (const std::string& f : {r.name, form}) {
      if (e == SIZE_MAX) e = find(r.type, f);
      if (e == SIZE_MAX && r.type.empty()) e = find("", f);
      if (e == SIZE_MAX) {
        if (auto a = alias_of_.find(f); a != alias_of_.end()) e = find(r.type, a->second);
      }
    }
    std::vector<std::string_view> ws;
    names::word_views(r.name, ws);
    // (The maps are keyed by strings: one copy of the only word.)
    const std::string only = ws.size() == 1 ? std::string(ws[0]) : std::string();
    if (e == SIZE_MAX && r.type == "organization"sv && !r.lexical && ws.size() == 1 && r.kind != "alias"sv) {
      // "talks with Edelman" after "Asher B. Edelman": the person, not a company.
      if (auto it = last_person_.find(only); it != last_person_.end()) e = it->second;
    }
    if (e == SIZE_MAX && (r.type == "person"sv || r.type.empty()) && ws.size() == 1) {
      if (auto it = last_person_.find(only); it != last_person_.end()) e = it->second;
    }
    if (e == SIZE_MAX && (r.type == "person"sv || r.type.empty()) && ws.size() == 1) {
      // A first name alone (Indonesian copy often says "Budi" for Budi Santoso).
      if (auto it = first_person_.find(only); it != first_person_.end()) e = it->second;
    }
    if (e == SIZE_MAX && r.type == "organization"sv) {
      const std::string core = org_core(r.name);
      if (!core.empty() && core != r.name) e = find("organization", core);
    }
    if (e == SIZE_MAX && (r.type == "person"sv || r.type.empty()) && ws.size() >= 2) {
      // A full name after its surname alone ("Sastry" ... "Aakash Sastry").
      std::vector<std::string_view> their_words;
      if (auto it = any_form_.find(names::last_word(r.name)); it != any_form_.end() &&
          ents()[it->second].type == "person"sv &&
          (names::word_views(ents()[it->second].name, their_words), their_words.size() == 1))
        e = it->second;
    }
    if (e == SIZE_MAX && (r.type == "organization"sv || r.type.empty())) {
      if (auto it = org_prefix_.find(r.name); it != org_prefix_.end()) e = it->second;
    }
    if (e == SIZE_MAX && r.type == "organization"sv && ws.size() >= 2) {
      // A longer name whose beginning is a known organization (Gulf Applied ... Gulf Applied Technologies Inc).
      std::string prefix;
      for (std::size_t k = 0; k + 1 < ws.size() && k < kMaxPrefixWords && e == SIZE_MAX; ++k) {
        if (k) prefix += ' ';
        prefix += ws[k];
        if (k == 0 && !distinctive(prefix)) continue;
        std::size_t c = find("organization", prefix);
        if (c != SIZE_MAX && !lexical_name_[c]) e = c;
      }
    }
    if (e == SIZE_MAX) {
      std::string type = r.type;
      if (type.empty()) {
        // A new speaker: a person when the name has two words or more and does
        // not end in an organization word; a lone unknown word makes no entity.
        if (ws.size() < 2) return;
        type = lex_.is_org_word(ws.back()) ? "organization" : "person";
      }
      e = create(r, type);
    }
    attach(e, r);
  }

  // Later mentions that no rule found: known names, aliases, and the short
  // forms (a person's surname, an organization's first word or name without
  // legal form) after the entity's first mention.
  void rescan() {
    if (ents().empty()) return;
    // Each form once, with the entity of its first registration; a form
    // two entities register is ambiguous and looked for by neither.
    struct Form {
      std::size_t entity;
      bool derived;
      bool ambiguous = false;
    };
    std::unordered_map<std::string, Form> forms;
    auto add = [&](const std::string& f, std::size_t e, bool derived) {
      if (f.size() < 2 || f.size() > 120) return;
      auto [it, fresh] = forms.try_emplace(f, Form{e, derived});
      if (!fresh && it->second.entity != e) it->second.ambiguous = true;
    };
    std::vector<std::string> own;
    std::vector<std::string_view> ws;
    for (std::size_t e = 0; e < ents().size(); ++e) {
      const Entity& ent = ents()[e];
      // Its texts in order, each once (the first registration of a form
      // decides whether it is derived).
      own.clear();
      for (const auto& m : ent.mentions) own.push_back(surface(m));
      own.push_back(ent.name);
      std::sort(own.begin(), own.end());
      own.erase(std::unique(own.begin(), own.end()), own.end());
      for (const auto& f : own) {
        if (f.size() < 3 || !valid_surface(f)) continue;
        add(f, e, false);
        names::word_views(f, ws);
        if (ent.type == "person"sv && ws.size() >= 2) {
          const std::string last = names::last_word(f);
          if (distinctive(last)) add(last, e, true);
        } else if (ent.type == "organization"sv && ws.size() >= 2) {
          // Without legal forms: "Kestrel Robotics Inc" -> "Kestrel Robotics".
          std::size_t n = ws.size();
          while (n > 1 && lex_.is_suffix(ws[n - 1])) --n;
          if (n < ws.size() && n >= 1) {
            std::string s;
            for (std::size_t k = 0; k < n; ++k) (k ? s.append(1, ' ') : s).append(ws[k]);
            if (n >= 2 || distinctive(s)) add(s, e, true);
          }
          // "Kestrel Robotics Inc" -> "Kestrel" (and "Dell" from "Dell Technologies").
          const std::string first(ws[0]);
          if (distinctive(first)) add(first, e, true);
        }
      }
    }
    // The forms longest first, then in byte order: the matcher takes the
    // first that matches.
    std::vector<std::string> list;
    for (const auto& [f, form] : forms)
      if (!form.ambiguous) list.push_back(f);
    if (list.empty()) return;
    std::sort(list.begin(), list.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    if (list.size() > 5000) list.resize(5000);
    if (!names::alternation_compiles(list)) return;
    std::vector<std::size_t> first(ents().size(), SIZE_MAX);
    for (std::size_t e = 0; e < ents().size(); ++e)
      for (const auto& m : ents()[e].mentions) first[e] = std::min(first[e], m.start);
    std::vector<std::pair<Span, std::size_t>> found;
    names::FormMatcher matcher(list);
    std::string key;
    for (std::size_t pos = matcher.next_start(text_, 0); pos < text_.size(); pos = matcher.next_start(text_, pos)) {
      const std::size_t end = matcher.match(text_, pos);
      if (end == std::string_view::npos) {
        ++pos;
        continue;
      }
      const Span s{pos, end};
      pos = end;  // the search goes on after the match, bounded or not
      if (!names::word_bounded(text_, s.start, s.end)) continue;
      Lexicon::fold_into(text_.substr(s.start, s.size()), false, key);  // (surface(s), in one buffer)
      auto it = forms.find(key);
      if (it == forms.end() || it->second.ambiguous) continue;
      const std::size_t e = it->second.entity;
      if (it->second.derived && s.start < first[e]) continue;
      if (overlaps_taken(s)) continue;
      taken_[s.start] = {s.end, e};
      found.emplace_back(s, e);
    }
    for (const auto& [s, e] : found) ents()[e].mentions.push_back(s);
  }

  bool valid_surface(const std::string& f) const {
    const unsigned char c = static_cast<unsigned char>(f[0]);
    return std::isupper(c) || std::isdigit(c) || c >= 0x80 || (f.size() > 1 && std::isupper(static_cast<unsigned char>(f[1])));
  }

  std::size_t entity_at(Span s) const {
    auto it = taken_.upper_bound(s.start);
    if (it == taken_.begin()) return SIZE_MAX;
    --it;
    if (it->second.first > s.start) return it->second.second;
    return SIZE_MAX;
  }

  void roles() {
    for (auto& f : record_.facts) {
      if (f.type != "role"sv) continue;
      const Span* p = capture_of(f, "person");
      if (!p) continue;
      Span ps = names::trim(text_, *p, lex_, true);
      if (ps.size() == 0) continue;
      const std::size_t pe = entity_at(ps);
      if (pe == SIZE_MAX || ents()[pe].type != "person"sv) continue;
      Json role = Json::object();
      role["title"] = string_at(f.value, "title");
      if (const Span* o = capture_of(f, "organization")) {
        Span os = names::trim(text_, *o, lex_, false);
        const std::size_t oe = os.size() ? entity_at(os) : SIZE_MAX;
        if (oe != SIZE_MAX) {
          role["organization"] = ents()[oe].name;
          f.value["organization"] = ents()[oe].name;
        } else if (os.size()) {
          role["organization"] = surface(os);
        }
      }
      f.value["person"] = ents()[pe].name;
      Json& list = ents()[pe].attributes["roles"];
      if (!list.is_array()) list = Json::array();
      if (std::find(list.begin(), list.end(), role) == list.end()) list.push_back(role);
    }
  }

  // "The" written with a capital right before a mention in mid-sentence
  // ("a merger with The Vons Companies"), or "" when there is none.
  std::string article_before(Span m) const {
    if (m.start < 6) return {};
    std::size_t i = m.start;
    while (i > 0 && (text_[i - 1] == ' ' || text_[i - 1] == '\t')) --i;
    if (i == m.start || i < 4 || text_.substr(i - 3, 3) != "The"sv) return {};
    std::size_t j = i - 3;
    if (j > 0 && names::word_bounded(text_, j, i) == false) return {};
    while (j > 0 && (text_[j - 1] == ' ' || text_[j - 1] == '\t')) --j;
    if (j == 0 || j == i - 3) return {};
    const unsigned char c = static_cast<unsigned char>(text_[j - 1]);
    return std::islower(c) || c == ',' ? "The" : "";
  }

  void finish() {
    // Drop rejected entity facts; keep the rest sorted (trimming moved some starts).
    // (Each fact is listed at most once: collect() goes on after listing it.
    // The rest are moved up in one pass.)
    std::sort(drop_facts_.begin(), drop_facts_.end());
    auto& facts = record_.facts;
    if (!drop_facts_.empty()) {
      std::size_t kept = 0, d = 0;
      for (std::size_t i = 0; i < facts.size(); ++i) {
        if (d < drop_facts_.size() && drop_facts_[d] == i) {
          ++d;
          continue;
        }
        if (kept != i) facts[kept] = std::move(facts[i]);
        ++kept;
      }
      facts.erase(facts.begin() + static_cast<std::ptrdiff_t>(kept), facts.end());
    }
    stable_sort_moving_once(facts, fact_before);
    for (auto& e : ents()) {
      std::sort(e.mentions.begin(), e.mentions.end(), [](const Span& a, const Span& b) {
        return a.start != b.start ? a.start < b.start : a.end < b.end;
      });
      e.mentions.erase(std::unique(e.mentions.begin(), e.mentions.end()), e.mentions.end());
      std::set<std::string> aliases;
      for (const auto& m : e.mentions) aliases.insert(surface(m));
      if (auto a = alias_of_.find(e.name); a != alias_of_.end()) aliases.insert(a->second);
      if (e.type == "organization"sv) {
        // "Dynamics Corp of America" is also "Dynamics Corp"; "Acme Corp." at
        // the end of a sentence is also "Acme Corp".
        // "The Vons Companies" in mid-sentence: the article is part of the name.
        for (const auto& m : e.mentions)
          if (auto the = article_before(m); !the.empty()) aliases.insert(the + " " + surface(m));
        std::set<std::string> extra;
        for (const auto& a : aliases) {
          std::string b = a;
          // "Eastern Gas and Fuel Associate's" is also "Eastern Gas and Fuel Associate".
          if (b.size() > 3 && (b.compare(b.size() - 2, 2, "'s") == 0)) extra.insert(b = b.substr(0, b.size() - 2));
          if (b.size() > 5 && (b.compare(b.size() - 4, 4, "\xE2\x80\x99s") == 0)) extra.insert(b = b.substr(0, b.size() - 4));
          if (b.size() > 1 && b.back() == '.' && lex_.is_suffix(names::last_word(b)))
            extra.insert(b.substr(0, b.size() - 1));
          // Without its legal form: "Finlays Plc" is also "Finlays".
          if (const std::string core = org_core(b); !core.empty() && core != b && (core.find(' ') != std::string::npos || distinctive(core)))
            extra.insert(core);
          auto ws = names::split_words(b);
          // "Dynamics Corp of America" -> "Dynamics Corp"; "Coastal Bancorp of Portland" -> "Coastal Bancorp".
          // "Compagnie des Machines Bull of France" -> "Compagnie des Machines Bull".
          const bool place_last = ws.size() >= 3 && lex_.places && lex_.places->contains(ws.back()) && ws[ws.size() - 2] == "of"sv;
          for (std::size_t k = 1; k + 1 < ws.size(); ++k)
            if (ws[k + 1] == "of"sv && (lex_.is_suffix(ws[k]) || (lex_.descriptor && lex_.descriptor->contains(ws[k])) ||
                                      (place_last && k + 2 == ws.size() - 1))) {
              std::string s;
              for (std::size_t m = 0; m <= k; ++m) s += (m ? " " : "") + ws[m];
              extra.insert(s);
            }
        }
        aliases.insert(extra.begin(), extra.end());
      }
      aliases.erase(e.name);
      e.aliases.assign(aliases.begin(), aliases.end());
    }
    // Entities in order of first mention; canonical names decide ties.
    stable_sort_unless_sorted(ents().begin(), ents().end(), entity_before);
  }
};

}  // namespace

void assemble_entities(const RuleSet& rules, std::string_view text, Record& record) {
  assemble_entities(rules, names::Lexicons::from(rules), text, record);
}

void assemble_entities(const RuleSet& rules, const names::Lexicons& lex, std::string_view text, Record& record) {
  record.entities.clear();
  Builder(rules, lex, text, record).run();
}

}  // namespace extract
