// Token rules: patterns over the words of a document instead of its bytes
// (docs/rules.md, "Token rules"; docs/performance.md, "Token rules").
//
// A document is split once into tokens (tokenize): runs of letters and
// digits, and single punctuation characters, each with whether white space
// comes before it. A rule written with `tokens:` instead of `pattern:` is a
// TokenPattern: a sequence of token predicates (a word, a quoted text, a
// lexicon's forms, a regex a token must match whole) with groups,
// alternation and repetition. It is tried only at the tokens that can start
// a match (the first words of its lexicons and words; every token when it
// starts with a regex), so its cost follows those tokens, not the bytes, and
// a rule set of many such rules shares one pass over the document (a
// TokenIndex) instead of running one automaton per rule.
//
// Matching is RE2's leftmost-first: the match starting at the first token
// where one exists, of the matches there the one a backtracking matcher
// finds first (alternatives in order, greedy repetition before lazy), as a
// regex over the same tokens would give. States that failed are remembered,
// so a search takes time linear in the tokens it reads times the pattern's
// size, whatever the pattern.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "core/document.hpp"
#include "rules/class_sequence.hpp"

namespace extract {

class Lexicon;
struct TokenMatcher;

struct Token {
  std::uint32_t start = 0;    // bytes of the document
  std::uint32_t end : 30;     // (a document of at most 1 GiB: see tokenize)
  // The white space between the previous token and this one: 0 none, 1
  // blanks (spaces and tabs), 2 blanks and one line break (`\n` or
  // `\r\n`), 3 more line breaks, or `\f` or a lone `\r`.
  std::uint32_t gap : 2;
  std::uint64_t folded = 0;   // fold_hash of its text
  Token() : end(0), gap(0) {}
  bool space_before() const { return gap > 0; }
};
static_assert(sizeof(Token) == 16, "a token is 16 bytes: a document's tokens take about 3 bytes per byte of text");

// The tokens of `text`: a word is a run of ASCII letters and digits, `_`,
// and non-ASCII letters (any code point but the punctuation, symbols and
// spaces of U+00A0-U+00BF, U+00D7, U+00F7, U+2000-U+206F, U+20A0-U+20CF,
// U+2190-U+2BFF, U+3000-U+303F and U+FF01-U+FF0F); a digit's word goes on
// through `.` or `,` between two digits ("1,500.25"). Any other character
// (a byte of invalid UTF-8 included) is a token of its own; RE2's white
// space ([\t\n\f\r ]) separates tokens and is none. Only the first GiB
// of a text is read (kMaxTokenizedBytes; `extract` reads at most 64 MiB).
inline constexpr std::size_t kMaxTokenizedBytes = std::size_t{1} << 30;
std::vector<Token> tokenize(std::string_view text);
// A hash of `text` with ASCII letters lowered.
std::uint64_t fold_hash(std::string_view text);
// The anchor word of `#` (a number) in token patterns: the index looks it
// up at every token that starts with a digit. (A token whose fold_hash is
// this too is only tried for nothing.)
inline constexpr std::uint64_t kNumberWord = 0x9e3779b97f4a7c15ULL;

// What the `/regex/` predicates of token patterns answered on the tokens of
// one text, shared by every pattern that reads the text and by each of its
// searches and walks back: a regex written in many rules (a capitalised
// word, a name's parts) runs once per token instead of once per rule and
// search. The regexes are told apart by address (one load shares a regex
// among the patterns that write it). Two bits per (regex, token), at most
// kMaxAnswers bytes of them; past that, a search remembers its own answers
// as before. One text, one thread.
class RegexAnswers {
 public:
  explicit RegexAnswers(std::size_t tokens);
  // Different for each RegexAnswers made (a matcher keeps the rows it
  // looked up for the last one it read).
  std::uint64_t serial() const { return serial_; }
  // The answers of `re` by token, read with get() and written with set(), or
  // null when the budget is spent.
  std::uint8_t* row(const RE2* re);
  // Token i's answer in a row: 0 not asked yet, 1 no, 2 yes.
  static int get(const std::uint8_t* row, std::size_t i) { return (row[i / 4] >> (2 * (i % 4))) & 3; }
  static void set(std::uint8_t* row, std::size_t i, bool yes) {
    row[i / 4] = static_cast<std::uint8_t>(row[i / 4] | ((yes ? 2 : 1) << (2 * (i % 4))));
  }
  static constexpr std::size_t kMaxAnswers = std::size_t{1} << 20;  // bytes: 1 MiB

