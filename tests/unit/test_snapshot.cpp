// Rule-set snapshots (rules/snapshot.hpp) and the patterns compiled at first
// use (Scanner): the same rule set and the same records as a load from YAML.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "emit/record_json.hpp"
#include "engine/compiled_rules.hpp"
#include "pipeline.hpp"
#include "rules/snapshot.hpp"
#include "rules/token_pattern.hpp"
#include "test_support.hpp"

using namespace extract;
using extract::testing::TempDir;
namespace fs = std::filesystem;

namespace {

RuleSet shipped_rules(Diagnostics& diags) { return load_rules(EXTRACT_TEST_RULES_DIR, diags); }

std::string pattern_of(const std::shared_ptr<const RE2>& re) { return re ? re->pattern() : "-"; }

// Everything of a rule set but its examples and compiled programs, as text.
std::string describe(const RuleSet& rs) {
  std::string out = rs.root + "\n";
  for (const auto& f : rs.files) out += f + "\n";
  out += std::to_string(rs.max_rule_mem) + "\n";
  for (const auto& a : rs.prefilter_atoms) out += a + "|";
  for (const auto& [key, lex] : rs.lexicons) {
    out += "\nlexicon " + key + " " + lex.name + " " + lex.pos.path + ":" + std::to_string(lex.pos.line) +
           (lex.case_insensitive ? " i" : " s");
    for (std::size_t i = 0; i < lex.size(); ++i)
      out += "\n  " + lex.forms()[i] + " " + lex.values()[i].dump() + " " + lex.attribute_values()[i].dump();
  }
  for (const auto& l : rs.languages) out += "\nlanguage " + l.code + " " + l.stopwords;
  for (const auto& u : rs.units) {
    out += "\nunit " + u.name + " " + u.pattern + " " + pattern_of(u.regex);
    for (const Lexicon* l : {u.not_first, u.not_alone, u.breaks, u.last}) out += " " + (l ? l->name : "-");
    out += " base " + std::to_string(u.base);
    for (const auto& p : u.phrases)
      out += " phrase " + p.name + " " + p.lexicon + " " + std::to_string(p.mark) + " " + p.pattern + " " + pattern_of(p.regex);
  }
  for (const auto& [name, re] : rs.regexes) out += "\nregex " + name + " " + pattern_of(re);
  for (const Rule& r : rs.rules) {
    out += "\nrule " + r.id + " " + r.type + "/" + std::to_string(static_cast<int>(r.value_kind)) + " " + r.group + " " + r.lang + " " + r.pos.path + ":" +
           std::to_string(r.pos.line) + ":" + std::to_string(r.pos.column) + " " + r.pattern + " " +
           std::to_string(r.priority) + (r.dateline ? " dateline" : "") + (r.emit ? " emit" : "") + " " +
           r.constants.dump() + " unit " + std::to_string(r.unit) + " needs " + r.needs.to_string(rs.prefilter_atoms) +
           " context needs " + r.context_needs.to_string(rs.prefilter_atoms);
    for (const auto& [name, f] : r.fields)
      out += " " + name + "=" + f.normalizer + "/" + std::to_string(static_cast<int>(f.kind)) + ":" + f.arg + "@" +
             std::to_string(f.pos.line);
    for (const auto* c : {&r.context.before, &r.context.not_before, &r.context.after, &r.context.not_after})
      out += " " + pattern_of(*c);
    for (const auto& g : r.group_fields) out += " g:" + g;
    if (!r.word_list.empty()) out += std::string(" words:") + r.word_list + (r.words ? "" : " (no matcher)");
    if (r.tokens) out += " tokens:" + r.tokens->expanded();
  }
  return out;
}

std::vector<Document> sample_documents() {
  std::vector<Document> docs;
  for (const auto& e : fs::directory_iterator(EXTRACT_TEST_SAMPLES_DIR)) {
    if (e.path().extension() != ".txt") continue;
    std::ifstream in(e.path(), std::ios::binary);
    Document d;
    d.source = e.path().filename().string();
    d.text.assign(std::istreambuf_iterator<char>(in), {});
    docs.push_back(std::move(d));
  }
  std::sort(docs.begin(), docs.end(), [](const Document& a, const Document& b) { return a.source < b.source; });
  return docs;
}

std::string records(const Extractor& ex, const std::vector<Document>& docs) {
  std::vector<const Document*> ptrs;
  for (const auto& d : docs) ptrs.push_back(&d);
  std::string out;
  const auto batch = ex.run_batch(ptrs, RunOptions{true});
  for (std::size_t i = 0; i < docs.size(); ++i) out += record_to_json(docs[i], batch[i], ex.rules(), true).dump() + "\n";
  return out;
}

}  // namespace

