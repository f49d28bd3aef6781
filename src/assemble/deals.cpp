#include "assemble/deals.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <re2/re2.h>

#include "assemble/names.hpp"
#include "core/ascii.hpp"

namespace extract {

using namespace std::string_view_literals;

namespace {

const char* const kStatuses[] = {"rumored", "negotiating", "announced", "completed", "terminated"};

bool is_space(char c) { return is_c_space(c); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The words of `s` between spaces, as views of it, in `out`.
void split_views(std::string_view s, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
}

std::vector<std::string> split_words(const std::string& s) {
  thread_local std::vector<std::string_view> views;  // (reused: one allocation per list)
  split_views(s, views);
  return std::vector<std::string>(views.begin(), views.end());
}

// Words one space apart, no space at the ends: the text as a lexicon lookup
// reads it. Lookups collapse white space; a text with other white space is
// in no list, as when these lists were sets of strings in the code.
bool plain(std::string_view s) {
  if (!s.empty() && (s.front() == ' ' || s.back() == ' ')) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == ' ' ? s[i + 1] == ' ' : is_space(s[i])) return false;
  return true;
}

// Whether the rules' list has `s` as written.
bool in(const LexiconList& list, std::string_view s) { return plain(s) && list.contains(s); }

bool is_legal_suffix(const DealLexicons& lex, std::string_view word) {
  if (!word.empty() && word.back() == '.') word.remove_suffix(1);
  return in(lex.legal_suffix, word);
}

// "TWA": two to five capital letters, the way a company is written short.
bool is_abbreviation(const std::string& name) {
  return name.size() >= 2 && name.size() <= 5 &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// The initials of the capitalised words of a name without its legal suffix:
// "Trans World Airlines Inc" -> "TWA"; empty for a name of one such word.
std::string initials(const DealLexicons& lex, const std::string& name) {
  std::string out;
  for (const std::string& w : split_words(name))
    if (!is_legal_suffix(lex, w) && std::isupper(static_cast<unsigned char>(w[0]))) out += w[0];
  return out.size() >= 2 ? out : std::string();
}

// `word` ends with `end` and is longer than it.
bool ends_with(std::string_view word, std::string_view end) {
  return word.size() > end.size() && word.compare(word.size() - end.size(), end.size(), end) == 0;
}

// The same, case aside (`end` in lower case).
bool ends_with_folded(std::string_view word, std::string_view end) {
  if (word.size() <= end.size()) return false;
  const std::size_t at = word.size() - end.size();
  for (std::size_t i = 0; i < end.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(word[at + i])) != end[i]) return false;
  return true;
}

// A name a capitalised-name pattern catches that never names a party.
bool is_non_name(const DealLexicons& lex, std::string_view name) {
  if (name.size() == 1) return true;  // "B" shares
  if (const auto sp = name.rfind(' '); sp != std::string_view::npos) {
    const std::string_view last = name.substr(sp + 1);
    // "an offer of 4.20 N.Z. Dlrs per share": an amount's currency or unit.
    if (in(lex.amount_unit, last)) return true;
    // Courts, commissions and boards rule on deals; they do not make them.
    if (sp > 0 && in(lex.ruling_body, last)) return true;
  }
  if (ends_with_folded(name, "-based")) return true;
  return in(lex.non_party, name);
}

// A title between a company and a person: "Acme Chairman John Smith said".
bool is_title(const DealLexicons& lex, std::string_view word) { return in(lex.title, word); }

// "it", "the company", "perseroan": a name that stands for one named before.
// `personal`: it may stand for a person who spoke ("he", "she").
bool is_pronoun(const DealLexicons& lex, std::string_view name, bool* personal = nullptr) {
  const Json* kind = plain(name) ? lex.pronoun.lookup(name) : nullptr;
  if (personal) *personal = kind && kind->is_string() && kind->get_ref<const std::string&>() == "person"sv;
  return kind != nullptr;
}

// Sentence bounds around `pos`: a sentence ends at . ! ? followed by white
// space (not after a one-letter or legal-suffix abbreviation) or at a blank line.
Span sentence_of(const DealLexicons& lex, std::string_view text, std::size_t pos) {
  auto is_boundary = [&](std::size_t i) {  // boundary right after text[i]
    const char c = text[i];
    if (c == '\n' && i + 1 < text.size() && text[i + 1] == '\n') return true;
    if (c != '.' && c != '!' && c != '?') return false;
    if (i + 1 < text.size() && !is_space(text[i + 1])) return false;
    if (c == '.') {
      std::size_t w = i;
      while (w > 0 && !is_space(text[w - 1])) --w;
      const std::string_view word = text.substr(w, i - w);
      if (word.size() == 1 && std::isupper(static_cast<unsigned char>(word[0]))) return false;
      if (word.find('.') != std::string_view::npos) return false;  // U.S., L.P.
      if (is_legal_suffix(lex, word) && i + 2 < text.size() &&
          std::islower(static_cast<unsigned char>(text[i + 2])))
        return false;
    }
    return true;
  };
  // (Only these bytes may end a sentence: the others are passed over
  // without the checks.)
  static constexpr ByteSet kEnds("\n.!?");
  auto may_end = [&](std::size_t i) { return kEnds.has(text[i]); };
  std::size_t start = std::min(pos, text.size());
  while (start > 0 && !(may_end(start - 1) && is_boundary(start - 1))) --start;
  std::size_t end = std::min(pos, text.size());
  while (end < text.size() && !(may_end(end) && is_boundary(end))) ++end;
  if (end < text.size()) ++end;
  return {start, end};
}

// `re` matches in `text` (partly, or all of it); never when the rules lack it.
bool found(const RE2* re, std::string_view text) { return re && RE2::PartialMatch(text, *re); }
bool whole(const RE2* re, std::string_view text) { return re && RE2::FullMatch(text, *re); }

// One acquisition or purchase fact, as the assembly sees it.
struct Mention {
  std::size_t fact = 0;  // index into record.facts
  std::string acquirer, target, seller;
  std::string co_acquirer;                // "Acme Inc and Widget Corp agreed to buy": Widget Corp
  std::vector<std::string> target_forms;  // the target as written here
  std::string status;
  Json price;    // money value or null
  Json stake;    // number or null
  Json date;     // ISO string or null
};

class DealBuilder {
 public:
  DealBuilder(const RuleSet& rules, const DealLexicons& lex, std::string_view text, Record& record)
      : rules_(rules), lex_(lex), re_(lex.patterns), text_(text), record_(record) {}

