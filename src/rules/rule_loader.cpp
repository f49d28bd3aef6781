// Loading and validating rule files. Every problem becomes a diagnostic with
// the file, line and column where it is; nothing here throws to the caller.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/parallel.hpp"
#include "core/utf8.hpp"
#include "rules/rule_set.hpp"
#include "rules/token_pattern.hpp"
#include "rules/word_list.hpp"

namespace fs = std::filesystem;

namespace extract {

namespace {

const std::vector<TypeInfo> kTypes = {
    {"date", "figure", true, ValueKind::date},
    {"money", "figure", true, ValueKind::money},
    {"percent", "figure", true, ValueKind::percent},
    {"quantity", "figure", true, ValueKind::quantity},
    {"duration", "figure", true, ValueKind::duration},
    {"number", "figure", true, ValueKind::number},
    {"ignore", "figure", false},      {"organization", "entity", true},
    {"person", "entity", true},       {"product", "entity", true},
    {"place", "entity", true},        {"ignore_entity", "entity", false},
    {"role", "role", true},           {"quote", "quote", true},
    {"acquisition", "event", true},   {"purchase", "event", true},
    {"cue", "cue", false},
};

struct NormalizerInfo {
  const char* name;
  bool needs_arg;
  Normalizer kind;
};
const NormalizerInfo kNormalizers[] = {
    {"text", false, Normalizer::text},          {"int", false, Normalizer::integer},
    {"number", false, Normalizer::number},      {"number_en", false, Normalizer::number_en},
    {"number_id", false, Normalizer::number_id}, {"year", false, Normalizer::year},
    {"name", false, Normalizer::name},          {"lexicon", true, Normalizer::lexicon},
    {"numword", true, Normalizer::numword},
};

struct RawFile {
  std::string path;
  std::string lang;
  std::vector<std::string> lines;
  YAML::Node root;
};

SourcePos pos_of(const RawFile& f, const YAML::Node& n) {
  if (!n) return {f.path, 0, 0};
  const YAML::Mark m = n.Mark();
  if (m.is_null()) return {f.path, 0, 0};
  return {f.path, m.line + 1, m.column + 1};
}

// Where `needle` first appears at or after the node's line: the precise place of
// a fragment inside a pattern scalar, whatever its quoting style.
SourcePos locate(const RawFile& f, const YAML::Node& n, std::string_view needle) {
  SourcePos p = pos_of(f, n);
  if (needle.empty() || p.line == 0) return p;
  for (std::size_t l = p.line - 1; l < f.lines.size() && l < p.line - 1 + 400u; ++l) {
    std::size_t from = (l == static_cast<std::size_t>(p.line - 1)) ? p.column - 1 : 0;
    auto c = f.lines[l].find(needle, from);
    if (c != std::string::npos) return {f.path, static_cast<int>(l + 1), static_cast<int>(c + 1)};
  }
  return p;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

bool is_language_code(const std::string& s) {
  return s.size() == 2 && std::islower(static_cast<unsigned char>(s[0])) &&
         std::islower(static_cast<unsigned char>(s[1]));
}

// A missing key (`r["type"]` when there is none) is an invalid node whose
// accessors throw; it reads as "".
std::string scalar(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

// Converts a YAML node to JSON (scalars become numbers, booleans or strings).
// `budget` counts nodes: aliases can make a small file describe a huge tree
// (an "alias bomb"), so conversion stops when the budget is spent.
Json to_json(const YAML::Node& n, long& budget, int depth = 0) {
  if (--budget < 0 || depth > 64) return nullptr;
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (n.Tag() == "!") return s;  // quoted: always a string
    if (s == "true") return true;
    if (s == "false") return false;
    if (s == "null" || s == "~") return nullptr;
    char* end = nullptr;
    if (!s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) {
      long long i = std::strtoll(s.c_str(), &end, 10);
      if (end && *end == '\0') return i;
      double d = std::strtod(s.c_str(), &end);
      if (end && *end == '\0') return d;
    }
    return s;
  }
  if (n.IsSequence()) {
    Json a = Json::array();
    for (const auto& e : n) {
      if (budget < 0) break;
      a.push_back(to_json(e, budget, depth + 1));
    }
    return a;
  }
  if (n.IsMap()) {
    Json o = Json::object();
    for (const auto& kv : n) {
      if (budget < 0) break;
      o[scalar(kv.first)] = to_json(kv.second, budget, depth + 1);
    }
    return o;
  }
  return nullptr;
}

constexpr long kMaxValueNodes = 100000;

// The word lists a unit written as a mapping may have (rule_set.hpp, Unit),
// and every key of such a mapping, for messages.
struct UnitList {
  const char* key;
  const Lexicon* Unit::*member;
};
constexpr UnitList kUnitLists[] = {
    {"not_first", &Unit::not_first}, {"not_alone", &Unit::not_alone}, {"breaks", &Unit::breaks}, {"last", &Unit::last}};
constexpr const char* kUnitKeys = "pattern, not_first, not_alone, breaks, last, phrases";

class Loader {
 public:
  Loader(Diagnostics& diags, const LoadOptions& opts) : diags_(&diags), opts_(opts) {}

  RuleSet run(const std::string& dir) {
    set_.root = dir;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      diags_->error({dir, 0, 0}, "rules directory not found (set --rules DIR or EXTRACT_RULES)");
      return std::move(set_);
    }
    std::vector<fs::path> paths;
    for (const std::string& p : rule_file_paths(dir)) paths.emplace_back(p);
    // Files are parsed in parallel (YAML parsing is a third of the load),
    // the largest first so that no thread is left with a long one at the
    // end, then taken in path order with their messages.
    std::vector<std::optional<RawFile>> parsed(paths.size());
    std::vector<Diagnostics> messages(paths.size());
    std::vector<std::pair<std::uintmax_t, std::size_t>> largest_first;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const std::uintmax_t size = fs::file_size(paths[i], ec);
      largest_first.emplace_back(ec ? 0 : size, i);
    }
    std::stable_sort(largest_first.begin(), largest_first.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    parallel_for(paths.size(), [&](std::size_t n) {
      const std::size_t i = largest_first[n].second;
      parsed[i] = read_file(dir, paths[i], messages[i]);
    });
    for (std::size_t i = 0; i < paths.size(); ++i) {
      diags_->append(messages[i]);
      if (parsed[i]) add_file(std::move(*parsed[i]));
    }
    return finish();
  }

 private:
  Diagnostics* diags_;  // where messages go; a rule's own buffer while it is read
  LoadOptions opts_;
  RuleSet set_;
  // The atoms of the rules' literal conditions (RuleSet::prefilter_atoms):
  // their patterns' first (compile_pending), then their contexts' (finish_rule).
  AtomIndex atoms_;
  std::size_t min_atom_length() const { return static_cast<std::size_t>(std::max(1, opts_.min_atom_length)); }
  std::vector<RawFile> files_;
  struct PatternDef {
    std::string source;
    const RawFile* file;
    YAML::Node node;
  };
  std::map<std::string, PatternDef> patterns_;
  std::map<std::string, PatternDef> token_defs_;  // token_patterns:
  std::vector<std::pair<std::string, PatternDef>> regexes_;  // in file order
  std::map<std::string, std::string> expanded_;
  std::map<const Lexicon*, std::string> alternations_;
  WordList::Built word_lists_;
  TokenLexicon::Built token_lexicons_;
  // The valid regexes compiled so far, by text: a context many rules share
  // and a token rule's `/regex/` (TokenPattern::Env::regexes) compile once.
  std::map<std::string, std::shared_ptr<const RE2>> shared_regexes_;
  WordShape::Known shared_shapes_;  // (TokenPattern::Env::shapes)
  // Units by name (index into set_.units); while a rule's pattern is
  // expanded, unit_refs_ collects the units it uses and each becomes
  // kUnitMarkPattern (elsewhere a unit is expanded in full). Sub-patterns
  // expanded that way are kept apart, with the units they use.
  std::map<std::string, std::size_t> unit_index_;
  std::map<std::string, PatternDef> unit_defs_;
  // A unit's word lists (kUnitLists): where each goes, and the lexicon's name.
  std::map<std::string, std::vector<std::pair<const Lexicon* Unit::*, PatternDef>>> unit_lexicons_;
  std::set<std::string>* unit_refs_ = nullptr;
  // Phrases (Unit::phrases) by name: the unit that declares them, their place
  // in its declaration, their lexicon; each compiled once, when a rule first
  // uses it. A rule's unit_refs_ hold the phrases it uses too (names are
  // unique across units, phrases and the rest).
  struct PhraseDef {
    std::string unit;
    std::size_t order;
    PatternDef lexicon;
    std::optional<Unit::Phrase> compiled;
  };
  std::map<std::string, PhraseDef> phrase_defs_;
  std::map<std::string, std::pair<std::string, std::set<std::string>>> expanded_marked_;
  // A unit's or phrase's mark as a token pattern (a quoted text), by name.
  std::map<std::string, std::string> mark_sources_;
  std::map<std::string, SourcePos> rule_ids_;

  void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn) const {
    extract::parallel_for(thread_count(opts_.threads), n, fn);
  }

