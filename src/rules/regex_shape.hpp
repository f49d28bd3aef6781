// Reading the shape of an RE2 pattern without compiling it: where an escape,
// a class or a group ends, and the part of a pattern that decides whether it
// matches anywhere in a text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace extract {

// ASCII digits and letters, as a pattern's syntax reads them.
inline bool regex_ascii_digit(char c) { return c >= '0' && c <= '9'; }
inline bool regex_ascii_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// The index just past the escape (`\d`, `\b`, `\pL`, `\p{Greek}`, `\x41`,
// `\x{263a}`, `\101`) or the class (`[^]a-z\]]`, `[[:alpha:]x]`) that starts
// at p[i], or i + 1 for any other byte; npos when it runs past the end, and
// for `\Q` (quoted text is not read here).
std::size_t regex_skip(std::string_view p, std::size_t i);

// The index of the `)` that closes the `(` at p[open], escapes and classes
// skipped, or npos.
std::size_t regex_group_end(std::string_view p, std::size_t open);

// Whether the pattern is `Z*(?P<name>X)Z*` with only zero-width assertions
// (`\b`, `^`, `$`, `\A`, `\z`) and flags around its first group: then group 1
// always spans the whole match, and no matcher need be asked for it. RE2
// finds a match's bounds with its DFAs, but any group needs the NFA or
// BitState, which on a large pattern such as a gazetteer costs far more
// than the search, and on a token's short word several times the match.
bool regex_first_group_is_match(std::string_view pattern);

// A pattern that matches somewhere in a text exactly when `pattern` does:
// `pattern` without the elements at the start and the end of each of its
// alternatives that can match the empty string anywhere (`(?:about\s+)?`,
// `\s*`, `(?:\s+(?P<per>each|apiece))?`), and the same inside a group that
// is all that is left of an alternative. A match of the pattern holds one
// of the rest; where the rest matches, those elements match empty around
// it. Assertions (`\b`, `^`, `$`) are kept: they can fail. The gate asks
// whether rules match anywhere (Scanner::gate_in), and such an optional
// qualifier before an amount made up most of its automaton's states.
// `pattern` itself, unchanged, when it has flags for the rest of it
// (`(?i)abc`), quoted text or something else this does not read, or when
// an alternative is all such elements (it matches empty, everywhere).
std::string regex_existence_core(std::string_view pattern);

}  // namespace extract
