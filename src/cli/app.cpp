#include "cli/app.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <sys/ioctl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/batch.hpp"
#include "cli/docgen.hpp"
#include "schema_data.hpp"
#include "emit/record_json.hpp"
#include "emit/sink.hpp"
#include "io/input.hpp"
#include "pipeline.hpp"
#include "rules/rule_tester.hpp"

namespace extract {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuleProblems = 1;
constexpr int kExitError = 2;

void print_error(const std::string& message) { std::fprintf(stderr, "extract: %s\n", message.c_str()); }

const OptionChoices kChoices = {
    {"--format", {"jsonl", "json", "text", "csv", "tsv"}},
    {"--lang", {"auto", "en", "id"}},
    {"--input-format", {"text", "jsonl"}},
    {"--color", {"auto", "always", "never"}},
};

// Keeps only the requested kinds: fact types, entity types, and "deal".
void filter_types(Record& rec, const std::vector<std::string>& types) {
  if (types.empty()) return;
  auto wanted = [&](const std::string& t) { return std::find(types.begin(), types.end(), t) != types.end(); };
  rec.facts.erase(std::remove_if(rec.facts.begin(), rec.facts.end(), [&](const Fact& f) { return !wanted(f.type); }),
                  rec.facts.end());
  rec.entities.erase(std::remove_if(rec.entities.begin(), rec.entities.end(),
                                    [&](const Entity& e) { return !wanted(e.type); }),
                     rec.entities.end());
  if (!wanted("deal") && !wanted("deals")) rec.deals = Json::array();
}

// A message for standard error, framed to travel at the start of a task's
// output: \x01MESSAGE\x02 (the writer prints it before the record bytes).
std::string for_stderr(const std::string& message) { return "\x01" + message + "\x02"; }

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v;
}

int terminal_width() {
  struct winsize ws {};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS")) return std::max(40, std::atoi(c));
  return 100;
}

// --max-memory: the heap (MB) above which the rules' automata are rebuilt,
// or "auto": 7% above the heap that each generation of them has after 4-6 MiB
// of text (Scanner::set_memory_limit, set_memory_limit_auto; docs/performance.md,
// "A memory limit" and "An automatic memory limit").
constexpr const char* kDefaultMaxMemory = "auto";

struct Options {
  std::vector<std::string> paths;
  std::string format;  // "" = auto
  std::string rules_dir;
  std::string lang = "auto";
  std::string date;
  std::string input_format = "text";
  std::string color = "auto";
  std::vector<std::string> include, exclude;
  std::string output;  // "" = standard output
  bool explain = false;
  bool quiet = false;
  bool dump_text = false;
  bool pretty = false;
  bool profile_rules = false;
  bool no_cache = false;
  std::string max_memory = kDefaultMaxMemory;  // "auto", or MB (0: no limit)
  std::vector<std::string> types;  // keep only these fact types ("deal" keeps deals)
  unsigned jobs = 0;
  std::uint64_t max_size = kDefaultMaxDocumentSize;
  std::size_t max_matches = kDefaultMaxMatches;
};

