// Deal records built from the shipped rules: joint buyers.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "assemble/deals.hpp"
#include "pipeline.hpp"
#include "shipped.hpp"
#include "test_support.hpp"

using namespace extract;

namespace {

using testing::shipped;

// The deals `ex` finds in `text`.
Json deals_with(const Extractor& ex, const std::string& text, const std::string& lang = "en") {
  Document d;
  d.source = "test";
  d.text = text;
  d.language_hint = lang;
  return ex.run(d).deals;
}

Json deals_of(const std::string& text, const std::string& lang = "en") { return deals_with(shipped(), text, lang); }

// The deal assembly's word lists from the shipped rules.
const DealLexicons& shipped_lex() {
  static const DealLexicons lex(shipped().rules());
  return lex;
}

// The word lists of a rule file given as text, loaded as if in rules/en/.
RuleSet rules_of(const std::string& yaml) {
  Diagnostics diags;
  RuleSet rules = load_rules_from_string("test.yaml", yaml, diags, "en");
  REQUIRE(!diags.has_errors());
  return rules;
}

// The deal whose `key` is `value`, or null.
Json deal_with(const Json& deals, const char* key, const std::string& value) {
  for (const auto& d : deals)
    if (d[key] == value) return d;
  return Json();
}

}  // namespace

TEST_CASE("the company that speaks is found under a quote cue on the same words", "[deals]") {
  // "Harlow Widgets Inc said" is both a quote speaker cue and a deal sayer cue.
  const Json deals = deals_of(
      "Harlow Widgets Inc said it filed a report indicating that Brantley Capital Corp had assumed control of the "
      "company under a plan.\n");
  REQUIRE(deals.size() == 1);
  CHECK(deals[0]["acquirer"] == "Brantley Capital Corp");
  CHECK(deals[0]["target"] == "Harlow Widgets Inc");
}

TEST_CASE("'The company said it bought' is the company that spoke last, not the one named last", "[deals]") {
  const Json deals = deals_of(
      "Tolland Security Corp said it grew by purchases this year.\n"
      "    It said it bought Swift Post Inc from Relay Holdings Inc and Dover Courier Co of Maine.\n"
      "    The company said it bought Crane Alarm Inc.\n");
  bool found = false;
  for (const auto& d : deals) {
    if (d["target"] != "Crane Alarm Inc") continue;
    found = true;
    CHECK(d["acquirer"] == "Tolland Security Corp");
  }
  CHECK(found);
}

TEST_CASE("a business bought without its name makes a deal; a site stays a purchase", "[deals]") {
  const Json deals =
      deals_of("Pantry Foods Inc said it agreed to buy twelve taco restaurants in Nevada from Mesa Dining Corp.\n");
  REQUIRE(deals.size() == 1);
  CHECK(deals[0]["acquirer"] == "Pantry Foods Inc");
  CHECK(deals[0]["target"] == "twelve taco restaurants");
  CHECK(deals[0]["seller"] == "Mesa Dining Corp");
  CHECK(deals_of("Orbis Compute Inc acquired a second site in Reno last year.\n").empty());
}

TEST_CASE("two buyers named together: the first is the acquirer, the other a co-acquirer", "[deals]") {
  const Json deals =
      deals_of("Halden Freight Inc and Corvex Corp said they agreed to buy Marlow Trucking Co for 40 mln dlrs.\n");
  REQUIRE(deals.size() == 1);
  CHECK(deals[0]["acquirer"] == "Halden Freight Inc");
  CHECK(deals[0]["co_acquirers"] == Json::array({"Corvex Corp"}));
  CHECK(deals[0]["target"] == "Marlow Trucking Co");
}

TEST_CASE("one buyer: co_acquirers is present and empty", "[deals]") {
  const Json deals = deals_of("Halden Freight Inc said it agreed to buy Marlow Trucking Co for 40 mln dlrs.\n");
  REQUIRE(deals.size() == 1);
  CHECK(deals[0]["acquirer"] == "Halden Freight Inc");
  REQUIRE(deals[0].contains("co_acquirers"));
  CHECK(deals[0]["co_acquirers"].empty());
}

TEST_CASE("'the company said it' is the company that spoke last, not the company named last", "[deals]") {
  const Json deals = deals_of(
      "Torvald Mills Inc said it owes money to Bramble Credit Corp and is talking with the lender.\n"
      "    The company said it will sell the Lantern Inn in Dover for 900,000 dlrs.\n");
  REQUIRE(deals.size() == 1);
  CHECK(deals[0]["seller"] == "Torvald Mills Inc");
  CHECK(deals[0]["target"] == "Lantern Inn");
}

