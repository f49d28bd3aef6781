#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "assemble/profile.hpp"
#include "emit/record_json.hpp"
#include "normalize/dates.hpp"
#include "pipeline.hpp"
#include "shipped.hpp"

using namespace extract;

namespace {

using testing::shipped;

Document doc(std::string text) {
  Document d;
  d.source = "test";
  d.text = std::move(text);
  return d;
}

}  // namespace

TEST_CASE("language detection tells English from Indonesian and gives up on too little", "[pipeline][profile]") {
  const RuleSet& rules = shipped().rules();
  CHECK(detect_language("Perusahaan itu mengatakan bahwa akuisisi tersebut akan selesai pada tahun ini.", rules) == "id");
  CHECK(detect_language("The company said that the acquisition would be completed by the end of the year.", rules) == "en");
  CHECK(detect_language("Hotshot xAI Colossus", rules) == "unknown");
  CHECK(detect_language("", rules) == "unknown");
  // Words in capitals, between digits and marks, and a word at the very end.
  CHECK(detect_language("THE COMPANY SAID THAT IT WOULD BE SOLD TO THE BUYER", rules) == "en");
  CHECK(detect_language("2025:the,the;and(that)9of-the", rules) == "en");
  CHECK(detect_language("Yang dan di DARI yang", rules) == "id");
}

// The detector's one table against counting each list on its own, as the
// first version of detect_language did: the same answer on texts made of
// the lists' words (any case), words of no list, digits and marks, with a
// rule set of its own where two languages share a code, one list holds
// words of capitals and spaces, and a language names no list.
static std::string detect_by_each_list(std::string_view text, const RuleSet& rules) {
  if (rules.languages.empty()) return "unknown";
  text = text.substr(0, 64 * 1024);
  std::map<std::string, int> hits;
  std::vector<std::pair<const Lexicon*, int*>> lists;
  for (const auto& lang : rules.languages)
    if (const Lexicon* stop = rules.lexicon(lang.stopwords)) lists.emplace_back(stop, &hits[lang.code]);
  std::size_t start = std::string_view::npos;
  std::string word;
  auto flush = [&] {
    if (start == std::string_view::npos) return;
    for (const auto& [stop, n] : lists)
      if (stop->contains_lowered(word, Lexicon::key_hash(word))) ++*n;
    start = std::string_view::npos;
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char lower = static_cast<char>(text[i] | 0x20);
    if (lower >= 'a' && lower <= 'z') {
      if (start == std::string_view::npos) start = i;
      word += lower;
    } else {
      flush();
    }
  }
  flush();
  std::string best;
  int best_n = 0, second_n = 0;
  for (const auto& [code, n] : hits) {
    if (n > best_n) {
      second_n = best_n;
      best_n = n;
      best = code;
    } else if (n > second_n) {
      second_n = n;
    }
  }
  return best_n >= 3 && best_n >= 2 * second_n ? best : "unknown";
}

TEST_CASE("the language detector's one table counts as each list alone would", "[pipeline][profile]") {
  RuleSet own;
  auto list = [&](const std::string& name, bool fold, std::vector<std::string> forms) {
    Lexicon l;
    l.name = name;
    l.case_insensitive = fold;
    for (auto& f : forms) l.add(f, Json(true));
    own.lexicons[name] = std::move(l);
  };
  list("stop_aa", true, {"the", "and", "of", "zz", "New York", "x1"});
  list("stop_aa2", true, {"the", "for"});
  list("stop_bb", false, {"yang", "dan", "The", "DARI", "di"});
  list("stop_cc", true, {"and", "dan", "untuk"});
  own.languages = {{"bb", "stop_bb"}, {"aa", "stop_aa"}, {"aa", "stop_aa2"}, {"cc", "stop_cc"}, {"dd", "no_list"}};
  const RuleSet& shipped_rules = shipped().rules();
  const std::vector<std::string> vocabulary = {"the", "The", "THE", "and", "AnD", "of", "zz", "new", "york", "x",
                                               "for", "yang", "Yang", "dan", "DAN", "DARI", "dari", "di", "untuk",
                                               "itu", "bahwa", "said", "company", "thee", "th", "a", "2025", "9",
                                               "x1", "caf\xC3\xA9", "\xFF"};
  const std::vector<std::string> gaps = {" ", "  ", ",", ".", "-", "\n", "1", "'", "\xC3\xA9", ""};
  std::uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  int differ_own = 0, differ_shipped = 0, decided = 0;
  const LanguageDetector own_detector(own), shipped_detector(shipped_rules);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int words = static_cast<int>(next() % 14);
    for (int w = 0; w < words; ++w) {
      text += vocabulary[next() % vocabulary.size()];
      text += gaps[next() % gaps.size()];
    }
    const std::string expected = detect_by_each_list(text, own);
    differ_own += own_detector.detect(text) != expected;
    differ_shipped += shipped_detector.detect(text) != detect_by_each_list(text, shipped_rules);
    decided += expected != "unknown";
  }
  CHECK(differ_own == 0);
  CHECK(differ_shipped == 0);
  CHECK(decided > 500);  // the texts reach the thresholds often enough to mean something
  CHECK(LanguageDetector(RuleSet{}).detect("the the the") == "unknown");
}