  void run() {
    facts_sorted_ = std::is_sorted(record_.facts.begin(), record_.facts.end(),
                                   [](const Fact& a, const Fact& b) { return a.span.start < b.span.start; });
    for (const Entity& e : record_.entities) {
      if (e.type != "person"sv) continue;
      person_names_.insert(e.name);
      person_aliases_.insert(e.aliases.begin(), e.aliases.end());
    }
    for (const auto& f : record_.hidden)
      if (f.type == "cue"sv && string_at(f.value, "cue") == "unit_of"sv) unit_of_cues_.push_back(&f);
    collect_forms();
    mark_money_cues();
    std::vector<Mention> mentions;
    for (std::size_t i = 0; i < record_.facts.size(); ++i) {
      Fact& f = record_.facts[i];
      if (f.type == "purchase"sv) classify_purchase(f);
      if (f.type != "acquisition"sv && f.type != "purchase"sv) continue;
      Mention m = read_mention(i);
      const std::string second = second_party(f, "target");  // before write_back cleans the capture
      m.co_acquirer = second_party(f, "acquirer");
      if (m.co_acquirer == m.acquirer || m.co_acquirer == m.target || m.co_acquirer == m.seller) m.co_acquirer.clear();
      write_back(f, m);
      if (f.type != "acquisition"sv) continue;
      if (m.target.empty() && m.acquirer.empty() && m.seller.empty()) continue;
      if (!m.target.empty() && m.target == m.acquirer) continue;
      // "acquired Acme Inc of Ohio and Widget Corp": two bought companies, two deals.
      if (!second.empty() && second != m.target && second != m.acquirer) {
        Mention other = m;
        other.target = second;
        other.target_forms = {second};
        mentions.push_back(std::move(other));
      }
      mentions.push_back(std::move(m));
    }
    orient_mergers(mentions);
    build_deals(mentions);
  }

 private:
  const RuleSet& rules_;
  const DealLexicons& lex_;
  const DealPatterns& re_;  // looked up once with the lexicons
  std::string_view text_;
  Record& record_;
  bool facts_sorted_ = false;  // record_.facts by start (set by run())
  // The names and aliases of the person entities (the entities and hidden
  // facts do not change while deals are built), so that a name is looked up
  // rather than compared with every entity for each mention.
  std::unordered_set<std::string> person_names_, person_aliases_;
  std::vector<const Fact*> unit_of_cues_;  // record_.hidden's "unit of" cues (set by run())
  // Every form a company is written in this document (party captures, "X
  // said" cues, organization entities): used to complete short names.
  std::set<std::string> forms_;
  // Named anchors for pronouns: (start, name), and the "X said" ones apart.
  std::vector<std::pair<std::size_t, std::string>> anchors_;
  std::vector<std::pair<std::size_t, std::string>> sayers_;
  std::vector<std::size_t> pronoun_sayers_;  // "It said", "The company said"
  std::set<std::size_t> per_share_money_, cued_price_money_;
  // "Oppenheimer, a unit of Oppenheimer Group Inc": (unit, parent) pairs.
  std::set<std::pair<std::string, std::string>> parents_;

  std::string clean_capture(const Fact& f, const std::string& field) {
    std::string raw = string_at(f.value, field.c_str());
    if (raw.empty()) return raw;
    return clean_party_name(raw, lex_);
  }

  void collect_forms() {
    for (const auto& f : record_.facts) {
      if (f.type != "acquisition"sv && f.type != "purchase"sv) continue;
      for (const char* field : {"acquirer", "target", "seller"}) {
        std::string n = clean_capture(f, field);
        if (n.empty() || is_pronoun(lex_, n) || is_non_name(lex_, n) || in_headline(f, field)) continue;
        forms_.insert(n);
        const Span* s = capture_of(f, field);
        anchors_.emplace_back(s ? s->start : f.span.start, n);
      }
    }
    for (const auto& f : record_.hidden)
      if (f.type == "cue"sv && string_at(f.value, "cue") == "unit_of"sv)
        parents_.emplace(clean_capture(f, "unit"), clean_capture(f, "parent"));
    for (const auto& f : record_.hidden) {
      if (f.type != "cue"sv || string_at(f.value, "cue") != "sayer"sv) continue;
      std::string n = clean_capture(f, "name");
      if (is_pronoun(lex_, n)) pronoun_sayers_.push_back(f.span.start);
      // "... Pellow Gas Co.\n Investor Martin Quayle said": a name pattern
      // runs over the full stop of a suffix; the speaker starts in the
      // sentence of the speech verb.
      const Span* s = capture_of(f, "name");
      std::size_t start = s ? s->start : f.span.start;
      const Span sentence = sentence_of(lex_, text_, s ? s->end - 1 : f.span.start);
      if (s && sentence.start > s->start && sentence.start < s->end) {
        start = sentence.start;
        n = clean_party_name(Lexicon::fold(text_.substr(start, s->end - start), false), lex_);
      }
      if (n.empty() || is_pronoun(lex_, n) || is_non_name(lex_, n) || in_headline(f, "name")) continue;
      forms_.insert(n);
      anchors_.emplace_back(start, n);
      sayers_.emplace_back(start, n);
    }
    // An entity's mentions mostly repeat a few texts: each is cleaned and
    // judged once (clean_party_name reads nothing else).
    std::unordered_map<std::string, std::string> cleaned;  // mention text as folded -> its form, or "" for none
    for (const auto& e : record_.entities) {
      if (e.type != "organization"sv) continue;
      forms_.insert(e.name);
      for (const auto& a : e.aliases) forms_.insert(a);
      for (const auto& m : e.mentions) {
        auto [it, fresh] = cleaned.try_emplace(Lexicon::fold(text_.substr(m.start, m.size()), false));
        if (fresh) {
          std::string t = clean_party_name(it->first, lex_);
          if (!t.empty() && !is_pronoun(lex_, t) && !is_non_name(lex_, t)) it->second = std::move(t);
        }
        if (!it->second.empty()) {
          forms_.insert(it->second);
          anchors_.emplace_back(m.start, it->second);
        }
      }
    }
    std::sort(anchors_.begin(), anchors_.end());
    std::sort(sayers_.begin(), sayers_.end());
    std::sort(pronoun_sayers_.begin(), pronoun_sayers_.end());
  }

  // A purchase whose head word names a business (kind `business` from the
  // rule's head lexicon: "ten pizza restaurants") is an acquisition of its
  // `target`; any other purchase keeps no target.
  static void classify_purchase(Fact& f) {
    if (string_at(f.value, "kind") == "business"sv && !string_at(f.value, "target").empty())
      f.type = "acquisition";
    else
      f.value.erase("target");
  }

