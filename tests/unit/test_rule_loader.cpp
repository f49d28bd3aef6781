#include <algorithm>
#include <cctype>
#include <random>

#include <catch2/catch.hpp>

#include "shipped.hpp"
#include "test_support.hpp"
#include "rules/rule_tester.hpp"

using namespace extract;
using extract::testing::TempDir;
using extract::testing::load_from;

TEST_CASE("Lexicon looks forms up with case and white space folded", "[rules][lexicon]") {
  Lexicon lex;
  lex.add("kaki persegi", "square_foot");
  lex.add("juta", 1000000);
  CHECK(lex.lookup("Kaki   persegi"));
  CHECK(*lex.lookup("JUTA") == 1000000);
  CHECK_FALSE(lex.lookup("jutaan"));
  Lexicon exact;
  exact.case_insensitive = false;
  exact.add("USD", "USD");
  CHECK(exact.lookup("USD"));
  CHECK_FALSE(exact.lookup("usd"));
}

TEST_CASE("Lexicon::fold joins words with single spaces and lowers ASCII when asked", "[rules][lexicon]") {
  // Texts folding leaves as they are (copied whole) and texts it changes.
  CHECK(Lexicon::fold("Acme Corp", false) == "Acme Corp");
  CHECK(Lexicon::fold("acme corp", true) == "acme corp");
  CHECK(Lexicon::fold("Acme Corp", true) == "acme corp");
  CHECK(Lexicon::fold("Acme  Corp", false) == "Acme Corp");
  CHECK(Lexicon::fold(" Acme", false) == "Acme");
  CHECK(Lexicon::fold("Acme ", false) == "Acme");
  CHECK(Lexicon::fold("Acme\tCorp", false) == "Acme Corp");
  CHECK(Lexicon::fold("\n Acme \r\n Corp \f", true) == "acme corp");
  // Bytes outside ASCII as they are, the ASCII letters after them folded.
  CHECK(Lexicon::fold("\xc3\x89" "COLE", true) == "\xc3\x89" "cole");
  CHECK(Lexicon::fold(" ", false).empty());
  CHECK(Lexicon::fold("", true).empty());
}

namespace {

// What a lookup means, written plainly: the form whose folded text equals the
// folded text looked up, the first such form added (a later duplicate is dropped).
const Json* lookup_by_definition(const std::vector<std::pair<std::string, Json>>& added, bool ci,
                                 std::string_view text) {
  const std::string key = Lexicon::fold(text, ci);
  for (const auto& [form, value] : added)
    if (Lexicon::fold(form, ci) == key) return &value;
  return nullptr;
}

}  // namespace

TEST_CASE("Lexicon lookup finds exactly the form whose folded text is the folded text looked up",
          "[rules][lexicon]") {
  // Pieces that make keys collide in length, case, white space and bytes
  // outside ASCII (never folded); texts built from them and from the forms.
  const std::vector<std::string> pieces = {"a",  "A",  "ab", "Ab", "aB",  "b", "s",   "\xc3\x89", "\xc3\xa9",
                                           "co", "CO", "Co", "-",  "inc", "",  "\xff", "_",       "0"};
  const std::vector<std::string> spaces = {" ", "  ", "\t", "\n", "\r\n", "\v", "\f", " \t "};
  for (bool ci : {true, false}) {
    std::mt19937 rng(ci ? 7 : 11);
    auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
    auto text_of = [&](std::size_t words) {
      std::string t = rng() % 4 == 0 ? pick(spaces) : "";
      for (std::size_t w = 0; w < words; ++w) {
        if (w) t += pick(spaces);
        t += pick(pieces) + (rng() % 2 ? pick(pieces) : "");
      }
      return t + (rng() % 4 == 0 ? pick(spaces) : "");
    };
    Lexicon lex;
    lex.case_insensitive = ci;
    std::vector<std::pair<std::string, Json>> added;
    for (int i = 0; i < 400; ++i) {  // enough to make the table grow several times
      std::string form = text_of(1 + rng() % 3);
      added.emplace_back(form, i);
      lex.add(form, i);
    }
    std::size_t found = 0;
    for (int i = 0; i < 6000; ++i) {
      std::string text = i % 3 == 0 ? added[rng() % added.size()].first : text_of(rng() % 4);
      if (i % 5 == 0 && !text.empty()) text[rng() % text.size()] ^= 0x20;  // case, or a space made '\0'
      INFO("ci " << ci << ", text '" << text << "'");
      const Json* want = lookup_by_definition(added, ci, text);
      const Json* got = lex.lookup(text);
      REQUIRE((want == nullptr) == (got == nullptr));
      if (want) {
        CHECK(*got == *want);
        ++found;
      }
    }
    CHECK(found > 1500);
  }
}

