// record_json_line (the JSON Lines output, written directly) must give the
// bytes dump_json gives for record_to_json's tree, for every record.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "emit/record_json.hpp"
#include "pipeline.hpp"
#include "shipped.hpp"

using namespace extract;
using extract::testing::shipped;

namespace {

std::string from_tree(const Document& doc, const Record& rec, bool explain) {
  return dump_json(record_to_json(doc, rec, shipped().rules(), explain));
}

std::string direct(const Document& doc, const Record& rec, bool explain) {
  return record_json_line(doc, rec, shipped().rules(), explain);
}

std::vector<Document> sample_documents() {
  std::vector<Document> docs;
  for (const auto& entry : std::filesystem::directory_iterator(EXTRACT_TEST_SAMPLES_DIR)) {
    if (entry.path().extension() != ".txt") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    Document d;
    d.source = entry.path().filename().string();
    d.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    docs.push_back(std::move(d));
  }
  REQUIRE(docs.size() >= 10);
  return docs;
}

}  // namespace

TEST_CASE("JSON Lines records written directly are the tree's bytes, on every sample", "[emit]") {
  std::size_t facts = 0, entities = 0, deals = 0, beaten = 0;
  for (Document& doc : sample_documents()) {
    INFO(doc.source);
    const Record rec = shipped().run(doc, RunOptions{true});
    facts += rec.facts.size();
    entities += rec.entities.size();
    deals += rec.deals.size();
    for (const Fact& f : rec.facts) beaten += f.beaten.size();
    CHECK(direct(doc, rec, false) == from_tree(doc, rec, false));
    CHECK(direct(doc, rec, true) == from_tree(doc, rec, true));
    // Record ids of every JSON kind, as --input-format jsonl passes them on.
    for (const Json& id : {Json("a\"b"), Json(42), Json(-7), Json(2.5), Json::object({{"k", {1, 2}}}), Json(nullptr)}) {
      doc.id = id;
      CHECK(direct(doc, rec, false) == from_tree(doc, rec, false));
    }
  }
  // The samples exercise every part of a record.
  CHECK(facts > 100);
  CHECK(entities > 20);
  CHECK(deals > 5);
  CHECK(beaten > 0);
}

TEST_CASE("JSON Lines records written directly: escapes, invalid UTF-8, dates, attributes named as keys", "[emit]") {
  Document doc;
  doc.source = std::string("dir/na\"me\\\x01\x1f\x7f\t\n\r\b\f/\xC3\xA9\xE2\x80\x9D.txt");
  doc.text = "Quote \" back\\slash \x02 caf\xC3\xA9 bad \xFF\xFE byte \xED\xA0\x80 surrogate end";
  Record rec;
  rec.language = "en";
  rec.published = CivilDate{2026, 3, 18};
  Fact f;
  f.type = "money";
  f.rule = "t.rule";
  f.span = {0, 20};
  f.value = Json::object({{"amount", 1.5e20}, {"note", "x\ty"}, {"list", {1, "two", nullptr, true}}});
  rec.facts.push_back(f);
  Fact g = f;
  g.span = {28, 43};  // over the invalid bytes: U+FFFD in "text"
  g.value = Json();
  rec.facts.push_back(g);
  Entity plain;
  plain.type = "organization";
  plain.name = "Acme \"Q\" Corp";
  plain.aliases = {"Acme", std::string("Ac\xFFme")};
  plain.mentions = {{0, 5}, {40, 50}};
  plain.attributes = Json::object({{"kind", "company"}, {"ticker", {"ACM", 3}}});
  rec.entities.push_back(plain);
  Entity shadow = plain;  // attributes named as the entity's own keys overwrite them in place
  shadow.attributes = Json::object({{"name", "Other"}, {"mentions", 1}, {"zeta", false}});
  rec.entities.push_back(shadow);
  Entity bare;
  bare.type = "person";
  bare.name = "";
  rec.entities.push_back(bare);
  rec.deals = Json::array({Json::object({{"acquirer", "A\u00e9"}, {"price", nullptr}})});
  CHECK(direct(doc, rec, true) == from_tree(doc, rec, true));
  CHECK(direct(doc, rec, false) == from_tree(doc, rec, false));
  // One line, and the invalid bytes replaced: the output is valid UTF-8 JSON.
  const std::string line = direct(doc, rec, false);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(Json::parse(line)["entities"][1]["name"] == "Other");
  rec.published.reset();
  rec.facts.clear();
  rec.entities.clear();
  rec.deals = Json::array();
  CHECK(direct(doc, rec, false) == from_tree(doc, rec, false));
  CHECK(direct(doc, rec, false).find("\"published\":null,\"facts\":[],\"entities\":[],\"deals\":[]}") !=
        std::string::npos);
}

