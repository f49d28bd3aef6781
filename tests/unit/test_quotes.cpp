// Quotes: spans, multi-paragraph and partial quotes, speakers and pronouns.
#include <catch2/catch.hpp>


#include "pipeline.hpp"
#include "shipped.hpp"

using namespace extract;

namespace {

using testing::shipped;

std::vector<Fact> quotes(const std::string& text, const std::string& lang = "en") {
  Document d;
  d.source = "test";
  d.text = text;
  d.language_hint = lang;
  Record r = shipped().run(d);
  std::vector<Fact> out;
  for (auto& f : r.facts)
    if (f.type == "quote") out.push_back(f);
  return out;
}

std::string speaker(const Fact& f) { return f.value["speaker"].is_string() ? f.value["speaker"].get<std::string>() : "<none>"; }

}  // namespace

TEST_CASE("a quote after its speaker cue and a continuation in the same paragraph", "[quotes]") {
  const std::string text =
      "\"We are ready,\" said Maria Okonjo, chief executive of Brindle. \"The rest will follow.\"\n";
  auto q = quotes(text);
  REQUIRE(q.size() == 2);
  CHECK(q[0].value["quote"] == "We are ready,");
  CHECK(speaker(q[0]) == "Maria Okonjo");
  CHECK(q[0].value["cue"] == "said");
  CHECK(speaker(q[1]) == "Maria Okonjo");
  CHECK(text.substr(q[0].span.start, q[0].span.size()) == "\"We are ready,\"");
}

TEST_CASE("he said points back to the last person named", "[quotes][pronouns]") {
  const std::string text =
      "\"It works,\" said Maria Okonjo.\n\n"
      "Brindle CEO Tomas Reyes joined the call. Reyes added that staff would stay.\n\n"
      "\"Nobody loses a job,\" he said.\n";
  auto q = quotes(text);
  REQUIRE(q.size() == 2);
  CHECK(speaker(q[0]) == "Maria Okonjo");
  CHECK(speaker(q[1]) == "Tomas Reyes");
  CHECK(q[1].value["cue"] == "said");
}

TEST_CASE("jelasnya points back to the last named speaker", "[quotes][pronouns]") {
  const std::string text =
      "“Kami siap,” tulis Brightloop dalam pengumumannya.\n"
      "Perusahaan itu didirikan pada tahun 2021.\n"
      "“Layanan lama akan dihentikan,” jelasnya.\n";
  auto q = quotes(text, "id");
  REQUIRE(q.size() == 2);
  CHECK(speaker(q[0]) == "Brightloop");
  CHECK(speaker(q[1]) == "Brightloop");
  CHECK(q[1].value["cue"] == "jelasnya");
}

TEST_CASE("a partial quote inside a sentence takes the sentence's speaker", "[quotes]") {
  const std::string text =
      "CEO Lentera Data Rina Kusuma hadir. Rina Kusuma menyatakan bahwa tim akan \"terus tumbuh\" tahun ini.";
  auto q = quotes(text, "id");
  REQUIRE(q.size() == 1);
  CHECK(q[0].value["quote"] == "terus tumbuh");
  CHECK(speaker(q[0]) == "Rina Kusuma");
}

TEST_CASE("a quote over several paragraphs is one quote", "[quotes]") {
  const std::string text =
      "“The first part runs on.\n\n“And the second part ends it,” said Jane Roe.\n";
  auto q = quotes(text);
  REQUIRE(q.size() == 1);
  CHECK(q[0].span.start == 0);
  CHECK(q[0].value["quote"] == "The first part runs on.\nAnd the second part ends it,");
  CHECK(speaker(q[0]) == "Jane Roe");
}

TEST_CASE("an unbalanced mark does not swallow the text after it", "[quotes]") {
  const std::string text =
      "He called it \"a mess and never closed the mark.\n\nLater, \"a real one,\" said Jane Roe.\n";
  auto q = quotes(text);
  REQUIRE(q.size() == 1);
  CHECK(q[0].value["quote"] == "a real one,");
}

TEST_CASE("apostrophes are not single quotes", "[quotes]") {
  const std::string text = "It’s the company’s ‘best year’ ever, and Roe’s team doesn’t mind.\n";
  auto q = quotes(text);
  REQUIRE(q.size() == 1);
  CHECK(q[0].value["quote"] == "best year");
}

TEST_CASE("guillemets and two-apostrophe quotes", "[quotes]") {
  auto q = quotes("«Nous sommes prêts», said Jane Roe. ''We agree,'' said John Poe.\n");
  REQUIRE(q.size() == 2);
  CHECK(q[0].value["quote"] == "Nous sommes prêts");
  CHECK(speaker(q[1]) == "John Poe");
}

TEST_CASE("a hundred thousand quotation marks: every pair found, unbalanced marks bounded", "[quotes][scale]") {
  // No timed assertion (speed is measured in bench/); a quadratic pass would
  // show as a ctest timeout.
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "\"ok\" ";
  std::string unbalanced(100000, '"');
  auto q = quotes(text);
  auto q2 = quotes(unbalanced + "\n" + text.substr(0, 1000));
  CHECK(q.size() == 50000);
  CHECK(q2.size() <= 300);
}
