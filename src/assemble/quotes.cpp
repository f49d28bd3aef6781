#include "assemble/quotes.hpp"

#include <algorithm>

#include "assemble/names.hpp"
#include "core/ascii.hpp"
#include "core/sort.hpp"

namespace extract {

using namespace std::string_view_literals;

namespace {

// Quotation-mark families. A quote opens with an opener of a family and closes
// with one of its closers.
enum Family { kNone = 0, kDouble, kSingle, kGuillemet };

struct Mark {
  Family family = kNone;
  bool can_open = false;
  bool can_close = false;
  std::size_t len = 0;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_alnum_at(std::string_view t, std::size_t i) {
  if (i >= t.size()) return false;
  const unsigned char c = static_cast<unsigned char>(t[i]);
  return std::isalnum(c) || c >= 0x80;
}

// Whether byte c may start a quotation mark (mark_at is asked about every
// byte of a text: the others are turned away before the call), one load a
// byte.
constexpr ByteSet kMarkBytes("\"'\xC2\xE2");
inline bool may_be_mark(char c) { return kMarkBytes.has(c); }

// The quotation mark starting at text[i], if any, and whether it may open or
// close a quote here. Straight marks decide by their neighbours; an apostrophe
// inside a word (don't, Clinton’s) is neither.
Mark mark_at(std::string_view t, std::size_t i) {
  const unsigned char c = static_cast<unsigned char>(t[i]);
  if (!may_be_mark(t[i])) return {};
  const bool space_before = i == 0 || is_space(t[i - 1]) || t[i - 1] == '(' || t[i - 1] == '[' ||
                            t[i - 1] == '-' || t[i - 1] == '/';
  if (c == '"') {
    const bool space_after = i + 1 >= t.size() || is_space(t[i + 1]);
    return {kDouble, !space_after, !space_before || space_after, 1};
  }
  if (c == '\'' && i + 1 < t.size() && t[i + 1] == '\'') {
    // Two apostrophes for a double quote (''like this''), old wire style.
    const bool space_after = i + 2 >= t.size() || is_space(t[i + 2]);
    return {kDouble, space_before && !space_after, !space_before, 2};
  }
  if (c == '\'') {
    // Straight single quotes only around words: 'like this'.
    const bool open = space_before && is_alnum_at(t, i + 1);
    const bool close = i > 0 && !is_space(t[i - 1]) && !is_alnum_at(t, i + 1);
    return {kSingle, open, close, 1};
  }
  if (c == 0xC2 && i + 1 < t.size()) {
    const unsigned char d = static_cast<unsigned char>(t[i + 1]);
    if (d == 0xAB) return {kGuillemet, true, false, 2};  // «
    if (d == 0xBB) return {kGuillemet, false, true, 2};  // »
  }
  if (c == 0xE2 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80) {
    const unsigned char d = static_cast<unsigned char>(t[i + 2]);
    if (d == 0x9C) return {kDouble, true, false, 3};   // “
    if (d == 0x9E) return {kDouble, true, false, 3};   // „
    if (d == 0x9D) {  // ”, also written as an opener at the start of a line or after a blank
      const bool line_start = i == 0 || t[i - 1] == '\n';
      return {kDouble, line_start && is_alnum_at(t, i + 3), !space_before || !is_alnum_at(t, i + 3), 3};
    }
    if (d == 0x98) return {kSingle, space_before, false, 3};  // ‘
    if (d == 0x99) {                                   // ’: closer unless inside a word
      const bool close = i > 0 && !is_space(t[i - 1]) && !is_alnum_at(t, i + 3);
      return {kSingle, false, close, 3};
    }
  }
  return {};
}

struct QuoteSpan {
  Span outer;                    // from the opening mark to the closing mark, inclusive
  std::vector<Span> inner;       // the text inside, one piece per paragraph
  std::size_t para_start = 0;    // start of the paragraph (line) of the opening mark
  bool starts_paragraph = false; // only white space before the opening mark on its line
};

// Finds the quotations of one text: pairs of marks within a line, or running
// over several lines when each following line opens with a mark of the same
// family (and only the last one closes). An opening mark that is not closed
// is dropped, so an unbalanced mark never swallows more than its own line.
std::vector<QuoteSpan> find_quotes(std::string_view t) {
  constexpr std::size_t kMaxParagraphs = 60;
  std::vector<QuoteSpan> out;
  std::size_t line = 0;
  while (line < t.size()) {
    std::size_t eol = t.find('\n', line);
    if (eol == std::string_view::npos) eol = t.size();
    std::size_t i = line;
    // Families whose closer was searched for from an earlier opener of this
    // line without success: a later opener cannot find one either (this keeps
    // a line full of unbalanced marks linear).
    bool dead[4] = {false, false, false, false};
    while (i < eol) {
      if (!may_be_mark(t[i])) {
        ++i;
        continue;
      }
      Mark m = mark_at(t, i);
      if (m.family == kNone || !m.can_open || dead[m.family]) {
        i += m.len ? m.len : 1;
        continue;
      }
      // An opener: look for its closer, on this line or continued lines.
      QuoteSpan q;
      q.outer.start = i;
      q.para_start = line;
      std::size_t k = line;
      while (k < i && is_space(t[k])) ++k;
      q.starts_paragraph = k == i;
      const Family fam = m.family;
      std::size_t j = i + m.len;
      std::size_t piece = j;
      std::size_t line_end = eol;
      std::size_t paragraphs = 1;
      bool closed = false;
      while (true) {
        while (j < line_end) {
          if (!may_be_mark(t[j])) {
            ++j;
            continue;
          }
          Mark c = mark_at(t, j);
          if (c.family == fam && c.can_close && j > piece) {
            q.inner.push_back({piece, j});
            q.outer.end = j + c.len;
            closed = true;
            break;
          }
          j += c.len ? c.len : 1;
        }
        if (closed) break;
        // End of the line without a closer: continue if a later line opens
        // with a mark of the same family (a quote over several paragraphs).
        std::size_t next = line_end;
        while (next < t.size() && is_space(t[next])) ++next;
        if (next >= t.size() || ++paragraphs > kMaxParagraphs) break;
        Mark n = mark_at(t, next);
        if (n.family != fam || !n.can_open) break;
        std::size_t pe = line_end;
        while (pe > piece && is_space(t[pe - 1])) --pe;
        if (pe > piece) q.inner.push_back({piece, pe});
        j = next + n.len;
        piece = j;
        line_end = t.find('\n', next);
        if (line_end == std::string_view::npos) line_end = t.size();
      }
      if (!closed) {
        dead[fam] = true;
        i += m.len;  // unbalanced: skip this mark only
        continue;
      }
      bool words = false;
      for (const auto& p : q.inner)
        for (std::size_t k = p.start; k < p.end && !words; ++k) words = is_alnum_at(t, k);
      if (!words) {  // marks around nothing but punctuation
        i += m.len;
        continue;
      }
      out.push_back(q);
      if (q.outer.end > eol) {
        // Continue after the quote's last line.
        std::size_t last = t.rfind('\n', q.outer.end - 1);
        line = last == std::string_view::npos ? 0 : last + 1;
        eol = t.find('\n', q.outer.end);
        if (eol == std::string_view::npos) eol = t.size();
        std::fill(std::begin(dead), std::end(dead), false);
      }
      i = q.outer.end;
    }
    line = eol + 1;
  }
  return out;
}

struct Cue {
  Span span;
  const Fact* fact;
};

struct Mention {
  Span span;
  std::size_t entity;
};

class Attributor {
 public:
  Attributor(const names::Lexicons& lex, std::string_view text, Record& record)
      : text_(text), record_(record), lex_(lex) {}