 private:
  std::size_t tokens_;
  std::uint64_t serial_;
  // (A matcher looks a regex's row up once per search, and a text has a few
  // dozen, each looked up by every rule that reads it: an open-addressing
  // table by address, a power of two at most half full, no node to
  // allocate for each.)
  std::vector<std::pair<const RE2*, std::uint8_t*>> rows_;
  std::size_t rows_used_ = 0;
  std::vector<std::unique_ptr<std::uint8_t[]>> owned_;  // blocks of rows
  std::uint8_t* block_at_ = nullptr;                     // the last block's free part
  std::size_t block_left_ = 0;
  std::size_t used_ = 0;  // bytes of rows given out
};

// A lexicon's forms as sequences of tokens (each form tokenized as a
// document is), in a tree: the matcher of `%{lexicon}` in a token pattern.
// Shared by the patterns that use the lexicon.
class TokenLexicon {
 public:
  static std::shared_ptr<const TokenLexicon> of(const Lexicon& lexicon);
  using Built = std::map<const Lexicon*, std::shared_ptr<const TokenLexicon>>;
  static std::shared_ptr<const TokenLexicon> of(const Lexicon& lexicon, Built& built);

  // The token indexes where a form starting at token `at` ends (one past
  // its last token), longest first, appended to `ends`. Within a form,
  // tokens written apart must be apart in the text and tokens written
  // together together ("took over", "mid-", "year's end").
  void match(std::string_view text, const std::vector<Token>& tokens, std::size_t at,
             std::vector<std::uint32_t>& ends) const;
  // Whether a form starts at token `at` (match() would find one).
  bool starts_at(std::string_view text, const std::vector<Token>& tokens, std::size_t at) const;
  // The fold_hash of the second tokens of the forms whose first token
  // hashes to `first` (sorted, each once), or nullopt when such a form is
  // that one token alone: a form can start at a token with that hash only
  // before one of those (starts_at() would say no otherwise).
  std::optional<std::vector<std::uint64_t>> second_words(std::uint64_t first) const;
  // The fold_hash of every form's first token; of every token of every form.
  std::vector<std::uint64_t> first_words() const;
  std::vector<std::uint64_t> all_words() const;
  // The most tokens a form has.
  std::size_t max_tokens() const { return max_tokens_; }
  // The bytes a form's first token can start with (as the text has it:
  // both cases of an ASCII letter when case-insensitive).
  const ClassSequence::FirstBytes& first_bytes() const { return first_bytes_; }
  bool case_insensitive() const { return case_insensitive_; }

 private:
  struct Node {
    std::string key;  // the token's text, lowered when case-insensitive
    std::uint64_t hash = 0;
    bool space_before = false;
    bool end = false;
    std::vector<std::uint32_t> children;
  };
  std::size_t count_max_tokens() const;
  // Each end of a form starting at token `at` to found(end), which says
  // whether to stop.
  template <typename Found>
  void forms_at(std::string_view text, const std::vector<Token>& tokens, std::size_t at, Found found) const;
  template <typename Found>
  bool walk(std::string_view text, const std::vector<Token>& tokens, std::size_t at, Found& found,
            std::uint32_t from) const;
  std::vector<Node> nodes_;  // [0]: the root
  // The root's children by first word: an open-addressing table of the
  // runs of nodes_[0].children with one hash (a lexicon has up to
  // thousands of first words, and most tokens start no form: one probe
  // instead of a binary search over them). end == 0: an empty slot.
  struct RootSlot {
    std::uint64_t hash = 0;
    std::uint32_t begin = 0, end = 0;
  };
  std::vector<RootSlot> root_;
  // The range of nodes_[0].children whose word has this hash (root_ not
  // empty); empty when none.
  std::pair<std::uint32_t, std::uint32_t> first_nodes(std::uint64_t hash) const;
  void index_root();
  bool case_insensitive_ = true;
  std::size_t max_tokens_ = 0;
  ClassSequence::FirstBytes first_bytes_;
};

class TokenPattern {
 public:
  struct Inst;  // one instruction of the matcher's program (token_pattern.cpp)
  struct Pred;  // a token predicate: a word or a regex