TEST_CASE("a person who spoke is not the company a pronoun stands for", "[deals]") {
  const Json deals = deals_of(
      "Corbin Shale Corp said it would buy Pellow Gas Co.\n"
      "    Investor Martin Quayle said he opposed the plan.\n"
      "    The company said it agreed to buy Dunnet Oil Co for 12 mln dlrs.\n");
  const Json d = deal_with(deals, "target", "Dunnet Oil Co");
  REQUIRE(d.is_object());
  CHECK(d["acquirer"] == "Corbin Shale Corp");
}

TEST_CASE("a known town after 'of' is cut from a group's name, not from a bank's", "[deals]") {
  const Json deals = deals_of(
      "Brill Media Inc said it agreed to buy Harbor Life magazine from the Tolliver Group of Boston.\n"
      "    Carrow Bancorp said it agreed to buy First National Bank of Boston from Pemble Trust Co.\n");
  REQUIRE(deals.size() == 2);
  for (const auto& d : deals) {
    if (d["target"] == "Harbor Life") CHECK(d["seller"] == "Tolliver Group");
    else CHECK(d["target"] == "First National Bank of Boston");
  }
}

TEST_CASE("party names: a plural possessive parent and 'Subsidiaries of' are dropped", "[deals]") {
  CHECK(clean_party_name("Dorn Enterprises' Marsh Dairy Inc", shipped_lex()) == "Marsh Dairy Inc");
  CHECK(clean_party_name("Subsidiaries of Pellam Mutual Life Co", shipped_lex()) == "Pellam Mutual Life Co");
  CHECK(clean_party_name("Acme Corp's Widget Co", shipped_lex()) == "Widget Co");
  // A possessive first word is part of the name; so is a plural possessive without a suffix after it.
  CHECK(clean_party_name("Scott's Liquid Gold Inc", shipped_lex()) == "Scott's Liquid Gold Inc");
  CHECK(clean_party_name("Dorn Enterprises' Marsh", shipped_lex()) == "Dorn Enterprises' Marsh");
}

TEST_CASE("party names: each clean-up cuts words or their ends, and the next name starts afresh", "[deals]") {
  const auto& lex = shipped_lex();
  // White space folded, trailing punctuation dropped, a leading "The".
  CHECK(clean_party_name("The  Harbin\nWidget Co ;", lex) == "Harbin Widget Co");
  // A time phrase opening the sentence, of two words or one.
  CHECK(clean_party_name("On Friday Corbin Shale Corp", lex) == "Corbin Shale Corp");
  CHECK(clean_party_name("Earlier Tolland Sweets Inc", lex) == "Tolland Sweets Inc");
  // A place before "-based"; a title and the person after the company.
  CHECK(clean_party_name("Ontario-based Pellam Foods Ltd", lex) == "Pellam Foods Ltd");
  CHECK(clean_party_name("Marlow Fintech Chairman Dana Hollis", lex) == "Marlow Fintech");
  // A possessive at the end, plain or plural.
  CHECK(clean_party_name("Corbin's", lex) == "Corbin");
  CHECK(clean_party_name("Pellam Industries'", lex) == "Pellam Industries");
  // An abbreviation in brackets, a place after a legal suffix, a second party.
  CHECK(clean_party_name("Banco Marlow Sarl (BMS)", lex) == "Banco Marlow Sarl");
  CHECK(clean_party_name("Harbin Widget Inc of Ohio", lex) == "Harbin Widget Inc");
  CHECK(clean_party_name("Harbin Widget Inc and Tolland Sweets Inc", lex) == "Harbin Widget Inc");
  // A suffix's full stop: the end of a sentence when no suffix follows, and
  // at the end of the name.
  CHECK(clean_party_name("Pellam Rubber Inc. Once signed", lex) == "Pellam Rubber Inc");
  CHECK(clean_party_name("Harlow Corp.", lex) == "Harlow Corp");
  CHECK(clean_party_name("Harlow Corp. Ltd.", lex) == "Harlow Corp. Ltd");
  // Nothing left, and a long name after it: no word of one call stays for the next.
  CHECK(clean_party_name(" , ", lex).empty());
  CHECK(clean_party_name("Kettering Partners Northern Lights Holdings Group Inc", lex) ==
        "Kettering Partners Northern Lights Holdings Group Inc");
  CHECK(clean_party_name("Brame Foods Co", lex) == "Brame Foods Co");
}

