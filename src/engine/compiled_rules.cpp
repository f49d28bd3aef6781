#include "engine/compiled_rules.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include <re2/set.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "core/ascii.hpp"
#include "core/parallel.hpp"
#include "core/profile_clock.hpp"
#include "rules/regex_shape.hpp"
#include "rules/word_list.hpp"

namespace extract {

namespace {

// (Asked for every rule and document: the codes compared byte by byte,
// without a library call.)
bool same_code(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// A document whose language is not known: every rule applies to it.
bool every_language(const std::string& language) { return language.empty() || same_code(language, "unknown"); }

bool applies(const Rule& rule, const std::string& language) {
  return rule.lang.empty() || every_language(language) || same_code(rule.lang, language);
}

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// RE2::PartialMatch(window, *re), from `fast` when it can answer.
bool context_matches(std::string_view window, const RE2& re, const std::optional<AnchoredClasses>& fast) {
  if (fast) {
    if (const int answer = fast->partial_match(window); answer >= 0) return answer == 1;
  }
  return RE2::PartialMatch(window, re);
}

bool context_ok(const Rule& rule, const Scanner::ContextFast& fast, std::string_view text, const Span& span) {
  const auto& c = rule.context;
  if (c.before || c.not_before) {
    std::size_t from = span.start > kContextWindow ? span.start - kContextWindow : 0;
    while (from < span.start && is_continuation(static_cast<unsigned char>(text[from]))) ++from;
    auto window = text.substr(from, span.start - from);
    if (c.before && !context_matches(window, *c.before, fast[0])) return false;
    if (c.not_before && context_matches(window, *c.not_before, fast[1])) return false;
  }
  if (c.after || c.not_after) {
    std::size_t to = std::min(text.size(), span.end + kContextWindow);
    while (to > span.end && to < text.size() && is_continuation(static_cast<unsigned char>(text[to]))) --to;
    auto window = text.substr(span.end, to - span.end);
    if (c.after && !context_matches(window, *c.after, fast[2])) return false;
    if (c.not_after && context_matches(window, *c.not_after, fast[3])) return false;
  }
  return true;
}

}  // namespace

Scanner::Scanner(const RuleSet& rules, int compile_threads)
    : rules_(rules), compile_threads_(thread_count(compile_threads)), automata_(std::make_shared<Automata>(rules, true)) {
  for (const Rule& rule : rules_.rules) {
    // Ask RE2 only for the groups up to the last one that fills a field.
    int last = 0;
    for (std::size_t g = 1; g < rule.group_fields.size(); ++g)
      if (!rule.group_fields[g].empty()) last = static_cast<int>(g);
    const bool whole = last == 1 && regex_first_group_is_match(rule.pattern);
    plans_.push_back(Plan{whole ? 1 : last + 1, whole});
  }
  if (!rules_.prefilter_atoms.empty()) atoms_ = std::make_unique<AtomMatcher>(rules_.prefilter_atoms);
  std::vector<std::vector<const TokenPattern*>> token_patterns(rules_.units.size() + 1);
  unit_reads_atoms_.assign(rules_.units.size(), 0);
  for (const Rule& rule : rules_.rules)
    if (rule.unit >= 0 && !rule.needs.always()) unit_reads_atoms_[static_cast<std::size_t>(rule.unit)] = 1;
  token_rules_.resize(rules_.units.size() + 1);
  token_rules_with_literals_.resize(rules_.units.size() + 1);
  for (std::size_t i = 0; i < rules_.rules.size(); ++i) {
    const Rule& rule = rules_.rules[i];
    auto& mine = token_patterns[static_cast<std::size_t>(rule.unit + 1)];
    scan_info_.push_back({rule.unit, rule.tokens && rule.tokens->anchored(), rule.tokens ? mine.size() : SIZE_MAX});
    if (!rule.tokens) continue;
    const auto g = static_cast<std::size_t>(rule.unit + 1);
    if (!rule.needs.always() || !rule.context_needs.always()) token_rules_with_literals_[g].push_back(mine.size());
    mine.push_back(rule.tokens.get());
    token_rules_[g].push_back(i);
  }
  for (const auto& patterns : token_patterns) token_indexes_.push_back(std::make_unique<TokenIndex>(patterns));
  for (const Rule& rule : rules_.rules) {
    ContextFast fast;
    const auto& c = rule.context;
    const std::shared_ptr<const RE2>* res[4] = {&c.before, &c.not_before, &c.after, &c.not_after};
    for (std::size_t k = 0; k < 4; ++k)
      if (*res[k]) fast[k] = AnchoredClasses::of((*res[k])->pattern(), k < 2);
    context_fast_.push_back(std::move(fast));
  }
  for (std::size_t i = 0; i < rules_.rules.size(); ++i)
    if (!rules_.rules[i].tokens) scan_order_.push_back(i);
  gate_slot_.assign(rules_.rules.size(), SIZE_MAX);
  for (std::size_t i = 0; i < rules_.rules.size(); ++i) {
    const Rule& rule = rules_.rules[i];
    if (rule.words || rule.tokens || rule.unit >= 0 || !rule.needs.always()) continue;
    gate_slot_[i] = gated_.size();
    gated_.push_back(i);
    gate_patterns_.push_back(regex_existence_core(rule.pattern));
    if (!rule.lang.empty() && std::find(gate_languages_.begin(), gate_languages_.end(), rule.lang) == gate_languages_.end())
      gate_languages_.push_back(rule.lang);
  }
  for (int unit = -1; unit < static_cast<int>(rules_.units.size()); ++unit)
    for (std::size_t i = 0; i < rules_.rules.size(); ++i)
      if (rules_.rules[i].tokens && rules_.rules[i].unit == unit) scan_order_.push_back(i);
}

std::size_t UnitText::to_document(std::size_t pos, bool at_start) const {
  // The last mark starting at or before pos.
  auto it = std::upper_bound(pieces.begin(), pieces.end(), pos, [](std::size_t p, const Piece& x) { return p < x.at; });
  if (it == pieces.begin()) return pos;
  const Piece& m = *std::prev(it);
  if (pos == m.at) return m.start;
  if (pos < m.at + m.mark_size()) return at_start ? m.start : m.end;
  return m.end + (pos - m.at - m.mark_size());
}

// A generation of compiled patterns: the rules' and the units' (with their
// phrases). The first holds the patterns compiled at load (rules read from
// YAML files; an Extractor then drops the rule set's own references, so
// that replacing the generation frees them); the rules' others, and all of
// later generations, are compiled by regex_of and deleted with their
// generation; a later generation compiles the units' patterns when it is
// made (a few, each shared by its variants).
struct Scanner::Automata {
  Automata(const RuleSet& rules, bool borrow_loaded)
      : rules_(rules),
        once(std::make_unique<std::once_flag[]>(rules.rules.size())),
        compiled(std::make_unique<std::atomic<const RE2*>[]>(rules.rules.size())),
        loaded(rules.rules.size()) {
    for (std::size_t i = 0; i < rules.rules.size(); ++i) {
      const Rule& rule = rules.rules[i];
      if (borrow_loaded) loaded[i] = rule.regex;
      compiled[i].store(loaded[i].get(), std::memory_order_relaxed);
      if (!loaded[i] && !rule.words && !rule.tokens) ++uncompiled;
    }
    // The units: each pattern once (a variant has its base's, a phrase
    // named by several variants is one pattern).
    std::map<std::string_view, std::shared_ptr<const RE2>> by_pattern;
    auto regex = [&](const std::string& pattern, const std::shared_ptr<const RE2>& loaded_re) {
      if (borrow_loaded && loaded_re) return loaded_re;
      auto& re = by_pattern[pattern];
      if (!re) re = std::make_shared<const RE2>(pattern, rule_regex_options(rules.max_rule_mem));
      return re;
    };
    for (const Unit& unit : rules.units) {
      owned.push_back(regex(unit.pattern, unit.regex));
      UnitRegexes r{owned.back().get(), {}};
      for (const Unit::Phrase& phrase : unit.phrases) {
        owned.push_back(regex(phrase.pattern, phrase.regex));
        r.phrases.push_back(owned.back().get());
      }
      units.push_back(std::move(r));
    }
  }
  ~Automata() {
    for (std::size_t i = 0; i < rules_.rules.size(); ++i)
      if (!loaded[i]) delete compiled[i].load();
  }
  Automata(const Automata&) = delete;
  Automata& operator=(const Automata&) = delete;

