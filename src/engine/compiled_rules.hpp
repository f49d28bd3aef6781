// Scanning: each rule that applies to the document's language runs over the
// text with its own RE2 (DFA first, captures only on the matched span).
//
// A rule runs only when the literal strings it needs occur in the document
// (its LiteralCondition, rules/literals.hpp; one Aho-Corasick pass finds the
// atoms of all rules): exact, since a rule whose required literals are
// absent cannot match.
//
// An RE2::Set over all rules was tried as a one-pass prefilter and dropped:
// with the shipped rules its lazy DFA exceeds any reasonable memory budget and
// thrashes, which made the prefilter 4x slower than running every rule
// (docs/performance.md has the measurements). But the regex rules that no
// literal gates (their LiteralCondition always holds: "\d{3}-\d{4}") are
// asked once per document, as one RE2::Set of those that apply to its
// language (the gate): a rule the set finds nowhere in it does not run.
// With the shipped rules that is seven English rules in one set, which
// costs half of what running them did.
//
// Thread-safety: a Scanner is immutable after construction; scan() may be
// called from many threads at once.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "core/document.hpp"
#include "engine/atom_matcher.hpp"
#include "rules/class_sequence.hpp"
#include "rules/rule_set.hpp"
#include "rules/token_pattern.hpp"