TEST_CASE("a unit named like its parent is not completed to the parent's name", "[deals]") {
  const Json deals = deals_of(
      "Lowrey, the brokerage unit of Lowrey Group Inc, said it sold its entire 5.1 pct stake in Pardee Corp.\n");
  REQUIRE(deals.size() == 1);
  CHECK(deals[0]["seller"] == "Lowrey");
  CHECK(deals[0]["target"] == "Pardee Corp");
}

TEST_CASE("'formerly a subsidiary of P': P sells when no seller is named", "[deals]") {
  const Json deals = deals_of(
      "Brame Foods Co said Kettering Partners Inc has bought Tolland Sweets Inc, formerly an indirect "
      "subsidiary of Brame.\n");
  REQUIRE(deals.size() == 1);
  CHECK(deals[0]["acquirer"] == "Kettering Partners Inc");
  CHECK(deals[0]["seller"] == "Brame Foods Co");
}

TEST_CASE("a seller written as its owner's unit is the owner", "[deals]") {
  const Json deals = deals_of(
      "Corrib Metals Co agreed to buy a 20 pct interest in the Kettle Ridge Venture from Dunmore Oil Plc's "
      "Lisk Minerals Inc unit.\n");
  REQUIRE(deals.size() == 1);
  CHECK(deals[0]["seller"] == "Dunmore Oil Plc");
  CHECK(deals[0]["target"] == "Kettle Ridge Venture");
}

TEST_CASE("a speaker written 'Acme Chairman John Smith' is the company before the title", "[deals]") {
  const Json deals = deals_of("Harlow Mills Chairman Peter Quint said it would buy Dannet Yarns Inc.\n");
  REQUIRE(deals.size() == 1);
  CHECK(deals[0]["acquirer"] == "Harlow Mills");
}

TEST_CASE("'its' is not a person who spoke; 'he' may be", "[deals]") {
  const Json deals = deals_of(
      "Trade magnate Oliver Brannock said his Wexford Print Holdings Plc would not renew its bid for Colder Books "
      "Inc.\n");
  REQUIRE(deals.size() == 1);
  CHECK(deals[0]["acquirer"] == "Wexford Print Holdings Plc");
  CHECK(deals[0]["target"] == "Colder Books Inc");
}

TEST_CASE("a place name that is short for a company of the document is that company", "[deals]") {
  const Json deals = deals_of(
      "Tamsin Ltd said it owned Denver Shale Pty Ltd until April.\n"
      "    Tamsin sold Denver, which drills in Utah, to Corvex Oil Corp for 20 mln dlrs.\n");
  const Json d = deal_with(deals, "acquirer", "Corvex Oil Corp");
  REQUIRE(d.is_object());
  CHECK(d["target"] == "Denver Shale Pty Ltd");
}

// The word lists of the deal assembly are lexicons of the rules
// (rules/*/deals.yaml): these tests fail when an entry stops steering it.

namespace {

// Each {raw, cleaned} pair through clean_party_name.
void check_cleaned(const DealLexicons& lex, std::initializer_list<std::pair<const char*, const char*>> pairs) {
  for (const auto& [raw, cleaned] : pairs) {
    INFO("raw: " << raw);
    CHECK(clean_party_name(raw, lex) == cleaned);
  }
}

// Each name is (or, with `expected` false, is not) a non-party name.
void check_non_party(const DealLexicons& lex, std::initializer_list<const char*> names, bool expected) {
  for (const char* name : names) {
    INFO("name: " << name);
    CHECK(is_non_party_name(name, lex) == expected);
  }
}

// Each {name, personal} pair is a pronoun that may (or may not) stand for a
// person; each of `others` is no pronoun.
void check_pronouns(const DealLexicons& lex, std::initializer_list<std::pair<const char*, bool>> pronouns,
                    std::initializer_list<const char*> others) {
  for (const auto& [name, personal] : pronouns) {
    INFO("pronoun: " << name);
    bool is_personal = !personal;
    CHECK(is_party_pronoun(name, lex, &is_personal));
    CHECK(is_personal == personal);
  }
  for (const char* name : others) {
    INFO("not a pronoun: " << name);
    CHECK_FALSE(is_party_pronoun(name, lex));
  }
}

}  // namespace

