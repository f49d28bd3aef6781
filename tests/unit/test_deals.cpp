// Deal records built from the shipped rules: joint buyers.
#include <catch2/catch.hpp>

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

}  // namespace

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