  const RuleSet& rules_;
  std::unique_ptr<std::once_flag[]> once;
  std::unique_ptr<std::atomic<const RE2*>[]> compiled;
  std::vector<std::shared_ptr<const RE2>> loaded;  // per rule: the pattern compiled at load it holds, or null
  std::vector<UnitRegexes> units;                  // per unit (RuleSet::units)
  std::vector<std::shared_ptr<const RE2>> owned;   // what `units` points to
  std::atomic<std::size_t> uncompiled{0};
  // The gate's sets (Scanner::gate_in), by document language: the slots of
  // the rules in the set, in the order added. No set: none applies, or it
  // did not compile (`failed`).
  struct Gate {
    std::unique_ptr<RE2::Set> set;
    std::vector<std::size_t> slots;
    bool failed = false;
  };
  std::mutex gates_mutex;
  std::map<std::string, Gate, std::less<>> gates;
  std::atomic<std::size_t> scanned{0};  // bytes of text its batches scanned
  // For an automatic limit: the least heap seen after its scans between
  // min_generation_bytes_ and 1.5 times that, and whether that window has
  // ended (and set the limit).
  std::atomic<std::size_t> least_heap{SIZE_MAX};
  std::atomic<bool> measured{false};
  std::atomic<std::size_t> probed_at{0};  // `scanned` when the heap was last read for it
};

Scanner::~Scanner() = default;

std::shared_ptr<Scanner::Automata> Scanner::acquire() const {
  std::unique_lock<std::mutex> lock(automata_mutex_);
  automata_changed_.wait(lock, [&] { return !rebuilding_; });
  ++scans_;
  return automata_;
}

// A generation held for one scan.
class Scanner::Lease {
 public:
  Lease(const Scanner& scanner, bool may_rebuild)
      : scanner_(scanner), may_rebuild_(may_rebuild), automata_(scanner.acquire()) {}
  ~Lease() { scanner_.release(automata_, may_rebuild_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Automata& operator*() const { return *automata_; }
  Automata* operator->() const { return automata_.get(); }

 private:
  const Scanner& scanner_;
  bool may_rebuild_;
  std::shared_ptr<Automata> automata_;
};

const RE2& Scanner::regex_of(Automata& a, std::size_t rule_index) const {
  if (const RE2* re = a.compiled[rule_index].load(std::memory_order_acquire)) return *re;
  std::call_once(a.once[rule_index], [&] {
    // A snapshot holds only patterns that compiled with these options.
    const Rule& rule = rules_.rules[rule_index];
    a.compiled[rule_index].store(new RE2(rule.pattern, rule_regex_options(rules_.max_rule_mem)),
                                 std::memory_order_release);
    --a.uncompiled;
  });
  return *a.compiled[rule_index].load(std::memory_order_acquire);
}

std::vector<bool> Scanner::gate_in(Automata& a, std::string_view text, const std::string& language) const {
  std::vector<bool> found(gated_.size(), false);
  // The set of the rules that apply to `lang`, compiled at its first
  // document; marks in `found` the rules it finds in the text (all of its
  // rules when it cannot answer).
  auto ask = [&](const std::string& lang) {
    const Automata::Gate* gate = nullptr;
    {
      const std::lock_guard<std::mutex> lock(a.gates_mutex);
      auto [it, added] = a.gates.try_emplace(lang);
      if (added) {
        Automata::Gate& g = it->second;
        auto set = std::make_unique<RE2::Set>(rule_regex_options(rules_.max_rule_mem), RE2::UNANCHORED);
        for (std::size_t slot = 0; slot < gated_.size(); ++slot) {
          const Rule& rule = rules_.rules[gated_[slot]];
          if (!applies(rule, lang)) continue;
          g.slots.push_back(slot);
          g.failed = g.failed || set->Add(gate_patterns_[slot], nullptr) < 0;
        }
        g.failed = g.failed || (!g.slots.empty() && !set->Compile());
        if (!g.failed && !g.slots.empty()) g.set = std::move(set);
      }
      gate = &it->second;
    }
    std::vector<int> hits;
    RE2::Set::ErrorInfo error{};
    if (gate->failed || (gate->set && !gate->set->Match(text, &hits, &error) && error.kind != RE2::Set::kNoError)) {
      for (const std::size_t slot : gate->slots) found[slot] = true;
      return;
    }
    for (const int h : hits) found[gate->slots[static_cast<std::size_t>(h)]] = true;
  };
  // A document every rule applies to asks the set of each language's
  // rules: one set of the patterns of all languages costs several times
  // what they do apart (the DFA's states are their products).
  if (every_language(language) && !gate_languages_.empty()) {
    for (const std::string& lang : gate_languages_) ask(lang);
  } else {
    ask(language);
  }
  return found;
}

// Bytes the process's heap has in use (glibc's mallinfo2); where that
// reads nothing (another allocator: a sanitizer's, a preloaded one) or is
// missing, the resident size (/proc/self/statm); 0 where neither is known.
std::size_t heap_in_use() {
#ifdef __GLIBC__
  const struct mallinfo2 m = mallinfo2();
  if (m.uordblks + m.hblkhd > 0) return m.uordblks + m.hblkhd;
#endif
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long pages = 0, resident = 0;
  const int read = std::fscanf(f, "%lu %lu", &pages, &resident);
  std::fclose(f);
  const long page = sysconf(_SC_PAGESIZE);
  return read == 2 && page > 0 ? resident * static_cast<std::size_t>(page) : 0;
}

void Scanner::release(std::shared_ptr<Automata>& used, bool may_rebuild) const {
  // A generation scans kMinGenerationBytes before it may be replaced: each
  // new one costs about what scanning 0.5 MB costs (compiling the patterns
  // a batch needs, building the first DFA states), so rebuilds cost at most
  // about a tenth of the time however low the limit.
  bool over = false;
  const std::size_t scanned = used->scanned.load();
  // The heap is read once per 1/64 of the minimum of text (64 KiB), not
  // after every batch: reading it costs about 0.1 ms on a heap of 50 MB,
  // more than a batch of one short record takes.
  auto probe_due = [&] {
    std::size_t last = used->probed_at.load();
    return scanned >= last + min_generation_bytes_ / 64 && used->probed_at.compare_exchange_strong(last, scanned);
  };
  if (may_rebuild && scanned >= min_generation_bytes_ && probe_due()) {
    if (auto_headroom_ > 0 && !used->measured.load()) {
      // The generation's working size: the least heap seen after its scans
      // over half a generation's minimum of text (not the batches in
      // flight, nor the records waiting to be written). It sets the limit
      // (set_memory_limit_auto).
      std::size_t heap = heap_probe_(), least = used->least_heap.load();
      while (heap < least && !used->least_heap.compare_exchange_weak(least, heap)) {
      }
      least = std::min(least, heap);
      if (scanned >= min_generation_bytes_ + min_generation_bytes_ / 2 && !used->measured.exchange(true)) {
        if (least > 0 && least != SIZE_MAX)
          memory_limit_.store(static_cast<std::size_t>(static_cast<double>(least) * (1 + auto_headroom_)));
      }
    } else {
      const std::size_t limit = memory_limit_.load();
      over = limit > 0 && heap_probe_() > limit;
    }
  }
  std::unique_lock<std::mutex> lock(automata_mutex_);
  --scans_;
  if (!over || rebuilding_ || automata_ != used) {
    used.reset();
    if (scans_ == 0) automata_changed_.notify_all();
    return;
  }
  // No new scan starts; those running end with the old generation, then
  // it is freed before the new one builds anything.
  rebuilding_ = true;
  used.reset();
  automata_changed_.wait(lock, [&] { return scans_ == 0; });
  automata_.reset();
#ifdef __GLIBC__
  // The old states are many small blocks between others: give their pages
  // back, or the new states, not always of the same sizes, grow the heap.
  malloc_trim(0);
#endif
  automata_ = std::make_shared<Automata>(rules_, false);
  ++rebuilds_;
  rebuilding_ = false;
  automata_changed_.notify_all();
}

void Scanner::compile_for(Automata& a, const std::vector<std::string>& languages,
                          const std::vector<AtomFlags>& found,
                          const std::vector<std::vector<AtomFlags>>& marked_found) const {
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < rules_.rules.size(); ++i) {
    if (a.compiled[i].load(std::memory_order_acquire) || rules_.rules[i].words || rules_.rules[i].tokens) continue;
    for (std::size_t d = 0; d < languages.size(); ++d) {
      if (runs(i, languages[d], found[d], marked_found[d])) {
        todo.push_back(i);
        break;
      }
    }
  }
  // The largest first, so that no thread is left with a long one at the end.
  std::stable_sort(todo.begin(), todo.end(), [&](std::size_t a, std::size_t b) {
    return rules_.rules[a].pattern.size() > rules_.rules[b].pattern.size();
  });
  parallel_for(compile_threads_, todo.size(), [&](std::size_t n) { regex_of(a, todo[n]); });
}

namespace {

// Where a unit's phrases are in `document` between the unit's own matches
// (`found`, in order): phrase after phrase, each left to right in the text
// the earlier pieces leave (gap by gap: the leftmost form that starts and ends
// in a gap, the one the pattern prefers there). Adds them to `found`, kept in
// order. One search runs over the whole document and is bounded to its gap
// only when its match runs into a piece, so that a document costs about one
// RE2 call per form found rather than one per gap.
// Returns false, with `found` incomplete, once it would hold more than
// `max_pieces` pieces.
bool find_phrases(const Unit& unit, const UnitRegexes& regexes, std::string_view document,
                  std::vector<UnitText::Piece>& found, std::size_t max_pieces) {
  re2::StringPiece m;
  for (std::size_t k = 0; k < unit.phrases.size(); ++k) {
    const Unit::Phrase& phrase = unit.phrases[k];
    const RE2& re = *regexes.phrases[k];
    const int mark = static_cast<int>(phrase.mark);
    std::vector<UnitText::Piece> added;
    std::size_t pos = 0, i = 0;  // found[i]: the first piece that ends after pos
    while (pos <= document.size() && re.Match(document, pos, document.size(), RE2::UNANCHORED, &m, 1)) {
      std::size_t start = static_cast<std::size_t>(m.data() - document.data()), end = start + m.size();
      while (i < found.size() && found[i].end <= start) ++i;
      if (i < found.size() && found[i].start < end) {
        if (start >= found[i].start) {  // inside a piece: on after it
          pos = found[i].end;
          continue;
        }
        // From the gap into a piece: what the gap alone gives.
        const std::size_t gap = i > 0 ? std::max(pos, found[i - 1].end) : pos;
        if (!re.Match(document, gap, found[i].start, RE2::UNANCHORED, &m, 1)) {
          pos = found[i].end;
          continue;
        }
        start = static_cast<std::size_t>(m.data() - document.data());
        end = start + m.size();
      }
      if (end == start) {  // refused when loading; never loop on it
        pos = end + 1;
        continue;
      }
      added.push_back({0, start, end, mark});
      pos = end;
      if (found.size() + added.size() > max_pieces) break;
    }
    if (added.empty()) continue;
    std::vector<UnitText::Piece> merged(found.size() + added.size());
    std::merge(found.begin(), found.end(), added.begin(), added.end(), merged.begin(),
               [](const UnitText::Piece& a, const UnitText::Piece& b) { return a.start < b.start; });
    found = std::move(merged);
    if (found.size() > max_pieces) return false;
  }
  return true;
}

// The copy of `document` with `pieces` (in order, not overlapping) as marks.
UnitText with_marks(std::string_view document, std::vector<UnitText::Piece> pieces) {
  UnitText u;
  u.text.reserve(document.size());
  u.pieces = std::move(pieces);
  std::size_t copied = 0;
  auto copy_to = [&](std::size_t end) {
    // Text between marks, its underscores made hyphens (kUnitMark).
    const std::size_t from = u.text.size();
    u.text.append(document.substr(copied, end - copied));
    std::replace(u.text.begin() + static_cast<std::ptrdiff_t>(from), u.text.end(), '_', '-');
    copied = end;
  };
  for (UnitText::Piece& p : u.pieces) {
    copy_to(p.start);
    p.at = u.text.size();
    if (p.phrase < 0) u.text.append(kUnitMark);
    else u.text.append(phrase_mark(static_cast<std::size_t>(p.phrase)));
    copied = p.end;
  }
  copy_to(document.size());
  return u;
}

}  // namespace

UnitRegexes UnitRegexes::of(const Unit& unit) {
  UnitRegexes r{unit.regex.get(), {}};
  for (const Unit::Phrase& phrase : unit.phrases) r.phrases.push_back(phrase.regex.get());
  return r;
}

std::optional<UnitText> make_unit_text(const Unit& unit, std::string_view document, const UnitText& base) {
  return make_unit_text(unit, UnitRegexes::of(unit), document, base);
}

std::optional<UnitText> make_unit_text(const Unit& unit, const UnitRegexes& regexes, std::string_view document,
                                       const UnitText& base, std::size_t max_pieces) {
  std::vector<UnitText::Piece> pieces = base.pieces;  // a base has no phrases
  const std::size_t before = pieces.size();
  if (!find_phrases(unit, regexes, document, pieces, max_pieces)) {
    UnitText u;
    u.pieces = std::move(pieces);
    u.cut = true;
    return u;
  }
  if (pieces.size() == before) return std::nullopt;
  return with_marks(document, std::move(pieces));
}

UnitText make_unit_text(const Unit& unit, std::string_view document) {
  return make_unit_text(unit, UnitRegexes::of(unit), document);
}

UnitText make_unit_text(const Unit& unit, const UnitRegexes& regexes, std::string_view document,
                        std::size_t max_pieces) {
  UnitText u;
  re2::StringPiece m;
  std::size_t pos = 0;
  while (pos <= document.size() && regexes.unit->Match(document, pos, document.size(), RE2::UNANCHORED, &m, 1)) {
    std::size_t start = static_cast<std::size_t>(m.data() - document.data());
    std::size_t end = start + m.size();
    if (end == start) {  // refused when loading; never loop on it
      pos = end + 1;
      continue;
    }
    // A leading form of `not_first` (whole words; the longest there) stays
    // text, and the unit is looked for again after it.
    if (unit.not_first) {
      std::size_t cut = 0;
      for (std::size_t w = start, words = 0; w < end && words < 8; ++words) {
        while (w < end && !is_c_space(document[w])) ++w;
        if (unit.not_first->contains(document.substr(start, w - start))) cut = w;
        while (w < end && is_c_space(document[w])) ++w;
      }
      if (cut > 0) {
        pos = cut;
        continue;
      }
    }
    // A match that is one form of `not_alone` stays text; one that ends with
    // one loses it.
    if (unit.not_alone) {
      if (unit.not_alone->contains(document.substr(start, end - start))) {
        pos = end;
        continue;
      }
      std::size_t w = end;
      while (w > start && !is_c_space(document[w - 1])) --w;
      if (w > start && unit.not_alone->contains(document.substr(w, end - w))) {
        while (w > start && is_c_space(document[w - 1])) --w;
        end = w;
      }
    }
    // A word of `breaks` is never part of the unit: a match that starts
    // with one is looked for again after it, and one ends before it. A word
    // of `last` after the first word ends the match.
    if (unit.breaks || unit.last) {
      std::size_t w = start, words = 0, prev_end = start;
      bool again = false;
      while (w < end) {
        while (w < end && is_c_space(document[w])) ++w;
        const std::size_t word = w;
        while (w < end && !is_c_space(document[w])) ++w;
        if (word == w) break;
        const std::string_view text = document.substr(word, w - word);
        if (unit.breaks && unit.breaks->contains(text)) {
          if (words == 0) {
            pos = w;
            again = true;
          } else {
            end = prev_end;
          }
          break;
        }
        ++words;
        prev_end = w;
        if (words > 1 && w < end && unit.last && unit.last->contains(text)) {
          end = w;
          break;
        }
      }
      if (again) continue;
    }
    u.pieces.push_back({0, start, end, -1});
    pos = end;
    if (u.pieces.size() > max_pieces) {
      u.cut = true;
      return u;
    }
  }
  if (!find_phrases(unit, regexes, document, u.pieces, max_pieces)) {
    u.cut = true;
    return u;
  }
  return with_marks(document, std::move(u.pieces));
}

DocumentTokens Scanner::tokens_of(std::string_view text, int unit, const std::vector<char>* skip) const {
  DocumentTokens t;
  t.tokens = tokenize(text);
  t.answers = std::make_unique<RegexAnswers>(t.tokens.size());
  t.starts = token_indexes_[static_cast<std::size_t>(unit + 1)]->starts(text, t.tokens, t.answers.get(), skip);
  return t;
}

void Scanner::scan_rule(std::size_t rule_index, std::string_view text, std::vector<Candidate>& out) const {
  const Lease a(*this, false);
  const int unit = rules_.rules[rule_index].unit;
  if (unit < 0) {
    if (!rules_.rules[rule_index].tokens) return scan_rule_in(*a, rule_index, text, nullptr, out);
    const DocumentTokens tokens = tokens_of(text);
    return scan_rule_in(*a, rule_index, text, nullptr, out, SIZE_MAX, &tokens);
  }
  const auto u = static_cast<std::size_t>(unit);
  const UnitText marked = make_unit_text(rules_.units[u], a->units[u], text);
  if (!rules_.rules[rule_index].tokens) return scan_rule_in(*a, rule_index, text, &marked, out);
  const DocumentTokens tokens = tokens_of(marked.text, unit);
  scan_rule_in(*a, rule_index, text, &marked, out, SIZE_MAX, &tokens);
}

void Scanner::scan_rule_in(Automata& a, std::size_t rule_index, std::string_view text, const UnitText* unit,
                           std::vector<Candidate>& out, std::size_t limit, const DocumentTokens* tokens) const {
  const Rule& rule = rules_.rules[rule_index];
  const RE2* re = rule.words || rule.tokens ? nullptr : &regex_of(a, rule_index);
  const Plan& plan = plans_[rule_index];
  const int ngroups = plan.groups;
  // (A thread's buffers: this runs once per rule and document.)
  thread_local std::vector<re2::StringPiece> groups;
  thread_local std::vector<Span> token_groups;
  groups.resize(static_cast<std::size_t>(ngroups));  // (each match below sets all ngroups)
  const std::vector<std::uint32_t>* starts = nullptr;
  if (rule.tokens && rule.tokens->anchored()) starts = &tokens->starts[scan_info_[rule_index].token_slot];
  // The text searched, and its spans as spans of the document.
  const std::string_view searched = unit ? std::string_view(unit->text) : text;
  auto span_of = [&](const re2::StringPiece& g) {
    const std::size_t s = static_cast<std::size_t>(g.data() - searched.data()), e = s + g.size();
    if (!unit) return Span{s, e};
    return Span{unit->to_document(s, true), unit->to_document(e, e == s)};
  };
  std::size_t pos = 0;
  while (pos <= searched.size()) {
    if (re) {
      if (!re->Match(searched, pos, searched.size(), RE2::UNANCHORED, groups.data(), ngroups)) break;
    } else if (rule.tokens) {
      // A token rule: its groups as spans of the text (unset: SIZE_MAX).
      if (!rule.tokens->find(searched, tokens->tokens, pos, starts, token_groups, tokens->answers.get())) break;
      for (int g = 0; g < ngroups; ++g) {
        const Span& sp = token_groups[static_cast<std::size_t>(g)];
        groups[g] = sp.start == SIZE_MAX ? re2::StringPiece() : re2::StringPiece(searched.data() + sp.start, sp.size());
      }
    } else {
      // A word list: its one group is the whole match (Plan::first_group_is_match).
      std::size_t start = 0, end = 0;
      if (!rule.words->find(searched, pos, start, end)) break;
      groups[0] = re2::StringPiece(searched.data() + start, end - start);
    }
    const std::size_t found = static_cast<std::size_t>(groups[0].data() - searched.data());
    if (groups[0].size() == 0) {  // rejected by `rules check`, but never loop on it
      pos = found + 1;
      continue;
    }
    pos = found + groups[0].size();
    const Span span = span_of(groups[0]);
    if (!context_ok(rule, context_fast_[rule_index], text, span)) {
      // Try again from the next character: a later start may satisfy the context.
      pos = found + 1;
      while (pos < searched.size() && is_continuation(static_cast<unsigned char>(searched[pos]))) ++pos;
      continue;
    }
    Candidate c;
    c.rule_index = rule_index;
    c.span = span;
    std::size_t set = plan.first_group_is_match ? 1 : 0;
    for (int g = 1; g < ngroups; ++g) set += groups[g].data() != nullptr && !rule.group_fields[g].empty();
    c.captures.reserve(set);
    if (plan.first_group_is_match) c.captures.emplace_back(rule.group_fields[1], span);
    for (int g = 1; g < ngroups; ++g) {
      if (groups[g].data() == nullptr || rule.group_fields[g].empty()) continue;
      c.captures.emplace_back(rule.group_fields[g], span_of(groups[g]));
    }
    out.push_back(std::move(c));
    if (out.size() > limit) break;
  }
}

AtomFlags Scanner::atoms_in(std::string_view text) const {
  AtomFlags found(rules_.prefilter_atoms.size(), 0);
  if (atoms_) atoms_->mark(text, found);
  return found;
}

bool Scanner::runs(std::size_t rule_index, const std::string& language, const AtomFlags& found,
                   const std::vector<AtomFlags>& marked_found) const {
  return applies(rules_.rules[rule_index], language) && literals_hold(rule_index, found, marked_found);
}

bool Scanner::literals_hold(std::size_t rule_index, const AtomFlags& found,
                            const std::vector<AtomFlags>& marked_found) const {
  const Rule& rule = rules_.rules[rule_index];
  return rule.needs.holds(rule.unit < 0 ? found : marked_found[static_cast<std::size_t>(rule.unit)]) &&
         rule.context_needs.holds(found);
}

std::vector<Candidate> Scanner::scan(std::string_view text, const std::string& language) const {
  return std::move(scan_batch({text}, {language})[0]);
}

namespace {

// Where to cut a document whose matches are too many (Scanner::scan_batch):
// matches ending at `ends` (more than `max` of them: a unit's, or the
// rules') were found in `text` before the scan stopped. The prefix ends
// where the first max / 2 of them have ended, moved back to just after a
// line break, else to white space, when there is one in its second half,
// else to a character boundary. Always shorter than `text`.
std::size_t cut_point(std::string_view text, std::vector<std::size_t> ends, std::size_t max) {
  const std::size_t keep = max / 2;
  std::nth_element(ends.begin(), ends.begin() + static_cast<std::ptrdiff_t>(keep), ends.end());
  std::size_t at = std::min(ends[keep], text.size() - 1);
  const std::size_t half = at / 2;
  if (std::size_t nl = text.rfind('\n', at); nl != std::string_view::npos && nl >= half && nl + 1 < text.size())
    return nl + 1;
  if (std::size_t ws = text.find_last_of(" \t\r", at); ws != std::string_view::npos && ws >= half) return ws;
  while (at > 0 && is_continuation(static_cast<unsigned char>(text[at]))) --at;
  return at;
}

}  // namespace

std::vector<std::vector<Candidate>> Scanner::scan_batch(const std::vector<std::string_view>& texts,
                                                        const std::vector<std::string>& languages,
                                                        std::size_t max_matches,
                                                        std::vector<std::size_t>* scanned) const {
  std::size_t bytes = 0;
  for (std::string_view t : texts) bytes += t.size();
  if (bytes <= kBatchBytes || texts.size() < 2) return scan_batch_part(texts, languages, max_matches, scanned);
  // In parts of about kBatchBytes: a batch of 4 MiB of documents of 200 KB
  // kept the tokens and the regex answers of all twenty until its last
  // rule had run (215 MB peak for 100 of them, a byte an answer).
  std::vector<std::vector<Candidate>> out;
  if (scanned) scanned->clear();
  for (std::size_t from = 0; from < texts.size();) {
    std::size_t to = from, part = 0;
    while (to < texts.size() && (to == from || part + texts[to].size() <= kBatchBytes)) part += texts[to++].size();
    const std::vector<std::string_view> sub_texts(texts.begin() + static_cast<std::ptrdiff_t>(from),
                                                  texts.begin() + static_cast<std::ptrdiff_t>(to));
    const std::vector<std::string> sub_languages(languages.begin() + static_cast<std::ptrdiff_t>(from),
                                                 languages.begin() + static_cast<std::ptrdiff_t>(to));
    std::vector<std::size_t> sub_scanned;
    for (auto& c : scan_batch_part(sub_texts, sub_languages, max_matches, scanned ? &sub_scanned : nullptr))
      out.push_back(std::move(c));
    if (scanned) scanned->insert(scanned->end(), sub_scanned.begin(), sub_scanned.end());
    from = to;
  }
  return out;
}

std::vector<std::vector<Candidate>> Scanner::scan_batch_part(const std::vector<std::string_view>& texts,
                                                             const std::vector<std::string>& languages,
                                                             std::size_t max_matches,
                                                             std::vector<std::size_t>* scanned) const {
  // The limits are the whole documents', kept for their prefixes.
  std::vector<std::size_t> limit, pieces_limit;
  for (std::string_view text : texts) {
    limit.push_back(match_limit(max_matches, text.size()));
    pieces_limit.push_back(piece_limit(max_matches, text.size()));
  }
  std::vector<std::size_t> cut;
  std::vector<std::vector<Candidate>> out = scan_batch_once(texts, languages, limit, pieces_limit, cut);
  if (scanned) {
    scanned->clear();
    for (std::string_view t : texts) scanned->push_back(t.size());
  }
  // The documents still to scan again, over shorter and shorter prefixes.
  std::vector<std::size_t> pending;
  for (std::size_t d = 0; d < texts.size(); ++d)
    if (cut[d] != std::string_view::npos) pending.push_back(d);
  while (!pending.empty()) {
    std::vector<std::string_view> prefixes;
    std::vector<std::string> langs;
    std::vector<std::size_t> sub_limit, sub_pieces_limit;
    for (std::size_t d : pending) {
      prefixes.push_back(texts[d].substr(0, cut[d]));
      langs.push_back(languages[d]);
      sub_limit.push_back(limit[d]);
      sub_pieces_limit.push_back(pieces_limit[d]);
    }
    std::vector<std::size_t> again;
    std::vector<std::vector<Candidate>> sub = scan_batch_once(prefixes, langs, sub_limit, sub_pieces_limit, again);
    std::vector<std::size_t> next;
    for (std::size_t j = 0; j < pending.size(); ++j) {
      const std::size_t d = pending[j];
      if (again[j] != std::string_view::npos) {
        cut[d] = again[j];
        next.push_back(d);
        continue;
      }
      out[d] = std::move(sub[j]);
      if (scanned) (*scanned)[d] = prefixes[j].size();
    }
    pending = std::move(next);
  }
  return out;
}

std::vector<std::vector<Candidate>> Scanner::scan_batch_once(const std::vector<std::string_view>& texts,
                                                             const std::vector<std::string>& languages,
                                                             const std::vector<std::size_t>& limit,
                                                             const std::vector<std::size_t>& pieces_limit,
                                                             std::vector<std::size_t>& cut) const {
  cut.assign(texts.size(), std::string_view::npos);
  std::vector<AtomFlags> found;  // per document, per atom
  found.reserve(texts.size());
  for (std::string_view text : texts) found.push_back(atoms_in(text));
  const Lease automata(*this, true);
  const std::size_t nunits = rules_.units.size();
  // Per document, per rule of the gate (by slot): whether it may match there.
  std::vector<std::vector<bool>> gate(texts.size());
  if (!gated_.empty()) {
    for (std::size_t d = 0; d < texts.size(); ++d) {
      // An empty text has no match a rule keeps (none is empty): no set is
      // asked, nor compiled, for it (`extract` on an empty input).
      if (texts[d].empty()) {
        gate[d].assign(gated_.size(), false);
        continue;
      }
      const auto start = profile_start(profile_ != nullptr);
      gate[d] = gate_in(*automata, texts[d], languages[d]);
      if (!profile_) continue;
      // Its own row: the documents asked, and the rules found (matches).
      Counters& c = profile_[rules_.rules.size() + nunits + 1];
      const auto found_rules = static_cast<std::uint64_t>(std::count(gate[d].begin(), gate[d].end(), true));
      c.ns += ns_since(start);
      c.runs += 1;
      c.applicable += 1;
      c.matches += found_rules;
      c.matched += found_rules > 0 ? 1 : 0;
    }
  }
  // Per document, per unit that one of its rules uses: the marked text and
  // the atoms in it. A variant without a phrase in the document shares its
  // base's copy.
  std::vector<std::vector<std::shared_ptr<const UnitText>>> marked(texts.size());
  std::vector<std::vector<AtomFlags>> marked_found(texts.size());
  if (nunits > 0) {
    for (std::size_t d = 0; d < texts.size(); ++d) {
      marked[d].resize(nunits);
      marked_found[d].resize(nunits);
      // A unit's copy; a variant's from its base's (Unit::base), made first.
      auto mark = [&](std::size_t u) {
        if (marked[d][u]) return;
        const Unit& unit = rules_.units[u];
        const auto start = profile_start(profile_ != nullptr);
        if (unit.base < 0) {
          marked[d][u] = std::make_shared<const UnitText>(make_unit_text(unit, automata->units[u], texts[d], pieces_limit[d]));
          if (unit_reads_atoms_[u]) marked_found[d][u] = atoms_in(marked[d][u]->text);
        } else {
          const auto b = static_cast<std::size_t>(unit.base);
          if (auto own = make_unit_text(unit, automata->units[u], texts[d], *marked[d][b], pieces_limit[d])) {
            marked[d][u] = std::make_shared<const UnitText>(std::move(*own));
            if (unit_reads_atoms_[u]) marked_found[d][u] = atoms_in(marked[d][u]->text);
          } else {
            marked[d][u] = marked[d][b];
            marked_found[d][u] = marked_found[d][b];
          }
        }
        if (!profile_) return;
        Counters& c = profile_[rules_.rules.size() + u];
        c.ns += ns_since(start);
        c.runs += 1;
        c.applicable += 1;
        c.matches += marked[d][u]->pieces.size();
        c.matched += marked[d][u]->pieces.empty() ? 0 : 1;
      };
      for (const Rule& rule : rules_.rules) {
        if (rule.unit < 0 || !applies(rule, languages[d])) continue;
        const auto u = static_cast<std::size_t>(rule.unit);
        if (rules_.units[u].base >= 0) mark(static_cast<std::size_t>(rules_.units[u].base));
        mark(u);
        if (!marked[d][u]->cut) continue;
        // More of the unit's matches than the limit: the document is cut,
        // and its copies, left empty, are never read.
        std::vector<std::size_t> ends;
        ends.reserve(marked[d][u]->pieces.size());
        for (const UnitText::Piece& p : marked[d][u]->pieces) ends.push_back(p.end);
        cut[d] = cut_point(texts[d], std::move(ends), pieces_limit[d]);
        const auto none = std::make_shared<const UnitText>();
        for (std::size_t v = 0; v < nunits; ++v) {
          marked[d][v] = none;
          marked_found[d][v] = AtomFlags(rules_.prefilter_atoms.size(), 0);
        }
        break;
      }
    }
  }
  if (automata->uncompiled.load() > 0) compile_for(*automata, languages, found, marked_found);
  std::size_t bytes = 0;
  for (std::string_view text : texts) bytes += text.size();
  automata->scanned += bytes;
  std::vector<std::vector<Candidate>> out(texts.size());
  // Per document, per unit + 1 (0: the document itself), the tokens of the
  // text its token rules search, made when the first of them runs.
  std::vector<std::vector<std::unique_ptr<const DocumentTokens>>> doc_tokens(texts.size());
  // Per language of the batch, whether each rule applies to it, and per
  // document the list of its language.
  std::map<std::string, std::vector<char>> applies_by_language;
  std::vector<const std::vector<char>*> rule_applies(texts.size());
  for (std::size_t d = 0; d < texts.size(); ++d) {
    std::vector<char>& by_rule = applies_by_language[languages[d]];
    if (by_rule.size() != rules_.rules.size()) {
      by_rule.clear();
      for (const Rule& rule : rules_.rules) by_rule.push_back(applies(rule, languages[d]) ? 1 : 0);
    }
    rule_applies[d] = &by_rule;
  }
  // What a rule did, for the profile: the documents it ran on, its matches
  // and the documents with some, and its time (the tokens' own row aside).
  struct Tally {
    std::uint64_t ran = 0, matches = 0, matched = 0, ns = 0, tokens_ns = 0;
  };
  // Rule i on document d. Each document's rules run in scan_order_ (where
  // a document is cut depends on the order its rules ran in).
  auto run = [&](std::size_t i, std::size_t d, Tally& tally) {
    const ScanInfo info = scan_info_[i];
    const int unit = info.unit;
    if (cut[d] != std::string_view::npos) return;
    // A token rule with no start in the text's tokens, once they are made,
    // is done before its literals are asked about.
    if (info.anchored_tokens && !doc_tokens[d].empty()) {
      const std::unique_ptr<const DocumentTokens>& made = doc_tokens[d][static_cast<std::size_t>(unit + 1)];
      if (made && made->starts[info.token_slot].empty()) return;
    }
    if (!(*rule_applies[d])[i] || !literals_hold(i, found[d], marked_found[d])) return;
    const UnitText* u = unit < 0 ? nullptr : &*marked[d][static_cast<std::size_t>(unit)];
    if (gate_slot_[i] != SIZE_MAX && !gate[d][gate_slot_[i]]) return;
    const std::size_t before = out[d].size();
    const DocumentTokens* tokens = nullptr;
    if (const Rule& rule = rules_.rules[i]; rule.tokens) {
      if (doc_tokens[d].empty()) doc_tokens[d].resize(nunits + 1);
      std::unique_ptr<const DocumentTokens>& made = doc_tokens[d][static_cast<std::size_t>(unit + 1)];
      if (!made && texts[d].size() > kOneTokenSetFrom) {
        // A large document keeps the tokens of one of its texts at a
        // time (about 3 bytes per byte each): the others go, and are
        // made again if a later rule reads them.
        for (auto& other : doc_tokens[d]) other.reset();
      }
      if (!made) {
        const auto tokens_start = profile_start(profile_ != nullptr);
        // No starts are looked for for the rules that do not run here: those
        // of another language, and those whose literals are missing (asked
        // only of the rules that have some).
        const auto g = static_cast<std::size_t>(unit + 1);
        thread_local std::vector<char> skip;
        skip.clear();
        for (const std::size_t i : token_rules_[g]) skip.push_back((*rule_applies[d])[i] ? 0 : 1);
        for (const std::size_t k : token_rules_with_literals_[g])
          if (!skip[k] && !literals_hold(token_rules_[g][k], found[d], marked_found[d])) skip[k] = 1;
        made = std::make_unique<const DocumentTokens>(tokens_of(u ? std::string_view(u->text) : texts[d], unit, &skip));
        if (profile_) {
          // Its own row, out of the rule's time.
          Counters& c = profile_[rules_.rules.size() + nunits];
          const std::uint64_t ns = ns_since(tokens_start);
          c.ns += ns;
          c.runs += 1;
          c.applicable += 1;
          c.matches += made->tokens.size();
          c.matched += made->tokens.empty() ? 0 : 1;
          tally.tokens_ns += ns;
        }
      }
      // None of its first words in the document: it cannot match.
      tokens = made.get();
      if (rule.tokens->anchored() && tokens->starts[info.token_slot].empty()) return;
    }
    scan_rule_in(*automata, i, texts[d], u, out[d], limit[d], tokens);
    ++tally.ran;
    tally.matches += out[d].size() - before;
    tally.matched += out[d].size() > before ? 1 : 0;
    if (out[d].size() > limit[d]) {
      std::vector<std::size_t> ends;
      ends.reserve(out[d].size());
      for (const Candidate& c : out[d]) ends.push_back(c.span.end);
      cut[d] = cut_point(texts[d], std::move(ends), limit[d]);
      std::vector<Candidate>().swap(out[d]);  // its memory back at once
      doc_tokens[d].clear();                  // never read again in this pass
    }
  };
  auto account = [&](std::size_t i, const Tally& tally) {
    Counters& c = profile_[i];
    c.ns += tally.ns - tally.tokens_ns;
    c.runs += tally.ran;
    c.applicable += static_cast<std::uint64_t>(std::count_if(
        languages.begin(), languages.end(), [&](const std::string& lang) { return applies(rules_.rules[i], lang); }));
    c.matches += tally.matches;
    c.matched += tally.matched;
  };
  // The regex and word rules (first in scan_order_) one after the other
  // over all the documents, which keeps a rule's automaton warm from one
  // document to the next.
  std::size_t first_token = 0;
  for (; first_token < scan_order_.size() && !rules_.rules[scan_order_[first_token]].tokens; ++first_token) {
    const std::size_t i = scan_order_[first_token];
    const auto start = profile_start(profile_ != nullptr);
    Tally tally;
    for (std::size_t d = 0; d < texts.size(); ++d) run(i, d, tally);
    if (!profile_) continue;
    tally.ns = ns_since(start);
    account(i, tally);
  }
  // The token rules (the rest) document by document, which keeps the
  // document's tokens and start lists warm from one rule to the next (rule
  // by rule, reading them for each document again was a cache miss each,
  // 1% of a run), and lets them go when the document is done.
  std::vector<Tally> tallies(profile_ ? scan_order_.size() - first_token : 0);
  for (std::size_t d = 0; d < texts.size(); ++d) {
    for (std::size_t k = first_token; k < scan_order_.size(); ++k) {
      if (!profile_) {
        Tally ignored;
        run(scan_order_[k], d, ignored);
        continue;
      }
      Tally& tally = tallies[k - first_token];
      const auto start = profile_start(true);
      run(scan_order_[k], d, tally);
      tally.ns += ns_since(start);
    }
    doc_tokens[d].clear();
  }
  if (profile_)
    for (std::size_t k = first_token; k < scan_order_.size(); ++k) account(scan_order_[k], tallies[k - first_token]);
  // Back in rule order (each rule's matches in the order it found them).
  // A rule's matches in a document are a run (it ran once there): the runs
  // are put in order, and each match moved once.
  for (std::vector<Candidate>& found_in : out) {
    struct Run {
      std::size_t rule, from, to;
    };
    std::vector<Run> runs;
    bool in_order = true;
    for (std::size_t i = 0; i < found_in.size(); ++i) {
      const std::size_t rule = found_in[i].rule_index;
      if (!runs.empty() && runs.back().rule == rule) {
        runs.back().to = i + 1;
        continue;
      }
      in_order = in_order && (runs.empty() || runs.back().rule < rule);
      runs.push_back({rule, i, i + 1});
    }
    if (in_order) continue;
    std::stable_sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.rule < b.rule; });
    std::vector<Candidate> sorted;
    sorted.reserve(found_in.size());
    for (const Run& r : runs)
      for (std::size_t i = r.from; i < r.to; ++i) sorted.push_back(std::move(found_in[i]));
    found_in.swap(sorted);
  }
  return out;
}

void Scanner::enable_profile() {
  profile_ = std::make_unique<Counters[]>(rules_.rules.size() + rules_.units.size() + 2);
}

std::vector<Scanner::RuleProfile> Scanner::profile() const {
  std::vector<RuleProfile> rows;
  if (!profile_) return rows;
  for (std::size_t i = 0; i < rules_.rules.size() + rules_.units.size(); ++i) {
    const Counters& c = profile_[i];
    const std::string id = i < rules_.rules.size() ? rules_.rules[i].id : "unit:" + rules_.units[i - rules_.rules.size()].name;
    rows.push_back({id, static_cast<double>(c.ns.load()) / 1e6, c.runs.load(), c.applicable.load(), c.matches.load(),
                    c.matched.load()});
  }
  if (std::any_of(rules_.rules.begin(), rules_.rules.end(), [](const Rule& r) { return r.tokens != nullptr; })) {
    const Counters& c = profile_[rules_.rules.size() + rules_.units.size()];
    rows.push_back({"tokens", static_cast<double>(c.ns.load()) / 1e6, c.runs.load(), c.applicable.load(),
                    c.matches.load(), c.matched.load()});
  }
  if (!gated_.empty()) {
    const Counters& c = profile_[rules_.rules.size() + rules_.units.size() + 1];
    rows.push_back({"gate", static_cast<double>(c.ns.load()) / 1e6, c.runs.load(), c.applicable.load(),
                    c.matches.load(), c.matched.load()});
  }
  return rows;
}

}  // namespace extract