TEST_CASE("deal word lists: without the lexicons the assembly knows no word", "[deals][lexicons]") {
  const DealLexicons none;
  check_cleaned(none, {{"Harlow Mills Chairman Peter Quint", "Harlow Mills Chairman Peter Quint"},
                       {"On Friday Tarrant Corp", "On Friday Tarrant Corp"},
                       {"Subsidiaries of Pellam Mutual Life Co", "Subsidiaries of Pellam Mutual Life Co"},
                       {"Tarrant Inc.", "Tarrant Inc."},
                       {"Coastal Bancorp of Portland", "Coastal Bancorp of Portland"}});
  check_non_party(none, {"Monday", "4.20 N.Z. Dlrs", "Pell Valley Board"}, false);
  // Not word lists: one letter, and a "-based" tail.
  check_non_party(none, {"B", "Tulsa-based"}, true);
  check_pronouns(none, {}, {"the company", "he"});
}

TEST_CASE("deal word lists: the shipped lexicons", "[deals][lexicons]") {
  const DealLexicons& lex = shipped_lex();
  check_cleaned(lex, {
      // deal_title_en, exact case; a name that ends in a legal suffix is not cut.
      {"Harlow Mills Chairman Peter Quint", "Harlow Mills"},
      {"Harlow Mills Spokeswoman Ida Brook", "Harlow Mills"},
      {"Harlow Mills chairman Peter Quint", "Harlow Mills chairman Peter Quint"},
      {"First Executive Corp", "First Executive Corp"},
      // deal_time_opener_en: whole phrases, exact case; "In May" is not one.
      {"On Friday Tarrant Corp", "Tarrant Corp"},
      {"In February Tarrant Corp", "Tarrant Corp"},
      {"Earlier Tarrant Corp", "Tarrant Corp"},
      {"In May Tarrant Corp", "In May Tarrant Corp"},
      {"on Friday Tarrant Corp", "on Friday Tarrant Corp"},
      {"On Friday", "On Friday"},
      // deal_units_of_en; deal_legal_suffix in any case, its final dot dropped.
      {"Affiliates of Tarrant Corp", "Tarrant Corp"},
      {"Tarrant Inc.", "Tarrant Inc"},
      {"Tarrant INC.", "Tarrant INC"},
      {"Tarrant Company.", "Tarrant Company."},
      // deal_place_after_en: the place after it is cut, unless a legal suffix follows.
      {"Coastal Bancorp of Portland", "Coastal Bancorp"},
      {"Ardley Bancorp of West Virginia Inc", "Ardley Bancorp of West Virginia Inc"},
      {"Coastal Trust of Portland", "Coastal Trust of Portland"},
  });
  // deal_non_party_en / _id (case aside), deal_amount_unit_en, deal_ruling_body_en after another word.
  check_non_party(lex, {"Monday", "WEDNESDAY", "Securities and Exchange Commission", "Industry Sources", "Kamis",
                        "4.20 N.Z. Dlrs", "Pell Valley Board"}, true);
  check_non_party(lex, {"Board", "Tarrant Corp", "Monday  Tarrant"}, false);
  // deal_pronoun_en / _id: `person` entries may stand for a person who spoke.
  // Names are compared as written: other white space is in no list.
  check_pronouns(lex, {{"The Company", false}, {"She", true}, {"perusahaan tersebut", false}},
                 {"Tarrant Corp", "the  company", "it\n"});
}

TEST_CASE("deal word lists: entries of other lexicons steer the assembly", "[deals][lexicons]") {
  // A language-neutral list (no suffix) and lists of the language `en` are
  // read; a list of a language the rules do not declare is not.
  const RuleSet rules = rules_of(R"(
language: {code: en, stopwords: stop_test}
lexicons:
  stop_test: {entries: [the]}
  deal_legal_suffix: {entries: [kft]}
  deal_title_en: {case: sensitive, entries: [Warden]}
  deal_title_fr: {case: sensitive, entries: [Directeur]}
  deal_time_opener: {case: sensitive, entries: [Come Monday, Meanwhile]}
  deal_units_of_en: {case: sensitive, entries: [Branches]}
  deal_place_after_en: {case: sensitive, entries: [Trust]}
  deal_non_party_en: {entries: [harvest moon]}
  deal_amount_unit_en: {entries: [crowns]}
  deal_ruling_body_en: {entries: [tribunal]}
  deal_pronoun_en:
    entries:
      - {value: company, forms: [the outfit]}
      - {value: person, forms: [the founder]}
)");
  const DealLexicons lex(rules);
  check_cleaned(lex, {{"Pell Holdings Warden Ann Roe", "Pell Holdings"},
                      {"Pell Holdings Chairman Ann Roe", "Pell Holdings Chairman Ann Roe"},
                      {"Pell Holdings Directeur Ann Roe", "Pell Holdings Directeur Ann Roe"},
                      {"Come Monday Pell Kft", "Pell Kft"},
                      {"Meanwhile Pell Kft.", "Pell Kft"},
                      {"On Friday Pell Kft", "On Friday Pell Kft"},
                      {"Pell Inc.", "Pell Inc."},
                      {"Branches of Pell Kft", "Pell Kft"},
                      {"Subsidiaries of Pell Kft", "Subsidiaries of Pell Kft"},
                      {"Coastal Trust of Portland", "Coastal Trust"},
                      {"Coastal Bancorp of Portland", "Coastal Bancorp of Portland"}});
  check_non_party(lex, {"Harvest Moon", "12 Swedish Crowns", "Lyle Tribunal"}, true);
  check_non_party(lex, {"Monday", "4.20 N.Z. Dlrs", "Lyle Court"}, false);
  check_pronouns(lex, {{"The Founder", true}, {"the outfit", false}}, {"it", "he"});
}