TEST_CASE("append_json writes what dump_json writes, on random values", "[emit]") {
  std::mt19937 rng(42);
  // Strings with escapes, control bytes, DEL, non-ASCII and invalid UTF-8.
  const std::vector<std::string> strings = {"",      "acme",       "say \"hi\"", "back\\slash", "tab\there",
                                            "\x01\x1f\x7f", "\xc3\x89" "cole", "\xff\xfe", "a\xc3", "line\nbreak\r",
                                            "\xe2\x80\x9cq\xe2\x80\x9d", "\xf0\x9f\x98\x80", "\xed\xa0\x80"};
  const std::vector<double> fractions = {0.5, -2.25, 1e-7, 3.14159265358979, 1.5e300, -0.0, 123456.789};
  const std::vector<std::int64_t> ints = {0, -1, 7, 1234567890123, INT64_MIN, INT64_MAX};
  std::function<Json(int)> random_json = [&](int depth) -> Json {
    switch (rng() % (depth > 0 ? 9 : 7)) {
      case 0: return strings[rng() % strings.size()];
      case 1: return ints[rng() % ints.size()];
      case 2: return fractions[rng() % fractions.size()];
      case 3: return std::uint64_t{18446744073709551615u} - rng() % 3;
      case 4: return rng() % 2 == 0;
      case 5: return nullptr;
      case 6: return Json::object();
      case 7: {
        Json a = Json::array();
        for (unsigned n = rng() % 4; n > 0; --n) a.push_back(random_json(depth - 1));
        return a;
      }
      default: {
        Json o = Json::object();
        for (unsigned n = rng() % 4; n > 0; --n) o[strings[rng() % strings.size()]] = random_json(depth - 1);
        return o;
      }
    }
  };
  for (int i = 0; i < 3000; ++i) {
    const Json j = random_json(3);
    std::string out = "prefix";
    append_json(out, j);
    INFO(dump_json(j));
    REQUIRE(out == "prefix" + dump_json(j));
  }
}

TEST_CASE("append_json writes strings as dump_json does, a special byte at every offset", "[emit]") {
  // The plain bytes are copied eight at a time: a byte that needs an escape
  // or is not ASCII must be seen wherever it falls in a group of eight.
  const std::vector<std::string> specials = {"\"", "\\", std::string(1, '\0'), "\x01", "\x1f", "\n",
                                             "\xc3\xa9", "\xe2\x80\x9d", "\xff", "\xc3"};
  for (std::size_t size = 0; size <= 40; ++size) {
    // Plain bytes around the edges of the range that needs no escape.
    std::string base;
    for (std::size_t i = 0; i < size; ++i) base += " !#[]~\x7f" "a"[i % 8];
    {
      std::string out;
      append_json(out, Json(base));
      REQUIRE(out == dump_json(Json(base)));
    }
    for (std::size_t at = 0; at <= size; ++at)
      for (const std::string& special : specials) {
        std::string s = base;
        s.insert(at, special);
        std::string out = "x";
        append_json(out, Json(s));
        INFO("size " << size << " at " << at << " special " << dump_json(Json(special)));
        REQUIRE(out == "x" + dump_json(Json(s)));
      }
  }
}