  // Reads and parses one rule file; problems go to `d`. Touches no loader
  // state, so files can be read on several threads.
  std::optional<RawFile> read_file(const std::string& dir, const fs::path& p, Diagnostics& d) const {
    const std::string path = p.string();
    std::error_code ec;
    auto size = fs::file_size(p, ec);
    if (ec) {
      d.error({path, 0, 0}, "cannot read rule file: " + ec.message());
      return std::nullopt;
    }
    if (size > opts_.max_file_size) {
      d.error({path, 0, 0}, fmt::format("rule file is {} bytes, over the limit of {} bytes",
                                             size, opts_.max_file_size));
      return std::nullopt;
    }
    std::ifstream in(p, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      d.error({path, 0, 0}, "cannot read rule file");
      return std::nullopt;
    }
    auto rel = fs::relative(p, dir, ec);
    auto top = rel.begin() != rel.end() ? rel.begin()->string() : std::string();
    const bool lang_folder = std::distance(rel.begin(), rel.end()) > 1 && is_language_code(top);
    return parse_text(path, lang_folder ? top : std::string(), text, d);
  }

 public:
  // Parses one rule file's text (already read) as if found at `path`.
  std::optional<RawFile> parse_text(const std::string& path, const std::string& lang, const std::string& text,
                                    Diagnostics& d) const {
    if (text.size() > opts_.max_file_size) {
      d.error({path, 0, 0}, fmt::format("rule file is {} bytes, over the limit of {} bytes",
                                             text.size(), opts_.max_file_size));
      return std::nullopt;
    }
    if (auto bad = find_invalid_utf8(text)) {
      auto before = std::string_view(text).substr(0, *bad);
      int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
      auto nl = before.rfind('\n');
      int col = static_cast<int>(*bad - (nl == std::string_view::npos ? 0 : nl + 1)) + 1;
      d.error({path, line, col}, "rule file is not valid UTF-8");
      return std::nullopt;
    }
    RawFile f;
    f.path = path;
    f.lang = lang;
    f.lines = split_lines(text);
    try {
      f.root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      int line = e.mark.is_null() ? 0 : e.mark.line + 1;
      int col = e.mark.is_null() ? 0 : e.mark.column + 1;
      std::string msg = e.msg;
      if (msg == "bad file" || msg.find("depth") != std::string::npos) msg = "nesting too deep or unreadable: " + msg;
      d.error({path, line, col}, "YAML syntax: " + msg);
      return std::nullopt;
    } catch (const std::exception& e) {
      d.error({path, 0, 0}, std::string("YAML: ") + e.what());
      return std::nullopt;
    }
    if (f.root.IsNull()) return std::nullopt;
    if (!f.root.IsMap()) {
      d.error(pos_of(f, f.root), "a rule file must be a mapping with keys patterns, lexicons, rules, language");
      return std::nullopt;
    }
    return f;
  }

  void add_file(RawFile f) {
    set_.files.push_back(f.path);
    files_.push_back(std::move(f));
  }

  // Everything after reading the files: definitions, rules, languages.
  // Rules are read in three steps so that their regexes, most of the load
  // time, compile in parallel: every rule up to its expanded pattern (its
  // messages kept in its own buffer), then all patterns at once on all
  // threads, then the rest of each rule in file order, its buffered
  // messages first. Messages come out in the order a one-pass reading gives.
  RuleSet finish() {
    set_.max_rule_mem = opts_.max_rule_mem;
    for (auto& f : files_) collect_definitions(f);
    compile_units();
    for (auto& f : files_) collect_rules(f);
    compile_pending();
    for (auto& p : pending_) {
      diags_->append(p.diags);
      if (p.file) finish_rule(p);
    }
    pending_.clear();
    set_.prefilter_atoms = atoms_.atoms();
    compile_regexes();
    check_languages();
    return std::move(set_);
  }

 private:

  void collect_definitions(const RawFile& f) {
    static const std::set<std::string> top_keys = {"patterns", "token_patterns", "units", "regexes", "lexicons", "rules", "language", "description"};
    for (const auto& kv : f.root) {
      const std::string key = scalar(kv.first);
      if (!top_keys.count(key))
        diags_->error(pos_of(f, kv.first), fmt::format("unknown top-level key '{}' (expected patterns, token_patterns, units, regexes, lexicons, rules, language)", key));
    }
    read_regex_map(f, "patterns", "sub-pattern", [&](const std::string& name, const YAML::Node& node) {
      patterns_[name] = {node.Scalar(), &f, node};
    });
    read_regex_map(f, "token_patterns", "token pattern", [&](const std::string& name, const YAML::Node& node) {
      token_defs_[name] = {node.Scalar(), &f, node};
    });
    read_regex_map(f, "units", "unit", [&](const std::string& name, const YAML::Node& node) {
      // NAME: pattern, or NAME: {pattern: ..., WORD_LIST: LEXICON} (kUnitLists). (A
      // YAML::Node is not reassigned: that would overwrite the node it refers to.)
      const YAML::Node pattern = node.IsMap() ? node["pattern"] : node;
      if (node.IsMap()) {
        for (const auto& kv : node) {
          const std::string k = scalar(kv.first);
          if (k != "pattern" && k != "phrases" && std::none_of(std::begin(kUnitLists), std::end(kUnitLists),
                                             [&](const UnitList& l) { return k == l.key; }))
            diags_->error(pos_of(f, kv.first), fmt::format("unit '{}': unknown key '{}' (expected {})", name, k, kUnitKeys));
        }
        if (!pattern || !pattern.IsScalar()) {
          diags_->error(pos_of(f, node), fmt::format("unit '{}' needs 'pattern' (a string)", name));
          return;
        }
        for (const UnitList& list : kUnitLists)
          if (const auto& l = node[list.key]) unit_lexicons_[name].push_back({list.member, {scalar(l), &f, l}});
        if (const auto& phrases = node["phrases"]) read_phrases(f, name, phrases);
      }
      unit_defs_[name] = {pattern.Scalar(), &f, pattern};
      unit_index_[name] = set_.units.size();
      set_.units.push_back(Unit{name, pos_of(f, pattern), {}, nullptr});
    }, kUnitKeys);
    read_regex_map(f, "regexes", "regex", [&](const std::string& name, const YAML::Node& node) {
      if (node.IsScalar()) {
        regexes_.push_back({name, {node.Scalar(), &f, node}});
        return;
      }
      // NAME: {pattern: ..., examples: [...]}
      for (const auto& kv : node) {
        const std::string k = scalar(kv.first);
        if (k != "pattern" && k != "examples")
          diags_->error(pos_of(f, kv.first), fmt::format("regex '{}': unknown key '{}' (expected pattern, examples)", name, k));
      }
      const YAML::Node pattern = node["pattern"];
      if (!pattern || !pattern.IsScalar()) {
        diags_->error(pos_of(f, node), fmt::format("regex '{}' needs 'pattern' (a string)", name));
        return;
      }
      regexes_.push_back({name, {pattern.Scalar(), &f, pattern}});
      if (const auto& ex = node["examples"])
        load_examples(f, fmt::format("regex '{}'", name), set_.regex_examples[name], ex);
    }, "pattern, examples");
    if (const auto& lexs = f.root["lexicons"]) {
      if (!lexs.IsMap()) {
        diags_->error(pos_of(f, lexs), "'lexicons' must be a mapping of NAME: {entries: ...}");
      } else {
        for (const auto& kv : lexs) load_lexicon(f, scalar(kv.first), kv.first, kv.second);
      }
    }
    if (const auto& lang = f.root["language"]) {
      if (!lang.IsMap() || !lang["code"] || !lang["stopwords"]) {
        diags_->error(pos_of(f, lang), "'language' must be a mapping with 'code' and 'stopwords' (a lexicon name)");
      } else {
        set_.languages.push_back({scalar(lang["code"]), scalar(lang["stopwords"])});
        language_pos_.push_back(pos_of(f, lang["stopwords"]));
      }
    }
  }
  std::vector<SourcePos> language_pos_;

  // The `NAME: regex` entries of the section `key` (`patterns`, `regexes`),
  // each new name handed to `add`; `what` names an entry in messages.
  // With `mapping_keys` ("pattern, examples"), an entry may also be a
  // mapping with those keys (handed to `add`, which checks them).
  void read_regex_map(const RawFile& f, const char* key, const char* what,
                      const std::function<void(const std::string&, const YAML::Node&)>& add,
                      const char* mapping_keys = nullptr) {
    const auto& section = f.root[key];
    if (!section) return;
    if (!section.IsMap()) {
      diags_->error(pos_of(f, section), fmt::format("'{}' must be a mapping of NAME: regex", key));
      return;
    }
    for (const auto& kv : section) {
      const std::string name = scalar(kv.first);
      if (!valid_name(name)) {
        diags_->error(pos_of(f, kv.first), fmt::format("invalid {} name '{}' (letters, digits, _)", what, name));
        continue;
      }
      if (!kv.second.IsScalar() && !(mapping_keys && kv.second.IsMap())) {
        if (mapping_keys)
          diags_->error(pos_of(f, kv.second), fmt::format("{} '{}' must be a string or a mapping {{{}}}", what, name, mapping_keys));
        else
          diags_->error(pos_of(f, kv.second), fmt::format("{} '{}' must be a string", what, name));
        continue;
      }
      if (!defined_at(name, pos_of(f, kv.first))) add(name, kv.second);
    }
  }

  // The `regexes:` that the program reads by name (RuleSet::regex): each one
  // expanded and compiled alone, once; an invalid one is reported at its
  // place and left out.
  void compile_regexes() {
    for (const auto& [name, def] : regexes_) {
      std::vector<std::string> stack;
      auto expanded = expand(def.source, *def.file, def.node, stack);
      if (!expanded) continue;
      if (auto re = compile(*expanded, *def.file, def.node, fmt::format("regex '{}'", name)))
        set_.regexes.emplace(name, std::move(re));
    }
  }

  // `phrases: {NAME: lexicon}` of a unit. Their names share the space of
  // every other name (patterns, units, lexicons).
  void read_phrases(const RawFile& f, const std::string& unit, const YAML::Node& phrases) {
    if (!phrases.IsMap()) {
      diags_->error(pos_of(f, phrases), fmt::format("unit '{}': 'phrases' must be a mapping of NAME: lexicon", unit));
      return;
    }
    std::size_t order = 0;
    for (const auto& kv : phrases) {
      const std::string name = scalar(kv.first);
      if (!valid_name(name)) {
        diags_->error(pos_of(f, kv.first), fmt::format("invalid phrase name '{}' (letters, digits, _)", name));
        continue;
      }
      if (!kv.second.IsScalar()) {
        diags_->error(pos_of(f, kv.second), fmt::format("phrase '{}' must name a lexicon", name));
        continue;
      }
      if (defined_at(name, pos_of(f, kv.first))) continue;
      phrase_defs_[name] = PhraseDef{unit, order++, {kv.second.Scalar(), &f, kv.second}, std::nullopt};
    }
  }