TEST_CASE("a snapshot of the shipped rules reads back as the same rule set", "[snapshot]") {
  Diagnostics diags;
  const RuleSet loaded = shipped_rules(diags);
  REQUIRE_FALSE(diags.has_errors());
  const std::string bytes = encode_snapshot(loaded, diags, "key");
  Diagnostics replay;
  auto read = decode_snapshot(bytes, "key", replay);
  REQUIRE(read);
  CHECK(replay.items().empty());
  CHECK(describe(*read) == describe(loaded));
  CHECK(read->rules.size() == loaded.rules.size());
  CHECK(read->rules.size() > 100);
  // Patterns are compiled at first use; examples are not kept.
  for (const Rule& r : read->rules) {
    CHECK(r.regex == nullptr);
    CHECK(r.examples.empty());
  }
  // Written again, byte for byte the same.
  CHECK(encode_snapshot(*read, replay, "key") == bytes);
}

TEST_CASE("a snapshot keeps unit variants sharing their base's automaton", "[snapshot]") {
  // No shipped rule names a phrase since the deal rules read their verbs as
  // lexicons (token rules): a rule set of its own has two variants.
  Diagnostics diags;
  const RuleSet loaded = load_rules_from_string("t.yaml", R"(
lexicons:
  buy_t: {entries: [bought, agreed to buy]}
  sell_t: {entries: [sold]}
units:
  NAME_U:
    pattern: '[A-Z]\w+(?:[ \t]+[A-Z]\w+)*'
    phrases: {BUY_P: buy_t, SELL_P: sell_t}
rules:
  - id: t.buy
    type: cue
    pattern: '(?P<buyer>%{NAME_U})[ \t]+%{BUY_P}'
  - id: t.sell
    type: cue
    pattern: '(?P<seller>%{NAME_U})[ \t]+%{SELL_P}'
)", diags);
  REQUIRE_FALSE(diags.has_errors());
  const std::string bytes = encode_snapshot(loaded, diags, "key");
  Diagnostics replay;
  auto read = decode_snapshot(bytes, "key", replay);
  REQUIRE(read);
  CHECK(describe(*read) == describe(loaded));
  CHECK(encode_snapshot(*read, replay, "key") == bytes);
  std::size_t variants = 0;
  for (const RuleSet* rs : std::initializer_list<const RuleSet*>{&loaded, &*read})
    for (const Unit& u : rs->units) {
      if (u.base < 0) continue;
      ++variants;
      CHECK(u.regex == rs->units[static_cast<std::size_t>(u.base)].regex);
      CHECK_FALSE(u.phrases.empty());
    }
  CHECK(variants == 4);  // two in each rule set
}

TEST_CASE("rules read from a snapshot give the records of rules loaded from YAML", "[snapshot]") {
  Diagnostics diags;
  const RuleSet loaded = shipped_rules(diags);
  const std::string bytes = encode_snapshot(loaded, diags, "k");
  const std::vector<Document> docs = sample_documents();
  REQUIRE(docs.size() >= 10);

  Extractor from_yaml(shipped_rules(diags), 1);
  const std::string expected = records(from_yaml, docs);
  CHECK(expected.size() > 10000);  // real output

  // One thread compiling, then four; and two batches at once on a fresh
  // extractor, which compile the patterns concurrently.
  for (int threads : {1, 4}) {
    Diagnostics d;
    Extractor ex(*decode_snapshot(bytes, "k", d), threads);
    CHECK(records(ex, docs) == expected);
    CHECK(records(ex, docs) == expected);  // all compiled now
  }
  Diagnostics d;
  Extractor ex(*decode_snapshot(bytes, "k", d), 2);
  std::string a, b;
  std::thread t1([&] { a = records(ex, docs); });
  std::thread t2([&] { b = records(ex, docs); });
  t1.join();
  t2.join();
  CHECK(a == expected);
  CHECK(b == expected);
  // One document at a time, as `extract article.txt`.
  Extractor one(*decode_snapshot(bytes, "k", d), 2);
  for (const Document& doc : docs)
    CHECK(record_to_json(doc, one.run(doc), one.rules(), false).dump() ==
          record_to_json(doc, from_yaml.run(doc), from_yaml.rules(), false).dump());
}

