// Deal records built from the shipped rules: joint buyers.
#include <catch2/catch.hpp>

#include "assemble/deals.hpp"
#include "pipeline.hpp"
#include "shipped.hpp"

using namespace extract;

namespace {

using testing::shipped;

Json deals_of(const std::string& text) {
  Document d;
  d.source = "test";
  d.text = text;
  d.language_hint = "en";
  return shipped().run(d).deals;
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
  CHECK(clean_party_name("Dorn Enterprises' Marsh Dairy Inc") == "Marsh Dairy Inc");
  CHECK(clean_party_name("Subsidiaries of Pellam Mutual Life Co") == "Pellam Mutual Life Co");
  CHECK(clean_party_name("Acme Corp's Widget Co") == "Widget Co");
  // A possessive first word is part of the name; so is a plural possessive without a suffix after it.
  CHECK(clean_party_name("Scott's Liquid Gold Inc") == "Scott's Liquid Gold Inc");
  CHECK(clean_party_name("Dorn Enterprises' Marsh") == "Dorn Enterprises' Marsh");
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