  // What compiling needs from the rule set.
  struct Env {
    // The TokenLexicon of `%{name}`, or null when there is no such lexicon.
    std::function<std::shared_ptr<const TokenLexicon>(const std::string& name)> lexicon;
    // The source of the token sub-pattern `%{name}` (`token_patterns:`), or
    // null when there is none.
    std::function<const std::string*(const std::string& name)> token_pattern;
    // A `/regex/`'s body with its `%{NAME}` references expanded, or nullopt
    // (the caller has reported why).
    std::function<std::optional<std::string>(const std::string& body)> expand;
    RE2::Options options;
    // The `/regex/`s compiled so far, by expanded text (all with `options`),
    // shared by the patterns of one load: a sub-pattern's word regex written
    // in many rules is compiled once. Null: each compiles its own.
    std::map<std::string, std::shared_ptr<const RE2>>* regexes = nullptr;
    // What those `/regex/`s are without RE2 (WordShape), read once per
    // regex and shared the same way. Null: each reads its own.
    WordShape::Known* shapes = nullptr;
  };
  // Compiles `source`; on failure null, with `error` and the byte offset
  // in `source` it is about.
  static std::shared_ptr<const TokenPattern> compile(std::string_view source, const Env& env, std::string& error,
                                                     std::size_t& error_at);

  // The compiled pattern as bytes, and back (rule-set snapshots keep these
  // instead of compiling the source again at each load). restore takes the
  // lexicons (by name) and `/regex/`s (compiled with env.options, shared
  // through env.regexes) from `env`, checks every index, jump and slot of
  // the program against what it refers to, and gives null for bytes that
  // are not a program save() wrote (a program whose steps without a token
  // could loop included), never a pattern that reads out of bounds.
  std::string save() const;
  static std::shared_ptr<const TokenPattern> restore(std::string_view bytes, const Env& env);