  void run() {
    quotes_ = find_quotes(text_);
    for (const auto& f : record_.hidden)
      if (f.type == "cue"sv && string_at(f.value, "kind") == "speech"sv && !inside_quote(f.span)) cues_.push_back({f.span, &f});
    std::sort(cues_.begin(), cues_.end(), [](const Cue& a, const Cue& b) { return a.span.start < b.span.start; });
    for (std::size_t e = 0; e < record_.entities.size(); ++e)
      for (const auto& m : record_.entities[e].mentions)
        if (!inside_quote(m)) mentions_.push_back({m, e});
    std::sort(mentions_.begin(), mentions_.end(),
              [](const Mention& a, const Mention& b) { return a.span.start < b.span.start; });

    Json prev_speaker;
    std::string prev_cue;
    std::size_t prev_para = SIZE_MAX, prev_end = 0;
    for (std::size_t qi = 0; qi < quotes_.size(); ++qi) {
      const QuoteSpan& q = quotes_[qi];
      Json speaker;
      std::string cue;
      const Cue* c = find_cue(qi);
      if (c) {
        cue = string_at(c->fact->value, "cue");
        speaker = resolve(*c, q.outer.start);
      } else if (!prev_speaker.is_null() &&
                 (q.para_start == prev_para || (q.starts_paragraph && next_paragraph(prev_end, q.para_start)))) {
        // A continuation: a second quote of the same speaker without a new cue.
        speaker = prev_speaker;
        cue = prev_cue;
      }
      Fact f;
      f.type = "quote";
      f.span = q.outer;
      f.rule = "quote.marks";
      std::string inner;
      for (const auto& p : q.inner) {
        if (!inner.empty()) inner += "\n";
        inner += std::string(text_.substr(p.start, p.size()));
      }
      f.value["quote"] = inner;
      f.value["speaker"] = speaker;
      f.value["cue"] = cue.empty() ? Json(nullptr) : Json(cue);
      record_.facts.push_back(std::move(f));
      prev_speaker = speaker;
      prev_cue = cue;
      std::size_t last_line = text_.rfind('\n', q.outer.end - 1);
      prev_para = last_line == std::string_view::npos ? 0 : last_line + 1;
      prev_end = q.outer.end;
    }
    stable_sort_moving_once(record_.facts, fact_before);
  }