TEST_CASE("Lexicon::contains_lowered answers as contains() on the word lowered", "[rules][lexicon]") {
  // Keys of one and several letters, sharing first bytes and lengths, in
  // lexicons that fold case and one that does not (its keys in capitals
  // are found by no lowered word).
  const std::vector<std::string> forms = {"a", "an", "and", "the", "then", "Them", "yang", "di", "ke", "Dari", "x"};
  for (bool ci : {true, false}) {
    Lexicon lex;
    lex.case_insensitive = ci;
    for (const std::string& f : forms) lex.add(f, Json(f));
    std::mt19937 rng(ci ? 3 : 5);
    const std::string letters = "aAbdDeEhHiIkKmnNrRtTxXyYg";
    std::size_t found = 0;
    for (int i = 0; i < 20000; ++i) {
      std::string word = i % 4 == 0 ? forms[rng() % forms.size()] : "";
      for (std::size_t n = word.empty() ? 1 + rng() % 5 : 0; n > 0; --n) word += letters[rng() % letters.size()];
      if (i % 3 == 0)
        for (char& c : word)
          if (rng() % 2) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      std::string lowered = word;
      for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::uint64_t h = Lexicon::kKeyHashSeed;
      for (char c : lowered) h = Lexicon::key_hash_step(h, c);
      CHECK(h == Lexicon::key_hash(lowered));
      INFO("ci " << ci << ", word '" << word << "'");
      REQUIRE(lex.contains_lowered(word, h) == lex.contains(lowered));
      found += lex.contains(lowered) ? 1 : 0;
    }
    CHECK(found > 2000);
  }
}

TEST_CASE("Lexicon alternation puts longer forms first and escapes metacharacters", "[rules][lexicon]") {
  Lexicon lex;
  lex.case_insensitive = false;
  lex.add("$", "USD");
  lex.add("US$", "USD");
  lex.add("dolar AS", "USD");
  const std::string alt = lex.alternation();
  RE2 re(alt);
  REQUIRE(re.ok());
  std::string m;
  CHECK(RE2::PartialMatch("harga US$ 5", "(" + alt + ")", &m));
  CHECK(m == "US$");
  CHECK(RE2::PartialMatch("5 dolar\n AS", "(" + alt + ")", &m));
  CHECK(m == "dolar\n AS");
}

namespace {

// The lexicon alternation as it was before it became a trie of words: every
// form in full, longest first. The trie must match exactly what this matches.
std::string flat_alternation(const Lexicon& lex) {
  std::vector<std::string> sorted = lex.forms();
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string out = lex.case_insensitive ? "(?i:" : "(?:";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i) out += '|';
    std::string folded = Lexicon::fold(sorted[i], false);
    for (std::size_t pos = 0;;) {
      const std::size_t sp = folded.find(' ', pos);
      out += RE2::QuoteMeta(folded.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
      if (sp == std::string::npos) break;
      out += "\\s+";
      pos = sp + 1;
    }
  }
  return out + ")";
}

// What `alternation` matches at the start of `text` ("-" for nothing).
std::string leading_match(const RE2& re, const std::string& text) {
  re2::StringPiece m;
  if (!re.Match(text, 0, text.size(), RE2::ANCHOR_START, &m, 1)) return "-";
  return std::string(m.data(), m.size());
}

}  // namespace

TEST_CASE("Lexicon alternation writes shared leading words once and prefers the longest form", "[rules][lexicon]") {
  Lexicon lex;
  for (const char* f : {"took", "took over", "took over control of", "acquisition", "acquisitions of",
                        "completed", "completed its acquisition of", "completed the purchase of", "co", "co op"})
    lex.add(f, true);
  const std::string alt = lex.alternation();
  std::size_t completed = 0;
  for (auto at = alt.find("completed"); at != std::string::npos; at = alt.find("completed", at + 1)) ++completed;
  CHECK(completed == 1);
  RE2 re("(" + alt + ")");
  REQUIRE(re.ok());
  CHECK(leading_match(re, "took over control of Acme") == "took over control of");
  CHECK(leading_match(re, "took over Acme") == "took over");
  CHECK(leading_match(re, "took  \n over Acme") == "took  \n over");
  CHECK(leading_match(re, "took overall") == "took over");  // forms are not words: no \\b at the end
  CHECK(leading_match(re, "took part") == "took");
  CHECK(leading_match(re, "acquisitions of Acme") == "acquisitions of");
  CHECK(leading_match(re, "acquisitions by Acme") == "acquisition");
  CHECK(leading_match(re, "COMPLETED THE PURCHASE OF Acme") == "COMPLETED THE PURCHASE OF");
  CHECK(leading_match(re, "completed its purchase of Acme") == "completed");
  CHECK(leading_match(re, "co-op") == "co");
  CHECK(leading_match(re, "cooperative") == "co");
  CHECK(leading_match(re, "tookover") == "took");
  CHECK(leading_match(re, "bought") == "-");
}