  // The longest form of the document that extends `name` word by word
  // ("Marlow" -> "Marlow Fintech Ltd"); ties go to the smaller string.
  std::string complete(const std::string& name) const {
    if (name.empty()) return name;
    // "Pell co" is whole; "Pell co Pty Ltd" is another company (its unit).
    const std::vector<std::string> words = split_words(name);
    if (words.size() > 1 && is_legal_suffix(lex_, words.back())) return name;
    // "Oppenheimer, a unit of Oppenheimer Group Inc": the unit is not its parent.
    for (auto it = parents_.lower_bound({name, std::string()}); it != parents_.end() && it->first == name; ++it)
      if (it->second.compare(0, name.size() + 1, name + " ") == 0) return name;
    std::string best = name;
    const std::string folded = lower(name);
    const bool abbreviation = is_abbreviation(name);
    for (const std::string& f : forms_) {
      // "Marlow" -> "Marlow Fintech Ltd"; "Bumi Kreasi Media" -> "PT Bumi Kreasi Media Tbk";
      // "Calmat" -> "CalMat Co"; "TWA" -> "Trans World Airlines Inc".
      // A legal form written before the name (deal_legal_prefix: "PT", "CV")
      // that `name` does not start with is passed over.
      std::string_view rest(f);
      if (const auto sp = rest.find(' '); sp != std::string_view::npos && rest.size() > sp + 1 &&
          in(lex_.legal_prefix, rest.substr(0, sp)) && name.compare(0, sp + 1, rest.data(), sp + 1) != 0)
        rest.remove_prefix(sp + 1);
      bool extends = rest.size() > name.size() && lower(rest.substr(0, name.size())) == folded &&
                     rest[name.size()] == ' ';
      // "Peat Marwick" is not "Peat Marwick and KMG Main Hurdman" when the
      // document names "KMG Main Hurdman" as a party of its own (the pair merges).
      for (std::string_view joint : {" and ", " & "})
        if (extends && rest.compare(name.size(), joint.size(), joint) == 0 &&
            forms_.count(std::string(rest.substr(name.size() + joint.size()))) > 0)
          extends = false;
      if ((extends || (abbreviation && initials(lex_, f) == name)) &&
          (f.size() > best.size() || (f.size() == best.size() && f < best)))
        best = f;
    }
    // An organization entity that has the name as a form gives its own name
    // when that name is the same or a word-extension of it.
    for (const auto& e : record_.entities) {
      if (e.type != "organization"sv) continue;
      bool has = e.name == best || std::find(e.aliases.begin(), e.aliases.end(), best) != e.aliases.end();
      if (has && e.name.size() > best.size() && e.name.compare(0, best.size() + 1, best + " ") == 0) best = e.name;
    }
    return best;
  }

  // "X said it ...", "X told the SEC it ...": the speaker of the sentence
  // first; in "It said it ..." / "The company said it ..." the company that
  // spoke last before; else the company named last before the pronoun.
  // "it" and "the company" stand for a company, never for a person who
  // spoke; "he" may stand for one.
  std::string resolve_pronoun(std::size_t pos, bool personal) const {
    const Span sentence = sentence_of(lex_, text_, pos);
    std::string best, last_speaker;
    for (const auto& [start, name] : sayers_) {
      if (start >= pos) break;
      if (!personal && is_person(name)) continue;
      if (start >= sentence.start) best = name;
      last_speaker = name;
    }
    if (!best.empty()) return best;
    const auto p = std::lower_bound(pronoun_sayers_.begin(), pronoun_sayers_.end(), sentence.start);
    if (!last_speaker.empty() && p != pronoun_sayers_.end() && *p <= pos) return last_speaker;
    // "The company said it ...": the company that spoke last.
    for (const auto& [start, name] : sayers_) {
      if (start >= pos) break;
      if (personal || !is_person(name)) best = name;
    }
    if (!best.empty()) return best;
    for (const auto& [start, name] : anchors_) {
      if (start >= pos) break;
      best = name;
    }
    return best;
  }

  // Whether a fact's capture (or the fact, without one) lies in a headline.
  bool in_headline(const Fact& f, const std::string& field) const {
    const Span* s = capture_of(f, field);
    return names::in_headline(text_, s ? s->start : f.span.start);
  }

  // A name read in a headline, as the body writes it: headlines are set in
  // capitals or title case, where "AGREES" or "SEEKS TO BE" look like names
  // to a capitalised-name pattern. A headline party counts only when a form
  // from the body equals it (case aside) or extends it word by word, and
  // takes that form's spelling: "NEWS CORP LTD" -> "News Corp Ltd".
  std::string body_form(const std::string& name) const {
    const std::string folded = lower(name);
    std::string best;
    for (const std::string& f : forms_)
      if (lower(f) == folded && (best.empty() || f < best)) best = f;
    if (!best.empty()) return best;
    std::string longer = complete(name);
    return longer != name ? longer : std::string();
  }

  std::string party(const Fact& f, const std::string& field) {
    std::string n = clean_capture(f, field);
    if (n.empty()) return n;
    // "from Acme Corp's Widget Inc unit": the seller is the owner (for a
    // buyer, "to Acme Corp's Widget Inc unit", the answer keys go both ways).
    if (field == "seller"sv) {
      const Span* s = capture_of(f, field);
      if (s && found(re_.unit_after, text_.substr(s->end, 20)))
        if (std::string owner = owner_in(f, field.c_str()); !owner.empty()) return owner;
    }
    if (in_headline(f, field)) {
      n = body_form(n);
      if (n.empty()) return n;
    }
    // "... Newport, N.Y. It said it agreed": a name pattern ran into the
    // pronoun that starts the next sentence; the pronoun is the party.
    if (const auto sp = n.rfind(' '); sp != std::string::npos) {
      const std::string last = n.substr(sp + 1);
      if (in(lex_.run_in_pronoun, last)) n = last;
    }
    if (bool personal = false; is_pronoun(lex_, n, &personal)) {
      const Span* s = capture_of(f, field);
      n = resolve_pronoun(s ? s->start : f.span.start, personal);
      if (n.empty()) return n;
    }
    // "... sold to U.K. Defence Minister George Younger": a person, alone or
    // after a title, is no company that is bought.
    if (field == "target"sv && is_titled_person(n)) return std::string();
    if (is_place(n) || is_non_name(lex_, n)) {
      // "Reuters", "May", "Delhi" are non-names or places alone, but the
      // document may name the company in full ("Reuters Holdings Plc", "May
      // Department Stores Co", "Delhi Petroleum Pty Ltd").
      const std::string full = complete(n);
      const std::vector<std::string> words = split_words(full);
      if (full == n || words.size() < 2 || !is_legal_suffix(lex_, words.back()) || is_non_name(lex_, full)) return std::string();
      return clean_party_name(full, lex_);
    }
    return without_place(clean_party_name(complete(n), lex_));
  }