 private:
  std::string_view text_;
  Record& record_;
  const names::Lexicons& lex_;
  std::vector<QuoteSpan> quotes_;
  std::vector<Cue> cues_;
  std::vector<Mention> mentions_;
  // Named speakers resolved so far: (position of the speaker, name).
  std::vector<std::pair<std::size_t, Json>> spoken_;

  bool inside_quote(Span s) const {
    auto it = std::upper_bound(quotes_.begin(), quotes_.end(), s.start,
                               [](std::size_t pos, const QuoteSpan& q) { return pos < q.outer.start; });
    if (it == quotes_.begin()) return false;
    --it;
    return s.start < it->outer.end;
  }

  // Only blank lines between the end of one quote and the paragraph of the next.
  bool next_paragraph(std::size_t prev_end, std::size_t para_start) const {
    if (para_start < prev_end) return false;
    std::size_t nl = text_.find('\n', prev_end);
    if (nl == std::string_view::npos || nl >= para_start) return false;
    for (std::size_t i = nl; i < para_start; ++i)
      if (!is_space(text_[i])) return false;
    return true;
  }

  // End of the sentence that goes on after `from` (a . ! ? before white space,
  // a line break, or the next quote), at most `cap` bytes on.
  std::size_t sentence_end(std::size_t from, std::size_t limit, std::size_t cap) const {
    const std::size_t stop = std::min({limit, text_.size(), from + cap});
    for (std::size_t i = from; i < stop; ++i) {
      const char c = text_[i];
      if (c == '\n') return i;
      if ((c == '.' || c == '!' || c == '?') && (i + 1 >= text_.size() || is_space(text_[i + 1])) &&
          !abbreviation_before(i))
        return i + 1;
    }
    return stop;
  }

  // The word before the period at `dot` is an initial or an honorific (E., Mr., Sen.).
  bool abbreviation_before(std::size_t dot) const {
    if (text_[dot] != '.') return false;
    std::size_t a = dot;
    while (a > 0 && !is_space(text_[a - 1]) && dot - a < 12) --a;
    const std::string_view w = text_.substr(a, dot + 1 - a);
    if (w.size() == 2 && std::isupper(static_cast<unsigned char>(w[0]))) return true;
    return lex_.is_honorific(w) || lex_.is_honorific(w.substr(0, w.size() - 1));
  }

  std::size_t sentence_start(std::size_t to, std::size_t limit, std::size_t cap) const {
    const std::size_t stop = std::max(limit, to > cap ? to - cap : 0);
    for (std::size_t i = to; i > stop; --i) {
      const char c = text_[i - 1];
      if (c == '\n') return i;
      if ((c == '.' || c == '!' || c == '?') && i < text_.size() && is_space(text_[i]) && !abbreviation_before(i - 1))
        return i;
    }
    return stop;
  }

  static bool only_glue(std::string_view s) {
    for (char c : s)
      if (!(is_space(c) || c == ',' || c == ':' || c == ';' || c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80))
        return false;
    return s.size() <= 12;
  }