TEST_CASE("Lexicon tree: one node per word after the same first words, siblings longest first", "[rules][lexicon]") {
  Lexicon lex;  // case-insensitive: words are merged as lookups fold them, written as first given
  for (const char* f : {"Sold", "sell", "selling", "sold  to", "completed the purchase of", "Completed", " "})
    lex.add(f, true);
  const auto tree = lex.tree();
  REQUIRE(tree);
  auto words = [&](std::uint32_t node) {
    std::vector<std::string> out;
    for (std::uint32_t c : (*tree)[node].children) out.push_back((*tree)[c].word);
    return out;
  };
  // The root: "completed" (first written "completed"), "selling", "sold", "sell".
  CHECK(words(0) == std::vector<std::string>{"completed", "selling", "Sold", "sell"});
  const std::uint32_t sold = (*tree)[0].children[2];
  CHECK((*tree)[sold].end);  // "Sold" is a form, and "sold to" goes on
  CHECK(words(sold) == std::vector<std::string>{"to"});
  const std::uint32_t completed = (*tree)[0].children[0];
  CHECK((*tree)[completed].end);
  CHECK(words(completed) == std::vector<std::string>{"the"});
  CHECK(tree->size() == 1 + 4 + 1 + 3);  // the blank form has no node
  // A form of more words than a tree nests: none.
  std::string long_form;
  for (std::size_t i = 0; i <= Lexicon::kMaxTrieWords; ++i) long_form += " w";
  lex.add(long_form, true);
  CHECK_FALSE(lex.tree());
}

TEST_CASE("Lexicon alternation keeps a list with a form of very many words flat", "[rules][lexicon]") {
  // A trie nests a group per word; 1,500 words would be 1,500 levels deep.
  std::string long_form;
  for (int i = 0; i < 1500; ++i) long_form += (i ? " w" : "w") + std::to_string(i);
  Lexicon lex;
  lex.add(long_form, true);
  lex.add("w0 w1", true);
  const std::string alt = lex.alternation();
  CHECK(alt.find("(?:") == std::string::npos);
  RE2 re("(" + alt + ")");
  REQUIRE(re.ok());
  CHECK(leading_match(re, long_form + " and more") == long_form);
  CHECK(leading_match(re, "w0 w1 w3") == "w0 w1");
  Lexicon short_forms;
  short_forms.add("w0 w1", true);
  short_forms.add("w0 w2", true);
  CHECK(short_forms.alternation().find("(?:") != std::string::npos);
}

TEST_CASE("Lexicon alternation matches what the flat longest-first list matches, on every shipped lexicon",
          "[rules][lexicon]") {
  const RuleSet& rules = testing::shipped().rules();
  std::size_t texts = 0;
  for (const auto& [name, lex] : rules.lexicons) {
    INFO("lexicon " << name);
    RE2::Options o;
    o.set_max_mem(64 << 20);
    RE2 trie("(" + lex.alternation() + ")", o);
    RE2 flat("(" + flat_alternation(lex) + ")", o);
    REQUIRE(trie.ok());
    REQUIRE(flat.ok());
    // Each form, alone and followed by text that could extend it, and each
    // form's first word followed by another form's tail: where two forms
    // share words, the longer must still win, as it did in the flat list.
    const auto& forms = lex.forms();
    for (std::size_t i = 0; i < forms.size(); ++i) {
      const std::string& f = forms[i];
      const std::string& g = forms[(i * 7 + 3) % forms.size()];
      const std::string first = f.substr(0, f.find(' '));
      for (const std::string& text : {f, f + " of the", f + "s of", f + "\n  " + g, first + " " + g, first + "x"}) {
        INFO("text '" << text << "'");
        CHECK(leading_match(trie, text) == leading_match(flat, text));
        ++texts;
      }
    }
  }
  CHECK(texts > 10000);
}