  // "Delmar Grain Traders of Boston", "Tolliver Group of Salem": a place
  // entity of the document after "of" is where the company is, when three
  // words or more, or a name ending in "Group", name it before.
  std::string without_place(const std::string& name) const {
    const std::size_t at = name.rfind(" of ");
    if (at == std::string::npos) return name;
    const std::vector<std::string> before = split_words(name.substr(0, at));
    if (before.size() < 3 && !(before.size() == 2 && before.back() == "Group"sv)) return name;
    const std::string place = name.substr(at + 4);
    const Lexicon* places = rules_.lexicon("place_gazetteer");
    // A bank or a savings association is named after its town ("First
    // National Bank of Salem"): only a place found in the document cuts it.
    const bool named_by_town = in(lex_.town_named, before.back());
    return is_place(place) || (places && !named_by_town && places->contains(place)) ? name.substr(0, at) : name;
  }

  // A person entity of the document after a title word ("Defence Minister
  // George Younger"). A name alone is not enough: the person reading of a
  // firm's name ("KMG Main Hurdman") is sometimes taken.
  bool is_titled_person(const std::string& name) const {
    // A person's name ending `name` after a space, the word before it a title.
    for (std::size_t p = name.find(' '); p != std::string::npos; p = name.find(' ', p + 1)) {
      if (person_names_.count(name.substr(p + 1)) == 0) continue;
      const std::vector<std::string> before = split_words(name.substr(0, p));
      if (!before.empty() && (is_title(lex_, before.back()) || in(lex_.official_title, before.back()))) return true;
    }
    return false;
  }

  // A person entity of the document, maybe after a title ("Investor Martin Quayle").
  bool is_person(const std::string& name) const {
    if (person_names_.count(name) || person_aliases_.count(name)) return true;
    for (std::size_t p = name.find(' '); p != std::string::npos; p = name.find(' ', p + 1))
      if (person_names_.count(name.substr(p + 1))) return true;
    return false;
  }

  // "bought Dayton cable rights", "Kenton, Ky., toolmaker
  // Y": a place entity of the document, never a company, is not a party.
  bool is_place(const std::string& name) const {
    bool place = false;
    for (const auto& e : record_.entities) {
      bool has = e.name == name || std::find(e.aliases.begin(), e.aliases.end(), name) != e.aliases.end();
      if (has && e.type == "organization"sv) return false;
      if (has && e.type == "place"sv) place = true;
    }
    return place;
  }

  Mention read_mention(std::size_t index) {
    const Fact& f = record_.facts[index];
    Mention m;
    m.fact = index;
    m.acquirer = party(f, "acquirer");
    m.target = party(f, "target");
    m.seller = party(f, "seller");
    const Span sentence = sentence_of(lex_, text_, f.span.start);
    if (m.seller.empty()) m.seller = owner_in(f, "target");
    if (m.seller.empty() && !m.acquirer.empty() && !m.target.empty()) m.seller = seller_after(f, sentence);
    if (m.seller == m.acquirer || m.seller == m.target) m.seller.clear();
    if (m.acquirer.empty() && !m.seller.empty()) {
      std::string buyer = buyer_of_sale(f, sentence);
      if (buyer != m.seller && buyer != m.target) m.acquirer = buyer;
    }
    std::string written = clean_capture(f, "target");
    if (!written.empty() && !is_pronoun(lex_, written) && !is_non_name(lex_, written) && !in_headline(f, "target"))
      m.target_forms.push_back(written);
    m.status = string_at(f.value, "status");
    if (deal_status_rank(m.status) < 0) m.status = "announced";
    m.price = price_for(f, sentence);
    m.stake = stake_for(f);
    m.date = date_for(sentence);
    return m;
  }

  // The second of two companies in one target or acquirer capture, when both
  // carry a legal suffix ("Acme Inc of Ohio and Widget Corp"); the first is
  // what clean_party_name keeps.
  std::string second_party(const Fact& f, const char* field) {
    std::string raw = Lexicon::fold(string_at(f.value, field), false);
    const std::size_t at = raw.rfind(" and ");
    if (at == std::string::npos) return {};
    std::vector<std::string> left = split_words(raw.substr(0, at));
    const std::string n = clean_party_name(raw.substr(at + 5), lex_);
    std::vector<std::string> right = split_words(n);
    if (right.size() < 2 || !is_legal_suffix(lex_, right.back())) return {};
    if (std::none_of(left.begin() + (left.empty() ? 0 : 1), left.end(), [&](const std::string& w) { return is_legal_suffix(lex_, w); }))
      return {};
    if (is_non_name(lex_, n) || is_place(n)) return {};
    if (in_headline(f, field)) return body_form(n);
    return clean_party_name(complete(n), lex_);
  }

  // "bought Arlen Inc's Dorset Co": the owner named in the target is the seller.
  std::string owner_in(const Fact& f, const char* field) {
    std::string raw = Lexicon::fold(string_at(f.value, field), false);
    for (std::size_t pos = raw.find("'s "); pos != std::string::npos; pos = raw.find("'s ", pos + 1)) {
      std::string owner = raw.substr(0, pos);
      std::vector<std::string> w = split_words(owner);
      if (w.empty() || !(is_legal_suffix(lex_, w.back()) || w.back() == "Group"sv)) continue;
      owner = clean_party_name(owner, lex_);
      if (!owner.empty() && !is_non_name(lex_, owner) && !is_place(owner)) return clean_party_name(complete(owner), lex_);
    }
    return {};
  }

  // "bought the Lyle clinic in Tulsa from Y": a
  // company named right after "from" later in the sentence sells.
  std::string seller_after(const Fact& f, const Span& sentence) {
    for (const auto& e : record_.entities) {
      if (e.type != "organization"sv) continue;
      for (const auto& mspan : e.mentions) {
        if (mspan.start <= f.span.end || mspan.start >= sentence.end || mspan.start > f.span.end + 100) continue;
        std::string_view gap = text_.substr(f.span.end, mspan.start - f.span.end);
        if (!whole(re_.seller_gap, gap)) continue;
        std::string n = clean_party_name(Lexicon::fold(text_.substr(mspan.start, mspan.size()), false), lex_);
        if (!n.empty() && !is_non_name(lex_, n)) return clean_party_name(complete(n), lex_);
      }
    }
    return {};
  }

