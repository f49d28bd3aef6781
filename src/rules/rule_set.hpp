// The rule set: everything loaded from a rules directory of YAML files.
//
// A rules directory holds any number of `*.yaml` files in sub-folders; a folder
// named with a two-letter language code (`en/`, `id/`) makes its rules apply to
// documents of that language only, any other folder (`common/`) to every
// document. See docs/rules.md for the file format.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>

#include "core/diagnostic.hpp"
#include "core/document.hpp"
#include "rules/literals.hpp"

namespace extract {

// The order of sibling words in Lexicon::alternation()'s tree: longer
// first, then in descending byte order (rules/lexicon.cpp).
bool lexicon_word_before(const std::string& a, const std::string& b);

// A word list with values. Forms are matched as a regex alternation (longest
// first, spaces matching any run of white space); `lookup` maps a matched text
// back to its value.
class Lexicon {
 public:
  std::string name;
  SourcePos pos;
  bool case_insensitive = true;

  void add(std::string form, Json value, Json attributes = Json::object());
  // The value for a matched text (white space collapsed, case folded when the
  // lexicon is case-insensitive), or nullptr.
  const Json* lookup(std::string_view text) const;
  // Attributes given to the entry (`kind:` etc.), or nullptr.
  const Json* attributes(std::string_view text) const;
  // Both at once: the entry of a text (an index into values() and
  // attribute_values()), or SIZE_MAX.
  std::size_t find(std::string_view text) const;
  // An RE2 alternation of all forms, e.g. `(?i:juta|jt)`.
  std::string alternation() const;
  std::size_t size() const { return forms_.size(); }
  const std::vector<std::string>& forms() const { return forms_; }
  // Every form's value and attributes, in the order of forms().
  const std::vector<Json>& values() const { return values_; }
  const std::vector<Json>& attribute_values() const { return attributes_; }
  bool contains(std::string_view text) const { return lookup(text) != nullptr; }
  static std::uint64_t key_hash(std::string_view key);
  // contains() for a word of ASCII letters as lowered (A-Z to a-z) it is
  // its own key; `hash` is the key_hash of it lowered, made a byte at a
  // time from kKeyHashSeed by key_hash_step (a text read once for many
  // lexicons, with no copy).
  bool contains_lowered(std::string_view word, std::uint64_t hash) const;
  static constexpr std::uint64_t kKeyHashSeed = 0xcbf29ce484222325ull;
  static std::uint64_t key_hash_step(std::uint64_t h, char c) {
    return (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  }

  static std::string fold(std::string_view text, bool case_insensitive);
  // fold() written to `out`, replacing what it held (its capacity reused).
  static void fold_into(std::string_view text, bool case_insensitive, std::string& out);
  // A form's words, white space collapsed; none for a blank form.
  static std::vector<std::string> words(const std::string& form);
  // alternation() writes forms of at most this many words as a tree of
  // words, longer ones as a flat list.
  static constexpr std::size_t kMaxTrieWords = 64;

  // The forms as a tree of words: one node per word after the same first
  // words ("completed its acquisition of" and "completed the purchase of"
  // share "completed"), siblings in the order of lexicon_word_before (on
  // the words folded as lookups fold them). alternation() writes it as the
  // pattern, and a WordList (rules/word_list.hpp) matches by it. Forms with
  // no words are left out; null when a form has more than kMaxTrieWords.
  struct TreeNode {
    std::string word;                     // as first written
    bool end = false;                     // a form ends with this word
    std::vector<std::uint32_t> children;  // indexes into the tree, in order
  };
  using Tree = std::vector<TreeNode>;  // [0]: the root
  std::optional<Tree> tree() const;

 private:
  void grow();

  std::vector<std::string> forms_;
  std::vector<Json> values_;
  std::vector<Json> attributes_;
  // The index: each form's key (folded as lookups fold), in an
  // open-addressing table of hashes (a power of two, at most half full;
  // entry + 1, 0 = empty). A lookup of one word (no white space, the usual
  // case) hashes and compares the text folding as it goes, without copying
  // it (docs/performance.md, "Lexicon lookups").
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t entry = 0;
  };
  std::vector<std::string> keys_;
  std::vector<Slot> slots_;
  // The entry whose key is `key` (lowered first when `lower`) of hash `h`, or SIZE_MAX.
  std::size_t entry_of(std::uint64_t h, std::string_view key, bool lower) const;
  // The entry whose key hashes to `h`, has `size` bytes and satisfies `same`.
  template <typename Same>
  std::size_t entry_where(std::uint64_t h, std::size_t size, Same same) const;
  // Puts `s` in the first empty slot from its hash's place.
  static void insert(std::vector<Slot>& slots, const Slot& s);
  // What the keys start with and how long they are, to turn most texts that
  // are no key away before hashing them: bit b of first_bytes_[b / 64] for
  // a first byte b, bit n of lengths_ for a length n (63: 63 or more).
  std::uint64_t first_bytes_[4] = {0, 0, 0, 0};
  // And the first two bytes together: bit pair_bit(b0, b1) of pairs_, b1
  // 0 for a key of one byte (most texts looked up are no key, and most
  // start with a byte some key starts with).
  std::uint64_t pairs_[64] = {};
  static std::size_t pair_bit(unsigned char b0, unsigned char b1) { return (std::size_t{b0} & 63) << 6 | (b1 & 63); }
  // Whether some key starts with byte b; with b0 then b1 (0: a key of one
  // byte). Both as the keys have them.
  bool first_byte_known(unsigned char b) const { return (first_bytes_[b >> 6] >> (b & 63) & 1) != 0; }
  bool pair_known(unsigned char b0, unsigned char b1) const {
    const std::size_t pair = pair_bit(b0, b1);
    return (pairs_[pair >> 6] >> (pair & 63) & 1) != 0;
  }
  std::uint64_t lengths_ = 0;
  std::size_t max_length_ = 0;
};

// A field's normalizer (FieldSpec::normalizer), told apart once at load.
enum class Normalizer : std::uint8_t { text, name, number, number_en, number_id, integer, year, lexicon, numword };
// How a named capture becomes a value: `number`, `lexicon:NAME`, ...
struct FieldSpec {
  std::string normalizer;
  Normalizer kind = Normalizer::text;  // the normalizer named
  std::string arg;
  SourcePos pos;
};

// An inline example: text that must match (optionally exactly `match`, with a
// value containing `value`), or text that must not match (`reject`).
struct Example {
  SourcePos pos;
  std::string text;
  std::optional<std::string> match;
  std::optional<Json> value;
  bool reject = false;
  std::optional<CivilDate> date;
};

// Context conditions checked around a match (RE2 has no lookaround): the
// `before` patterns are matched against the text ending where the match starts,
// the `after` patterns against the text starting where it ends.
struct ContextCondition {
  std::shared_ptr<const RE2> before, not_before, after, not_after;
};

// A unit (`units:` in the rule files): a sub-pattern matched once per
// document, left to right without overlaps, whose matches the rules that use
// it see as one indivisible piece of text each. Such a rule runs on a copy of
// the document in which every match of the unit is replaced by kUnitMark, its
// own pattern having `%{UNIT}` replaced by kUnitMarkPattern; its matches are
// mapped back to the document's offsets (engine/compiled_rules.cpp,
// docs/rules.md "Units").
struct Unit {
  std::string name;
  SourcePos pos;
  std::string pattern;               // expanded
  std::shared_ptr<const RE2> regex;  // null when it did not compile
  // `not_first`: forms of a lexicon (whole words, at most 8): a match that
  // starts with one is no match; the unit is looked for again after the
  // longest such form. `not_alone`: a match that is one of its forms is no
  // match, and one that ends with one loses it. Null: none.
  const class Lexicon* not_first = nullptr;
  const class Lexicon* not_alone = nullptr;
  // `breaks`: words (a lexicon) never part of a match: one that contains one
  // ends before it (or, starting with it, is looked for again after it).
  const class Lexicon* breaks = nullptr;
  // `last`: words (a lexicon) after which a match ends when they are not its
  // first word; the text after them is searched again. Null: none.
  const class Lexicon* last = nullptr;
  // Phrases: lexicons found once per document as well, in the text between
  // the unit's matches (docs/rules.md, "Phrases"). A unit declares them
  // (`phrases: {NAME: lexicon}`); a rule that writes `%{NAME}` runs on a
  // variant of the unit, a Unit of its own named "UNIT+NAME...", whose
  // `phrases` are the ones that rule uses, in the order of the declaration;
  // a phrase's forms are replaced by phrase_mark(its `mark`) in the copy.
  struct Phrase {
    std::string name;                  // as the rules write it
    std::string lexicon;
    std::string pattern;               // \b(?:alternation)\b
    std::shared_ptr<const RE2> regex;  // null when it did not compile
    std::size_t mark = 0;              // its place in the unit's declaration: phrase_mark(mark)
  };
  std::vector<Phrase> phrases;
  int base = -1;  // a variant: the index of the unit it adds phrases to
};
// Three underscores: word characters, so that `\b` and the rules' generic
// word classes (`\w`, `[\w-]+`) take a unit as they take a one-word name,
// but no letter or digit, so that no capitalised-word or number pattern
// does. An underscore of the document itself is a hyphen in the copy, so
// that the copy has no mark but the units' (same length, offsets kept).
inline constexpr std::string_view kUnitMark = "___";
inline constexpr std::string_view kUnitMarkPattern = "(?:___)";
// The mark of a unit's phrase k: "_-_", "_--_", ... Underscores at both ends,
// so that `\b` and `\w` take it as a word, as they take the words of the
// phrase it stands for; hyphens between, so that no mark contains another
// (nor kUnitMark) and no letter or digit class matches it.
inline std::string phrase_mark(std::size_t k) { return "_" + std::string(k + 1, '-') + "_"; }
inline std::size_t phrase_mark_size(std::size_t k) { return k + 3; }  // phrase_mark(k).size()
inline std::string phrase_mark_pattern(std::size_t k) { return "(?:" + phrase_mark(k) + ")"; }

// How a rule's value is built from its fields (build_value), by its type:
// a figure or a date of its own, or the fields themselves.
enum class ValueKind : std::uint8_t { fields, money, percent, quantity, number, duration, date };
// A type's value kind (TypeInfo::value); `fields` for a type not known.
ValueKind value_kind(std::string_view type);

struct Rule {
  std::string id;
  std::string type;
  ValueKind value_kind = ValueKind::fields;  // value_kind(type), set with it
  std::string group;      // overlap-resolution group (figure, entity, ...)
  std::string lang;       // "" = any language
  SourcePos pos;
  std::string pattern;    // after sub-pattern expansion
  int priority = 0;
  bool dateline = false;  // a match may set the publication date
  bool emit = true;       // false: used by assembly, not printed
  std::map<std::string, FieldSpec, std::less<>> fields;
  Json constants = Json::object();
  ContextCondition context;
  std::vector<Example> examples;
  // Null when the set was read from a snapshot (rules/snapshot.hpp): the
  // scanner then compiles the pattern when a document first needs the rule.
  std::shared_ptr<const RE2> regex;
  // The literal strings a text needs for the pattern to match in it (atoms:
  // indices into RuleSet::prefilter_atoms); the scanner skips the rule
  // where they do not occur. A rule with a unit reads the marked copy.
  LiteralCondition needs;
  // The literal strings a document needs for the rule's `before` and `after`
  // contexts to match in it (as `needs`, but over the document's own atoms
  // even for a rule with a unit: contexts read the document). A candidate
  // is kept only where its contexts match, so where these are missing the
  // rule is not run at all, nor are its token starts looked for.
  LiteralCondition context_needs;
  int unit = -1;                      // the unit it uses (index into RuleSet::units), -1: none
  // Capture group number -> field name (suffix `__N` removed); index 0 unused.
  std::vector<std::string> group_fields;
  // A rule whose pattern is `\b(?P<name>%{LEXICON})\b`, of a lexicon that a
  // WordList stands in for (rules/word_list.hpp): the lexicon's name and its
  // WordList, which the scanner runs instead of the pattern. `regex` is then
  // null once the rule is loaded. Else empty and null.
  std::string word_list;
  std::shared_ptr<const class WordList> words;
  // A token rule (`tokens:` instead of `pattern:`, rules/token_pattern.hpp):
  // the compiled pattern, which the scanner runs over the document's tokens;
  // `pattern` is then empty, `regex` null and `needs` always true. Else null.
  std::shared_ptr<const class TokenPattern> tokens;
};

struct LanguageProfile {
  std::string code;           // "en", "id"
  std::string stopwords;      // lexicon name
};

struct RuleSet {
  std::string root;
  std::vector<std::string> files;
  std::vector<Rule> rules;
  std::map<std::string, Lexicon> lexicons;
  // Whole regular expressions that the program itself runs, read by name
  // (the `regexes:` of the rule files, compiled once at load; the deal
  // assembly's price words, for example). Read-only after loading, so
  // threads share them.
  std::map<std::string, std::shared_ptr<const RE2>> regexes;
  // Their examples, by name: a `text` the regex must match (its whole match
  // being `match`, when given) or a `reject` it must not; `rules test` runs them.
  std::map<std::string, std::vector<Example>> regex_examples;
  std::vector<LanguageProfile> languages;
  std::vector<Unit> units;
  // The atoms of all rules' literal conditions (Rule::needs), each once,
  // lower case: the scanner finds them in a document in one pass
  // (engine/compiled_rules.cpp).
  std::vector<std::string> prefilter_atoms;
  // RE2's memory budget per pattern (LoadOptions::max_rule_mem), for the
  // patterns compiled after loading.
  std::int64_t max_rule_mem = 32 << 20;