TEST_CASE("rules load with sub-patterns, lexicons, language folders and __N captures", "[rules][loader]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"common/base.yaml", R"(
patterns:
  NUM: '\d+'
lexicons:
  unit_words: {entries: {bulan: M, tahun: Y}}
)"},
                           {"id/durations.yaml", R"(
rules:
  - id: id.test.duration
    type: duration
    priority: 3
    pattern: '(?P<amount>%{NUM})\s+(?P<unit>%{unit_words})|(?P<unit__2>%{unit_words}) ke-(?P<amount__2>%{NUM})'
    fields: {amount: number, unit: lexicon:unit_words}
    examples:
      - text: "selama 4 bulan"
        value: {duration: P4M}
)"}},
                           diags, dir);
  INFO((diags.items().empty() ? std::string() : diags.items()[0].format()));
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(set.rules.size() == 1);
  const Rule& r = set.rules[0];
  CHECK(r.lang == "id");
  CHECK(r.value_kind == ValueKind::duration);  // told apart with its type
  CHECK(value_kind("money") == ValueKind::money);
  CHECK(value_kind("date") == ValueKind::date);
  CHECK(value_kind("organization") == ValueKind::fields);
  CHECK(r.group == "figure");
  CHECK(r.priority == 3);
  CHECK(r.pattern.find("%{") == std::string::npos);
  CHECK(r.examples.size() == 1);
  // Both branches' groups map to the same field names.
  int amount_groups = 0;
  for (const auto& f : r.group_fields) amount_groups += f == "amount";
  CHECK(amount_groups == 2);
  CHECK(set.lexicon("unit_words") != nullptr);
  CHECK(set.files.size() == 2);
  // Each field's normalizer, named and told apart once.
  REQUIRE(r.fields.size() == 2);
  CHECK(r.fields.at("amount").normalizer == "number");
  CHECK(r.fields.at("amount").kind == Normalizer::number);
  CHECK(r.fields.at("unit").normalizer == "lexicon");
  CHECK(r.fields.at("unit").kind == Normalizer::lexicon);
  CHECK(r.fields.at("unit").arg == "unit_words");
  const std::pair<const char*, Normalizer> names[] = {
      {"text", Normalizer::text},         {"name", Normalizer::name},           {"number", Normalizer::number},
      {"number_en", Normalizer::number_en}, {"number_id", Normalizer::number_id}, {"int", Normalizer::integer},
      {"year", Normalizer::year},         {"lexicon", Normalizer::lexicon},     {"numword", Normalizer::numword}};
  for (const auto& [name, kind] : names) {
    Normalizer read = Normalizer::text;
    CHECK(is_known_normalizer(name, nullptr, &read));
    CHECK(read == kind);
  }
  CHECK_FALSE(is_known_normalizer("texts", nullptr));
}

TEST_CASE("loader reports problems with file, line and column", "[rules][loader]") {
  TempDir dir;
  Diagnostics diags;
  load_from({{"en/a.yaml", "rules:\n  - id: a.one\n    type: date\n    pattern: '(?P<year>\\d{4}'\n"}}, diags, dir);
  REQUIRE(diags.error_count() == 1);
  const auto& d = diags.items()[0];
  CHECK(d.pos.line == 4);
  CHECK(d.pos.column > 0);
  CHECK(d.message.find("missing )") != std::string::npos);
}

TEST_CASE("regexes: compiled once at load, read by name, sub-patterns expanded", "[rules][loader][regexes]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"common/a.yaml", "regexes:\n  tail_word: '(?i)\\b%{TAIL_EN}$'\n"},
                           {"en/b.yaml", "patterns:\n  TAIL_EN: 'ltd|plc'\n"}},
                          diags, dir);
  REQUIRE(!diags.has_errors());
  const RE2* re = set.regex("tail_word");
  REQUIRE(re);
  CHECK(re->pattern() == "(?i)\\b(?:ltd|plc)$");
  CHECK(RE2::PartialMatch("Harrow PLC", *re));
  CHECK_FALSE(RE2::PartialMatch("Harrow PLC said", *re));
  // Not defined: none, for the caller to treat as never matching.
  CHECK(set.regex("head_word") == nullptr);
  CHECK(set.regex("TAIL_EN") == nullptr);
}