  // The cue that introduces quote `qi`: first right after it, then right
  // before it, then anywhere in the same sentence (after, then before).
  const Cue* find_cue(std::size_t qi) const {
    const QuoteSpan& q = quotes_[qi];
    const std::size_t next_q = qi + 1 < quotes_.size() ? quotes_[qi + 1].outer.start : text_.size();
    const std::size_t prev_q = qi > 0 ? quotes_[qi - 1].outer.end : 0;
    const std::size_t after_end = sentence_end(q.outer.end, next_q, 250);
    const std::size_t before_start = sentence_start(q.outer.start, prev_q, 400);
    auto first_after = std::lower_bound(cues_.begin(), cues_.end(), q.outer.end,
                                        [](const Cue& c, std::size_t pos) { return c.span.start < pos; });
    const Cue* after = nullptr;
    if (first_after != cues_.end() && first_after->span.start < after_end)
      after = &*first_after;
    const Cue* before = nullptr;
    for (auto it = first_after; it != cues_.begin();) {
      --it;
      if (it->span.end > q.outer.start) continue;
      if (it->span.start < before_start) break;
      before = &*it;
      break;
    }
    if (after && only_glue(text_.substr(q.outer.end, after->span.start - q.outer.end))) return after;
    if (before && only_glue(text_.substr(before->span.end, q.outer.start - before->span.end))) return before;
    if (after) return after;
    if (before) return before;
    // "Caddell continued:" at the end of the paragraph before.
    if (q.starts_paragraph && q.para_start > 0) {
      std::size_t e = q.para_start;
      while (e > prev_q && is_space(text_[e - 1])) --e;
      if (e > prev_q && text_[e - 1] == ':') {
        const std::size_t s0 = sentence_start(e - 1, prev_q, 300);
        auto it = std::lower_bound(cues_.begin(), cues_.end(), e,
                                   [](const Cue& c, std::size_t pos) { return c.span.start < pos; });
        if (it != cues_.begin() && std::prev(it)->span.start >= s0) return &*std::prev(it);
      }
    }
    return nullptr;
  }

  // The entity a speaker span names: of the mentions overlapping it, the last
  // person ("Hotshot Aakash Sastry" -> Aakash Sastry), else the last mention.
  std::size_t entity_at(Span s) const {
    auto it = std::lower_bound(mentions_.begin(), mentions_.end(), s.start > 200 ? s.start - 200 : 0,
                               [](const Mention& m, std::size_t pos) { return m.span.start < pos; });
    std::size_t person = SIZE_MAX, any = SIZE_MAX;
    for (; it != mentions_.end() && it->span.start < s.end; ++it) {
      if (!it->span.overlaps(s)) continue;
      any = it->entity;
      if (record_.entities[it->entity].type == "person"sv) person = it->entity;
    }
    return person != SIZE_MAX ? person : any;
  }

  Json resolve(const Cue& c, std::size_t quote_start) {
    const Fact& f = *c.fact;
    if (const Span* sp = capture_of(f, "speaker")) {
      Span s = names::trim(text_, *sp, lex_, true);
      if (s.size() == 0) return nullptr;
      const std::size_t e = entity_at(s);
      Json name = e != SIZE_MAX ? Json(record_.entities[e].name) : Json(names::collapse(text_.substr(s.start, s.size())));
      spoken_.emplace_back(s.start, name);
      return name;
    }
    const std::string refers = string_at(f.value, "refers");
    const std::size_t limit = std::min(quote_start, c.span.start);
    if (refers == "organization"sv) return last_of("organization", limit, false);
    return last_of("person", limit, true);
  }

  // The last entity of `type` mentioned before `limit` (outside quotes), or,
  // when `speakers`, the last named speaker if that comes later.
  Json last_of(const std::string& type, std::size_t limit, bool speakers) const {
    std::size_t best_pos = 0;
    Json best;
    auto it = std::lower_bound(mentions_.begin(), mentions_.end(), limit,
                               [](const Mention& m, std::size_t pos) { return m.span.start < pos; });
    while (it != mentions_.begin()) {
      --it;
      if (record_.entities[it->entity].type == type) {
        best_pos = it->span.start + 1;
        best = record_.entities[it->entity].name;
        break;
      }
    }
    if (speakers) {
      for (auto s = spoken_.rbegin(); s != spoken_.rend(); ++s) {
        if (s->first >= limit) continue;
        if (s->first + 1 > best_pos) best = s->second;
        break;
      }
    }
    return best;
  }
};

}  // namespace

void assemble_quotes(const RuleSet& rules, std::string_view text, Record& record) {
  assemble_quotes(names::Lexicons::from(rules), text, record);
}

void assemble_quotes(const names::Lexicons& lex, std::string_view text, Record& record) {
  Attributor(lex, text, record).run();
}

}  // namespace extract
