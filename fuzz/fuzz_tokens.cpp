// Token rules (rules/token_pattern.hpp): the input is a list of lexicon
// forms separated by '|' (the lexicon `lex`, case-insensitive when the line
// starts with 'i'), a newline, a token pattern, a newline and a text.
// Compiling may refuse the pattern (with a message and a place inside it);
// else every search must end, and:
// - the tokens cover every byte that is not RE2 white space, in order, and
//   no white-space byte, each knowing whether white space precedes it;
// - each match starts at a token's start and ends at a token's end, after
//   the previous match, every group inside the text;
// - a search tried only at the tokens the index gives (TokenIndex, as the
//   scanner does) finds exactly the matches of a search tried everywhere.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.hpp"
#include "fuzz_check.hpp"
#include "rules/rule_set.hpp"
#include "rules/token_pattern.hpp"

using namespace extract;

namespace {

bool is_re2_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::vector<std::vector<Span>> all_matches(const TokenPattern& p, std::string_view text, const std::vector<Token>& tokens,
                                           const std::vector<std::uint32_t>* starts) {
  std::vector<std::vector<Span>> out;
  std::vector<Span> groups;
  std::size_t pos = 0;
  while (pos <= text.size() && p.find(text, tokens, pos, starts, groups)) {
    out.push_back(groups);
    pos = groups[0].end;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl1 = input.find('\n');
  if (nl1 == std::string_view::npos) return 0;
  const std::size_t nl2 = input.find('\n', nl1 + 1);
  if (nl2 == std::string_view::npos) return 0;
  const std::string_view forms = input.substr(0, nl1), source = input.substr(nl1 + 1, nl2 - nl1 - 1),
                         text = input.substr(nl2 + 1);

  // The tokens, on any bytes (invalid UTF-8 included).
  const std::vector<Token> tokens = tokenize(text);
  std::size_t at = 0;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const Token& t = tokens[k];
    FUZZ_CHECK(t.start >= at && t.end > t.start && t.end <= text.size(), "token " + std::to_string(k) + " out of order");
    bool space = false;
    for (std::size_t b = at; b < t.start; ++b) {
      FUZZ_CHECK(is_re2_space(text[b]), "byte " + std::to_string(b) + " is in no token");
      space = true;
    }
    FUZZ_CHECK(t.space_before() == (space && k > 0), "token " + std::to_string(k) + ": white space before it");
    for (std::size_t b = t.start; b < t.end; ++b) FUZZ_CHECK(!is_re2_space(text[b]), "white space in a token");
    FUZZ_CHECK(t.folded == fold_hash(text.substr(t.start, t.end - t.start)), "token hash");
    at = t.end;
  }
  for (std::size_t b = at; b < text.size(); ++b) FUZZ_CHECK(is_re2_space(text[b]), "a trailing byte is in no token");

  Lexicon lexicon;
  lexicon.name = "lex";
  lexicon.case_insensitive = !forms.empty() && forms[0] == 'i';
  std::size_t count = 0;
  for (std::size_t pos = 0; pos <= forms.size() && count < 32; ++count) {
    const std::size_t bar = std::min(forms.find('|', pos), forms.size());
    if (bar > pos) lexicon.add(std::string(forms.substr(pos, bar - pos)), Json(nullptr));
    pos = bar + 1;
  }
  TokenPattern::Env env;
  env.lexicon = [&](const std::string& name) -> std::shared_ptr<const TokenLexicon> {
    return name == "lex" ? TokenLexicon::of(lexicon) : nullptr;
  };
  RE2::Options o = rule_regex_options(1 << 20);
  o.set_log_errors(false);
  env.options = o;
  std::string error;
  std::size_t error_at = 0;
  const auto pattern = TokenPattern::compile(source, env, error, error_at);
  if (!pattern) {
    FUZZ_CHECK(!error.empty() && error_at <= source.size(), "a refused pattern says why and where");
    return 0;
  }
  const auto everywhere = all_matches(*pattern, text, tokens, nullptr);
  std::size_t last_end = 0;
  for (const auto& groups : everywhere) {
    FUZZ_CHECK(groups.size() == pattern->groups(), "groups");
    const Span& m = groups[0];
    FUZZ_CHECK(m.start >= last_end && m.end > m.start && m.end <= text.size(), "match out of order or empty");
    bool starts = false, ends = false;
    for (const Token& t : tokens) starts |= t.start == m.start, ends |= t.end == m.end;
    FUZZ_CHECK(starts && ends, "a match starts and ends at token bounds");
    for (const Span& g : groups)
      if (g.start != SIZE_MAX) FUZZ_CHECK(g.start <= g.end && g.end <= text.size(), "a group inside the text");
    last_end = m.end;
  }
  if (pattern->anchored()) {
    const TokenIndex index({pattern.get()});
    const auto starts = index.starts(text, tokens);
    FUZZ_CHECK(all_matches(*pattern, text, tokens, &starts[0]) == everywhere,
               "a search from the index's tokens finds what a search everywhere finds");
  }
  return 0;
}