  // "S sold its X business ... to B": the buyer of a sale that names none,
  // from a sold_to cue that starts inside the mention or after it in its
  // sentence; else from "the sale to B" in a later sentence naming no deal.
  std::string buyer_of_sale(const Fact& f, const Span& sentence) {
    std::size_t later_at = std::string_view::npos;
    std::string later;
    for (const auto& c : record_.hidden) {
      if (c.type != "cue"sv || string_at(c.value, "cue") != "sold_to"sv || c.span.start < f.span.start) continue;
      if (c.span.start < sentence.end) {
        std::string b = party(c, "buyer");
        if (!b.empty()) return b;
        continue;
      }
      if (c.span.start > later_at || text_.substr(c.span.start, 5) != "sale "sv) continue;
      const Span other = sentence_of(lex_, text_, c.span.start);
      bool names_deal = std::any_of(record_.facts.begin(), record_.facts.end(), [&](const Fact& g) {
        return (g.type == "acquisition"sv || g.type == "purchase"sv) && g.span.start >= other.start && g.span.start < other.end;
      });
      if (!names_deal) later = party(c, "buyer"), later_at = c.span.start;
    }
    return later;
  }

  // Money facts (by start) that a cue of the rules marks: as a price per
  // share ("52 dlrs [cash per share]", "145 dlrs [for each] of its shares":
  // the per_share cue follows after white space only), or as a deal price
  // stated outside a mention (a price_before cue ends where the money starts,
  // white space between, "bought the shares for"; a price_after cue takes in the end of the money,
  // "the 90 [mln dlr bid]"). Computed once per document.
  void mark_money_cues() {
    std::vector<Span> per_share, before, after;
    for (const auto& c : record_.hidden) {
      const std::string kind = string_at(c.value, "cue");
      if (kind == "per_share"sv) per_share.push_back(c.span);
      else if (kind == "price_before"sv) before.push_back(c.span);
      else if (kind == "price_after"sv) after.push_back(c.span);
    }
    // Nothing but white space from `from` to `to` (and not backwards).
    auto blank_between = [&](std::size_t from, std::size_t to) {
      if (from > to) return false;
      const std::string_view gap = text_.substr(from, to - from);
      return std::all_of(gap.begin(), gap.end(), is_space);
    };
    for (const auto& g : record_.facts) {
      if (g.type != "money"sv) continue;
      for (const Span& c : per_share)
        if (blank_between(g.span.end, c.start)) per_share_money_.insert(g.span.start);
      for (const Span& c : before)
        if (blank_between(c.end, g.span.start)) cued_price_money_.insert(g.span.start);
      for (const Span& c : after)
        if (c.start < g.span.end && c.end >= g.span.end) cued_price_money_.insert(g.span.start);
    }
  }
  bool per_share_after(const Fact& g) const { return per_share_money_.count(g.span.start) > 0; }
  bool price_cue_at(const Fact& g) const { return cued_price_money_.count(g.span.start) > 0; }

  // The money fact that prices this mention: inside the match, or soon
  // after it in the same sentence behind a price word ("for", "senilai").
  // The index of the first fact that starts at or after `pos`: the facts
  // are sorted by start (Record::facts), so that the loops over the facts
  // near a mention start there instead of reading every fact of a long
  // document for each mention; 0 if they are not.
  std::size_t first_fact_at(std::size_t pos) const {
    if (!facts_sorted_) return 0;
    const auto it = std::partition_point(record_.facts.begin(), record_.facts.end(),
                                         [&](const Fact& g) { return g.span.start < pos; });
    return static_cast<std::size_t>(it - record_.facts.begin());
  }
  // Whether the facts from this one on all start after `pos` (so a loop
  // looking for facts up to `pos` can stop).
  bool all_after(const Fact& g, std::size_t pos) const { return facts_sorted_ && g.span.start > pos; }

  Json price_for(const Fact& f, const Span& sentence) const {
    const auto& facts = record_.facts;
    for (std::size_t i = first_fact_at(f.span.start); i < facts.size(); ++i) {
      const Fact& g = facts[i];
      if (g.type != "money"sv || g.value.contains("per") || per_share_after(g)) continue;
      if (g.span.start < f.span.start) continue;
      if (g.span.start >= sentence.end) break;
      if (g.span.start > f.span.end + 120) break;
      if (g.span.end <= f.span.end) return g.value;  // inside the match
      std::string_view gap = text_.substr(f.span.end, g.span.start - f.span.end);
      if (found(re_.price_blocked, gap)) continue;
      // The price word may close the match itself ("... untuk membeli server senilai").
      const std::size_t from = f.span.end - std::min<std::size_t>(f.span.size(), 12);
      if (!found(re_.price_lead, text_.substr(from, g.span.start - from))) continue;
      // Another acquisition between them owns the money.
      bool other = false;
      for (std::size_t k = first_fact_at(f.span.start + 1); k < facts.size() && !other; ++k) {
        const Fact& h = facts[k];
        if (all_after(h, g.span.start - 1)) break;
        if ((h.type == "acquisition"sv || h.type == "purchase"sv) && h.span.start > f.span.start &&
            h.span.start < g.span.start)
          other = true;
      }
      if (!other) return g.value;
    }
    return nullptr;
  }

  // The dateline gives the publication date, which is the fallback anyway.
  bool is_dateline(const Fact& f) const {
    if (f.rule_index >= rules_.rules.size() || !rules_.rules[f.rule_index].dateline) return false;
    return record_.published && string_at(f.value, "date") == format_iso(*record_.published);
  }

  Json stake_for(const Fact& f) const {
    for (std::size_t i = first_fact_at(f.span.start); i < record_.facts.size(); ++i) {
      const Fact& g = record_.facts[i];
      if (all_after(g, f.span.end)) break;
      if (g.type == "percent"sv && g.span.start >= f.span.start && g.span.end <= f.span.end && g.value.contains("percent"))
        return g.value["percent"];
    }
    return nullptr;
  }

  // A full or month date stated in the mention's sentence (the latest one).
  Json date_for(const Span& sentence) const {
    std::string best;
    for (std::size_t i = first_fact_at(sentence.start); i < record_.facts.size(); ++i) {
      const Fact& g = record_.facts[i];
      if (all_after(g, sentence.end)) break;
      if (g.type != "date"sv || g.span.start < sentence.start || g.span.end > sentence.end) continue;
      if (is_dateline(g)) continue;
      std::string d = string_at(g.value, "date");
      if (d.size() >= 7 && d > best) best = d;
    }
    return best.empty() ? Json(nullptr) : Json(best);
  }

  void write_back(Fact& f, const Mention& m) {
    for (const char* field : {"acquirer", "target", "seller"}) {
      const std::string& v = std::string(field) == "acquirer"sv ? m.acquirer
                             : std::string(field) == "target"sv ? m.target : m.seller;
      if (!v.empty()) f.value[field] = v;
      else if (f.value.contains(field)) f.value.erase(field);
    }
    f.value["status"] = m.status;
    if (!m.price.is_null()) f.value["price"] = m.price;
    if (!m.stake.is_null()) f.value["stake"] = m.stake;
    if (!m.date.is_null()) f.value["date"] = m.date;
  }