  // The source with each `/regex/`'s references expanded: compiles without
  // the rule set's sub-patterns.
  const std::string& expanded() const { return expanded_; }
  // Capture groups, the whole match (0) included; names()[g] is group g's
  // name ("" for 0). A `/regex/`'s named groups are groups of the pattern
  // too, spans inside the token it matched (the last one, in a repetition).
  std::size_t groups() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }
  // The compiled `/regex/` of each of its regex elements, in the order
  // written (for tests: Env::regexes shares them).
  std::vector<const RE2*> regexes() const;
  // Where matches may start, for the index: each anchor is an element
  // every match (of its branch) has, with known first words: the first
  // such element of a sequence, in each branch of an alternation. Tokens
  // of its words() are where it may be; the elements before it in the
  // match (a `/regex/` name, optional words) run backwards from there
  // (starts_before()), over at most max_back tokens (0: the match starts
  // at the anchor; SIZE_MAX: no bound). No anchors: any token may start one.
  struct Anchor {
    std::vector<std::uint64_t> words;  // fold_hash, sorted
    std::size_t max_back = 0;
    std::vector<Inst> back_program;  // the elements before it, reversed
    // For the walk back, which needs no captures and no order: per
    // instruction pc where a walk goes on (0, and each one right after a
    // step that reads a token), the instructions that read a token or match
    // that it leads to without reading one, next[next_range[pc]]; empty for
    // the others (made from back_program by close()). Steps that come to the
    // same instruction by jumps and saves alone share one range (the steps
    // of a word list all jump back to its loop).
    struct Range {
      std::uint32_t begin = 0, end = 0;
    };
    std::vector<Range> next_range;
    std::vector<std::uint32_t> next;
    // Of those, the steps that read one given word (most are alternatives
    // of a word list: "proposed | planned | pending | ..."), kept apart by
    // the word's fold_hash: word_next[word_range[pc]], sorted by (hash,
    // pc), so that a walk goes on only to those whose word the token has,
    // instead of trying each one. Each carries its spacing and whether the
    // walk may end after it, as next_space and next_ends do for `next`.
    std::vector<Range> word_range;
    // Per entry of `next`: the predicate of a step that reads a regex's
    // word whose first bytes are known (Pred::first), tried only on a token
    // that starts with one of them; else kNoPred.
    std::vector<std::uint32_t> next_first;
    // And those bytes themselves per entry (every byte for kNoPred), read
    // in place: a walk asks about each step at each token.
    std::vector<ClassSequence::FirstBytes> next_bytes;
    // And per entry: the spacing its token must have before it when it is
    // not a match's first token (Inst::Space; "any" for the others), and
    // whether the walk may end right after it (a match there). A token
    // without that spacing can only be where a match starts: most steps
    // of a name's words read a part written together with the one before
    // ("Perkin-Elmer", "Scott's"), which a word after a space is not.
    std::vector<std::uint8_t> next_space;
    std::vector<char> next_ends;
    struct WordStep {
      std::uint64_t hash = 0;
      std::uint32_t pc = 0;
      std::uint8_t space = 0;
      bool ends = false;
    };
    std::vector<WordStep> word_next;
    // For the index, from the walk's first steps (next_range[0] and
    // word_range[0]): whether a walk from the anchor must read the token
    // before it to find anything (it is made, max_back > 0, and no match
    // may start at the anchor itself; false without a program, where the
    // walk ends at the anchor); and then the bytes that token may start
    // with (first_bytes of its regex steps) and the words it may be
    // (fold_hash, sorted, unique). Elsewhere the walk finds nothing.
    bool walk_reads_before = false;
    ClassSequence::FirstBytes before_bytes;
    std::vector<std::uint64_t> before_words;
    // Makes the lists above from back_program (after max_back is set).
    void close(const std::vector<Pred>& preds);
    // Whether the walk may end right after back_program[step], a step that
    // reads a token: a match follows it without another token read.
    bool ends_after(std::uint32_t step) const;
    // A lexicon anchor with forms of several words: the lexicon, one of
    // whose forms must start at the anchor's token before anything is tried
    // there (a walk back, or a search from it: most first words of a
    // gazetteer's forms, "New" or "General", start none); else null.
    const TokenLexicon* check = nullptr;
    // The fold_hash of the words every match has right after a one-word
    // anchor ("will" of `will ^pay`): the next tokens must have them
    // before anything is tried there.
    std::vector<std::uint64_t> follow;
    // Then, after those words, one of these first words (sorted fold_hash)
    // of what may come next: through the elements that may be missing to
    // the first that every match has, when all their first words are known
    // ("and" of `and ^%{legal_forms}` is tried only before a legal form;
    // a month of `%{months} ~"."? the? %{ordinal}` only before ".", "the"
    // or an ordinal).
    std::vector<std::uint64_t> then;
    // Or, when those first words are not known (a regex or a number may
    // come next), the bytes that token can start with, when they are
    // (`then_bytes_known`): "the" of `the ^%{NAME}` is tried only before a
    // capital.
    ClassSequence::FirstBytes then_bytes;
    bool then_bytes_known = false;
    // A `#/regex/` anchor: its predicate (an index into the pattern's
    // predicates), whose regex the number must match before anything is
    // tried there ("5pct" of `#/\d+pct/`, not every number); else kNoPred.
    std::uint32_t number_regex = kNoPred;
  };
  static constexpr std::uint32_t kNoPred = 0xFFFFFFFFu;
  bool anchored() const { return !anchors_.empty(); }
  // The words every match has besides what its anchors' words say (the
  // index asks only where an anchor is): a condition on a text's words (the
  // fold_hash of its tokens, and kNumberWord when a token starts with a
  // digit) made of the pattern's words (a lexicon: one of its first
  // words), "and" for a sequence, "or" for an alternation; a regex, a
  // repetition that may be empty and an optional element need nothing.
  // A weakening of the pattern (what it cannot tell, or would make too
  // large, needs nothing), so that a text without those words has no match
  // and TokenIndex::starts lists no start in it: the rule's walks back and
  // searches are not run there. In prefix order, an "and" or "or" followed
  // by its kids, `size` the entries of its subtree; empty: nothing needed.
  struct Need {
    enum Op : std::uint8_t { kWord, kAnd, kOr };
    Op op = kWord;
    std::uint32_t size = 1;
    std::uint64_t hash = 0;  // kWord
  };
  static constexpr std::size_t kMaxNeeds = 64;     // entries
  static constexpr std::size_t kMaxNeedDepth = 8;  // nested "and" and "or"
  const std::vector<Need>& needs() const { return needs_; }
  // Whether a text whose words are those for which has(hash) is true has
  // what every match needs.
  template <typename Has>
  bool needs_hold(const Has& has) const {
    return needs_.empty() || need_holds(0, has);
  }
  // Whether the token `at` can be anchor `a`'s (its number_regex, if any,
  // matches it; `answers` as in find()).
  bool anchor_holds(std::size_t a, std::string_view text, const std::vector<Token>& tokens, std::size_t at,
                    RegexAnswers* answers) const;
  const std::vector<Anchor>& anchors() const { return anchors_; }
  // All anchors' words (sorted) and their largest max_back (for tests).
  std::vector<std::uint64_t> first_words() const;
  std::size_t max_back() const;
  // The tokens where a match whose anchor `a` is at token `anchor` may
  // start, appended to `out` (in no order): every place where the elements
  // before the anchor can all have matched (the spacing before each token
  // a step reads is checked, except for the token where the match would
  // start, which may have any; a lexicon's spacing is not: more places,
  // never fewer). After kMaxBackStates
  // states (of those that read a token) it gives up, adds nothing more and
  // returns the first token within max_back of the anchor (every token
  // from there to the anchor may start one); else SIZE_MAX. `again`: this
  // thread's previous call was for the same pattern, anchor and tokens, and
  // the states it went through are not gone through again (what they lead
  // to is listed, or within the range it returned). Tokens
  // covered_from..covered_to: already listed as starts, every one (by a walk
  // that gave up); a walk that reaches them goes no further when every start
  // it could find from there is among them.
  std::size_t starts_before(std::string_view text, const std::vector<Token>& tokens, std::size_t a, std::size_t anchor,
                            std::vector<std::uint32_t>& out, bool again = false, std::size_t covered_from = SIZE_MAX,
                            std::size_t covered_to = 0, RegexAnswers* answers = nullptr) const;
  static constexpr std::size_t kMaxBackStates = 4096;
  // The states and answers a thread's walks back remember at most.
  static constexpr std::size_t kMaxWalkRemembered = std::size_t{1} << 16;