TEST_CASE("a damaged, truncated or foreign snapshot is refused", "[snapshot]") {
  Diagnostics diags;
  const RuleSet loaded = shipped_rules(diags);
  const std::string bytes = encode_snapshot(loaded, diags, "key");
  Diagnostics d;
  CHECK(decode_snapshot(bytes, "key", d));
  CHECK_FALSE(decode_snapshot(bytes, "other key", d));
  CHECK_FALSE(decode_snapshot("", "key", d));
  CHECK_FALSE(decode_snapshot("not a snapshot at all, just some text of a reasonable length", "key", d));
  for (std::size_t cut : {std::size_t{1}, std::size_t{40}, bytes.size() / 2, bytes.size() - 1})
    CHECK_FALSE(decode_snapshot(std::string_view(bytes).substr(0, cut), "key", d));
  for (std::size_t at : {std::size_t{0}, std::size_t{30}, bytes.size() / 3, bytes.size() - 40, bytes.size() - 1}) {
    std::string bad = bytes;
    bad[at] = static_cast<char>(bad[at] ^ 0x20);
    CHECK_FALSE(decode_snapshot(bad, "key", d));
  }
  // Damage the checksum does not see (the fuzz target's view): refused, no crash.
  CHECK(decode_snapshot_unchecked(bytes, d));
  for (std::size_t at = 28; at < bytes.size(); at += 997) {
    std::string bad = bytes;
    bad[at] = static_cast<char>(bad[at] ^ 0x55);
    bad.erase(at / 2, at % 5);
    Diagnostics ignored;
    (void)decode_snapshot_unchecked(bad, ignored);
  }
  CHECK_FALSE(decode_snapshot_unchecked(std::string_view(bytes).substr(0, bytes.size() / 2), d));
  CHECK(d.items().empty());
}

TEST_CASE("the snapshot checksum sees every bit of every byte and the length", "[snapshot]") {
  // Payloads of 0 to 40 bytes: every byte read (the eight-byte words of
  // both lanes and a tail of fewer than sixteen), and the length.
  std::set<std::string> seen;
  std::string payload;
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::string sum = snapshot_checksum(payload);
    CHECK(sum.size() == 32);
    CHECK(seen.insert(sum).second);
    for (std::size_t at = 0; at < n; ++at)
      for (int bit = 0; bit < 8; ++bit) {
        std::string bad = payload;
        bad[at] = static_cast<char>(bad[at] ^ (1 << bit));
        CHECK(snapshot_checksum(bad) != sum);
      }
    payload += static_cast<char>(n * 37 + 11);
  }
  CHECK(snapshot_checksum(std::string(16, '\0')) != snapshot_checksum(std::string(17, '\0')));
}

TEST_CASE("a snapshot keeps the messages of its load", "[snapshot]") {
  Diagnostics diags;
  const RuleSet loaded = shipped_rules(diags);
  Diagnostics messages;
  messages.warning({"rules/en/x.yaml", 3, 7}, "something to know");
  Diagnostics replay;
  REQUIRE(decode_snapshot(encode_snapshot(loaded, messages, "k"), "k", replay));
  REQUIRE(replay.items().size() == 1);
  CHECK(replay.items()[0].format() == messages.items()[0].format());
  CHECK_FALSE(replay.has_errors());
}

TEST_CASE("literal conditions read back only as trees over known atoms", "[snapshot][literals]") {
  using Node = LiteralCondition::Node;
  auto node = [](Node::Op op, std::int32_t atom, std::vector<std::int32_t> atoms, std::vector<std::int32_t> subs) {
    Node n{op};
    n.atom = atom;
    n.atoms = std::move(atoms);
    n.subs = std::move(subs);
    return n;
  };
  CHECK(LiteralCondition::from_nodes({}, 0));
  auto ok = LiteralCondition::from_nodes({node(Node::kAnd, -1, {0}, {1}), node(Node::kOr, -1, {1, 2}, {})}, 3);
  REQUIRE(ok);
  CHECK(ok->to_string({"aaa", "bbb", "ccc"}) == LiteralCondition::from_nodes(ok->nodes(), 3)->to_string({"aaa", "bbb", "ccc"}));
  CHECK(ok->holds({1, 0, 1}));
  CHECK_FALSE(ok->holds({1, 0, 0}));
  CHECK_FALSE(LiteralCondition::from_nodes({node(Node::kAtom, 3, {}, {})}, 3));        // unknown atom
  CHECK_FALSE(LiteralCondition::from_nodes({node(Node::kAnd, -1, {-1}, {})}, 3));      // negative atom
  CHECK_FALSE(LiteralCondition::from_nodes({node(Node::kAnd, -1, {}, {0})}, 3));       // itself: a cycle
  CHECK_FALSE(LiteralCondition::from_nodes({node(Node::kOr, -1, {}, {1})}, 3));        // no such node
  CHECK_FALSE(LiteralCondition::from_nodes({node(static_cast<Node::Op>(7), -1, {}, {})}, 3));
}