// A number written with 1 to `max_length` decimal digits and nothing else.
bool all_digits(const std::string& v, std::size_t max_length) {
  return !v.empty() && v.size() <= max_length &&
         std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `jobs` bounds the threads that read and compile the rules too (0: all
// cores); `cache_dir` holds rule-set snapshots ("": none).
std::unique_ptr<Extractor> load_extractor(const std::string& dir, unsigned jobs, const std::string& cache_dir) {
  Diagnostics diags;
  LoadOptions opts;
  opts.threads = static_cast<int>(jobs);
  auto ex = Extractor::load(dir, diags, opts, cache_dir);
  for (const auto& d : diags.items()) std::fprintf(stderr, "%s\n", d.format().c_str());
  if (!ex) print_error(fmt::format("the rules in {} have errors; run 'extract rules check {}'", dir, dir));
  return ex;
}

int cmd_rules_check(const std::string& dir) {
  Diagnostics diags;
  RuleSet rules = load_rules(dir, diags);
  for (const auto& d : diags.items()) std::printf("%s\n", d.format().c_str());
  std::size_t examples = 0;
  for (const auto& r : rules.rules) examples += r.examples.size();
  std::printf("%zu files, %zu rules, %zu lexicons, %zu examples: %zu errors\n", rules.files.size(),
              rules.rules.size(), rules.lexicons.size(), examples, diags.error_count());
  return diags.has_errors() ? kExitRuleProblems : kExitOk;
}

int cmd_rules_test(const std::string& dir, bool verbose) {
  Diagnostics diags;
  RuleSet rules = load_rules(dir, diags);
  for (const auto& d : diags.items()) std::printf("%s\n", d.format().c_str());
  if (diags.has_errors()) {
    std::printf("0 passed, %zu failed\n", diags.error_count());
    return kExitRuleProblems;
  }
  Scanner scanner(rules);
  TestReport report = test_rules(rules, scanner);
  for (const auto& f : report.failures)
    std::printf("%s:%d:%d: %s '%s': %s\n", f.pos.path.c_str(), f.pos.line, f.pos.column, f.kind.c_str(),
                f.rule.c_str(), f.message.c_str());
  for (const auto& id : report.rules_without_examples) {
    std::printf("%s: rule has no examples\n", id.c_str());
    ++report.failed;
  }
  for (const auto& name : report.regexes_without_examples) {
    std::printf("%s: regex has no examples\n", name.c_str());
    ++report.failed;
  }
  if (verbose) std::printf("%zu rules, %zu examples\n", rules.rules.size(), report.passed + report.failed);
  std::printf("%zu passed, %zu failed\n", report.passed, report.failed);
  return report.failed ? kExitRuleProblems : kExitOk;
}

std::atomic<bool> g_interrupted{false};
char g_temp_output[4096] = "";  // read by the signal handler

// The progress line on a terminal: documents done / total, MB/s, ETA.
class Progress {
 public:
  Progress(bool enabled, std::size_t total, bool unknown_total)
      : enabled_(enabled), total_(unknown_total ? 0 : total), start_(std::chrono::steady_clock::now()) {}
  void update(std::size_t bytes) {
    if (!enabled_) return;
    ++done_;
    bytes_ += bytes;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double mbs = secs > 0 ? bytes_ / 1e6 / secs : 0;
    std::string line = total_ ? fmt::format("{}/{} documents", done_, total_) : fmt::format("{} documents", done_);
    line += fmt::format(", {:.1f} MB/s", mbs);
    if (total_ && done_ > 0 && done_ < total_) line += fmt::format(", ETA {:.0f} s", secs / done_ * (total_ - done_));
    std::fprintf(stderr, "\r\x1b[K%s", line.c_str());
    shown_ = true;
  }
  void clear() {
    if (shown_) std::fprintf(stderr, "\r\x1b[K");
    shown_ = false;
  }

 private:
  bool enabled_;
  std::size_t total_, done_ = 0, bytes_ = 0;
  std::chrono::steady_clock::time_point start_, last_{};
  bool shown_ = false;
};

// `--profile-rules`: the rules that ran, slowest first, on standard error.
void print_rule_profile(std::vector<Scanner::RuleProfile> rows) {
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Scanner::RuleProfile& a, const Scanner::RuleProfile& b) { return a.ms > b.ms; });
  double total = 0;
  std::size_t width = 4;
  for (const auto& r : rows) {
    total += r.ms;
    width = std::max(width, r.id.size());
  }
  std::string table = fmt::format("{:<{}}  {:>10}  {:>17}  {:>12}  {:>8}\n", "rule", width, "scan ms",
                                  "documents run on", "with matches", "matches");
  for (const auto& r : rows)
    if (r.runs > 0)
      table += fmt::format("{:<{}}  {:>10.1f}  {:>8} / {:<6}  {:>12}  {:>8}\n", r.id, width, r.ms, r.runs,
                           r.applicable, r.matched, r.matches);
  table += fmt::format("{:<{}}  {:>10.1f}\n", "all rules", width, total);
  std::fputs(table.c_str(), stderr);
}

