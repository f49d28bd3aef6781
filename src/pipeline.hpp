// The extraction pipeline for one document:
// profile -> scan -> normalize -> resolve -> assemble.
//
// Thread-safety: an Extractor is immutable once loaded; run() may be called
// from many threads at once.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/diagnostic.hpp"
#include "core/document.hpp"
#include "assemble/profile.hpp"
#include "engine/compiled_rules.hpp"
#include "rules/rule_set.hpp"
#include "rules/snapshot.hpp"

namespace extract {

struct DealLexicons;

// The default of RunOptions::max_matches (`extract --max-matches`): news
// articles have a few hundred at most.
inline constexpr std::size_t kDefaultMaxMatches = 10000;

struct RunOptions {
  bool explain = false;  // keep the candidates each fact beat
  // The most matches of the rules one document may have (0: no limit;
  // Scanner::match_limit: this, or more for a large document): a document
  // with more is read for facts only up to where it has fewer, with a
  // warning and Record::truncated (Scanner::scan_batch). Each match holds
  // about 250 bytes until the record is written; this bounds that memory.
  std::size_t max_matches = kDefaultMaxMatches;
};

class Extractor {
 public:
  // Loads and compiles the rules in `dir`; nullptr when they have errors
  // (all reported in `diags`). With a `cache_dir`, through the rule-set
  // snapshots there (rules/snapshot.hpp; `use` says how).
  static std::unique_ptr<Extractor> load(const std::string& dir, Diagnostics& diags,
                                         const LoadOptions& opts = {}, const std::string& cache_dir = "",
                                         SnapshotUse* use = nullptr);
  // `compile_threads`: for the patterns compiled at first use (Scanner).
  explicit Extractor(RuleSet rules, int compile_threads = 0);
  ~Extractor();

  Record run(const Document& doc, const RunOptions& opts = {}) const;

  // run() of several documents: result i is exactly run(*docs[i]). The rules
  // scan the documents together (Scanner::scan_batch), which is faster for
  // many short documents; the caller bounds the batch's size.
  std::vector<Record> run_batch(const std::vector<const Document*>& docs, const RunOptions& opts = {}) const;
  // The same, handing each record to `done(i, record)` as soon as it is
  // complete, so that a batch never holds more than one finished record.
  void run_batch(const std::vector<const Document*>& docs, const RunOptions& opts,
                 const std::function<void(std::size_t, Record&)>& done) const;

  const RuleSet& rules() const { return rules_; }
  const Scanner& scanner() const { return *scanner_; }
  // Turns on the scanner's per-rule counters (Scanner::enable_profile) and
  // the steps' own (stage_profile); call before any run.
  void enable_rule_profile();
  // With enable_rule_profile(): the time of each step of run_batch, summed
  // over the threads that ran it, in milliseconds: the language of each
  // document, the scan (Scanner::scan_batch: the rules, the units, the
  // tokens), the values and overlaps of the candidates, the assembly of
  // entities, quotes and deals, and what the caller does with each record
  // (`done`: the CLI formats it for output) with the record's release.
  struct StageProfile {
    double language_ms = 0, scan_ms = 0, values_ms = 0, assembly_ms = 0, records_ms = 0;
  };
  StageProfile stage_profile() const;
  // The scanner's memory limit for the rules' automata, in bytes
  // (Scanner::set_memory_limit; 0: none); call before any run.
  void set_memory_limit(std::size_t bytes) { scanner_->set_memory_limit(bytes); }
  // An automatic limit (Scanner::set_memory_limit_auto); call before any run.
  void set_memory_limit_auto() { scanner_->set_memory_limit_auto(); }

 private:
  // The steps after the scan: values, publication date, overlaps, assembly.
  void finish(const Document& doc, Record& record, std::vector<Candidate> candidates, const RunOptions& opts) const;
  // finish() before the assembly: the facts from the candidates.
  void resolve(const Document& doc, Record& record, std::vector<Candidate> candidates, const RunOptions& opts) const;

  RuleSet rules_;
  std::unique_ptr<Scanner> scanner_;
  std::unique_ptr<const DealLexicons> deal_lexicons_;  // looked up once, not per document
  std::unique_ptr<const LanguageDetector> language_;   // the stop word lists in one table
  struct StageCounters;
  std::unique_ptr<StageCounters> stages_;  // null unless profiling
};

// Directory of the rules when none is given: $EXTRACT_RULES, then
// <binary>/../share/extract/rules, <binary>/rules, <binary>/../rules, then the
// source tree the binary was built from.
std::string default_rules_dir(const char* argv0);

}  // namespace extract