TEST_CASE("load_rules_cached writes a snapshot, reads it, and follows rule edits", "[snapshot]") {
  TempDir rules, cache;
  const std::string file = R"(rules:
  - id: t.org
    type: organization
    pattern: '\b(?P<name>Zorblax)\b'
    fields: {name: name}
)";
  rules.write("common/t.yaml", file);
  auto load = [&](SnapshotUse expected) {
    Diagnostics d;
    SnapshotUse use{};
    RuleSet rs = load_rules_cached(rules.str(), d, LoadOptions{}, cache.str(), &use);
    CHECK_FALSE(d.has_errors());
    CHECK(static_cast<int>(use) == static_cast<int>(expected));
    return rs;
  };
  auto snapshots = [&] {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(cache.str())) n += e.path().extension() == ".snapshot";
    return n;
  };
  RuleSet first = load(SnapshotUse::written);
  CHECK(first.rules.at(0).regex != nullptr);
  CHECK(snapshots() == 1);
  RuleSet second = load(SnapshotUse::read);
  CHECK(second.rules.at(0).regex == nullptr);
  CHECK(describe(first) == describe(second));

  // An edit makes a new key; the old snapshot stays until pruned.
  rules.write("common/t.yaml", file + "# edited\n");
  load(SnapshotUse::written);
  load(SnapshotUse::read);
  CHECK(snapshots() == 2);

  // A damaged snapshot is loaded around and written again.
  for (const auto& e : fs::directory_iterator(cache.str())) fs::resize_file(e.path(), 100);
  load(SnapshotUse::written);
  load(SnapshotUse::read);

  // At most kMaxSnapshots are kept.
  for (int i = 0; i < 12; ++i) {
    rules.write("common/t.yaml", file + "# edit " + std::to_string(i) + "\n");
    load(SnapshotUse::written);
  }
  CHECK(snapshots() == kMaxSnapshots);

  // Rules with errors: no snapshot.
  rules.write("common/bad.yaml", "rules:\n  - id: t.bad\n    type: organization\n    pattern: '(unclosed'\n");
  Diagnostics d;
  SnapshotUse use{};
  load_rules_cached(rules.str(), d, LoadOptions{}, cache.str(), &use);
  CHECK(d.has_errors());
  CHECK(use == SnapshotUse::missed);
  load_rules_cached(rules.str(), d, LoadOptions{}, cache.str(), &use);
  CHECK(use == SnapshotUse::missed);

  // No cache directory: a plain load.
  fs::remove(rules.str() + "/common/bad.yaml");
  Diagnostics d2;
  load_rules_cached(rules.str(), d2, LoadOptions{}, "", &use);
  CHECK(use == SnapshotUse::off);
  // A cache that cannot be written: a plain load, no message.
  const std::string blocked = cache.write("a-file", "x") + "/cache";
  load_rules_cached(rules.str(), d2, LoadOptions{}, blocked, &use);
  CHECK(use == SnapshotUse::missed);
  CHECK(d2.items().empty());
}

TEST_CASE("a damaged snapshot whose anchor walks back without a program still scans", "[snapshot]") {
  // Found by the snapshot fuzz target: an anchor that says it walks back
  // (max_back) but has no back program, which the index read as if it had
  // one (its first steps, to filter the token before the anchor). Such a
  // walk ends at the anchor; the index makes no filter of it.
  std::ifstream in(EXTRACT_TEST_FIXTURES_DIR "/snapshot-anchor-walks-without-program.bin", std::ios::binary);
  REQUIRE(in);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Diagnostics d;
  auto rs = decode_snapshot_unchecked(bytes, d);
  REQUIRE(rs);
  bool walks_without_program = false;
  for (const Rule& rule : rs->rules)
    if (rule.tokens)
      for (const auto& a : rule.tokens->anchors()) {
        walks_without_program |= a.max_back > 0 && a.back_program.empty();
        // Such a walk ends at the anchor: it reads no token before it.
        if (a.back_program.empty()) CHECK_FALSE(a.walk_reads_before);
      }
  CHECK(walks_without_program);
  rs->max_rule_mem = 1 << 20;
  Scanner scanner(*rs, 1);
  CHECK_NOTHROW(scanner.scan("Acme Corp agreed to buy Widget Inc for $5 million on March 3, 2024.", "en"));
  CHECK_NOTHROW(scanner.scan("PT Maju setuju membeli PT Jaya senilai Rp 1 triliun.", "id"));
}