TEST_CASE("deal word lists: a short name completes past a legal form of deal_legal_prefix_id", "[deals][lexicons]") {
  const Json deals = deals_of(
      "JAKARTA - PT Sinar Lintas Data Tbk menyatakan rencana penjualan.\n\n"
      "PT Awan Nadi mengakuisisi Sinar Lintas Data senilai Rp 2 triliun pada Senin.\n",
      "id");
  REQUIRE(deals.size() == 1);
  CHECK(deals[0]["acquirer"] == "PT Awan Nadi");
  CHECK(deals[0]["target"] == "PT Sinar Lintas Data Tbk");
}

namespace {

// The shipped rules copied to `dir`, each entry that starts with `  NAME:`
// (or a top-level `NAME:`) for a key of `lines` replaced by its value
// (nothing: the entry is gone); an entry is its line and the more indented
// lines after it (a regex written as {pattern, examples}).
std::unique_ptr<Extractor> shipped_with(const testing::TempDir& dir,
                                        const std::map<std::string, std::string>& lines) {
  namespace fs = std::filesystem;
  fs::copy(EXTRACT_TEST_RULES_DIR, dir.str(), fs::copy_options::recursive);
  for (const auto& entry : fs::recursive_directory_iterator(dir.str())) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    std::string out, line;
    std::size_t skip_deeper_than = std::string::npos;  // inside a replaced entry
    while (std::getline(in, line)) {
      const std::size_t depth = line.find_first_not_of(' ');
      if (skip_deeper_than != std::string::npos) {
        if (depth != std::string::npos && depth > skip_deeper_than) continue;
        skip_deeper_than = std::string::npos;
      }
      const std::size_t indent = line.rfind("  ", 0) == 0 ? 2 : 0;
      const auto key = line.substr(indent, line.find(':') - indent);
      auto it = lines.find(key);
      if (it == lines.end()) {
        out += line + "\n";
        continue;
      }
      if (!it->second.empty()) out += it->second + "\n";
      skip_deeper_than = indent;
    }
    in.close();
    std::ofstream(entry.path(), std::ios::binary) << out;
  }
  Diagnostics diags;
  auto ex = Extractor::load(dir.str(), diags);
  REQUIRE(ex);
  return ex;
}

// A regex of the deal assembly, a text where it decides `key` of the first
// deal: its value with the shipped rules, and without the regex.
struct RegexCase {
  const char* name;
  const char* lang;
  const char* text;
  const char* key;
  const char* shipped;  // JSON
  const char* without;  // JSON
};