  static bool compatible(const std::string& a, const std::string& b) { return a.empty() || b.empty() || a == b; }

  // Two mentions of one deal: no role named differently, and one role named the same.
  static bool same_deal(const Mention& a, const Mention& b) {
    if (!compatible(a.acquirer, b.acquirer) || !compatible(a.target, b.target) || !compatible(a.seller, b.seller))
      return false;
    if (!a.target.empty() && a.target == b.target) return true;
    if (!a.acquirer.empty() && a.acquirer == b.acquirer && (a.target.empty() || b.target.empty())) return true;
    if (!a.seller.empty() && a.seller == b.seller && (a.target.empty() || b.target.empty())) return true;
    return false;
  }

  // The most frequent non-empty value; ties go to the smaller string.
  static std::string vote(const std::vector<const Mention*>& ms, std::string Mention::*field) {
    std::map<std::string, int> count;
    for (const auto* m : ms)
      if (!(m->*field).empty()) ++count[m->*field];
    std::string best;
    int n = 0;
    for (const auto& [v, c] : count)
      if (c > n) best = v, n = c;
    return best;
  }

  // A price stated elsewhere for the deal: "valuing Tallis at", "nilai
  // transaksinya ... mencapai", "a total of". The largest such amount wins,
  // which does not depend on paragraph order.
  Json price_elsewhere() const {
    Json best = nullptr;
    for (const auto& g : record_.facts) {
      if (g.type != "money"sv || g.value.contains("per") || !g.value.contains("amount") || per_share_after(g)) continue;
      std::size_t from = g.span.start > 60 ? g.span.start - 60 : 0;
      std::string_view before = text_.substr(from, g.span.start - from);
      if (found(re_.market_value, before)) continue;
      if (!found(re_.price_elsewhere, before) && !price_cue_at(g)) continue;
      if (best.is_null() || g.value["amount"].get<double>() > best["amount"].get<double>()) best = g.value;
    }
    return best;
  }

  // A day date in a sentence about the deal that names no party ("The
  // completion was announced on Thursday (20/11/2025)"): the latest one.
  std::string deal_day_elsewhere() const {
    std::string best;
    for (const auto& g : record_.facts) {
      if (g.type != "date"sv || is_dateline(g)) continue;
      std::string d = string_at(g.value, "date");
      if (d.size() != 10 || d <= best) continue;
      const Span s = sentence_of(lex_, text_, g.span.start);
      if (found(re_.topic, text_.substr(s.start, s.size()))) best = d;
    }
    return best;
  }

  // A parenthesised official name after the target: "Hotshot (resminya
  // Natural Synthetics Inc.)", "Acme (formerly Widget Corp)".
  void official_names(const std::string& target, std::set<std::string>& aliases) const {
    if (target.empty() || !re_.official_name) return;
    std::size_t pos = 0;
    while ((pos = text_.find(target, pos)) != std::string_view::npos) {
      std::string inner;
      if (RE2::PartialMatch(text_.substr(pos + target.size(), 100), *re_.official_name, &inner)) {
        while (!inner.empty() && is_space(inner.back())) inner.pop_back();
        aliases.insert(inner);
      }
      pos += target.size();
    }
  }

  // "Y, a unit of P", "the Y division of P": the owner of a bought unit,
  // when it is not the buyer itself.
  std::string parent_of(const std::string& target, const std::string& acquirer) {
    if (target.empty()) return {};
    for (const Fact* cue : unit_of_cues_) {
      const Fact& f = *cue;
      std::string unit = clean_party_name(string_at(f.value, "unit"), lex_);
      if (unit.empty() || (unit != target && complete(unit) != target)) continue;
      std::string parent = clean_party_name(complete(clean_party_name(string_at(f.value, "parent"), lex_)), lex_);
      if (!parent.empty() && parent != acquirer && parent != target && !is_non_name(lex_, parent)) return parent;
    }
    return {};
  }

  // "X agreed to merge with Y", "X and Y signed a merger agreement": the
  // words do not say who buys whom. When another mention of the same two
  // companies does ("Y will buy 51 pct of X"), the merger takes its direction.
  bool says_no_direction(const Mention& m) const {
    const Fact& f = record_.facts[m.fact];
    if (lower(string_at(f.value, "trigger")).find("merge") != std::string::npos) return true;
    const Span* a = capture_of(f, "acquirer");
    const Span* t = capture_of(f, "target");
    if (!a || !t || a->end > t->start) return false;
    return whole(re_.joint_parties, text_.substr(a->end, t->start - a->end));
  }

  void orient_mergers(std::vector<Mention>& mentions) {
    std::vector<bool> undirected(mentions.size());
    for (std::size_t i = 0; i < mentions.size(); ++i) undirected[i] = says_no_direction(mentions[i]);
    for (std::size_t i = 0; i < mentions.size(); ++i) {
      Mention& m = mentions[i];
      if (!undirected[i] || m.acquirer.empty() || m.target.empty()) continue;
      for (std::size_t j = 0; j < mentions.size(); ++j)
        if (!undirected[j] && mentions[j].acquirer == m.target && mentions[j].target == m.acquirer) {
          std::swap(m.acquirer, m.target);
          m.target_forms.clear();
          write_back(record_.facts[m.fact], m);
          break;
        }
    }
  }