namespace extract {

// A document with every match of one unit (left to right, without overlaps)
// replaced by kUnitMark, and every form of the unit's phrases found between
// them by the phrase's mark: the text that the rules using that unit run on.
struct UnitText {
  struct Piece {
    std::size_t at;          // where the mark starts in `text`
    std::size_t start, end;  // the unit's match (or phrase's form) in the document
    int phrase;              // the unit's phrase it is (Phrase::mark), or -1: the unit's own match
    std::size_t mark_size() const {
      return phrase < 0 ? kUnitMark.size() : phrase_mark_size(static_cast<std::size_t>(phrase));
    }
  };
  std::string text;
  std::vector<Piece> pieces;  // in order
  // Made with a max_pieces and stopped after more than that many pieces:
  // `pieces` holds those found, `text` is empty (Scanner::scan_batch cuts
  // such a document).
  bool cut = false;
  // The document offset of `pos` in `text`; a position inside a mark maps to
  // the start of its match when `at_start`, else to its end.
  std::size_t to_document(std::size_t pos, bool at_start) const;
};
// The compiled patterns a unit's copies are made with: the unit's own
// (Unit::regex, Phrase::regex), or those of one of the scanner's
// generations of automata, which replaces them all for its memory limit.
struct UnitRegexes {
  const RE2* unit = nullptr;
  std::vector<const RE2*> phrases;  // in the order of Unit::phrases
  static UnitRegexes of(const Unit& unit);
};
// The copy of `document` for `unit`, made with `regexes` (without them,
// with the unit's own: UnitRegexes::of).
UnitText make_unit_text(const Unit& unit, std::string_view document);
// With `max_pieces`, it stops once the copy would have more pieces (UnitText::cut).
UnitText make_unit_text(const Unit& unit, const UnitRegexes& regexes, std::string_view document,
                        std::size_t max_pieces = SIZE_MAX);
// The same for a variant (Unit::base), from the copy its base made; nullopt
// when no phrase of the variant is in the document (the copy is the base's).
std::optional<UnitText> make_unit_text(const Unit& unit, std::string_view document, const UnitText& base);
std::optional<UnitText> make_unit_text(const Unit& unit, const UnitRegexes& regexes, std::string_view document,
                                       const UnitText& base, std::size_t max_pieces = SIZE_MAX);

// Bytes the process's heap has in use: glibc's mallinfo2(), or where that
// reads nothing (another allocator, such as a sanitizer's) the resident size
// from /proc; 0 where neither is known.
std::size_t heap_in_use();

// A document's tokens (rules/token_pattern.hpp), and for each token rule
// (by Scanner's slot) the tokens where it may start.
// From this size on (bytes of text), a document keeps the tokens of one of
// its texts (itself, a unit's copy) at a time while its rules run.
inline constexpr std::size_t kOneTokenSetFrom = std::size_t{1} << 20;
struct DocumentTokens {
  std::vector<Token> tokens;
  std::vector<std::vector<std::uint32_t>> starts;
  // What the token rules' `/regex/` elements answered on these tokens, for
  // all of them (the walks that found `starts` first).
  std::unique_ptr<RegexAnswers> answers;
};

class Scanner {
 public:
  // `rules` must outlive the scanner. Rules whose pattern is not compiled
  // yet (read from a snapshot) are compiled when a scan first needs them,
  // on up to `compile_threads` threads (0: the machine's cores, at most 8).
  explicit Scanner(const RuleSet& rules, int compile_threads = 0);
  ~Scanner();
  // A rule's context patterns (before, not_before, after, not_after) where
  // they are classes in a row, answered without RE2 (AnchoredClasses).
  using ContextFast = std::array<std::optional<AnchoredClasses>, 4>;
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Every match of every rule that applies to documents of `language` ("" or
  // "unknown" runs the rules of all languages), in rule order, each rule's
  // matches left to right and non-overlapping. Matches rejected by a rule's
  // context conditions are left out.
  std::vector<Candidate> scan(std::string_view text, const std::string& language) const;

  // scan() of several documents at once: result i is exactly scan(texts[i],
  // languages[i]). The rules run rule by rule over all the documents rather
  // than document by document, so that each rule's DFA stays in the CPU
  // caches while it is used (1.8-2.3x faster scanning on 64-512 short news
  // articles than one document at a time; docs/performance.md).
  //
  // `max_matches` (0: none) bounds the memory one document dense with
  // matches takes (about 250 bytes a match until its record is written): a
  // document whose matches, or one of its units' (piece_limit), would be
  // more than match_limit(max_matches, its size) is scanned again over a
  // prefix, as if it ended there, until the prefix has at most that many.
  // The prefix ends after a line break, else at white space, in the second
  // half of where half the limit's matches found so far end (else on a
  // character boundary). `scanned`, when given, receives for each document
  // the length of the text its result covers: texts[i].size() unless it was
  // cut. Documents are scanned together kBatchBytes of text at a time (at
  // least one document): the tokens of each, and what the token rules'
  // regexes answered on them, are kept until the batch's last rule has run.
  std::vector<std::vector<Candidate>> scan_batch(const std::vector<std::string_view>& texts,
                                                 const std::vector<std::string>& languages,
                                                 std::size_t max_matches = 0,
                                                 std::vector<std::size_t>* scanned = nullptr) const;
  static constexpr std::size_t kBatchBytes = std::size_t{1} << 20;

  // The matches a document of `bytes` may have under `max_matches` (0: no
  // limit): max_matches, or one per kBytesPerMatch bytes of a larger
  // document (640 KB with the default 10,000). News has one every 30 bytes
  // or so, prose without figures one every few hundred: a long document of
  // sparse facts is read whole, while the matches of any document take at
  // most about 20 MB or 4 times its size (about 250 bytes each).
  static constexpr std::size_t kBytesPerMatch = 64;
  static std::size_t match_limit(std::size_t max_matches, std::size_t bytes) {
    return max_matches == 0 ? SIZE_MAX : std::max(max_matches, bytes / kBytesPerMatch);
  }
  // The same for a unit's matches (and phrases) in a document, which cost
  // about 64 bytes each and are more frequent (news has a run of
  // capitalised words every 40 bytes or so): 16 times as many, or one per
  // 16 bytes of a larger document.
  static std::size_t piece_limit(std::size_t max_matches, std::size_t bytes) {
    if (max_matches == 0 || max_matches > SIZE_MAX / 16) return SIZE_MAX;
    return std::max(16 * max_matches, bytes / 16);
  }

  // The matches of one rule alone (used by `rules test`).
  void scan_rule(std::size_t rule_index, std::string_view text, std::vector<Candidate>& out) const;

  // Per-rule counters for `extract --profile-rules`: time in the rule's
  // scans, documents it ran on (after the prefilter) out of those of its
  // language, matches kept. Off unless enabled, which must happen before
  // any scan; then scans on any number of threads add to them. After the
  // rules, one row per unit, named `unit:NAME`: the time to mark it and
  // read the prefilter on the marked copies, the documents marked (twice:
  // runs and applicable) and the unit's matches.
  struct RuleProfile {
    std::string id;
    double ms = 0;
    std::uint64_t runs = 0, applicable = 0, matches = 0;
    std::uint64_t matched = 0;  // documents (runs) with at least one match
  };
  void enable_profile();
  // After the units, when the rules have token rules, a row `tokens`: the
  // time to tokenize documents and find where token rules start, the
  // documents tokenized (twice) and their tokens. Last, when some regex
  // rules have no literal for the prefilter, a row `gate`: the time to ask
  // their sets, the documents asked (twice), those where the set found
  // one, and the rules found (the matches column).
  std::vector<RuleProfile> profile() const;  // in rule order, then the units; empty when off

  // A memory limit for the rules' automata (`extract --max-memory`). RE2
  // caches the DFA states it builds for each rule, so on text that does not
  // repeat the caches keep growing towards each rule's budget. With a limit,
  // after a scan_batch() the process's heap in use is compared with `bytes`
  // (after the first min_generation_bytes of a generation, at most once per
  // 1/64 of that: 64 KiB by default); above it, the compiled patterns of the
  // rules and units are dropped (once the scans running on other threads
  // have ended; no scan starts meanwhile) and compiled again as later
  // batches need them. Matches are the same
  // either way: only time is spent. 0 (the scanner's default): no limit;
  // `extract` sets an automatic one (below). Reads the heap through
  // heap_in_use(); where it is not known the limit does nothing. Set before
  // any scan.
  void set_memory_limit(std::size_t bytes, std::size_t min_generation_bytes = kMinGenerationBytes) {
    memory_limit_ = bytes;
    auto_headroom_ = 0;
    min_generation_bytes_ = min_generation_bytes;
  }
  // A limit the scanner sets itself (`extract --max-memory auto`, the
  // default): each generation of automata, once it has scanned between
  // min_generation_bytes and 1.5 times that, sets the limit to the least
  // heap seen after its scans meanwhile, times 1 + `headroom`. On text that
  // repeats, the automata have their working size by then and the limit is
  // never reached; on a stream of distinct text, where they keep growing,
  // it bounds them a little above that size. Measured again for every
  // generation, the limit follows the rule set's working size: a set with
  // more rules, or a stream that turns to another language, raises it
  // instead of rebuilding after every few MiB; the first generation of rules
  // read from YAML files, which has every pattern compiled, sets a limit the
  // later ones, which compile only the patterns they use, lower.
  void set_memory_limit_auto(double headroom = kAutoHeadroom, std::size_t min_generation_bytes = kMinGenerationBytes) {
    memory_limit_ = 0;
    auto_headroom_ = headroom;
    min_generation_bytes_ = min_generation_bytes;
  }
  static constexpr double kAutoHeadroom = 0.07;
  // What the limit is compared with: heap_in_use() unless set (for tests);
  // set before any scan.
  void set_heap_probe(std::function<std::size_t()> probe) { heap_probe_ = std::move(probe); }
  // The limit in force, in bytes (0: none, or an automatic one not set yet).
  std::size_t memory_limit() const { return memory_limit_.load(); }
  // How many times the automata were dropped for the limit.
  std::uint64_t rebuilds() const { return rebuilds_.load(); }
  // Text that a generation of automata scans before the limit may drop it
  // (by default; tests set less).
  static constexpr std::size_t kMinGenerationBytes = 4u << 20;

 private:
  // One generation of the rules' compiled patterns (and so of their DFA
  // caches): the loaded patterns, or those compiled here once, at first use.
  struct Automata;
  struct Plan {
    int groups;                 // capture groups asked from RE2, group 0 included
    bool first_group_is_match;  // group 1 is the whole match: filled without asking RE2
  };
  // Per atom (RuleSet::prefilter_atoms): whether it occurs in `text`.
  AtomFlags atoms_in(std::string_view text) const;
  // scan_rule over `text`, or over `unit` (the text with its unit's marks)
  // when the rule uses a unit, the matches mapped back to `text`.
  // It stops once `out` holds more than `limit` matches.
  // A token rule reads `tokens`: tokens_of the text it searches (the
  // unit's copy, for a rule with a unit).
  void scan_rule_in(Automata& a, std::size_t rule_index, std::string_view text, const UnitText* unit,
                    std::vector<Candidate>& out, std::size_t limit = SIZE_MAX,
                    const DocumentTokens* tokens = nullptr) const;
  // The tokens of `text` and where each token rule may start in them: the
  // rules without a unit (unit -1) in a document, or the rules that use
  // unit `unit` in its copy (UnitText::text); none for the rules whose
  // index slot (ScanInfo::token_slot) has skip[slot] != 0.
  DocumentTokens tokens_of(std::string_view text, int unit = -1, const std::vector<char>* skip = nullptr) const;
  // scan_batch() of documents that hold at most about kBatchBytes.
  std::vector<std::vector<Candidate>> scan_batch_part(const std::vector<std::string_view>& texts,
                                                      const std::vector<std::string>& languages,
                                                      std::size_t max_matches,
                                                      std::vector<std::size_t>* scanned) const;
  // scan_batch() without cutting: a document whose matches exceed
  // `limit[i]`, or a unit's `pieces_limit[i]`, gets no matches and, in
  // `cut[i]`, the length of the prefix to scan instead (else
  // std::string_view::npos).
  std::vector<std::vector<Candidate>> scan_batch_once(const std::vector<std::string_view>& texts,
                                                      const std::vector<std::string>& languages,
                                                      const std::vector<std::size_t>& limit,
                                                      const std::vector<std::size_t>& pieces_limit,
                                                      std::vector<std::size_t>& cut) const;
  // Whether the rule applies to `language` and its literal condition holds
  // on the atoms of the text it reads: `found` in the document, or
  // `marked_found[unit]` in the copy marked with its unit (scan_batch).
  bool runs(std::size_t rule_index, const std::string& language, const AtomFlags& found,
            const std::vector<AtomFlags>& marked_found) const;
  // runs() but for the language: whether the rule's literal conditions hold.
  bool literals_hold(std::size_t rule_index, const AtomFlags& found, const std::vector<AtomFlags>& marked_found) const;

  // The current generation, for one scan: waits while it is being
  // replaced; release() ends the scan and replaces the generation when the
  // heap is over the limit (after waiting for the other scans to end, so
  // that two generations never grow at once).
  std::shared_ptr<Automata> acquire() const;
  void release(std::shared_ptr<Automata>& used, bool may_rebuild) const;
  class Lease;
  // The rule's compiled pattern in `a`: the loaded one, or compiled once.
  const RE2& regex_of(Automata& a, std::size_t rule_index) const;
  // Per rule of the gate (by slot), whether it may match in `text`, a
  // document of `language`: false for a rule whose pattern matches nowhere
  // in it, or that does not apply to the language. Asked of one RE2::Set of
  // the rules that apply, compiled in `a` at the language's first document;
  // all true where the set cannot answer (it did not compile, its DFA ran
  // out of memory).
  std::vector<bool> gate_in(Automata& a, std::string_view text, const std::string& language) const;
  // Compiles the patterns not compiled yet of the rules that will run on
  // `found` (per document, as in scan_batch), on several threads.
  void compile_for(Automata& a, const std::vector<std::string>& languages, const std::vector<AtomFlags>& found,
                   const std::vector<std::vector<AtomFlags>>& marked_found) const;

  struct Counters {
    std::atomic<std::uint64_t> ns{0}, runs{0}, applicable{0}, matches{0}, matched{0};
  };

  const RuleSet& rules_;
  std::vector<Plan> plans_;  // per rule
  std::vector<ContextFast> context_fast_;  // per rule
  // Per unit: whether a rule on its copy has a literal condition, which
  // reads the copy's atoms (Scanner::runs); else the copy is not scanned
  // for them.
  std::vector<char> unit_reads_atoms_;
  // Per rule, what the scan reads of it for every document before anything
  // else, in a row (reading the Rule and its token pattern for it was a
  // cache miss per rule and document): its unit (-1: none), whether it is
  // an anchored token rule, and its slot among the token rules of its unit
  // (DocumentTokens::starts; SIZE_MAX for a regex rule).
  struct ScanInfo {
    int unit = -1;
    bool anchored_tokens = false;
    std::size_t token_slot = SIZE_MAX;
  };
  std::vector<ScanInfo> scan_info_;
  // Per unit + 1 (0: none), the token rules of that index, by slot, and
  // the slots of those with a literal condition (most have none: only
  // their language decides whether they run on a text).
  std::vector<std::vector<std::size_t>> token_rules_, token_rules_with_literals_;
  // Per unit + 1 (0: none), the index of the first words of the token
  // rules that run on that text.
  std::vector<std::unique_ptr<TokenIndex>> token_indexes_;
  // The order the rules are scanned in: the regex rules in file order, then
  // the token rules by the text they read (the document's, then each
  // unit's), so that a document cut by a regex rule's matches is never
  // split into tokens whole, and a large one's token sets are made once.
  // The matches are put back in rule order afterwards.
  std::vector<std::size_t> scan_order_;
  std::unique_ptr<Counters[]> profile_;  // per rule, then per unit, when profiling
  std::unique_ptr<AtomMatcher> atoms_;  // the rules' atoms; null: there are none
  // The rules of the gate: the regex rules over the document itself (no
  // unit) whose literal condition always holds; per rule, its slot among
  // them, or SIZE_MAX.
  std::vector<std::size_t> gated_;
  std::vector<std::size_t> gate_slot_;
  // What each of gated_'s patterns the set holds: the part that decides
  // whether it matches anywhere (regex_existence_core; an optional
  // qualifier before an amount was most of the set's DFA states).
  std::vector<std::string> gate_patterns_;
  std::vector<std::string> gate_languages_;  // the languages of gated_'s rules that have one
  std::size_t compile_threads_;
  mutable std::mutex automata_mutex_;
  mutable std::condition_variable automata_changed_;
  // Guarded by automata_mutex_: the generation, the scans using it, and
  // whether one is being replaced.
  mutable std::shared_ptr<Automata> automata_;
  mutable std::size_t scans_ = 0;
  mutable bool rebuilding_ = false;
  mutable std::atomic<std::size_t> memory_limit_{0};
  std::function<std::size_t()> heap_probe_ = heap_in_use;
  double auto_headroom_ = 0;  // > 0: the limit is set from the heap (set_memory_limit_auto)
  std::size_t min_generation_bytes_ = kMinGenerationBytes;
  mutable std::atomic<std::uint64_t> rebuilds_{0};
};

// Bytes of context seen by `context:` conditions on each side of a match.
constexpr std::size_t kContextWindow = 80;

}  // namespace extract
