#include "pipeline.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>

#include "assemble/assembler.hpp"
#include "assemble/profile.hpp"
#include "core/profile_clock.hpp"
#include "core/sort.hpp"
#include "core/utf8.hpp"
#include "engine/resolver.hpp"
#include "normalize/dates.hpp"
#include "normalize/value_builder.hpp"

namespace fs = std::filesystem;

namespace extract {

std::unique_ptr<Extractor> Extractor::load(const std::string& dir, Diagnostics& diags, const LoadOptions& opts,
                                           const std::string& cache_dir, SnapshotUse* use) {
  RuleSet rules = load_rules_cached(dir, diags, opts, cache_dir, use);
  if (diags.has_errors()) return nullptr;
  return std::make_unique<Extractor>(std::move(rules), opts.threads);
}

Extractor::Extractor(RuleSet rules, int compile_threads)
    : rules_(std::move(rules)),
      scanner_(std::make_unique<Scanner>(rules_, compile_threads)),
      deal_lexicons_(std::make_unique<const DealLexicons>(rules_)),
      language_(std::make_unique<const LanguageDetector>(rules_)) {
  // The patterns compiled at load belong to the scanner's first generation
  // of automata now: without the rule set's own references, replacing it for
  // the memory limit frees them and the DFA states they built.
  for (Rule& rule : rules_.rules) rule.regex.reset();
  for (Unit& unit : rules_.units) {
    unit.regex.reset();
    for (Unit::Phrase& phrase : unit.phrases) phrase.regex.reset();
  }
}

Extractor::~Extractor() = default;

struct Extractor::StageCounters {
  std::atomic<std::uint64_t> language{0}, scan{0}, values{0}, assembly{0}, records{0};  // nanoseconds
};

void Extractor::enable_rule_profile() {
  scanner_->enable_profile();
  stages_ = std::make_unique<StageCounters>();
}

Extractor::StageProfile Extractor::stage_profile() const {
  StageProfile p;
  if (!stages_) return p;
  auto ms = [](const std::atomic<std::uint64_t>& ns) { return static_cast<double>(ns.load()) / 1e6; };
  p.language_ms = ms(stages_->language);
  p.scan_ms = ms(stages_->scan);
  p.values_ms = ms(stages_->values);
  p.assembly_ms = ms(stages_->assembly);
  p.records_ms = ms(stages_->records);
  return p;
}

namespace {

// The publication date: the first dateline match (in text order) that is a
// complete date by itself.
std::optional<CivilDate> find_published(const RuleSet& rules, const std::vector<Candidate>& candidates,
                                        const BuildContext& ctx) {
  const Candidate* best = nullptr;
  std::optional<CivilDate> date;
  for (const auto& c : candidates) {
    if (!rules.rules[c.rule_index].dateline) continue;
    if (best && best->span.start <= c.span.start) continue;
    std::string why;
    BuildContext no_ref = ctx;
    no_ref.reference.reset();
    auto v = build_value(rules, c, no_ref, &why);
    if (!v || !v->contains("date")) continue;
    if (auto d = parse_iso_date((*v)["date"].get<std::string>())) {
      best = &c;
      date = d;
    }
  }
  return date;
}

}  // namespace

Record Extractor::run(const Document& doc, const RunOptions& opts) const {
  return std::move(run_batch({&doc}, opts)[0]);
}

std::vector<Record> Extractor::run_batch(const std::vector<const Document*>& docs, const RunOptions& opts) const {
  std::vector<Record> records(docs.size());
  run_batch(docs, opts, [&](std::size_t i, Record& r) { records[i] = std::move(r); });
  return records;
}

namespace {

// Adds the time since it was made to a step's counter, when profiling
// (`counter` null: nothing, not even the clock read).
class StageTimer {
 public:
  explicit StageTimer(std::atomic<std::uint64_t>* counter) : counter_(counter), start_(profile_start(counter != nullptr)) {}
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;
  ~StageTimer() {
    if (counter_) counter_->fetch_add(ns_since(start_), std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t>* counter_;
  ProfileClock::time_point start_;
};

// Empties a JSON value's arrays and objects from the inside out, so that
// each is destroyed empty. nlohmann's destructor moves the members of a
// non-empty one to a vector of its own before freeing them (it never
// recurses, whatever the depth): an allocation for each fact's value, 1%
// of a run. Below kMaxDepth levels the rest is left to it.
void release(Json& j, int depth = 0) {
  constexpr int kMaxDepth = 16;
  if (!j.is_structured() || depth >= kMaxDepth) return;
  for (Json& member : j) release(member, depth + 1);
  j.clear();
}

void release(Record& r) {
  for (auto* facts : {&r.facts, &r.hidden})
    for (Fact& f : *facts) release(f.value);
  for (Entity& e : r.entities) release(e.attributes);
  release(r.deals);
}

}  // namespace

void Extractor::run_batch(const std::vector<const Document*>& docs, const RunOptions& opts,
                          const std::function<void(std::size_t, Record&)>& done) const {
  std::vector<std::string_view> texts;
  std::vector<std::string> languages;
  {
    StageTimer timer(stages_ ? &stages_->language : nullptr);
    for (const Document* doc : docs) {
      texts.push_back(doc->text);
      languages.push_back(doc->language_hint.empty() ? language_->detect(doc->text) : doc->language_hint);
    }
  }
  std::vector<std::size_t> scanned;
  std::vector<std::vector<Candidate>> candidates;
  {
    StageTimer timer(stages_ ? &stages_->scan : nullptr);
    candidates = scanner_->scan_batch(texts, languages, opts.max_matches, &scanned);
  }
  for (std::size_t i = 0; i < docs.size(); ++i) {
    Record record;
    record.language = std::move(languages[i]);
    record.warnings = docs[i]->read_warnings;
    if (auto bad = find_invalid_utf8(docs[i]->text))
      record.warnings.push_back("invalid UTF-8 at byte " + std::to_string(*bad) +
                                "; invalid bytes are shown as U+FFFD in the output");
    if (scanned[i] < texts[i].size()) {
      // Too dense: the rest of the pipeline reads the prefix the scan covered.
      const std::size_t limit = Scanner::match_limit(opts.max_matches, texts[i].size());
      record.warnings.push_back(fmt::format(
          "more than {} matches of the rules (--max-matches): facts come from its first {} of {} bytes only",
          limit, scanned[i], texts[i].size()));
      record.truncated = Record::Truncation{scanned[i], texts[i].size(), limit};
      const Document& d = *docs[i];
      const Document prefix{d.source, d.id, d.text.substr(0, scanned[i]), d.language_hint, d.published_hint, {}};
      finish(prefix, record, std::move(candidates[i]), opts);
    } else {
      finish(*docs[i], record, std::move(candidates[i]), opts);
    }
    StageTimer timer(stages_ ? &stages_->records : nullptr);
    done(i, record);
    release(record);
  }
}

void Extractor::finish(const Document& doc, Record& record, std::vector<Candidate> candidates,
                       const RunOptions& opts) const {
  {
    StageTimer timer(stages_ ? &stages_->values : nullptr);
    resolve(doc, record, std::move(candidates), opts);
  }
  StageTimer timer(stages_ ? &stages_->assembly : nullptr);
  assemble(rules_, *deal_lexicons_, doc.text, record);
}

void Extractor::resolve(const Document& doc, Record& record, std::vector<Candidate> candidates,
                        const RunOptions& opts) const {
  BuildContext ctx{doc.text, record.language, doc.published_hint};
  record.published = doc.published_hint ? doc.published_hint : find_published(rules_, candidates, ctx);
  ctx.reference = record.published;

  // A match without a value (an impossible date, a malformed number) is
  // no candidate, so that it cannot hide a good one; values are made as
  // the resolution meets the candidates, only for those that could win
  // (and, with --explain, those they beat).
  std::vector<Json> values;
  auto admit = [&](Candidate& c) {
    std::string why;
    auto v = build_value(rules_, c, ctx, &why);
    if (!v) return false;
    c.tag = values.size();
    values.push_back(std::move(*v));
    return true;
  };
  values.reserve(candidates.size());
  std::vector<Resolved> resolved = resolve_overlaps(rules_, std::move(candidates), admit, opts.explain);
  record.facts.reserve(record.facts.size() + resolved.size());
  for (auto& r : resolved) {
    const Rule& rule = rules_.rules[r.winner.rule_index];
    Fact f;
    f.type = rule.type;
    f.span = r.winner.span;
    f.rule = rule.id;
    f.rule_index = r.winner.rule_index;
    f.value = std::move(values[r.winner.tag]);
    f.captures = std::move(r.winner.captures);
    if (opts.explain) f.beaten = std::move(r.beaten);
    (rule.emit ? record.facts : record.hidden).push_back(std::move(f));
  }
  stable_sort_moving_once(record.facts, fact_before);  // (no two facts tie: same order as std::sort)
  resolve_anchored_dates(record.facts);  // "tiga bulan kemudian": needs the facts before it
}

std::string default_rules_dir(const char* argv0) {
  if (const char* env = std::getenv("EXTRACT_RULES"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec && argv0) exe = fs::absolute(argv0, ec);
  if (!exe.empty()) {
    const fs::path dir = exe.parent_path();
    for (const fs::path& candidate : {dir / ".." / "share" / "extract" / "rules", dir / "rules", dir / ".." / "rules"}) {
      if (fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
    }
  }
  if (fs::is_directory(EXTRACT_SOURCE_RULES_DIR, ec)) return EXTRACT_SOURCE_RULES_DIR;
  return EXTRACT_INSTALL_RULES_DIR;
}

}  // namespace extract