// After the rule table: the time of each step of a run, summed over the
// workers, and the run's wall time (docs/performance.md, "Measuring").
void print_stage_profile(const Extractor::StageProfile& p, double wall_ms) {
  const std::pair<const char*, double> rows[] = {
      {"language", p.language_ms},
      {"scan (the rules above, their set-up)", p.scan_ms},
      {"values and overlaps", p.values_ms},
      {"assembly (entities, quotes, deals)", p.assembly_ms},
      {"records (output)", p.records_ms},
  };
  double total = 0;
  std::string table = fmt::format("{:<38}  {:>10}  {:>6}\n", "step", "ms", "share");
  for (const auto& [name, ms] : rows) total += ms;
  for (const auto& [name, ms] : rows)
    table += fmt::format("{:<38}  {:>10.1f}  {:>5.1f}%\n", name, ms, total > 0 ? 100.0 * ms / total : 0.0);
  table += fmt::format("{:<38}  {:>10.1f}\n", "all steps (all workers)", total);
  table += fmt::format("{:<38}  {:>10.1f}\n", "wall time, the rules loaded before it", wall_ms);
  std::fputs(table.c_str(), stderr);
}

// glibc gives each thread that allocates its own malloc arena (up to eight
// per core), each holding its freed blocks apart; with the workers, the
// reader and the rule loader's threads that is 10 MB more peak RSS than one
// arena per worker, for no speed (docs/performance.md, "Memory"). Must run
// before any thread starts.
void limit_malloc_arenas(unsigned jobs) {
#ifdef __GLIBC__
  mallopt(M_ARENA_MAX, static_cast<int>(std::max(2u, jobs)));
#else
  (void)jobs;
#endif
}

