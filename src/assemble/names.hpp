// Helpers for entity names shared by the entity and quote assembly: word
// splitting, trimming of sentence-initial words and honorifics, name forms.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.hpp"
#include "rules/rule_set.hpp"

namespace extract::names {

// The lexicons that steer name handling, all optional (declared in
// rules/common/entities.yaml): words that are not part of a name when they
// start or end it (name_stopwords), honorifics and titles written before a
// name (name_honorifics), last words that make a name an organization
// (org_head_words), legal forms and company words (corp_suffix,
// corp_descriptor), places (place_gazetteer), and the hyphen tails of a word
// that describes the name after it (name_tail_en: "-based", "-owned").
struct Lexicons {
  const Lexicon* stop = nullptr;
  const Lexicon* honorific = nullptr;
  const Lexicon* org_head = nullptr;
  const Lexicon* suffix = nullptr;
  const Lexicon* suffix_dotted = nullptr;
  const Lexicon* descriptor = nullptr;
  const Lexicon* places = nullptr;
  const Lexicon* orgs = nullptr;
  const Lexicon* generic = nullptr;  // org_generic_words: words no organization is named by alone
  LexiconList tails;
  // Looked up by name in the rules: once per rule set (DealLexicons keeps
  // them for the assembly), not per document.
  static Lexicons from(const RuleSet& rules);
  bool is_stop(std::string_view w) const;
  bool is_honorific(std::string_view w) const;
  bool is_suffix(std::string_view w) const;     // Inc, Inc., Corp, S.A., Tbk ...
  bool is_org_word(std::string_view w) const;   // suffix, descriptor or org head word
};

// White space runs collapsed to one space, ends trimmed.
std::string collapse(std::string_view s);

// The white-space separated words of text[span], as spans.
std::vector<Span> words(std::string_view text, Span span);

// The span without leading (and trailing) words that are stop words, and,
// when `honorifics`, without leading honorifics ("But Mr. Obama" -> "Obama").
// A span left with nothing but such words comes back empty (start == end).
Span trim(std::string_view text, Span span, const Lexicons& lex, bool honorifics);

// The last word of a name, without a trailing dot or comma.
std::string last_word(std::string_view name);
// The words of a name.
std::vector<std::string> split_words(std::string_view name);
// The same words as views into `name`, into `out` (no copies; `name` must
// outlive them).
void word_views(std::string_view name, std::vector<std::string_view>& out);

// True when text[pos] starts a word (the byte before is not a letter, digit,
// hyphen or apostrophe) and text[end] ends one.
bool word_bounded(std::string_view text, std::size_t pos, std::size_t end);

// The line holding `pos` looks like a headline in title case or capitals:
// at least three words, no sentence-final period, and most of its content
// words capitalised. Or its paragraph is set in capitals (three words or
// more). Reads at most about 400 bytes on either side of `pos`: a line longer
// than that is no headline.
bool in_headline(std::string_view text, std::size_t pos);

// The known forms of a document's entities, found again in its text. Each
// form's words must appear at a position separated by runs of [\t\n\f\r ]
// (RE2's \s); of the forms that match at a position the first in list order
// wins. This is what RE2 returned for the alternation "(w1\s+w2|...)" of the
// list in leftmost-first mode, which this replaces: compiling that regex for
// every document took about a quarter of the run.
class FormMatcher {
 public:
  static constexpr std::size_t npos = std::string_view::npos;

  // (The forms are read where they are: `list` must outlive the matcher.)
  explicit FormMatcher(const std::vector<std::string>& list);

  // End of the first form that matches at text[pos], or npos (pos < size).
  std::size_t match(std::string_view text, std::size_t pos) const;
  // Whether some form starts with byte c (match() is npos where none does).
  bool may_start(char c) const { return starts_[static_cast<unsigned char>(c)]; }
  // The first position from pos whose byte may start a form, or text.size():
  // what a search skips before trying match() (a text's bytes read in a
  // tight loop, most of them starting none).
  std::size_t next_start(std::string_view text, std::size_t pos) const {
    const char* const p = text.data();
    const std::size_t n = text.size();
    while (pos < n && !starts_[static_cast<unsigned char>(p[pos])]) ++pos;
    return pos;
  }

 private:
  std::vector<std::vector<std::string_view>> words_;  // each form's words, in `list`
  std::array<std::vector<std::size_t>, 256> by_byte_;  // first byte -> forms, in list order
  std::array<bool, 256> starts_{};                      // by_byte_[c] has forms (read for every byte of a text)
};

// Whether RE2 accepts the alternation of the forms, as the rescan compiled it
// before FormMatcher (when it did not, the rescan found nothing; that stays).
bool alternation_compiles(const std::vector<std::string>& list);

}  // namespace extract::names