TEST_CASE("regexes: an invalid one is one error at its place, naming it", "[rules][loader][regexes]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"en/a.yaml", "description: x\nregexes:\n  good_one: 'ab+'\n  bad_one: 'a(?<=b)c'\n"}},
                          diags, dir);
  REQUIRE(diags.error_count() == 1);
  const auto& d = diags.items()[0];
  CHECK(d.pos.path.find("a.yaml") != std::string::npos);
  CHECK(d.pos.line == 4);
  CHECK(d.pos.column == 14);  // at '(?<='
  CHECK(d.message.find("regex 'bad_one'") == 0);
  CHECK(d.message.find("lookbehind") != std::string::npos);
  CHECK(set.regex("good_one"));
  CHECK(set.regex("bad_one") == nullptr);
}

TEST_CASE("regexes: one namespace with sub-patterns and lexicons; rules cannot use them", "[rules][loader][regexes]") {
  TempDir dir;
  Diagnostics diags;
  load_from({{"a.yaml", "patterns:\n  word: 'x'\nregexes:\n  word: 'y'\n  whole: 'z'\n"
                        "rules:\n  - id: a.one\n    type: cue\n    pattern: 'q%{whole}'\n"
                        "    examples: [{text: 'qz'}]\n"},
             {"b.yaml", "regexes: [one, two]\n"}},
            diags, dir);
  REQUIRE(diags.error_count() == 3);
  std::vector<std::string> messages;
  for (const auto& d : diags.items()) messages.push_back(d.message);
  CHECK(messages[0].find("duplicate name 'word'") == 0);
  CHECK(messages[1] == "'regexes' must be a mapping of NAME: regex");
  CHECK(messages[2] == "unknown sub-pattern '%{whole}'");
}

TEST_CASE("a missing rules directory is one clear error", "[rules][loader]") {
  Diagnostics diags;
  RuleSet set = load_rules("/nonexistent/rules/dir", diags);
  REQUIRE(diags.error_count() == 1);
  CHECK(diags.items()[0].message.find("not found") != std::string::npos);
  CHECK(set.rules.empty());
}

TEST_CASE("unknown rule keys are reported, so typos do not pass silently", "[rules][loader]") {
  TempDir dir;
  Diagnostics diags;
  load_from({{"x.yaml", "rules:\n  - id: a\n    type: number\n    patern: '\\d+'\n    pattern: '\\d+'\n"}}, diags, dir);
  REQUIRE(diags.error_count() == 1);
  CHECK(diags.items()[0].message == "unknown rule key 'patern'");
  CHECK(diags.items()[0].pos.line == 4);
}

TEST_CASE("the shipped rules load without errors and every rule has examples", "[rules][shipped]") {
  Diagnostics diags;
  RuleSet set = load_rules(EXTRACT_TEST_RULES_DIR, diags);
  for (const auto& d : diags.items()) UNSCOPED_INFO(d.format());
  CHECK_FALSE(diags.has_errors());
  CHECK(set.rules.size() > 10);
  for (const auto& r : set.rules) {
    INFO(r.id);
    CHECK_FALSE(r.examples.empty());
  }
}

TEST_CASE("loading on several threads gives the same rules and messages as on one", "[rules][loader]") {
  // The shipped rules: same rules in the same order, with the same patterns
  // and literal conditions.
  LoadOptions one, four;
  one.threads = 1;
  four.threads = 4;
  Diagnostics d1, d4;
  RuleSet a = load_rules(EXTRACT_TEST_RULES_DIR, d1, one);
  RuleSet b = load_rules(EXTRACT_TEST_RULES_DIR, d4, four);
  REQUIRE(std::count_if(a.rules.begin(), a.rules.end(), [](const Rule& r) { return r.unit >= 0; }) >= 4);
  CHECK(a.prefilter_atoms == b.prefilter_atoms);  // indexed in file order
  REQUIRE(a.rules.size() == b.rules.size());
  for (std::size_t i = 0; i < a.rules.size(); ++i) {
    INFO(a.rules[i].id);
    CHECK(a.rules[i].id == b.rules[i].id);
    CHECK(a.rules[i].pattern == b.rules[i].pattern);
    CHECK(a.rules[i].group_fields == b.rules[i].group_fields);
    // The same literal condition, whatever thread built it.
    CHECK(a.rules[i].needs.to_string(a.prefilter_atoms) == b.rules[i].needs.to_string(b.prefilter_atoms));
  }
  // Broken files: the messages come out in the same order.
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"en/a.yaml", "rules:\n  - id: a.one\n    type: date\n    pattern: '(?P<year>\\d{4}'\n"
                    "  - id: a.two\n    type: nope\n    pattern: '\\d+'\n"
                    "  - id: a.three\n    type: number\n    pattern: '(?P<n>\\d+)'\n    fields: {m: number}\n"},
      {"en/b.yaml", "rules: 7\n"},
      {"en/c.yaml", "rules:\n  - id: c.one\n    type: number\n    pattern: 'x(?=y)'\n"
                    "  - id: a.one\n    type: number\n    pattern: '\\d'\n"},
      {"en/d.yaml", "rules: [\n"}};
  for (const auto& [path, text] : files) dir.write(path, text);
  Diagnostics e1, e4;
  load_rules(dir.str(), e1, one);
  load_rules(dir.str(), e4, four);
  REQUIRE(e1.items().size() >= 6);
  REQUIRE(e1.items().size() == e4.items().size());
  for (std::size_t i = 0; i < e1.items().size(); ++i) CHECK(e1.items()[i].format() == e4.items()[i].format());
  // YAML syntax first (files are all read before rules), then rules in file order.
  CHECK(e1.items()[0].pos.path.find("d.yaml") != std::string::npos);
  CHECK(e1.items()[1].pos.path.find("a.yaml") != std::string::npos);
  CHECK(e1.items().back().pos.path.find("c.yaml") != std::string::npos);
}