const RegexCase kRegexCases[] = {
    {"deal_price_lead", "en", "Corvel Tools Inc said it agreed to acquire Madder Pumps Co for 14 mln dlrs in cash.\n",
     "price", R"({"amount": 14000000, "currency": "USD"})", "null"},
    {"deal_price_blocked", "en", "Corvel Tools Inc agreed to acquire Madder Pumps Co, which had sales of 14 mln dlrs last year.\n",
     "price", "null", R"({"amount": 14000000, "currency": "USD"})"},
    {"deal_price_elsewhere", "en", "Corvel Tools Inc agreed to acquire Madder Pumps Co.\nThe deal is valued at 30 mln dlrs, the company said.\n",
     "price", R"({"amount": 30000000, "currency": "USD"})", "null"},
    {"deal_market_value", "en", "Corvel Tools Inc agreed to acquire Madder Pumps Co.\nAnalysts put the market value of the deal at 30 mln dlrs.\n",
     "price", "null", R"({"amount": 30000000, "currency": "USD"})"},
    {"deal_topic", "en", "Corvel Tools Inc agreed to acquire Madder Pumps Co.\nThe acquisition should close on June 30, 1987, a spokesman said.\n",
     "date", R"("1987-06-30")", "null"},
    {"deal_official_name", "en", "Corvel Tools Inc agreed to acquire Lark (also known as Ondine Labs) for 5 mln dlrs.\n",
     "target_aliases", R"(["Ondine Labs"])", "[]"},
    {"deal_unit_after", "en", "Corvel Tools Inc bought Madder Pumps Co from Harlan Group Inc's Tessel Inc unit.\n",
     "seller", R"("Harlan Group Inc")", R"("Tessel Inc")"},
    {"deal_seller_gap", "en", "Corvel Tools Inc said it bought Madder Pumps Co in Ohio from Harlan Group Inc.\n",
     "seller", R"("Harlan Group Inc")", "null"},
    {"deal_joint_parties", "en", "Corvel Tools Inc and Madder Pumps Co signed a definitive agreement.\nMadder Pumps Co will buy 51 pct of Corvel Tools Inc.\n",
     "acquirer", R"("Madder Pumps Co")", R"("Corvel Tools Inc")"},
};

}  // namespace

TEST_CASE("deal regexes: each shipped one decides its case, and the rules' version is the one run", "[deals][regexes]") {
  for (const RegexCase& c : kRegexCases) {
    INFO(c.name << ": " << c.text);
    const Json with = deals_of(c.text, c.lang);
    REQUIRE(!with.empty());
    CHECK(with[0][c.key] == Json::parse(c.shipped));
    // The same rules with this regex never matching.
    testing::TempDir dir;
    const auto ex = shipped_with(dir, {{c.name, std::string("  ") + c.name + ": '[^\\x00-\\x{10FFFF}]'"}});
    const Json without = deals_with(*ex, c.text, c.lang);
    REQUIRE(!without.empty());
    CHECK(without[0][c.key] == Json::parse(c.without));
  }
}

TEST_CASE("deal regexes: missing ones never match, and a language's words come from its sub-pattern", "[deals][regexes]") {
  SECTION("rules without any deal regex: no price word, no crash") {
    testing::TempDir dir;
    std::map<std::string, std::string> gone;
    for (const RegexCase& c : kRegexCases) gone[c.name] = "";
    gone["regexes"] = "";
    const auto ex = shipped_with(dir, gone);
    for (const char* name : {"deal_price_lead", "deal_topic"}) CHECK(ex->rules().regex(name) == nullptr);
    const Json deals = deals_with(*ex, kRegexCases[0].text);
    REQUIRE(deals.size() == 1);
    CHECK(deals[0]["price"].is_null());
    CHECK(deals[0]["target"] == "Madder Pumps Co");
  }
  SECTION("a price word added to DEAL_PRICE_WORD_EN is read by deal_price_lead") {
    const char* text = "Corvel Tools Inc agreed to acquire Madder Pumps Co against 14 mln dlrs in notes.\n";
    CHECK(deals_of(text)[0]["price"].is_null());
    testing::TempDir dir;
    const auto ex = shipped_with(
        dir, {{"DEAL_PRICE_WORD_EN", R"(  DEAL_PRICE_WORD_EN: 'against|for|at|worth|valued\s+at|value\s+of|total(?:\s+of)?|or|of')"}});
    CHECK(deals_with(*ex, text)[0]["price"] == Json::parse(R"({"amount": 14000000, "currency": "USD"})"));
  }
  SECTION("Indonesian words: a revenue figure is no price") {
    const char* text = "PT Awan Nadi mengakuisisi PT Sinar Lintas, yang mencatat pendapatan senilai Rp 2 triliun.\n";
    const Json with = deals_of(text, "id");
    REQUIRE(!with.empty());
    CHECK(with[0]["price"].is_null());
    testing::TempDir dir;
    const auto ex = shipped_with(dir, {{"DEAL_NOT_PRICE_ID", "  DEAL_NOT_PRICE_ID: 'laba'"}});
    CHECK(deals_with(*ex, text, "id")[0]["price"] == Json::parse(R"({"amount": 2000000000000, "currency": "IDR"})"));
  }
}