int cmd_extract(const Options& o, const char* argv0) {
  const unsigned jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  limit_malloc_arenas(jobs);
  const std::string dir = o.rules_dir.empty() ? default_rules_dir(argv0) : o.rules_dir;
  auto loaded = load_extractor(dir, o.jobs, o.no_cache ? std::string() : default_cache_dir());
  if (!loaded) return kExitError;
  // Never torn down: the process exit frees it at once, where deleting the
  // compiled rules and their DFA caches piece by piece (up to 140 MB in many
  // small blocks) costs 30-50 ms per run (docs/performance.md). Kept
  // reachable from a static, so leak checkers do not report it.
  static Extractor* kept = nullptr;
  kept = loaded.release();
  if (o.profile_rules) kept->enable_rule_profile();
  if (o.max_memory == "auto") kept->set_memory_limit_auto();
  else kept->set_memory_limit(std::size_t{std::stoul(o.max_memory)} << 20);  // checked by CLI11
  const Extractor* extractor = kept;

  std::optional<CivilDate> date;
  if (!o.date.empty()) date = parse_iso_date(o.date);
  const std::string lang = o.lang == "auto" ? "" : o.lang;

  const bool stdout_tty = isatty(STDOUT_FILENO);
  const std::string format = o.format.empty() ? (stdout_tty ? "text" : "jsonl") : o.format;
  SinkOptions so;
  so.explain = o.explain;
  so.color = o.color == "always" || (o.color == "auto" && stdout_tty && !env_set("NO_COLOR") &&
                                     std::string(std::getenv("TERM") ? std::getenv("TERM") : "") != "dumb");
  so.width = terminal_width();
  so.flush_each = o.input_format == "jsonl";
  so.pretty = o.pretty;
  std::vector<std::string> paths = o.paths;
  if (paths.empty()) paths.push_back("-");
  Expanded expanded = expand_paths(paths, o.include, o.exclude);
  for (const auto& [path, message] : expanded.errors) print_error(fmt::format("{}: {}", path, message));
  if (expanded.hidden_skipped && !o.quiet)
    print_error(fmt::format("note: skipped {} hidden files or folders (names starting with '.')",
                            expanded.hidden_skipped));
  // The --output file is never read: from a folder walk it is skipped (the
  // result of an earlier run in the folder it reads), named on the command
  // line it is refused (writing would destroy an input).
  // A device (/dev/...) is written directly, not through a temporary file.
  const bool output_device = o.output.rfind("/dev/", 0) == 0;
  if (!o.output.empty() && !output_device) {
    for (std::size_t i = 0; i < expanded.files.size();) {
      std::error_code ec;
      if (expanded.files[i] == "-" || !std::filesystem::equivalent(expanded.files[i], o.output, ec) || ec) {
        ++i;
        continue;
      }
      if (!expanded.from_walk[i]) {
        print_error(fmt::format("{}: is also the --output file; refusing to overwrite an input", expanded.files[i]));
        return kExitError;
      }
      if (!o.quiet) print_error(fmt::format("note: skipped {}: it is the --output file", expanded.files[i]));
      expanded.files.erase(expanded.files.begin() + static_cast<std::ptrdiff_t>(i));
      expanded.from_walk.erase(expanded.from_walk.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  // Nothing to read is not an error (a daily folder may be empty), but it
  // is said, since an --include that matches nothing looks like success.
  if (expanded.files.empty() && expanded.errors.empty() && !o.quiet)
    print_error(o.include.empty() && o.exclude.empty()
                    ? std::string("note: no files to read (the folders given are empty)")
                    : std::string("note: no files to read (none of the files found matches --include/--exclude)"));
  // --output: write to a temporary file beside the target and rename it when
  // complete, so that an interrupted run never leaves a truncated result. Its
  // name starts with '.', so that a folder walk skips it as hidden.
  std::FILE* out_file = stdout;
  std::string temp_path;
  if (!o.output.empty()) {
    const std::filesystem::path target(o.output);
    temp_path = (target.parent_path() / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    int fd = output_device ? -2 : mkstemp(temp_path.data());
    if (fd == -2) {  // a device: write to it directly
      temp_path.clear();
      out_file = std::fopen(o.output.c_str(), "wb");
    } else {
      out_file = fd >= 0 ? fdopen(fd, "wb") : nullptr;
    }
    if (!out_file) {
      print_error(fmt::format("{}: cannot open for writing: {}", o.output, std::strerror(errno)));
      if (!temp_path.empty()) std::remove(temp_path.c_str());
      return kExitError;
    }
    std::snprintf(g_temp_output, sizeof g_temp_output, "%s", temp_path.c_str());
  }
  Output out(out_file);
  auto sink = make_sink(format, out, extractor->rules(), so);

  bool any_failed = !expanded.errors.empty();
  const bool batch = expanded.files.size() > 1 ||
                     std::find(expanded.from_walk.begin(), expanded.from_walk.end(), true) != expanded.from_walk.end();

  // Tasks: one per file, or one per line of JSON Lines input.
  std::size_t file_index = 0;
  std::FILE* lines_in = nullptr;
  std::string lines_source;
  std::size_t line_no = 0;
  auto next = [&]() -> std::optional<Task> {
    if (o.input_format != "jsonl") {
      if (file_index >= expanded.files.size()) return std::nullopt;
      Task t;
      t.from_walk = expanded.from_walk[file_index];
      t.source = expanded.files[file_index++];
      return t;
    }
    for (;;) {
      if (!lines_in) {
        if (file_index >= expanded.files.size()) return std::nullopt;
        lines_source = expanded.files[file_index++];
        line_no = 0;
        lines_in = lines_source == "-" ? stdin : std::fopen(lines_source.c_str(), "rb");
        if (!lines_in) {
          Task t;
          t.source = lines_source;
          t.error = std::strerror(errno);
          return t;
        }
      }
      char* buf = nullptr;
      std::size_t cap = 0;
      ssize_t n = getline(&buf, &cap, lines_in);
      if (n < 0) {
        std::free(buf);
        if (lines_in != stdin) std::fclose(lines_in);
        lines_in = nullptr;
        continue;
      }
      ++line_no;
      Task t;
      t.is_record = true;
      t.source = fmt::format("{}:{}", lines_source, line_no);
      t.line.assign(buf, static_cast<std::size_t>(n));
      std::free(buf);
      while (!t.line.empty() && (t.line.back() == '\n' || t.line.back() == '\r')) t.line.pop_back();
      return t;
    }
  };

  // A task's document, read or parsed; nullopt when the result is already
  // complete (an error, a skipped file, --dump-text).
  auto prepare = [&](const Task& t, TaskResult& r) -> std::optional<Document> {
    InputResult in;
    if (t.error) {
      in.error = *t.error;
    } else if (t.is_record) {
      in = parse_record(t.line, o.max_size);
      if (in.document) in.document->source = t.source;
    } else {
      in = read_document(t.source, o.max_size);
    }
    if (!in.document && t.from_walk && in.error.rfind("binary file", 0) == 0) {
      // Images, archives and the like found while walking a folder are
      // skipped, not failures; a binary file named explicitly is an error.
      r.skipped = true;
      if (!o.quiet) r.output = for_stderr(fmt::format("note: skipped {}: {}", t.source, in.error));
      return std::nullopt;
    }
    if (!in.document) {
      r.failed = true;
      r.output = sink->format_error(t.source, in.id, in.error);
      // Shown on stderr as well, so that the terminal says what went wrong.
      r.output.insert(0, for_stderr(fmt::format("{}: {}", t.source, in.error)));
      return std::nullopt;
    }
    Document& doc = *in.document;
    if (o.dump_text) {
      for (const auto& w : doc.read_warnings) r.output += for_stderr(fmt::format("{}: warning: {}", t.source, w));
      r.output += doc.text;
      if (!r.output.empty() && r.output.back() != '\n') r.output += '\n';
      return std::nullopt;
    }
    if (doc.language_hint.empty()) doc.language_hint = lang;
    if (!doc.published_hint) doc.published_hint = date;
    return std::move(in.document);
  };
  auto emit = [&](const Task& t, const Document& doc, Record& rec, TaskResult& r) {
    filter_types(rec, o.types);
    r.facts = rec.facts.size();
    r.deals = rec.deals.size();
    r.bytes = doc.text.size();
    for (const auto& w : rec.warnings) r.output += for_stderr(fmt::format("{}: warning: {}", t.source, w));
    r.output += sink->format_record(doc, rec);
  };
  // A chunk of tasks: the documents run through the extractor together, in
  // batches of at most kBatchBytes of text (Extractor::run_batch).
  constexpr std::size_t kBatchBytes = 4u << 20;
  auto work = [&](std::vector<Task>& tasks) -> std::vector<TaskResult> {
    std::vector<TaskResult> results(tasks.size());
    std::vector<std::pair<std::size_t, Document>> batch;
    std::size_t batch_bytes = 0;
    auto flush = [&] {
      std::vector<const Document*> docs;
      for (const auto& [i, doc] : batch) docs.push_back(&doc);
      extractor->run_batch(docs, RunOptions{o.explain, o.max_matches}, [&](std::size_t k, Record& rec) {
        emit(tasks[batch[k].first], batch[k].second, rec, results[batch[k].first]);
      });
      batch.clear();
      batch_bytes = 0;
    };
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      if (g_interrupted) {  // the rest of the chunk is not needed
        results[i].skipped = true;
        continue;
      }
      std::optional<Document> doc = prepare(tasks[i], results[i]);
      if (!doc) continue;
      batch_bytes += doc->text.size();
      batch.emplace_back(i, std::move(*doc));
      if (batch_bytes >= kBatchBytes) flush();
    }
    if (!batch.empty()) flush();
    return results;
  };

  Progress progress(!o.quiet && isatty(STDERR_FILENO) && batch, expanded.files.size(), o.input_format == "jsonl");
  auto write = [&](const TaskResult& r) -> bool {
    progress.clear();
    // Messages for stderr (for_stderr) come before the record bytes.
    std::size_t pos = 0;
    while (pos < r.output.size() && r.output[pos] == '\x01') {
      auto end = r.output.find('\x02', pos);
      print_error(r.output.substr(pos + 1, end - pos - 1));
      pos = end + 1;
    }
    if (o.dump_text) out.write(r.output.substr(pos));
    else if (!r.skipped) sink->write(r.output.substr(pos));
    progress.update(r.bytes);
    return !out.failed();
  };

  const auto started = std::chrono::steady_clock::now();
  if (!o.dump_text) sink->begin();
  // Chunks of up to 256 documents: see run_ordered_chunks and Scanner::scan_batch.
  BatchStats stats = run_ordered_chunks(jobs, 256, next, work, write, &g_interrupted);
  progress.clear();
  if (o.profile_rules && !g_interrupted) {
    print_rule_profile(extractor->scanner().profile());
    print_stage_profile(extractor->stage_profile(),
                        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
    std::fprintf(stderr, "automata rebuilt for --max-memory: %llu\n",
                 static_cast<unsigned long long>(extractor->scanner().rebuilds()));
    const std::size_t limit = extractor->scanner().memory_limit();
    std::fprintf(stderr, "memory limit: %s%s\n", limit ? fmt::format("{:.1f} MB", limit / 1048576.0).c_str() : "none",
                 o.max_memory == "auto" ? " (auto)" : "");
  }
  if (!o.dump_text) sink->finish();
  out.flush();
  if (g_interrupted) {
    if (!temp_path.empty()) std::remove(temp_path.c_str());
    print_error("interrupted");
    return 130;
  }
  if (out.closed()) {
    std::fflush(stderr);
    _exit(kExitOk);  // the reader of our output went away: not an error
  }
  if (!o.output.empty() && out_file != stdout) {
    if (std::fclose(out_file) != 0 && !out.failed()) {
      print_error(fmt::format("cannot write output: {}: {}", o.output, std::strerror(errno)));
      if (!temp_path.empty()) std::remove(temp_path.c_str());
      return kExitError;
    }
  }
  if (out.failed()) {
    print_error(fmt::format("cannot write output: {}", std::strerror(out.error_code())));
    if (!temp_path.empty()) std::remove(temp_path.c_str());
    return kExitError;
  }
  if (!temp_path.empty()) {
    if (std::rename(temp_path.c_str(), o.output.c_str()) != 0) {
      print_error(fmt::format("cannot rename {} to {}: {}", temp_path, o.output, std::strerror(errno)));
      std::remove(temp_path.c_str());
      return kExitError;
    }
    g_temp_output[0] = '\0';
  }
  any_failed |= stats.errors > 0;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!o.quiet && batch)
    print_error(fmt::format("{} documents, {} facts, {} deals, {} errors, {} skipped, {:.2f} s", stats.documents - stats.skipped,
                            stats.facts, stats.deals, stats.errors + expanded.errors.size(), stats.skipped, seconds));
  return any_failed ? kExitError : kExitOk;
}

const char* kFooter = R"(Examples:
  extract article.txt                    readable summary on a terminal, JSON Lines in a pipe
  extract --format jsonl news/ | jq .deals
  extract --date 2025-03-18 --lang id berita.txt
  extract --input-format jsonl < records.jsonl > facts.jsonl
  extract rules check rules/             validate rule files
  extract rules test                     run every rule's examples
  extract --format csv --types money,date news/ > figures.csv

Exit status: 0 success (also when no facts are found), 1 problems found by
'rules check' or 'rules test', 2 usage errors, inputs that could not be read,
or rules that do not load. Environment: EXTRACT_RULES (rules directory),
EXTRACT_CACHE_DIR (rule-set snapshots; empty: none), NO_COLOR (no colours).
Documentation: docs/ and README.md.)";

}  // namespace

int run_cli(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"extract: facts from technology-acquisition news (English and Indonesian)", "extract"};
  app.footer(kFooter);
  app.set_version_flag("-V,--version", std::string("extract ") + EXTRACT_VERSION);
  Options o;
  app.add_option("paths", o.paths,
                 "Files or folders to read ('-' or nothing = standard input). Example: extract news/");
  app.add_option("-f,--format", o.format,
                 "Output format: jsonl (one record per line; the default in a pipe), json (an indented "
                 "array), text (readable; the default on a terminal), csv or tsv (one row per fact). "
                 "Example: --format csv")
      ->check(CLI::IsMember(kChoices.at("--format")));
  app.add_option("--rules", o.rules_dir,
                 "Rules directory (default: $EXTRACT_RULES, else the rules installed with the binary). "
                 "Example: --rules ./my-rules")
      ->envname("EXTRACT_RULES");
  app.add_option("--lang", o.lang, "Document language: auto (detect), en or id. Example: --lang id")
      ->check(CLI::IsMember(kChoices.at("--lang")));
  app.add_option("--date", o.date,
                 "Publication date YYYY-MM-DD, the reference for relative dates ('last year', "
                 "'September lalu'); default: the dateline found in the text. Example: --date 2025-03-18")
      ->check([](const std::string& s) { return parse_iso_date(s) ? std::string() : "expected a date YYYY-MM-DD"; });
  app.add_option("--input-format", o.input_format,
                 "text (each file is a document) or jsonl (each line a record {\"id\",\"text\",\"published\"?,"
                 "\"lang\"?}; one output line per input line, flushed). Example: --input-format jsonl")
      ->check(CLI::IsMember(kChoices.at("--input-format")));
  app.add_option("--color", o.color, "Colours in the text view: auto, always, never (NO_COLOR is respected)")
      ->check(CLI::IsMember(kChoices.at("--color")));
  app.add_flag("--explain", o.explain,
               "Show for each fact the rule that produced it and the candidates it beat. Example: extract --explain a.txt");
  app.add_option("-j,--jobs", o.jobs, "Threads for loading the rules and for documents (default: all cores); output order never depends on it. Example: -j 2");
  app.add_option("--max-size", o.max_size,
                 "Largest document in bytes; larger inputs are reported as errors (default 64 MiB)");
  app.add_option("--max-matches", o.max_matches,
                 "Most matches of the rules in one document: N, or one per 64 bytes of a longer one (default "
                 "10000; news has a few hundred). A document with more is read for facts only up to where it has "
                 "fewer, with a warning. Bounds the memory a document dense with figures takes (about 250 bytes a "
                 "match); 0: no limit")
      ->type_name("N")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            if (all_digits(v, 9)) return {};
            return "'" + v + "' is not a number of matches up to 999999999 (0: no limit)";
          },
          "", "N"));
  app.add_flag("-q,--quiet", o.quiet, "No progress line, notes or summary line on standard error");
  app.add_option("--include", o.include,
                 "In folders, read only files matching this glob (repeatable). Example: --include '*.txt'")
      ->allow_extra_args(false);
  app.add_option("--exclude", o.exclude,
                 "In folders, skip files matching this glob (repeatable). Example: --exclude 'drafts/*'")
      ->allow_extra_args(false);
  app.add_option("-o,--output", o.output,
                 "Write to FILE, atomically: a temporary file renamed when complete. Example: -o facts.jsonl");
  app.add_flag("--dump-text", o.dump_text,
               "Print the text that offsets index (the readable text of HTML inputs) instead of facts");

  app.add_option("--types", o.types,
                 "Keep only these kinds, comma-separated: fact types (money, date, person, quote, ...) and "
                 "'deal'. Example: --types deal,money")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->type_name("KIND")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            if (v == "deal" || v == "deals") return {};
            if (const TypeInfo* t = find_type(v); t && t->emitted) return {};
            std::string known;
            for (const TypeInfo& t : known_types())
              if (t.emitted) known += std::string(t.name) + ", ";
            return "unknown kind '" + v + "' (known: " + known + "deal)";
          },
          "", "KIND"));
  app.add_flag("--pretty", o.pretty, "Indent JSON (each JSON Lines record then spans several lines)");
  app.add_flag("--no-cache", o.no_cache,
               "Load the rules from their YAML files only: no rule-set snapshot is read or written (snapshots "
               "live in $EXTRACT_CACHE_DIR, else $XDG_CACHE_HOME/extract or ~/.cache/extract; empty "
               "EXTRACT_CACHE_DIR: none)");
  app.add_option("--max-memory", o.max_memory,
                 "Heap in MB above which the rules' automata (RE2's DFA caches, which keep growing on text that "
                 "does not repeat) are dropped after a batch and built again as needed: the output is the same, "
                 "only time is spent. 'auto' (the default): 7% above the heap that each generation of automata "
                 "has after 4-6 MiB of text; 0: no limit. Example: --max-memory 48")
      ->type_name("auto|MB")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            if (v == "auto" || (all_digits(v, 7) && std::stoul(v) <= (1u << 20))) return {};
            return "'" + v + "' is neither 'auto' nor a number of MB up to 1048576 (0: no limit)";
          },
          "", "auto|MB"));
  app.add_flag("--profile-rules", o.profile_rules,
               "After the run, print each rule's scan time, the documents it ran on, those where it matched "
               "and its matches on standard error, slowest first (to find slow rules; the output is unchanged); "
               "then the time of each step of the run (language, scan, values, assembly, records)");

  auto* schema_cmd = app.add_subcommand("schema", "Print the JSON Schema of the output record");
  auto* man_cmd = app.add_subcommand("man", "Print the extract(1) manual page (roff). Example: extract man | man -l -");
  std::string shell;
  auto* completions_cmd = app.add_subcommand(
      "completions", "Print a shell completion script. Example: extract completions bash > /etc/bash_completion.d/extract");
  completions_cmd->add_option("shell", shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));

  auto* rules_cmd = app.add_subcommand("rules", "Work with rule files: check, test");
  rules_cmd->require_subcommand(1);
  std::string check_dir, test_dir;
  bool verbose = false;
  auto* check = rules_cmd->add_subcommand(
      "check", "Validate rule files; print every problem as path:line:col: message. Example: extract rules check rules/");
  check->add_option("dir", check_dir, "Rules directory (default: the rules extract uses)");
  auto* test = rules_cmd->add_subcommand(
      "test", "Run every rule's examples; ends with 'N passed, N failed'. Example: extract rules test");
  test->add_option("dir", test_dir, "Rules directory (default: the rules extract uses)");
  test->add_flag("-v,--verbose", verbose, "Also print counts");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "extract: %s\n", e.what());
    std::fprintf(stderr, "Run 'extract --help' for usage.\n");
    return kExitError;
  }
  // The first Ctrl-C stops starting new documents and removes a partial
  // --output file; a second one exits at once (still removing it).
  auto on_signal = [](int) {
    if (g_interrupted.exchange(true)) {
      if (g_temp_output[0]) unlink(g_temp_output);
      _exit(130);
    }
  };
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  if (schema_cmd->parsed()) {
    std::fputs(kRecordSchema, stdout);
    return kExitOk;
  }
  if (man_cmd->parsed()) {
    std::fputs(man_page(app, kChoices).c_str(), stdout);
    return kExitOk;
  }
  if (completions_cmd->parsed()) {
    std::fputs(completion_script(app, kChoices, shell).c_str(), stdout);
    return kExitOk;
  }
  const std::string default_dir = o.rules_dir.empty() ? default_rules_dir(argv[0]) : o.rules_dir;
  if (check->parsed()) return cmd_rules_check(check_dir.empty() ? default_dir : check_dir);
  if (test->parsed()) return cmd_rules_test(test_dir.empty() ? default_dir : test_dir, verbose);
  if (o.paths.empty() && isatty(STDIN_FILENO)) {
    std::fprintf(stderr, "%s", app.help().c_str());
    return kExitError;
  }
  return cmd_extract(o, argv[0]);
}

}  // namespace extract