TEST_CASE("regexes: a mapping gives the pattern and examples, which rules test runs", "[rules][loader][regexes]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"en/a.yaml",
                            "regexes:\n"
                            "  plain_one: 'ab+'\n"
                            "  tail_word:\n"
                            "    pattern: '(?i)\\b(?:ltd|plc)$'\n"
                            "    examples:\n"
                            "      - {text: 'Harrow PLC', match: 'PLC'}\n"
                            "      - {reject: 'Harrow PLC said'}\n"
                            "      - {text: 'Harrow Ltd', match: 'Harrow Ltd'}\n"
                            "      - {reject: 'Harrow Ltd'}\n"
                            "      - {text: 'Harrow Inc'}\n"}},
                          diags, dir);
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(set.regex("tail_word"));
  CHECK(RE2::PartialMatch("Harrow ltd", *set.regex("tail_word")));
  REQUIRE(set.regex_examples["tail_word"].size() == 5);
  Scanner scanner(set);
  const TestReport report = test_rules(set, scanner);
  CHECK(report.passed == 2);
  CHECK(report.failed == 3);
  REQUIRE(report.failures.size() == 3);
  for (const auto& f : report.failures) {
    CHECK(f.kind == "regex");
    CHECK(f.rule == "tail_word");
  }
  CHECK(report.failures[0].pos.line == 8);
  CHECK(report.failures[0].message == "expected 'Harrow Ltd' in \"Harrow Ltd\", got 'Ltd'");
  CHECK(report.failures[1].message == "must not match \"Harrow Ltd\", but matched 'Ltd'");
  CHECK(report.failures[2].message == "expected a match in \"Harrow Inc\", got no match");
  CHECK(report.regexes_without_examples == std::vector<std::string>{"plain_one"});
}

TEST_CASE("regexes: mistakes in the mapping form are errors at their place", "[rules][loader][regexes]") {
  TempDir dir;
  Diagnostics diags;
  RuleSet set = load_from({{"en/a.yaml",
                            "regexes:\n"
                            "  no_pattern: {examples: [{text: x}]}\n"
                            "  odd_key: {pattern: 'x', sample: y}\n"
                            "  bad_example: {pattern: 'x', examples: [{txt: x}]}\n"
                            "  listed: [a, b]\n"}},
                          diags, dir);
  REQUIRE(diags.error_count() == 4);
  std::vector<std::string> messages;
  std::vector<int> lines;
  for (const auto& d : diags.items()) {
    messages.push_back(d.message);
    lines.push_back(d.pos.line);
  }
  CHECK(messages[0] == "regex 'no_pattern' needs 'pattern' (a string)");
  CHECK(messages[1] == "regex 'odd_key': unknown key 'sample' (expected pattern, examples)");
  CHECK(messages[2] == "regex 'bad_example': an example needs 'text' (must match) or 'reject' (must not match)");
  CHECK(messages[3] == "regex 'listed' must be a string or a mapping {pattern, examples}");
  CHECK(lines == std::vector<int>{2, 3, 4, 5});
  CHECK(set.regex("odd_key"));  // the pattern is still read
  CHECK(set.regex("no_pattern") == nullptr);
}