  // A phrase's lexicon and pattern, compiled on first use; null (with a
  // message, once) when the lexicon is unknown or the pattern does not compile.
  const Unit::Phrase* phrase(const std::string& name) {
    PhraseDef& def = phrase_defs_.at(name);
    if (!def.compiled) {
      Unit::Phrase p{name, def.lexicon.source, {}, nullptr, def.order};
      if (const Lexicon* lex = set_.lexicon(def.lexicon.source)) {
        p.pattern = "\\b(?:" + alternation(*lex) + ")\\b";
        p.regex = compile(p.pattern, *def.lexicon.file, def.lexicon.node, fmt::format("phrase '{}'", name));
        if (p.regex && RE2::FullMatch("", *p.regex)) {
          diags_->error(pos_of(*def.lexicon.file, def.lexicon.node), fmt::format("phrase '{}' can match the empty string", name));
          p.regex = nullptr;
        }
      } else {
        diags_->error(pos_of(*def.lexicon.file, def.lexicon.node),
                      fmt::format("phrase '{}': unknown lexicon '{}'", name, def.lexicon.source));
      }
      def.compiled = std::move(p);
    }
    return def.compiled->regex ? &*def.compiled : nullptr;
  }

  // The unit a rule runs on when it uses `phrases` of unit `base`: a variant
  // named "BASE+PHRASE+...", made once (Unit::phrases); -1 when a phrase
  // does not compile (reported with the phrase).
  int unit_variant(std::size_t base, const std::vector<std::string>& phrases) {
    std::vector<std::string> ordered = phrases;
    std::sort(ordered.begin(), ordered.end(),
              [&](const std::string& a, const std::string& b) { return phrase_defs_.at(a).order < phrase_defs_.at(b).order; });
    std::string key = set_.units[base].name;
    for (const auto& p : ordered) key += "+" + p;
    if (auto it = unit_index_.find(key); it != unit_index_.end()) return static_cast<int>(it->second);
    Unit variant = set_.units[base];
    variant.name = key;
    variant.base = static_cast<int>(base);
    for (const auto& p : ordered) {
      const Unit::Phrase* compiled = phrase(p);
      if (!compiled) return -1;
      variant.phrases.push_back(*compiled);
    }
    unit_index_[key] = set_.units.size();
    set_.units.push_back(std::move(variant));
    return static_cast<int>(set_.units.size() - 1);
  }

  // Each unit expanded in full (a unit inside a unit is an error) and
  // compiled alone; one that does not compile or can match the empty string
  // is reported, and rules that use it are left out.
  void compile_units() {
    for (Unit& u : set_.units) {
      const PatternDef& def = unit_defs_.at(u.name);
      std::vector<std::string> stack{u.name};
      auto expanded = expand(def.source, *def.file, def.node, stack);
      if (!expanded) continue;
      auto re = compile(*expanded, *def.file, def.node, fmt::format("unit '{}'", u.name));
      if (!re) continue;
      if (RE2::FullMatch("", *re)) {
        diags_->error(pos_of(*def.file, def.node), fmt::format("unit '{}' can match the empty string", u.name));
        continue;
      }
      u.pattern = *expanded;
      u.regex = std::move(re);
      for (const auto& list : unit_lexicons_[u.name]) {
        const auto member = list.first;  // no structured binding: lambdas below capture it (clang, C++17)
        const PatternDef& def = list.second;
        u.*member = set_.lexicon(def.source);
        if (!(u.*member)) {
          const char* key = std::find_if(std::begin(kUnitLists), std::end(kUnitLists),
                                         [&](const UnitList& l) { return l.member == member; })->key;
          diags_->error(pos_of(*def.file, def.node),
                        fmt::format("unit '{}': unknown lexicon '{}' for {}", u.name, def.source, key));
          u.regex = nullptr;
        }
      }
    }
  }

  void check_languages() {
    for (std::size_t i = 0; i < set_.languages.size(); ++i)
      if (!set_.lexicon(set_.languages[i].stopwords))
        diags_->error(language_pos_[i], fmt::format("unknown lexicon '{}'", set_.languages[i].stopwords));
  }

  static bool valid_name(const std::string& name) {
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
  }

  std::map<std::string, SourcePos> names_;
  // Sub-patterns and lexicons share one namespace (both are used as %{NAME}).
  bool defined_at(const std::string& name, const SourcePos& pos) {
    auto it = names_.find(name);
    if (it != names_.end()) {
      diags_->error(pos, fmt::format("duplicate name '{}' (first defined at {}:{}:{})", name,
                                    it->second.path, it->second.line, it->second.column));
      return true;
    }
    names_.emplace(name, pos);
    return false;
  }

  void load_lexicon(const RawFile& f, const std::string& name, const YAML::Node& key, const YAML::Node& node) {
    if (!valid_name(name)) {
      diags_->error(pos_of(f, key), fmt::format("invalid lexicon name '{}' (letters, digits, _)", name));
      return;
    }
    if (!node.IsMap() || !node["entries"]) {
      diags_->error(pos_of(f, node), fmt::format("lexicon '{}' needs 'entries'", name));
      return;
    }
    if (defined_at(name, pos_of(f, key))) return;
    Lexicon lex;
    lex.name = name;
    lex.pos = pos_of(f, key);
    if (const auto& c = node["case"]) {
      const std::string v = scalar(c);
      if (v == "sensitive") lex.case_insensitive = false;
      else if (v != "insensitive")
        diags_->error(pos_of(f, c), "lexicon 'case' must be 'sensitive' or 'insensitive'");
    }
    const auto& entries = node["entries"];
    auto add_form = [&](const YAML::Node& form_node, const Json& value, const Json& attrs) {
      const std::string form = scalar(form_node);
      if (Lexicon::fold(form, false).empty()) {
        diags_->error(pos_of(f, form_node), fmt::format("empty form in lexicon '{}'", name));
        return;
      }
      if (const Json* prev = lex.lookup(form); prev && *prev != value)
        diags_->error(pos_of(f, form_node),
                     fmt::format("form '{}' of lexicon '{}' is listed with two different values", form, name));
      lex.add(form, value, attrs);
    };
    if (entries.IsMap()) {
      // Short form: `form: value`.
      for (const auto& kv : entries) {
        long budget = 1000;
        add_form(kv.first, to_json(kv.second, budget), Json::object());
      }
    } else if (entries.IsSequence()) {
      for (const auto& e : entries) {
        if (e.IsScalar()) {  // a bare form is its own value
          add_form(e, e.Scalar(), Json::object());
          continue;
        }
        if (!e.IsMap() || !e["value"] || !e["forms"] || !e["forms"].IsSequence()) {
          diags_->error(pos_of(f, e), fmt::format("lexicon '{}' entry needs 'value' and a list 'forms'", name));
          continue;
        }
        long budget = 1000;
        Json value = to_json(e["value"], budget);
        Json attrs = Json::object();
        for (const auto& kv : e) {
          const std::string k = scalar(kv.first);
          if (k != "value" && k != "forms") attrs[k] = to_json(kv.second, budget);
        }
        for (const auto& form : e["forms"]) add_form(form, value, attrs);
      }
    } else {
      diags_->error(pos_of(f, entries), fmt::format("lexicon '{}': 'entries' must be a mapping or a list", name));
      return;
    }
    set_.lexicons.emplace(name, std::move(lex));
  }