  // The first match starting at a token whose start is at or after byte
  // `from`, trying only the tokens of `starts` when given (sorted token
  // indexes, a superset of those where a match can start): the spans of
  // its groups in `out` (groups() of them; an unset group is
  // {SIZE_MAX, SIZE_MAX}). False when there is none.
  // `answers`, when given, are those of these tokens, read and added to.
  bool find(std::string_view text, const std::vector<Token>& tokens, std::size_t from,
            const std::vector<std::uint32_t>* starts, std::vector<Span>& out,
            RegexAnswers* answers = nullptr) const;


 private:
  bool match_at(std::string_view text, const std::vector<Token>& tokens, std::size_t at, TokenMatcher& m) const;
  // Whether predicate `pred` holds for token `at` (a regex's answer
  // remembered in `m`): the one test of both the match and the walk back.
  bool pred_holds(std::uint32_t pred, std::string_view text, const std::vector<Token>& tokens, std::uint32_t at,
                  TokenMatcher& m) const;
  bool regex_holds(const Pred& p, std::uint32_t pred, std::string_view text, const std::vector<Token>& tokens,
                   std::uint32_t at, TokenMatcher& m) const;

  template <typename Has>
  bool need_holds(std::size_t i, const Has& has) const {
    const Need& n = needs_[i];
    if (n.op == Need::kWord) return has(n.hash);
    const bool all = n.op == Need::kAnd;
    for (std::size_t k = i + 1; k < i + n.size; k += needs_[k].size)
      if (need_holds(k, has) != all) return !all;
    return all;
  }