  void build_deals(const std::vector<Mention>& mentions) {
    // Union-find over mentions of one deal.
    std::vector<std::size_t> parent(mentions.size());
    std::iota(parent.begin(), parent.end(), 0);
    std::function<std::size_t(std::size_t)> root = [&](std::size_t i) {
      return parent[i] == i ? i : parent[i] = root(parent[i]);
    };
    // Only mentions that share a target, an acquirer or a seller can be one
    // deal (same_deal), so each is compared with those alone, in the order
    // of the text as before (the same unions, the same roots); pairs already
    // joined are not compared again. A long document can have thousands of
    // mentions, of one deal or of many.
    std::map<std::string, std::vector<std::size_t>> by_target, by_acquirer, by_seller;
    for (std::size_t i = 0; i < mentions.size(); ++i) {
      if (!mentions[i].target.empty()) by_target[mentions[i].target].push_back(i);
      if (!mentions[i].acquirer.empty()) by_acquirer[mentions[i].acquirer].push_back(i);
      if (!mentions[i].seller.empty()) by_seller[mentions[i].seller].push_back(i);
    }
    std::vector<std::size_t> later;
    for (std::size_t i = 0; i < mentions.size(); ++i) {
      later.clear();
      auto add_later = [&](const std::map<std::string, std::vector<std::size_t>>& index, const std::string& key) {
        if (key.empty()) return;
        const std::vector<std::size_t>& all = index.at(key);
        later.insert(later.end(), std::upper_bound(all.begin(), all.end(), i), all.end());
      };
      add_later(by_target, mentions[i].target);
      add_later(by_acquirer, mentions[i].acquirer);
      add_later(by_seller, mentions[i].seller);
      std::sort(later.begin(), later.end());
      later.erase(std::unique(later.begin(), later.end()), later.end());
      for (std::size_t j : later)
        if (root(j) != root(i) && same_deal(mentions[i], mentions[j])) parent[root(j)] = root(i);
    }
    std::map<std::size_t, std::vector<const Mention*>> groups;
    for (std::size_t i = 0; i < mentions.size(); ++i) groups[root(i)].push_back(&mentions[i]);

    const bool undisclosed = std::any_of(record_.hidden.begin(), record_.hidden.end(), [](const Fact& f) {
      return f.type == "cue"sv && string_at(f.value, "cue") == "undisclosed"sv;
    });
    std::vector<Json> deals;
    // What does not depend on the deal, found once: a price and a day stated
    // elsewhere in the text.
    std::optional<Json> elsewhere_price;
    std::optional<std::string> elsewhere_day;
    for (const auto& [r, ms] : groups) {
      Json d = Json::object();
      const std::string acquirer = vote(ms, &Mention::acquirer);
      const std::string target = vote(ms, &Mention::target);
      const std::string seller = vote(ms, &Mention::seller);
      d["acquirer"] = acquirer.empty() ? Json(nullptr) : Json(acquirer);
      // Joint buyers, sorted so that the record does not depend on the order of the text.
      std::set<std::string> co;
      for (const auto* m : ms)
        if (!m->co_acquirer.empty() && m->co_acquirer != acquirer && m->co_acquirer != target) co.insert(m->co_acquirer);
      d["co_acquirers"] = Json(std::vector<std::string>(co.begin(), co.end()));
      d["target"] = target.empty() ? Json(nullptr) : Json(target);
      std::set<std::string> aliases;
      for (const auto* m : ms)
        for (const auto& a : m->target_forms) aliases.insert(a);
      for (const auto& e : record_.entities) {
        if (e.type != "organization"sv || target.empty()) continue;
        if (e.name == target || std::find(e.aliases.begin(), e.aliases.end(), target) != e.aliases.end()) {
          aliases.insert(e.name);
          aliases.insert(e.aliases.begin(), e.aliases.end());
        }
      }
      official_names(target, aliases);
      aliases.erase(target);
      for (auto it = aliases.begin(); it != aliases.end();)
        it = (is_pronoun(lex_, *it) || is_non_name(lex_, *it) || *it == acquirer) ? aliases.erase(it) : std::next(it);
      d["target_aliases"] = Json(std::vector<std::string>(aliases.begin(), aliases.end()));
      std::string owner = seller.empty() ? parent_of(target, acquirer) : seller;
      d["seller"] = owner.empty() ? Json(nullptr) : Json(owner);

      // Price: the one stated with the most mentions; ties to the larger amount.
      // The distinct prices first, each with its votes, in the order first stated.
      std::vector<std::pair<const Json*, int>> stated;
      for (const auto* m : ms) {
        if (m->price.is_null()) continue;
        auto it = std::find_if(stated.begin(), stated.end(), [&](const auto& p) { return *p.first == m->price; });
        if (it == stated.end()) stated.emplace_back(&m->price, 1);
        else ++it->second;
      }
      Json price = nullptr;
      int price_votes = 0;
      for (const auto& [p, votes] : stated) {
        if (votes > price_votes ||
            (votes == price_votes && (*p)["amount"].get<double>() > price["amount"].get<double>()))
          price = *p, price_votes = votes;
      }
      if (price.is_null() && !undisclosed) {
        if (!elsewhere_price) elsewhere_price = price_elsewhere();
        price = *elsewhere_price;
      }
      d["price"] = price;
      d["price_disclosed"] = !price.is_null() ? Json(true) : undisclosed ? Json(false) : Json(nullptr);

      Json stake = nullptr;
      for (const auto* m : ms)
        if (!m->stake.is_null() && (stake.is_null() || m->stake.get<double>() > stake.get<double>())) stake = m->stake;
      d["stake"] = stake;

      int rank = -1;
      for (const auto* m : ms) rank = std::max(rank, deal_status_rank(m->status));
      d["status"] = rank >= 0 ? Json(kStatuses[rank]) : Json(nullptr);

      std::string date;
      for (const auto* m : ms)
        if (m->date.is_string() && m->date.get<std::string>() > date) date = m->date.get<std::string>();
      if (date.empty()) {
        if (!elsewhere_day) elsewhere_day = deal_day_elsewhere();
        date = *elsewhere_day;
      }
      if (date.empty() && record_.published) date = format_iso(*record_.published);
      d["date"] = date.empty() ? Json(nullptr) : Json(date);

      std::vector<std::size_t> evidence;
      for (const auto* m : ms) evidence.push_back(m->fact);
      d["evidence"] = evidence;
      d["mentions"] = ms.size();
      deals.push_back(std::move(d));
    }
    // Most mentioned first, then by names: never by position in the text.
    std::sort(deals.begin(), deals.end(), [](const Json& a, const Json& b) {
      if (a["mentions"] != b["mentions"]) return a["mentions"].get<std::size_t>() > b["mentions"].get<std::size_t>();
      if (a["acquirer"].dump() != b["acquirer"].dump()) return a["acquirer"].dump() < b["acquirer"].dump();
      if (a["target"].dump() != b["target"].dump()) return a["target"].dump() < b["target"].dump();
      return a["seller"].dump() < b["seller"].dump();
    });
    for (auto& d : deals) {
      d.erase("mentions");
      record_.deals.push_back(std::move(d));
    }
  }
};

}  // namespace

int deal_status_rank(std::string_view status) {
  for (int i = 0; i < 5; ++i)
    if (status == kStatuses[i]) return i;
  return -1;
}

std::string clean_party_name(std::string_view raw, const DealLexicons& lex) {
  // The words as views of the folded text, each cut in place (a name's
  // clean-up runs for every party mention: no string per word).
  thread_local std::string s;
  thread_local std::vector<std::string_view> w;
  Lexicon::fold_into(raw, false, s);
  while (!s.empty() && (s.back() == ',' || s.back() == ';' || s.back() == ':' || s.back() == ' ')) s.pop_back();
  split_views(s, w);
  if (w.size() > 1 && (w[0] == "The"sv || w[0] == "the"sv)) w.erase(w.begin());
  // "On Friday TWA", "In February Alleghany", "Earlier USAir": a time
  // phrase opening the sentence is not part of the name. ("In May" stays:
  // May is also a company.)
  {
    std::size_t drop = 0;
    if (w.size() > 2) {
      thread_local std::string two;  // reused: no allocation per name
      two.assign(w[0]).append(1, ' ').append(w[1]);
      if (in(lex.time_opener, two)) drop = 2;
    }
    if (drop == 0 && w.size() > 1 && in(lex.time_opener, w[0])) drop = 1;
    w.erase(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(drop));
  }
  // "Los Angeles-based Acme Inc": the place before the name is not part of it.
  for (std::size_t i = w.size() - (w.empty() ? 0 : 1); i-- > 0;)
    if (ends_with(w[i], "-based")) {
      w.erase(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      break;
    }
  // "First Lantern Chairman Joseph Kell": the company is before the title,
  // which a name follows; "First Executive Corp" is one name.
  for (std::size_t i = 1; i + 1 < w.size() && !is_legal_suffix(lex, w.back()); ++i)
    if (is_title(lex, w[i])) {
      w.resize(i);
      break;
    }
  // "Subsidiaries of Acme Corp": the parent speaks for its units.
  if (w.size() > 2 && w[1] == "of"sv && in(lex.units_of, w[0]))
    w.erase(w.begin(), w.begin() + 2);
  // "Acme Corp's Widget Co", "Winn Enterprises' Widget Co": the unit named
  // after its parent is the party.
  for (std::size_t i = w.size() - (w.empty() ? 0 : 1); i-- > 0;) {
    std::string_view base = w[i];
    const bool plural = i > 0 && ends_with(base, "s'") && is_legal_suffix(lex, w.back());
    if (ends_with(base, "'s") || ends_with(base, "\u2019s")) base.remove_suffix(base[base.size() - 2] == '\'' ? 2 : 4);
    else if (!plural) continue;
    if (plural || is_legal_suffix(lex, base) || base == "Group"sv) {
      w.erase(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      break;
    }
  }
  // "Gencorp's", "American Dynamics'": a possessive at the end is not part of the name.
  if (!w.empty()) {
    std::string_view& last = w.back();
    if (ends_with(last, "'s")) last.remove_suffix(2);
    else if (ends_with(last, "s'")) last.remove_suffix(1);
  }
  // "Banco Portugues Sarl (BPI)": a trailing abbreviation in brackets.
  if (w.size() > 1 && w.back().size() > 2 && w.back().front() == '(' && w.back().back() == ')') w.pop_back();
  // "Acme Inc and Widget Inc", "Acme Inc of Ohio and Widget Inc": two
  // parties; the first one is taken.
  for (std::size_t i = 1; i + 2 < w.size(); ++i)
    if ((w[i + 1] == "and"sv || w[i + 1] == "&"sv) && is_legal_suffix(lex, w.back()) &&
        (w[i] == "Group"sv || std::any_of(w.begin() + 1, w.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                        [&](std::string_view x) { return is_legal_suffix(lex, x); }))) {
      w.resize(i + 1);
      break;
    }
  auto suffix_after = [&](std::size_t i) {
    for (std::size_t j = i; j < w.size(); ++j)
      if (is_legal_suffix(lex, w[j])) return true;
    return false;
  };
  // "Coastal Bancorp of Portland", "Measurement Systems Division of Acme
  // Corp"; "Ardley Bancorp of West Virginia Inc" is one name.
  for (std::size_t i = 1; i + 1 < w.size(); ++i)
    if (w[i + 1] == "of"sv &&
        (w[i] == "Division"sv || (in(lex.place_after, w[i]) && !suffix_after(i + 2)))) {
      w.resize(i + 1);
      break;
    }
  for (std::size_t i = 1; i + 1 < w.size(); ++i) {
    if (!is_legal_suffix(lex, w[i])) continue;
    // "Acme Inc of Ohio": the place after a legal suffix is not part of the
    // name, unless the name goes on to its own suffix ("Sara Lee Corp of
    // Canada Ltd") or is "... of America".
    if ((w[i + 1] == "of"sv || w[i + 1] == "in"sv) && !suffix_after(i + 2) &&
        !(i + 3 == w.size() && w[i + 2] == "America"sv)) {
      w.resize(i + 1);
      break;
    }
    // "Pellam Rubber Inc. Once signed": a suffix with its full stop ends a
    // sentence when no other suffix follows.
    if (w[i].back() == '.' && !suffix_after(i + 1)) {
      w.resize(i + 1);
      w.back().remove_suffix(1);
      break;
    }
  }
  if (!w.empty()) {
    std::string_view& last = w.back();
    if (last.size() > 1 && last.back() == '.' &&
        std::count(last.begin(), last.end(), '.') == 1 && is_legal_suffix(lex, last))
      last.remove_suffix(1);
  }
  std::string out;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (i) out += ' ';
    out += w[i];
  }
  return out;
}

DealPatterns::DealPatterns(const RuleSet& rules)
    : price_blocked(rules.regex("deal_price_blocked")),
      price_lead(rules.regex("deal_price_lead")),
      price_elsewhere(rules.regex("deal_price_elsewhere")),
      market_value(rules.regex("deal_market_value")),
      topic(rules.regex("deal_topic")),
      official_name(rules.regex("deal_official_name")),
      unit_after(rules.regex("deal_unit_after")),
      seller_gap(rules.regex("deal_seller_gap")),
      joint_parties(rules.regex("deal_joint_parties")) {}

DealLexicons::DealLexicons(const RuleSet& rules)
    : legal_suffix(rules, "deal_legal_suffix"),
      non_party(rules, "deal_non_party"),
      amount_unit(rules, "deal_amount_unit"),
      ruling_body(rules, "deal_ruling_body"),
      title(rules, "deal_title"),
      official_title(rules, "deal_official_title"),
      pronoun(rules, "deal_pronoun"),
      run_in_pronoun(rules, "deal_run_in_pronoun"),
      time_opener(rules, "deal_time_opener"),
      units_of(rules, "deal_units_of"),
      legal_prefix(rules, "deal_legal_prefix"),
      town_named(rules, "deal_town_named"),
      place_after(rules, "deal_place_after"),
      names(names::Lexicons::from(rules)),
      patterns(rules) {}

bool is_non_party_name(std::string_view name, const DealLexicons& lex) { return is_non_name(lex, name); }

bool is_party_pronoun(std::string_view name, const DealLexicons& lex, bool* personal) {
  return is_pronoun(lex, name, personal);
}

void assemble_deals(const RuleSet& rules, const DealLexicons& lex, std::string_view text, Record& record) {
  DealBuilder(rules, lex, text, record).run();
}

}  // namespace extract
