// Scanner::set_memory_limit (`extract --max-memory`): over the limit, the
// rules' automata are dropped and built again; no match changes, on one
// thread or on two at once.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/compiled_rules.hpp"
#include "shipped.hpp"

using namespace extract;

namespace {

// The samples, in batches of three documents.
std::vector<std::vector<std::string>> sample_batches() {
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(EXTRACT_TEST_SAMPLES_DIR))
    if (e.path().extension() == ".txt") paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  std::vector<std::vector<std::string>> batches;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (i % 3 == 0) batches.emplace_back();
    std::ifstream in(paths[i], std::ios::binary);
    batches.back().emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return batches;
}

// A batch's matches written out.
std::string render(const std::vector<std::vector<Candidate>>& docs) {
  std::string out;
  for (const auto& doc : docs) {
    for (const Candidate& c : doc) {
      out += std::to_string(c.rule_index) + " " + std::to_string(c.span.start) + "-" + std::to_string(c.span.end);
      for (const auto& [field, span] : c.captures)
        out += " " + std::string(field) + "=" + std::to_string(span.start) + "-" + std::to_string(span.end);
      out += "\n";
    }
    out += "--\n";
  }
  return out;
}

// Every batch scanned `rounds` times, the matches written out.
std::string scan_all(const Scanner& scanner, const std::vector<std::vector<std::string>>& batches, int rounds) {
  std::string out;
  for (int r = 0; r < rounds; ++r) {
    for (const auto& batch : batches) {
      const std::vector<std::string_view> texts(batch.begin(), batch.end());
      const std::vector<std::string> languages(batch.size(), "");  // the rules of every language
      out += render(scanner.scan_batch(texts, languages));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("A memory limit rebuilds the rules' automata without changing a match", "[memory_limit]") {
  const RuleSet& rules = testing::shipped().rules();
  const auto batches = sample_batches();
  REQUIRE(batches.size() >= 3);
  const Scanner plain(rules);
  const std::string expected = scan_all(plain, batches, 2);
  CHECK(expected.size() > 1000);
  CHECK(plain.rebuilds() == 0);

  SECTION("over the limit after every batch") {
    Scanner limited(rules);
    limited.set_memory_limit(1, 0);  // any heap is over one byte; no minimum of text
    CHECK(scan_all(limited, batches, 2) == expected);
#ifdef __GLIBC__
    CHECK(limited.rebuilds() == 2 * batches.size());
#endif
  }
  SECTION("not before a generation has scanned its minimum of text") {
    Scanner patient(rules);
    patient.set_memory_limit(1);  // kMinGenerationBytes: more than the samples
    CHECK(scan_all(patient, batches, 2) == expected);
    CHECK(patient.rebuilds() == 0);
  }
  SECTION("two threads scanning at once while the automata are rebuilt") {
    Scanner shared(rules);
    shared.set_memory_limit(1, 0);
    std::string a, b;
    std::thread t1([&] { a = scan_all(shared, batches, 3); });
    std::thread t2([&] { b = scan_all(shared, batches, 3); });
    t1.join();
    t2.join();
    const std::string three = scan_all(plain, batches, 3);
    CHECK(a == three);
    CHECK(b == three);
#ifdef __GLIBC__
    CHECK(shared.rebuilds() >= 1);
    CHECK(shared.rebuilds() <= 2 * 3 * batches.size());
#endif
  }
  SECTION("no limit") {
    Scanner unlimited(rules);
    unlimited.set_memory_limit(0, 0);
    CHECK(scan_all(unlimited, batches, 1) == scan_all(plain, batches, 1));
    CHECK(unlimited.rebuilds() == 0);
  }
}

namespace {

// `text` scanned as a batch of its own.
void scan_one(const Scanner& scanner, const std::string& text) {
  const std::vector<std::string_view> texts{text};
  const std::vector<std::string> languages{"en"};
  scanner.scan_batch(texts, languages);
}

}  // namespace

TEST_CASE("An automatic memory limit follows each generation's working size", "[memory_limit]") {
  const RuleSet& rules = testing::shipped().rules();
  std::string doc;
  while (doc.size() < 1000) doc += "Acme Corp said it bought Zeta Inc for 5 mln dlrs. ";
  doc.resize(1000);
  constexpr std::size_t MB = 1u << 20;
  std::size_t heap = 0;  // what the scanner reads as the heap
  Scanner scanner(rules);
  scanner.set_memory_limit_auto(0.10, 2000);  // 10% over the heap of a window of 2,000 to 3,000 bytes
  scanner.set_heap_probe([&] { return heap; });
  auto limit_of = [&](std::size_t least) { return static_cast<std::size_t>(static_cast<double>(least) * 1.10); };

  heap = 10 * MB;
  scan_one(scanner, doc);  // 1,000 bytes: before the window
  CHECK(scanner.memory_limit() == 0);
  heap = 40 * MB;
  scan_one(scanner, doc);  // 2,000: in the window
  CHECK(scanner.memory_limit() == 0);
  heap = 50 * MB;
  scan_one(scanner, doc);  // 3,000: the window ends; the least heap in it sets the limit
  CHECK(scanner.memory_limit() == limit_of(40 * MB));
  heap = 44 * MB;
  scan_one(scanner, doc);  // under the limit
  CHECK(scanner.rebuilds() == 0);
  heap = 45 * MB;
  scan_one(scanner, doc);  // over: a new generation
  CHECK(scanner.rebuilds() == 1);
  CHECK(scanner.memory_limit() == limit_of(40 * MB));

  SECTION("a generation over the limit from the start raises it instead of rebuilding again") {
    heap = 60 * MB;
    for (int i = 0; i < 3; ++i) scan_one(scanner, doc);  // the new generation's window: 60 MB
    CHECK(scanner.memory_limit() == limit_of(60 * MB));
    for (int i = 0; i < 5; ++i) scan_one(scanner, doc);
    CHECK(scanner.rebuilds() == 1);
  }
  SECTION("a generation smaller than the first lowers it") {
    heap = 30 * MB;
    for (int i = 0; i < 3; ++i) scan_one(scanner, doc);
    CHECK(scanner.memory_limit() == limit_of(30 * MB));
    heap = 34 * MB;
    scan_one(scanner, doc);
    CHECK(scanner.rebuilds() == 2);
  }
  SECTION("matches do not change") {
    const Scanner plain(rules);
    const std::vector<std::string_view> texts{doc};
    const std::vector<std::string> languages{"en"};
    const std::string expected = render(plain.scan_batch(texts, languages));
    CHECK(expected != "--\n");  // it has matches
    for (int i = 0; i < 12; ++i) {
      // Each generation: its window at 100 MB, then 200 MB: over.
      heap = (i % 4 == 3 ? 200 : 100) * MB;
      CHECK(render(scanner.scan_batch(texts, languages)) == expected);
    }
    CHECK(scanner.rebuilds() == 4);
    CHECK(scanner.memory_limit() == limit_of(100 * MB));
  }
}

TEST_CASE("An extractor's scanner holds the patterns compiled at load", "[memory_limit]") {
  // So that a new generation of automata frees them (and their DFA states).
  for (const Rule& rule : testing::shipped().rules().rules) CHECK_FALSE(rule.regex);
  for (const Unit& unit : testing::shipped().rules().units) {
    CHECK_FALSE(unit.regex);
    for (const Unit::Phrase& phrase : unit.phrases) CHECK_FALSE(phrase.regex);
  }
  CHECK_FALSE(testing::shipped().rules().units.empty());
}

TEST_CASE("The heap is read once per 1/64 of a generation's minimum of text", "[memory_limit]") {
  // Reading it costs about 0.1 ms on a large heap: not after every batch
  // of one short record.
  Scanner scanner(testing::shipped().rules());
  int probes = 0;
  scanner.set_memory_limit(std::size_t{1} << 40, 640);  // never over; read every 10 bytes
  scanner.set_heap_probe([&] {
    ++probes;
    return std::size_t{1};
  });
  const std::string doc = "Acme";  // 4 bytes a batch
  for (int i = 0; i < 159; ++i) scan_one(scanner, doc);
  CHECK(probes == 0);  // 636 bytes: under the minimum
  for (int i = 0; i < 41; ++i) scan_one(scanner, doc);
  // At 640 bytes, then at the first batch 10 bytes or more after the last
  // reading (652, 664, ..., 796): every third batch.
  CHECK(probes == 14);
  CHECK(scanner.rebuilds() == 0);
}