TEST_CASE("the publication date comes from the dateline and anchors relative dates", "[pipeline]") {
  Record r = shipped().run(doc("Jakarta, Kamis (6/3/2025) - Perusahaan itu didirikan September lalu dan akan "
                               "melantai di bursa tahun depan, kata dia."));
  REQUIRE(r.published);
  CHECK(format_iso(*r.published) == "2025-03-06");
  bool saw_september = false;
  for (const auto& f : r.facts)
    if (f.type == "date" && f.value.value("date", "") == "2024-09") saw_september = true;
  CHECK(saw_september);
}

TEST_CASE("a given publication date wins over the dateline", "[pipeline]") {
  Document d = doc("Jakarta, Kamis (6/3/2025) - Peluncuran dilakukan September lalu oleh perusahaan itu.");
  d.published_hint = CivilDate{2026, 1, 10};
  Record r = shipped().run(d);
  REQUIRE(r.published);
  CHECK(format_iso(*r.published) == "2026-01-10");
  bool saw = false;
  for (const auto& f : r.facts) saw |= f.value.value("date", "") == "2025-09";
  CHECK(saw);
}

TEST_CASE("facts are sorted by position and their text is the input bytes", "[pipeline]") {
  const std::string text = "The firm paid $68.7 billion on March 18, 2025, and 83 mln dlrs later in the year.";
  Document d = doc(text);
  Record r = shipped().run(d);
  REQUIRE(r.facts.size() >= 3);
  for (std::size_t i = 1; i < r.facts.size(); ++i) CHECK(r.facts[i - 1].span.start <= r.facts[i].span.start);
  Json j = record_to_json(d, r, shipped().rules(), false);
  for (const auto& f : j["facts"])
    CHECK(f["text"].get<std::string>() == text.substr(f["start"].get<std::size_t>(),
                                                     f["end"].get<std::size_t>() - f["start"].get<std::size_t>()));
}

TEST_CASE("invalid UTF-8 gives a warning and valid JSON with byte offsets kept", "[pipeline][emit]") {
  Document d = doc("Caf\xE9 paid $5 million on March 3, 2024.");
  Record r = shipped().run(d);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("byte 3") != std::string::npos);
  Json j = record_to_json(d, r, shipped().rules(), false);
  const std::string line = dump_json(j);
  CHECK(Json::parse(line, nullptr, false).is_discarded() == false);
  bool money = false;
  for (const auto& f : j["facts"])
    if (f["type"] == "money") {
      money = true;
      CHECK(f["start"] == 10);
    }
  CHECK(money);
}

TEST_CASE("the same input gives the same record", "[pipeline]") {
  Document d = doc("Selasa (18/3/2025) Rp 1,5 triliun, 43 persen, 30 Maret 2025, akhir tahun.");
  const std::string a = dump_json(record_to_json(d, shipped().run(d), shipped().rules(), true));
  const std::string b = dump_json(record_to_json(d, shipped().run(d), shipped().rules(), true));
  CHECK(a == b);
}

TEST_CASE("a batch of documents gives each the record it gets alone", "[pipeline][batch]") {
  const Extractor& ex = shipped();
  std::vector<Document> docs;
  for (const auto& e : std::filesystem::directory_iterator(EXTRACT_TEST_SAMPLES_DIR)) {
    if (e.path().extension() != ".txt") continue;
    std::ifstream in(e.path(), std::ios::binary);
    docs.push_back(doc(std::string(std::istreambuf_iterator<char>(in), {})));
    docs.back().source = e.path().filename().string();
  }
  std::sort(docs.begin(), docs.end(), [](const Document& a, const Document& b) { return a.source < b.source; });
  REQUIRE(docs.size() >= 10);
  // Mixed languages, a language hint, a publication date hint, an empty text.
  docs[0].language_hint = "en";
  docs[1].published_hint = parse_iso_date("2024-05-06");
  docs.push_back(doc(""));
  std::vector<const Document*> ptrs;
  for (const auto& d : docs) ptrs.push_back(&d);
  const std::vector<Record> batch = ex.run_batch(ptrs, RunOptions{true});
  REQUIRE(batch.size() == docs.size());
  std::size_t facts = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    INFO(docs[i].source);
    const Record alone = ex.run(docs[i], RunOptions{true});
    CHECK(record_to_json(docs[i], batch[i], ex.rules(), true).dump() ==
          record_to_json(docs[i], alone, ex.rules(), true).dump());
    facts += alone.facts.size();
  }
  CHECK(facts > 100);  // the comparison saw real output
  CHECK(ex.run_batch({}).empty());
}