  // Expands %{NAME} references; `where` locates errors.
  std::optional<std::string> expand(const std::string& source, const RawFile& f, const YAML::Node& node,
                                    std::vector<std::string>& stack) {
    std::string out;
    std::size_t i = 0;
    bool ok = true;
    while (i < source.size()) {
      auto p = source.find("%{", i);
      if (p == std::string::npos) {
        out.append(source, i, std::string::npos);
        break;
      }
      out.append(source, i, p - i);
      auto close = source.find('}', p);
      if (close == std::string::npos) {
        diags_->error(locate(f, node, "%{"), "unterminated sub-pattern reference '%{'");
        return std::nullopt;
      }
      const std::string name = source.substr(p + 2, close - p - 2);
      const std::string ref = "%{" + name + "}";
      i = close + 1;
      if (std::find(stack.begin(), stack.end(), name) != stack.end()) {
        std::string cycle;
        for (const auto& s : stack) cycle += s + " -> ";
        diags_->error(locate(f, node, ref), fmt::format("sub-pattern cycle: {}{}", cycle, name));
        return std::nullopt;
      }
      if (auto lex = set_.lexicons.find(name); lex != set_.lexicons.end()) {
        out += alternation(lex->second);
        continue;
      }
      if (auto unit = unit_defs_.find(name); unit != unit_defs_.end()) {
        for (const auto& s : stack)
          if (unit_defs_.count(s)) {
            diags_->error(locate(f, node, ref), fmt::format("unit '{}' uses unit '{}'; units cannot contain units", s, name));
            return std::nullopt;
          }
        if (unit_refs_) {
          unit_refs_->insert(name);
          out += kUnitMarkPattern;
          continue;
        }
        stack.push_back(name);
        auto inner = expand(unit->second.source, *unit->second.file, unit->second.node, stack);
        stack.pop_back();
        if (!inner) return std::nullopt;
        out += "(?:" + *inner + ")";
        continue;
      }
      if (auto ph = phrase_defs_.find(name); ph != phrase_defs_.end()) {
        // As a mark where the rule runs on its unit's copy; elsewhere (inside
        // a unit, or a regex of `regexes:`), the lexicon it names.
        if (unit_refs_) {
          unit_refs_->insert(name);
          out += phrase_mark_pattern(ph->second.order);
          continue;
        }
        const Lexicon* lex = set_.lexicon(ph->second.lexicon.source);
        if (!lex) {
          diags_->error(locate(f, node, ref), fmt::format("phrase '{}': unknown lexicon '{}'", name, ph->second.lexicon.source));
          return std::nullopt;
        }
        out += alternation(*lex);
        continue;
      }
      auto def = patterns_.find(name);
      if (def == patterns_.end()) {
        diags_->error(locate(f, node, ref), fmt::format("unknown sub-pattern '{}'", ref));
        ok = false;
        continue;
      }
      if (unit_refs_) {  // units as marks: kept apart from the full expansions
        auto done = expanded_marked_.find(name);
        if (done == expanded_marked_.end()) {
          std::set<std::string>* outer = unit_refs_;
          std::set<std::string> used;
          unit_refs_ = &used;
          stack.push_back(name);
          auto inner = expand(def->second.source, *def->second.file, def->second.node, stack);
          stack.pop_back();
          unit_refs_ = outer;
          if (!inner) return std::nullopt;
          done = expanded_marked_.emplace(name, std::make_pair(*inner, std::move(used))).first;
        }
        unit_refs_->insert(done->second.second.begin(), done->second.second.end());
        out += "(?:" + done->second.first + ")";
        continue;
      }
      auto done = expanded_.find(name);
      if (done != expanded_.end()) {
        out += "(?:" + done->second + ")";
        continue;
      }
      stack.push_back(name);
      auto inner = expand(def->second.source, *def->second.file, def->second.node, stack);
      stack.pop_back();
      if (!inner) return std::nullopt;
      expanded_[name] = *inner;
      out += "(?:" + *inner + ")";
    }
    if (!ok) return std::nullopt;
    return out;
  }

  RE2::Options regex_options() const { return rule_regex_options(opts_.max_rule_mem); }

  // A context pattern, or a rule pattern that did not compile (compiled
  // again for the message); nullptr with a message when it is not valid.
  // `shared`: the same text compiled once per load (contexts; never a
  // rule's own pattern, whose automaton is the rule's alone, docs/
  // performance.md "Decisions").
  std::shared_ptr<const RE2> compile(const std::string& pattern, const RawFile& f, const YAML::Node& node,
                                     const std::string& what, bool shared = false) {
    if (shared) {
      if (auto it = shared_regexes_.find(pattern); it != shared_regexes_.end()) return it->second;
    }
    auto re = std::make_shared<const RE2>(pattern, regex_options());
    if (re->ok()) return shared ? shared_regexes_.emplace(pattern, re).first->second : re;
    const std::string arg = re->error_arg();
    // RE2 reports "(?<" for both lookbehind and .NET-style named groups; look
    // at what follows in the pattern to tell them apart.
    std::string next;
    if (auto at = pattern.find(arg); at != std::string::npos && at + arg.size() < pattern.size())
      next = pattern.substr(at + arg.size(), 1);
    std::string msg = fmt::format("{}: invalid RE2 pattern: {} at '{}'", what, re->error(), arg);
    if (arg.rfind("(?<=", 0) == 0 || arg.rfind("(?<!", 0) == 0 || (arg == "(?<" && (next == "=" || next == "!")))
      msg = fmt::format("{}: lookbehind '{}' is not supported by RE2; use context: not_before/before", what, arg + next);
    else if (arg.rfind("(?=", 0) == 0 || arg.rfind("(?!", 0) == 0)
      msg = fmt::format("{}: lookahead '{}' is not supported by RE2; use context: after/not_after", what, arg);
    else if (arg.rfind("(?>", 0) == 0)
      msg = fmt::format("{}: atomic group '{}' is not supported by RE2", what, arg);
    else if (arg.rfind("(?<", 0) == 0)
      msg = fmt::format("{}: named groups are written (?P<name>...) in RE2, not '{}'", what, arg);
    else if (arg.size() == 2 && arg[0] == '\\' && std::isdigit(static_cast<unsigned char>(arg[1])))
      msg = fmt::format("{}: backreference '{}' is not supported by RE2", what, arg);
    else if (re->error_code() == RE2::ErrorPatternTooLarge)
      msg = fmt::format("{}: pattern too large: it needs more than the RE2 memory budget of {} bytes",
                        what, opts_.max_rule_mem);
    diags_->error(locate(f, node, arg.substr(0, 40)), msg);
    return nullptr;
  }

