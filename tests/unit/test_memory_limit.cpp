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

// Every batch scanned `rounds` times, the matches written out.
std::string scan_all(const Scanner& scanner, const std::vector<std::vector<std::string>>& batches, int rounds) {
  std::string out;
  for (int r = 0; r < rounds; ++r) {
    for (const auto& batch : batches) {
      const std::vector<std::string_view> texts(batch.begin(), batch.end());
      const std::vector<std::string> languages(batch.size(), "");  // the rules of every language
      for (const auto& doc : scanner.scan_batch(texts, languages)) {
        for (const Candidate& c : doc) {
          out += std::to_string(c.rule_index) + " " + std::to_string(c.span.start) + "-" + std::to_string(c.span.end);
          for (const auto& [field, span] : c.captures)
            out += " " + std::string(field) + "=" + std::to_string(span.start) + "-" + std::to_string(span.end);
          out += "\n";
        }
        out += "--\n";
      }
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