  const Lexicon* lexicon(const std::string& name) const;
  // The regex `name` of `regexes:`, or nullptr when the rules define none
  // (or it did not compile).
  const RE2* regex(const std::string& name) const;
};

// One word list that the assembly reads from the rules: the lexicon `base`
// and `base_<code>` for each language of the rules (`deal_title` reads
// `deal_title`, `deal_title_en`, `deal_title_id`), those that exist; a word
// is in the list when one of them has it (each folding case as it says). A
// list the rules do not define is empty. A third language adds its own
// `base_<code>` without a code change.
class LexiconList {
 public:
  LexiconList() = default;
  LexiconList(const RuleSet& rules, const std::string& base);
  // The value of the first lexicon that has `text` (Lexicon::lookup), or nullptr.
  const Json* lookup(std::string_view text) const;
  bool contains(std::string_view text) const { return lookup(text) != nullptr; }
  bool empty() const { return lexicons_.empty(); }

 private:
  std::vector<const Lexicon*> lexicons_;
};

struct LoadOptions {
  std::int64_t max_rule_mem = 32 << 20;       // RE2 memory budget per rule
  std::uint64_t max_file_size = 16 << 20;     // bytes per rule file
  int min_atom_length = 3;                    // shorter literals are not used by the prefilter
  int threads = 0;                            // for reading and compiling; 0: the machine's cores (at most 8)
};

// The options every pattern of the rules is compiled with.
RE2::Options rule_regex_options(std::int64_t max_mem);
// The rule files under `dir`, recursively, sorted: `*.yaml` and `*.yml`,
// hidden files and folders left out.
std::vector<std::string> rule_file_paths(const std::string& dir);

// Loads every `*.yaml` file under `dir` (sorted by path). Problems are added
// to `diags` with file:line:col; rules with errors are left out of the set.
RuleSet load_rules(const std::string& dir, Diagnostics& diags, const LoadOptions& opts = {});
// The same for one rule file's text, reported as `path_label`; `lang` as if
// the file were in a language folder ("" = common). For tests and fuzzing.
RuleSet load_rules_from_string(const std::string& path_label, const std::string& text, Diagnostics& diags,
                               const std::string& lang = "", const LoadOptions& opts = {});

// Known fact types, their default resolution group, and whether they are printed.
struct TypeInfo {
  const char* name;
  const char* group;
  bool emitted;
  ValueKind value = ValueKind::fields;  // how its rules' values are built
};
const TypeInfo* find_type(std::string_view name);
const std::vector<TypeInfo>& known_types();
// Known field normalizers (`number`, `lexicon`, ...), whether they need an
// argument, and which one it is.
bool is_known_normalizer(std::string_view name, bool* needs_arg, Normalizer* kind = nullptr);

}  // namespace extract