  std::vector<Inst> program_;
  std::vector<Need> needs_;
  // Per instruction pc of program_: the bytes a token read first from
  // there (by the steps that read one, through splits, jumps and saves)
  // can start with, and whether a match may come before any is read. A
  // branch of a split whose first token cannot start with the token's
  // first byte is not tried (a search's alternatives, mostly, fail at
  // their first word). Made from the program by close_program().
  struct FirstToken {
    ClassSequence::FirstBytes bytes;
    bool none = false;  // a match without reading a token
  };
  std::vector<FirstToken> first_of_;
  std::vector<std::uint32_t> inner_preds_;  // the predicates with groups inside their regex (Pred::inner)
  void close_program();
  // Whether what follows pc may match at token i.
  bool may_start(std::uint32_t pc, std::uint32_t i, std::string_view text, const std::vector<Token>& tokens) const {
    const FirstToken& f = first_of_[pc];
    return f.none || (i < tokens.size() && f.bytes.has(static_cast<unsigned char>(text[tokens[i].start])));
  }
  std::vector<Pred> preds_;
  std::vector<std::shared_ptr<const TokenLexicon>> lexicons_;
  std::vector<std::string> lexicon_names_;  // per lexicons_ index: the `%{name}` it was written as
  std::vector<std::string> names_;
  std::string expanded_;
  std::size_t slots_ = 0;  // the matcher's capture slots
  std::vector<Anchor> anchors_;
  // A back_program's kLex is any 1 to max_tokens() tokens among back_words_
  // of that lexicon (sorted fold_hash of its forms' tokens).
  std::vector<std::vector<std::uint64_t>> back_words_;  // per lexicons_ index
  friend class TokenPatternCompiler;
};

// Which token rules can start at each token of a document: one lookup per
// token for all the rules, instead of one per rule (the Scanner's).
class TokenIndex {
 public:
  // `patterns[k]` may be null (no token rule in that slot).
  explicit TokenIndex(const std::vector<const TokenPattern*>& patterns);
  // For each slot, the tokens where its pattern may start (empty for an
  // unanchored pattern, which is tried everywhere). Slots with skip[k] != 0
  // are left empty, unlooked for (rules that will not run on the text).
  std::vector<std::vector<std::uint32_t>> starts(std::string_view text, const std::vector<Token>& tokens,
                                                 RegexAnswers* answers = nullptr,
                                                 const std::vector<char>* skip = nullptr) const;

 private:
  // One (pattern, anchor) pair a word anchors, with what starts() asks of
  // it before anything else copied in (the anchor's own fields, see
  // TokenPattern::Anchor): read one after the other for each token that
  // has the word, where following pointers to each pattern's anchors was
  // a chain of cache misses (the largest share of a run's time in one
  // place, docs/performance.md).
  struct Entry {
    std::uint32_t pattern = 0, anchor = 0;
    std::uint32_t follow_begin = 0, follow_end = 0;  // Anchor::follow in words_
    std::uint32_t then_begin = 0, then_end = 0;      // Anchor::then in words_
    ClassSequence::FirstBytes then_bytes;
    bool then_bytes_known = false;
    bool needs = false;   // the pattern has needs (TokenPattern::needs)
    bool walks = false;   // Anchor::max_back > 0
    bool number = false;  // Anchor::number_regex != kNoPred
    const TokenLexicon* check = nullptr;
    // With a check: the next token must have one of these words (in
    // words_: TokenLexicon::second_words of the entry's word) before the
    // check is made; none when a form of the word alone may be there.
    bool second = false;
    std::uint32_t second_begin = 0, second_end = 0;
    // A walk back that cannot end at the anchor itself (no match starts
    // there; Anchor::walk_reads_before): the token before the anchor must
    // be one its first steps read, one that starts with a byte of
    // back_bytes or is one of the words words_[back_words_begin,
    // back_words_end) (Anchor::before_bytes, before_words). Elsewhere the
    // walk would find nothing and is not made: "a" of an apposition's
    // `~"," a ...` walks back only after a comma, a middle initial's "."
    // only after a capital.
    bool back_filter = false;
    ClassSequence::FirstBytes back_bytes;
    std::uint32_t back_words_begin = 0, back_words_end = 0;
  };
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t begin = 0, end = 0;  // the word's entries; end 0: an empty slot
  };
  std::vector<Slot> table_;  // open addressing, a power of two
  bool has_numbers_ = false;  // some anchor is `#` (kNumberWord)
  std::vector<Entry> entries_;        // by word, each word's in a row
  std::vector<std::uint64_t> words_;  // the entries' follow and then words
  std::vector<const TokenPattern*> patterns_;
};

}  // namespace extract