  // A rule read up to its pattern, waiting for the regex.
  struct PendingRule {
    Diagnostics diags;        // its messages so far
    const RawFile* file = nullptr;  // set once the pattern is ready to compile (else only messages)
    YAML::Node node, pattern_node;
    Rule rule;
    bool ok = true;
    std::shared_ptr<const RE2> regex;  // the compiled pattern; null: it did not compile
    std::vector<std::string> atoms;    // the atoms its condition (rule.needs) refers to
  };
  std::vector<PendingRule> pending_;

  void collect_rules(const RawFile& f) {
    const auto& rules = f.root["rules"];
    if (!rules) return;
    if (!rules.IsSequence()) {
      pending_.emplace_back();
      pending_.back().diags.error(pos_of(f, rules), "'rules' must be a list");
      return;
    }
    for (const auto& r : rules) {
      pending_.emplace_back();
      PendingRule& p = pending_.back();
      Diagnostics* saved = diags_;
      diags_ = &p.diags;
      load_rule(f, r, p);
      diags_ = saved;
    }
  }

  // Compiles the pending rules' patterns on all threads, the largest first
  // so that no thread is left with a long one at the end, each with the
  // literal condition of its pattern (rules/literals.hpp); then joins the
  // conditions' atoms into one index, in file order.
  void compile_pending() {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < pending_.size(); ++i)
      if (pending_[i].file && !pending_[i].rule.tokens) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return pending_[a].rule.pattern.size() > pending_[b].rule.pattern.size();
    });
    parallel_for(order.size(), [&](std::size_t n) {
      PendingRule& p = pending_[order[n]];
      auto re = std::make_shared<const RE2>(p.rule.pattern, regex_options());
      if (!re->ok()) return;
      p.regex = std::move(re);
      AtomIndex local;
      p.rule.needs = LiteralCondition::of_pattern(p.rule.pattern, min_atom_length(), local);
      p.atoms = local.atoms();
    });
    for (PendingRule& p : pending_) {
      if (!p.regex) continue;
      p.rule.needs.reindex(p.atoms, atoms_);
      p.atoms.clear();
    }
  }

  void load_rule(const RawFile& f, const YAML::Node& r, PendingRule& pending) {
    static const std::set<std::string> keys = {"id", "type", "pattern", "priority", "lang", "group",
                                               "fields", "value", "context", "examples", "dateline",
                                               "emit", "description", "case", "tokens"};
    if (!r.IsMap()) {
      diags_->error(pos_of(f, r), "a rule must be a mapping");
      return;
    }
    bool ok = true;
    for (const auto& kv : r) {
      if (!keys.count(scalar(kv.first))) {
        diags_->error(pos_of(f, kv.first), fmt::format("unknown rule key '{}'", scalar(kv.first)));
        ok = false;
      }
    }
    Rule rule;
    rule.pos = pos_of(f, r);
    rule.id = scalar(r["id"]);
    if (rule.id.empty()) {
      diags_->error(pos_of(f, r), "rule without 'id'");
      return;
    }
    if (!std::all_of(rule.id.begin(), rule.id.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        })) {
      diags_->error(pos_of(f, r["id"]), fmt::format("invalid rule id '{}' (letters, digits, . _ -)", rule.id));
      ok = false;
    }
    if (auto it = rule_ids_.find(rule.id); it != rule_ids_.end()) {
      diags_->error(pos_of(f, r["id"]), fmt::format("duplicate rule id '{}' (first defined at {}:{}:{})", rule.id,
                                                   it->second.path, it->second.line, it->second.column));
      return;
    }
    rule_ids_.emplace(rule.id, pos_of(f, r["id"]));
    rule.type = scalar(r["type"]);
    const TypeInfo* type = find_type(rule.type);
    if (!type) {
      std::string names;
      for (const auto& t : kTypes) names += std::string(names.empty() ? "" : ", ") + t.name;
      diags_->error(r["type"] ? pos_of(f, r["type"]) : rule.pos,
                   fmt::format("rule '{}': unknown type '{}' (known: {})", rule.id, rule.type, names));
      ok = false;
    } else {
      rule.group = type->group;
      rule.emit = type->emitted;
      rule.value_kind = type->value;
    }
    if (r["group"]) rule.group = scalar(r["group"]);
    if (r["emit"]) rule.emit = scalar(r["emit"]) != "false";
    rule.lang = r["lang"] ? scalar(r["lang"]) : f.lang;
    rule.dateline = r["dateline"] && scalar(r["dateline"]) == "true";
    if (const auto& p = r["priority"]) {
      try {
        rule.priority = p.as<int>();
      } catch (const YAML::Exception&) {
        diags_->error(pos_of(f, p), fmt::format("rule '{}': priority must be an integer", rule.id));
        ok = false;
      }
    }
    if (const auto& v = r["value"]) {
      if (!v.IsMap()) {
        diags_->error(pos_of(f, v), fmt::format("rule '{}': 'value' must be a mapping of constant fields", rule.id));
        ok = false;
      } else {
        long budget = kMaxValueNodes;
        rule.constants = to_json(v, budget);
        if (budget < 0) {
          diags_->error(pos_of(f, v), fmt::format("rule '{}': 'value' is too large or too deeply nested (aliases?)", rule.id));
          ok = false;
        }
      }
    }
    if (const auto& tokens = r["tokens"]) {
      if (r["pattern"]) {
        diags_->error(pos_of(f, tokens), fmt::format("rule '{}' has both 'pattern' and 'tokens'; give one", rule.id));
        return;
      }
      if (r["case"]) {
        diags_->error(pos_of(f, r["case"]), fmt::format("rule '{}': 'case' is for a 'pattern' (a token rule's words and lexicons say their own case)", rule.id));
        return;
      }
      if (!tokens.IsScalar() || tokens.Scalar().empty()) {
        diags_->error(pos_of(f, tokens), fmt::format("rule '{}': 'tokens' must be a token pattern (a string)", rule.id));
        return;
      }
      if (!compile_tokens(f, tokens, rule)) return;
      pending.file = &f;
      pending.node = r;
      pending.pattern_node = tokens;
      pending.ok = ok;
      pending.rule = std::move(rule);
      return;
    }
    const auto& pattern = r["pattern"];
    if (!pattern || !pattern.IsScalar() || pattern.Scalar().empty()) {
      diags_->error(pos_of(f, pattern ? pattern : r), fmt::format("rule '{}' needs a 'pattern' (or 'tokens')", rule.id));
      return;
    }
    std::vector<std::string> stack;
    std::set<std::string> units;
    unit_refs_ = &units;
    auto expanded = expand(pattern.Scalar(), f, pattern, stack);
    unit_refs_ = nullptr;
    if (!expanded) return;
    if (!assign_unit(f, pattern, std::move(units), rule)) return;
    std::string prefix = (r["case"] && scalar(r["case"]) == "insensitive") ? "(?i)" : "";
    rule.pattern = prefix + *expanded;
    if (prefix.empty()) find_word_list(pattern.Scalar(), rule);
    pending.file = &f;
    pending.node = r;
    pending.pattern_node = pattern;
    pending.ok = ok;
    pending.rule = std::move(rule);
  }

  // The unit a rule runs on, from the units and phrases its pattern named
  // (`names`); false when it cannot run (reported).
  bool assign_unit(const RawFile& f, const YAML::Node& pattern, std::set<std::string> names, Rule& rule) {
    // A phrase stands for its unit too (Unit::phrases).
    std::vector<std::string> phrases;
    for (auto it = names.begin(); it != names.end();) {
      if (!phrase_defs_.count(*it)) {
        ++it;
        continue;
      }
      phrases.push_back(*it);
      it = names.erase(it);
    }
    for (const auto& p : phrases) names.insert(phrase_defs_.at(p).unit);
    if (names.size() > 1) {
      diags_->error(pos_of(f, pattern), fmt::format("rule '{}' uses the units '{}' and '{}'; a rule can use one unit",
                                                   rule.id, *names.begin(), *std::next(names.begin())));
      return false;
    }
    if (names.size() == 1) {
      rule.unit = static_cast<int>(unit_index_.at(*names.begin()));
      if (!set_.units[rule.unit].regex) return false;  // reported with the unit
      if (!phrases.empty()) {
        rule.unit = unit_variant(static_cast<std::size_t>(rule.unit), phrases);
        if (rule.unit < 0) return false;  // reported with the phrase
      }
    }
    return true;
  }

  // A rule whose pattern is one lexicon between word boundaries gets the
  // WordList that stands in for it (rules/word_list.hpp), when there is one.
  // The expanded pattern is compared too, so that the name is the lexicon's.
  // Rules that use the same lexicon share its WordList.
  void find_word_list(const std::string& source, Rule& rule) {
    static const RE2 kWordListPattern(R"(\\b\(\?P<(\w+)>%\{(\w+)\}\)\\b)");
    std::string group, name;
    if (!RE2::FullMatch(source, kWordListPattern, &group, &name)) return;
    const Lexicon* lexicon = set_.lexicon(name);
    if (!lexicon || rule.pattern != "\\b(?P<" + group + ">" + alternation(*lexicon) + ")\\b") return;
    if (auto words = WordList::of(*lexicon, word_lists_)) {
      rule.word_list = name;
      rule.words = std::move(words);
    }
  }

  // A token rule's pattern (rules/token_pattern.hpp): its lexicons as
  // TokenLexicons (one per lexicon and load), the `%{NAME}` references of
  // its regexes expanded as in a pattern.
  bool compile_tokens(const RawFile& f, const YAML::Node& node, Rule& rule) {
    TokenPattern::Env env;
    env.regexes = &shared_regexes_;
    env.shapes = &shared_shapes_;
    env.lexicon = [&](const std::string& name) -> std::shared_ptr<const TokenLexicon> {
      const Lexicon* lexicon = set_.lexicon(name);
      return lexicon ? TokenLexicon::of(*lexicon, token_lexicons_) : nullptr;
    };
    // A unit or a phrase is its mark in the unit's copy, which the rule
    // then runs on, as a `pattern:` does: the mark's tokens, or inside a
    // `/regex/` the mark's pattern (expand() with unit_refs_).
    std::set<std::string> units;
    env.token_pattern = [&](const std::string& name) -> const std::string* {
      if (unit_defs_.count(name) || phrase_defs_.count(name)) {
        units.insert(name);
        auto [mark, added] = mark_sources_.try_emplace(name);
        if (added) {
          auto ph = phrase_defs_.find(name);
          mark->second = '"' + (ph == phrase_defs_.end() ? std::string(kUnitMark) : phrase_mark(ph->second.order)) + '"';
        }
        return &mark->second;
      }
      auto it = token_defs_.find(name);
      return it == token_defs_.end() ? nullptr : &it->second.source;
    };
    env.expand = [&](const std::string& body) {
      std::vector<std::string> stack;
      unit_refs_ = &units;
      auto out = expand(body, f, node, stack);
      unit_refs_ = nullptr;
      return out;
    };
    env.options = regex_options();
    std::string error;
    std::size_t at = 0;
    const std::string& source = node.Scalar();
    rule.tokens = TokenPattern::compile(source, env, error, at);
    if (rule.tokens && !assign_unit(f, node, std::move(units), rule)) {
      rule.tokens = nullptr;
      return false;
    }
    if (!rule.tokens) {
      // An empty message: a regex's reference, reported by expand().
      if (!error.empty())
        diags_->error(locate(f, node, std::string_view(source).substr(at, 12)),
                      fmt::format("rule '{}': tokens: {}", rule.id, error));
      return false;
    }
    return true;
  }

  // A lexicon's alternation, written once per load.
  const std::string& alternation(const Lexicon& lexicon) {
    auto [it, added] = alternations_.try_emplace(&lexicon);
    if (added) it->second = lexicon.alternation();
    return it->second;
  }

  // The rest of a rule once its pattern is compiled.
  void finish_rule(PendingRule& pending) {
    const RawFile& f = *pending.file;
    const YAML::Node& r = pending.node;
    const YAML::Node& pattern = pending.pattern_node;
    Rule& rule = pending.rule;
    bool ok = pending.ok;
    std::set<std::string> captured;
    auto add_group = [&](const std::string& name, std::size_t index) {
      std::string field = name;
      if (auto cut = field.find("__"); cut != std::string::npos && cut > 0) field.resize(cut);
      rule.group_fields[index] = field;
      captured.insert(field);
    };
    if (rule.tokens) {
      const auto& names = rule.tokens->names();
      rule.group_fields.assign(names.size(), std::string());
      for (std::size_t g = 1; g < names.size(); ++g) add_group(names[g], g);
    } else {
      // A pattern that did not compile is compiled again, for the message.
      rule.regex = pending.regex ? pending.regex : compile(rule.pattern, f, pattern, fmt::format("rule '{}'", rule.id));
      if (!rule.regex) return;
      if (RE2::FullMatch("", *rule.regex)) {
        diags_->error(pos_of(f, pattern), fmt::format("rule '{}': pattern can match the empty string", rule.id));
        ok = false;
      }
      rule.group_fields.assign(rule.regex->NumberOfCapturingGroups() + 1, std::string());
      for (const auto& [name, index] : rule.regex->NamedCapturingGroups()) add_group(name, static_cast<std::size_t>(index));
    }
    if (const auto& fields = r["fields"]) {
      if (!fields.IsMap()) {
        diags_->error(pos_of(f, fields), fmt::format("rule '{}': 'fields' must be a mapping FIELD: normalizer", rule.id));
        ok = false;
      } else {
        for (const auto& kv : fields) ok &= load_field(f, rule, kv.first, kv.second, captured);
      }
    }
    if (const auto& ctx = r["context"]) ok &= load_context(f, rule, ctx);
    if (const auto& ex = r["examples"]) ok &= load_examples(f, fmt::format("rule '{}'", rule.id), rule.examples, ex);
    if (!ok) return;
    // What the contexts that must match need (those that must not match
    // need nothing).
    for (const auto* re : {&rule.context.before, &rule.context.after})
      if (*re) rule.context_needs = LiteralCondition::both(rule.context_needs, LiteralCondition::of_pattern((*re)->pattern(), min_atom_length(), atoms_));
    if (rule.words) rule.regex.reset();  // checked; the scanner runs the word list
    set_.rules.push_back(std::move(rule));
  }

  bool load_field(const RawFile& f, Rule& rule, const YAML::Node& key, const YAML::Node& val,
                  const std::set<std::string>& captured) {
    const std::string name = scalar(key);
    const std::string spec = scalar(val);
    FieldSpec fs;
    fs.pos = pos_of(f, val);
    auto colon = spec.find(':');
    fs.normalizer = spec.substr(0, colon);
    if (colon != std::string::npos) fs.arg = spec.substr(colon + 1);
    bool needs_arg = false;
    if (!is_known_normalizer(fs.normalizer, &needs_arg, &fs.kind)) {
      diags_->error(fs.pos, fmt::format("rule '{}': unknown normalizer '{}' for field '{}'", rule.id, fs.normalizer, name));
      return false;
    }
    if (needs_arg && !set_.lexicon(fs.arg)) {
      diags_->error(fs.pos, fmt::format("rule '{}': normalizer '{}' needs a known lexicon, got '{}'", rule.id,
                                       fs.normalizer, fs.arg));
      return false;
    }
    if (!captured.count(name)) {
      diags_->error(pos_of(f, key), fmt::format("rule '{}': field '{}' has no capture group (?P<{}>...) in the pattern",
                                               rule.id, name, name));
      return false;
    }
    rule.fields[name] = fs;
    return true;
  }

  bool load_context(const RawFile& f, Rule& rule, const YAML::Node& ctx) {
    if (!ctx.IsMap()) {
      diags_->error(pos_of(f, ctx), fmt::format("rule '{}': 'context' must be a mapping", rule.id));
      return false;
    }
    bool ok = true;
    for (const auto& kv : ctx) {
      const std::string k = scalar(kv.first);
      std::shared_ptr<const RE2>* slot = k == "before" ? &rule.context.before
                                 : k == "not_before" ? &rule.context.not_before
                                 : k == "after" ? &rule.context.after
                                 : k == "not_after" ? &rule.context.not_after : nullptr;
      if (!slot) {
        diags_->error(pos_of(f, kv.first), fmt::format("rule '{}': unknown context key '{}' (before, not_before, after, not_after)", rule.id, k));
        ok = false;
        continue;
      }
      std::vector<std::string> stack;
      auto expanded = expand(scalar(kv.second), f, kv.second, stack);
      if (!expanded) {
        ok = false;
        continue;
      }
      const bool is_before = k == "before" || k == "not_before";
      std::string p = is_before ? "(?:" + *expanded + ")$" : "^(?:" + *expanded + ")";
      *slot = compile(p, f, kv.second, fmt::format("rule '{}' context {}", rule.id, k), true);
      ok &= *slot != nullptr;
    }
    return ok;
  }

  // The examples of a rule or a regex (`owner` names it in messages).
  bool load_examples(const RawFile& f, const std::string& owner, std::vector<Example>& out, const YAML::Node& ex) {
    if (!ex.IsSequence()) {
      diags_->error(pos_of(f, ex), fmt::format("{}: 'examples' must be a list", owner));
      return false;
    }
    bool ok = true;
    for (const auto& e : ex) {
      Example x;
      x.pos = pos_of(f, e);
      if (e.IsMap() && e["reject"] && e["reject"].IsScalar()) {
        x.reject = true;
        x.text = e["reject"].Scalar();
      } else if (e.IsMap() && e["text"] && e["text"].IsScalar()) {
        x.text = e["text"].Scalar();
        if (e["match"]) x.match = scalar(e["match"]);
        if (e["value"]) {
          long budget = kMaxValueNodes;
          x.value = to_json(e["value"], budget);
          if (budget < 0) {
            diags_->error(x.pos, "example value is too large or too deeply nested");
            ok = false;
            continue;
          }
        }
      } else {
        diags_->error(x.pos, fmt::format("{}: an example needs 'text' (must match) or 'reject' (must not match)", owner));
        ok = false;
        continue;
      }
      if (e["date"]) {
        x.date = parse_iso_date(scalar(e["date"]));
        if (!x.date) {
          diags_->error(pos_of(f, e["date"]), "example date must be YYYY-MM-DD");
          ok = false;
        }
      }
      out.push_back(std::move(x));
    }
    return ok;
  }
};

}  // namespace

const TypeInfo* find_type(std::string_view name) {
  for (const auto& t : kTypes)
    if (name == t.name) return &t;
  return nullptr;
}

const std::vector<TypeInfo>& known_types() { return kTypes; }

ValueKind value_kind(std::string_view type) {
  const TypeInfo* t = find_type(type);
  return t ? t->value : ValueKind::fields;
}

bool is_known_normalizer(std::string_view name, bool* needs_arg, Normalizer* kind) {
  for (const auto& n : kNormalizers) {
    if (name == n.name) {
      if (needs_arg) *needs_arg = n.needs_arg;
      if (kind) *kind = n.kind;
      return true;
    }
  }
  return false;
}

RE2::Options rule_regex_options(std::int64_t max_mem) {
  RE2::Options o;
  o.set_log_errors(false);
  // The budget bounds the compiled program and the lazy DFA's cache. Smaller
  // budgets make the largest rules rebuild their DFAs: on distinct articles
  // 10 MiB saves 9 MB for 5% more scan time, 8 MiB 13 MB for 15%
  // (docs/performance.md, "Rule-set snapshots").
  o.set_max_mem(max_mem);
  return o;
}

std::vector<std::string> rule_file_paths(const std::string& dir) {
  std::vector<fs::path> paths;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    const auto ext = it->path().extension().string();
    if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec)) paths.push_back(it->path());
  }
  std::sort(paths.begin(), paths.end());  // as paths: component by component
  return {paths.begin(), paths.end()};
}

RuleSet load_rules(const std::string& dir, Diagnostics& diags, const LoadOptions& opts) {
  Loader loader(diags, opts);
  return loader.run(dir);
}

RuleSet load_rules_from_string(const std::string& path_label, const std::string& text, Diagnostics& diags,
                               const std::string& lang, const LoadOptions& opts) {
  Loader loader(diags, opts);
  if (auto f = loader.parse_text(path_label, lang, text, diags)) loader.add_file(std::move(*f));
  return loader.finish();
}

}  // namespace extract
