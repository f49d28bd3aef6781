#include "rules/snapshot.hpp"

#if __has_include(<link.h>)
#include <link.h>  // dl_iterate_phdr: the build IDs (glibc, the BSDs)
#define EXTRACT_HAVE_BUILD_IDS 1
#endif
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "core/parallel.hpp"
#include "rules/token_pattern.hpp"
#include "rules/word_list.hpp"

namespace extract {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "extract rule-set snapshot 7\n";
constexpr std::size_t kChecksumSize = 32;  // Hash128::hex()

// A 128-bit hash of pieces of bytes, for the snapshots' keys and checksums:
// two 64-bit lanes with MurmurHash64A's mixing, each taking every other
// eight bytes of a piece (so that a piece is read once: a snapshot's
// checksum reads all of it at every load). Not for adversaries: a snapshot
// is only ever written by extract itself.
struct Hash128 {
  std::uint64_t a = 0x9e3779b97f4a7c15ULL, b = 0x2545f4914f6cdd1dULL;
  static constexpr std::uint64_t m = 0xc6a4a7935bd1e995ULL;
  static constexpr int r = 47;
  static std::uint64_t step(std::uint64_t h, std::uint64_t k) {
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    return h * m;
  }
  static std::uint64_t finish(std::uint64_t h) {
    h ^= h >> r;
    h *= m;
    return h ^ (h >> r);
  }
  void add(std::string_view data) {
    // Length first, so that concatenations of different pieces differ.
    a = step(a, data.size());
    b = step(b, ~std::uint64_t{data.size()});
    std::size_t i = 0;
    for (; i + 16 <= data.size(); i += 16) {
      std::uint64_t k1, k2;
      std::memcpy(&k1, data.data() + i, 8);
      std::memcpy(&k2, data.data() + i + 8, 8);
      a = step(a, k1);
      b = step(b, k2);
    }
    if (i < data.size()) {
      unsigned char tail[16] = {};
      std::memcpy(tail, data.data() + i, data.size() - i);
      std::uint64_t k1, k2;
      std::memcpy(&k1, tail, 8);
      std::memcpy(&k2, tail + 8, 8);
      a = step(a, k1);
      b = step(b, k2);
    }
    a = finish(a);
    b = finish(b);
  }
  std::string hex() const { return fmt::format("{:016x}{:016x}", a, b); }
};

// The GNU build IDs (hashes the linker writes into each binary) of the
// running program and of every library it has loaded (RE2, yaml-cpp, the C++
// library: an upgrade of one changes the key), as hex, the program's first;
// "" when the program has none.
std::string build_ids() {
#ifndef EXTRACT_HAVE_BUILD_IDS
  return "";  // no way to tell builds apart: no snapshots
#else
  struct Found {
    std::string ids;
    bool program = false, first = true;
  } found;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) -> int {
        auto& f = *static_cast<Found*>(data);
        const bool is_program = f.first;  // the first object is the program itself
        f.first = false;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE) continue;
          const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
          const char* end = p + ph.p_memsz;
          while (p + sizeof(ElfW(Nhdr)) <= end) {
            ElfW(Nhdr) note;
            std::memcpy(&note, p, sizeof note);
            const char* name = p + sizeof note;
            const char* desc = name + ((note.n_namesz + 3) & ~3u);
            const char* next = desc + ((note.n_descsz + 3) & ~3u);
            if (next > end) break;
            if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
              for (std::size_t k = 0; k < note.n_descsz; ++k)
                f.ids += fmt::format("{:02x}", static_cast<unsigned char>(desc[k]));
              f.ids += ' ';
              f.program |= is_program;
              return 0;
            }
            p = next;
          }
        }
        return 0;
      },
      &found);
  return found.program ? found.ids : std::string();
#endif
}

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  // File paths repeat in every position: each is written once, then by number.
  void pos(const SourcePos& p) {
    auto [it, added] = paths_.emplace(p.path, paths_.size());
    u64(it->second);
    if (added) str(p.path);
    i64(p.line);
    i64(p.column);
  }
  // A JSON value: kept aside and written once, all together (json()).
  void value(const Json& v) {
    u64(values_.size());
    values_.push_back(v);
  }
  std::string json() const { const auto bytes = Json::to_cbor(values_); return {bytes.begin(), bytes.end()}; }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
  std::map<std::string, std::uint64_t> paths_;
  Json values_ = Json::array();
};

struct Bad : std::runtime_error {
  Bad() : std::runtime_error("malformed snapshot") {}
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::uint8_t u8() {
    need(1);
    return static_cast<std::uint8_t>(in_[at_++]);
  }
  std::uint64_t u64() {
    need(8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[at_ + i])) << (8 * i);
    at_ += 8;
    return v;
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  int i32() {
    const std::int64_t v = i64();
    if (v < INT32_MIN || v > INT32_MAX) throw Bad();
    return static_cast<int>(v);
  }
  bool flag() {
    const std::uint8_t v = u8();
    if (v > 1) throw Bad();
    return v == 1;
  }
  std::string_view view() {
    const std::uint64_t n = u64();
    need(n);
    auto s = in_.substr(at_, n);
    at_ += n;
    return s;
  }
  std::string str() { return std::string(view()); }
  // A count of items each at least `min_bytes` long: never more than what is left.
  std::size_t count(std::size_t min_bytes) {
    const std::uint64_t n = u64();
    if (n > (in_.size() - at_) / std::max<std::size_t>(1, min_bytes)) throw Bad();
    return static_cast<std::size_t>(n);
  }
  SourcePos pos() {
    const std::uint64_t k = u64();
    SourcePos p;
    if (k == paths_.size()) {
      paths_.push_back(str());
    } else if (k > paths_.size()) {
      throw Bad();
    }
    p.path = paths_[k];
    p.line = i32();
    p.column = i32();
    return p;
  }
  void values(Json v) {
    if (!v.is_array()) throw Bad();
    values_ = std::move(v);
  }
  Json value() {
    const std::uint64_t k = u64();
    if (k >= values_.size()) throw Bad();
    return std::move(values_[k]);  // each value is referred to once
  }
  bool done() const { return at_ == in_.size(); }

 private:
  void need(std::uint64_t n) const {
    if (n > in_.size() - at_) throw Bad();
  }
  std::string_view in_;
  std::size_t at_ = 0;
  std::vector<std::string> paths_;
  Json values_;
};

void write_regex(Writer& w, const std::shared_ptr<const RE2>& re) {
  w.u8(re ? 1 : 0);
  if (re) w.str(re->pattern());
}

// Compiled regexes by text: each text compiled once per snapshot read,
// whatever reads it (a context many rules share, a phrase, a token rule's
// `/regex/`), all with the rule set's options.
using Regexes = std::map<std::string, std::shared_ptr<const RE2>>;

std::shared_ptr<const RE2> regex_of(Regexes& regexes, std::string text, std::int64_t max_mem) {
  auto& re = regexes[text];
  if (!re) {
    re = std::make_shared<const RE2>(text, rule_regex_options(max_mem));
    if (!re->ok()) throw Bad();
  }
  return re;
}

std::shared_ptr<const RE2> read_regex(Reader& r, Regexes& regexes, std::int64_t max_mem) {
  if (!r.flag()) return nullptr;
  return regex_of(regexes, r.str(), max_mem);
}

std::string encode_body(const RuleSet& rs, const Diagnostics& messages, std::string& values) {
  Writer w;
  w.str(rs.root);
  w.u64(rs.files.size());
  for (const auto& f : rs.files) w.str(f);
  w.i64(rs.max_rule_mem);
  w.u64(rs.prefilter_atoms.size());
  for (const auto& a : rs.prefilter_atoms) w.str(a);
  w.u64(rs.lexicons.size());
  for (const auto& [name, lex] : rs.lexicons) {
    w.str(name);
    w.str(lex.name);
    w.pos(lex.pos);
    w.u8(lex.case_insensitive ? 1 : 0);
    w.u64(lex.size());
    for (std::size_t i = 0; i < lex.size(); ++i) {
      w.str(lex.forms()[i]);
      w.value(lex.values()[i]);
      w.value(lex.attribute_values()[i]);
    }
  }
  w.u64(rs.languages.size());
  for (const auto& l : rs.languages) {
    w.str(l.code);
    w.str(l.stopwords);
  }
  w.u64(rs.units.size());
  for (const Unit& u : rs.units) {
    w.str(u.name);
    w.pos(u.pos);
    w.i64(u.base);
    if (u.base < 0) {  // a variant has its base's pattern, automaton and word lists
      w.str(u.pattern);
      write_regex(w, u.regex);
      for (const Lexicon* l : {u.not_first, u.not_alone, u.breaks, u.last}) w.str(l ? l->name : "");
    }
    w.u64(u.phrases.size());
    for (const Unit::Phrase& p : u.phrases) {  // only phrases that compiled are kept
      w.str(p.name);
      w.str(p.lexicon);
      w.str(p.pattern);
      w.u64(p.mark);
    }
  }
  w.u64(rs.regexes.size());
  for (const auto& [name, re] : rs.regexes) {
    w.str(name);
    write_regex(w, re);
  }
  w.u64(rs.rules.size());
  for (const Rule& rule : rs.rules) {
    for (const std::string* s : {&rule.id, &rule.type, &rule.group, &rule.lang}) w.str(*s);
    w.pos(rule.pos);
    w.str(rule.pattern);
    w.i64(rule.priority);
    w.u8(rule.dateline ? 1 : 0);
    w.u8(rule.emit ? 1 : 0);
    w.u64(rule.fields.size());
    for (const auto& [name, f] : rule.fields) {
      w.str(name);
      w.str(f.normalizer);
      w.str(f.arg);
      w.pos(f.pos);
    }
    w.value(rule.constants);
    for (const auto* re : {&rule.context.before, &rule.context.not_before, &rule.context.after, &rule.context.not_after})
      write_regex(w, *re);
    w.i64(rule.unit);
    w.u64(rule.group_fields.size());
    for (const auto& g : rule.group_fields) w.str(g);
    w.str(rule.word_list);
    w.str(rule.tokens ? rule.tokens->save() : std::string());
    for (const LiteralCondition* condition : {&rule.needs, &rule.context_needs}) {
      const auto& nodes = condition->nodes();
      w.u64(nodes.size());
      for (const auto& n : nodes) {
        w.u8(n.op);
        w.i64(n.atom);
        w.u64(n.atoms.size());
        for (auto a : n.atoms) w.i64(a);
        w.u64(n.subs.size());
        for (auto s : n.subs) w.i64(s);
      }
    }
  }
  w.u64(messages.items().size());
  for (const Diagnostic& d : messages.items()) {
    w.u8(d.severity == Diagnostic::Severity::error ? 1 : 0);
    w.pos(d.pos);
    w.str(d.message);
  }
  values = w.json();
  return w.bytes();
}

RuleSet decode_body(Reader& r, Diagnostics& messages) {
  RuleSet rs;
  rs.root = r.str();
  rs.files.resize(r.count(8));
  for (auto& f : rs.files) f = r.str();
  rs.max_rule_mem = r.i64();
  rs.prefilter_atoms.resize(r.count(8));
  for (auto& a : rs.prefilter_atoms) a = r.str();
  for (std::size_t n = r.count(8); n > 0; --n) {
    std::string key = r.str();
    Lexicon lex;
    lex.name = r.str();
    lex.pos = r.pos();
    lex.case_insensitive = r.flag();
    for (std::size_t k = r.count(24); k > 0; --k) {
      std::string form = r.str();
      Json value = r.value();
      Json attributes = r.value();
      lex.add(std::move(form), std::move(value), std::move(attributes));
    }
    rs.lexicons.emplace(std::move(key), std::move(lex));
  }
  rs.languages.resize(r.count(16));
  for (auto& l : rs.languages) {
    l.code = r.str();
    l.stopwords = r.str();
  }
  auto lexicon = [&](const std::string& name) -> const Lexicon* {
    if (name.empty()) return nullptr;
    const Lexicon* l = rs.lexicon(name);
    if (!l) throw Bad();
    return l;
  };
  rs.units.resize(r.count(16));
  // Each phrase compiled once, however many variants have it (as at load),
  // and so every other regex.
  Regexes regexes;
  WordShape::Known shapes;  // (TokenPattern::Env::shapes)
  for (std::size_t n = 0; n < rs.units.size(); ++n) {
    Unit& u = rs.units[n];
    u.name = r.str();
    u.pos = r.pos();
    u.base = static_cast<int>(r.i64());
    if (u.base < -1 || u.base >= static_cast<int>(n)) throw Bad();
    if (u.base >= 0) {  // a variant shares its base's automaton, as when loaded from YAML
      const Unit& base = rs.units[static_cast<std::size_t>(u.base)];
      if (base.base >= 0) throw Bad();
      u.pattern = base.pattern;
      u.regex = base.regex;
      u.not_first = base.not_first, u.not_alone = base.not_alone, u.breaks = base.breaks, u.last = base.last;
    } else {
      u.pattern = r.str();
      u.regex = read_regex(r, regexes, rs.max_rule_mem);
      for (const Lexicon** l : {&u.not_first, &u.not_alone, &u.breaks, &u.last}) *l = lexicon(r.str());
    }
    u.phrases.resize(r.count(16));
    for (Unit::Phrase& p : u.phrases) {
      p.name = r.str();
      p.lexicon = r.str();
      p.pattern = r.str();
      p.mark = r.u64();
      if (p.mark > 64) throw Bad();
      p.regex = regex_of(regexes, p.pattern, rs.max_rule_mem);
    }
  }
  for (std::size_t n = r.count(9); n > 0; --n) {
    std::string name = r.str();
    rs.regexes.emplace(std::move(name), read_regex(r, regexes, rs.max_rule_mem));
  }
  rs.rules.resize(r.count(64));
  WordList::Built word_lists;  // one per lexicon
  TokenLexicon::Built token_lexicons;
  for (Rule& rule : rs.rules) {
    for (std::string* s : {&rule.id, &rule.type, &rule.group, &rule.lang}) *s = r.str();
    rule.value_kind = value_kind(rule.type);
    rule.pos = r.pos();
    rule.pattern = r.str();
    rule.priority = r.i32();
    rule.dateline = r.flag();
    rule.emit = r.flag();
    for (std::size_t n = r.count(32); n > 0; --n) {
      std::string name = r.str();
      FieldSpec f;
      f.normalizer = r.str();
      if (!is_known_normalizer(f.normalizer, nullptr, &f.kind)) throw Bad();
      f.arg = r.str();
      f.pos = r.pos();
      rule.fields.emplace(std::move(name), std::move(f));
    }
    rule.constants = r.value();
    for (auto* re : {&rule.context.before, &rule.context.not_before, &rule.context.after, &rule.context.not_after})
      *re = read_regex(r, regexes, rs.max_rule_mem);
    rule.unit = r.i32();
    if (rule.unit < -1 || rule.unit >= static_cast<int>(rs.units.size())) throw Bad();
    rule.group_fields.resize(r.count(8));
    for (auto& g : rule.group_fields) g = r.str();
    rule.word_list = r.str();
    if (!rule.word_list.empty()) {
      const Lexicon* words = rs.lexicon(rule.word_list);
      if (!words || !(rule.words = WordList::of(*words, word_lists))) throw Bad();
    }
    if (const std::string_view tokens = r.view(); !tokens.empty()) {
      // The compiled program, not its source: compiling token patterns
      // again was most of a snapshot's load (docs/performance.md).
      TokenPattern::Env env;
      env.regexes = &regexes;
      env.shapes = &shapes;
      env.lexicon = [&](const std::string& name) -> std::shared_ptr<const TokenLexicon> {
        const Lexicon* lexicon = rs.lexicon(name);
        return lexicon ? TokenLexicon::of(*lexicon, token_lexicons) : nullptr;
      };
      env.options = rule_regex_options(rs.max_rule_mem);
      if (!(rule.tokens = TokenPattern::restore(tokens, env))) throw Bad();
      if (rule.tokens->names().size() != rule.group_fields.size()) throw Bad();
    }
    for (LiteralCondition* condition : {&rule.needs, &rule.context_needs}) {
      std::vector<LiteralCondition::Node> nodes(r.count(25));
      for (auto& node : nodes) {
        const std::uint8_t op = r.u8();
        if (op > LiteralCondition::Node::kOr) throw Bad();
        node.op = static_cast<LiteralCondition::Node::Op>(op);
        node.atom = r.i32();
        node.atoms.resize(r.count(8));
        for (auto& a : node.atoms) a = r.i32();
        node.subs.resize(r.count(8));
        for (auto& s : node.subs) s = r.i32();
      }
      auto read = LiteralCondition::from_nodes(std::move(nodes), rs.prefilter_atoms.size());
      if (!read) throw Bad();
      *condition = std::move(*read);
    }
  }
  for (std::size_t n = r.count(18); n > 0; --n) {
    const bool error = r.flag();
    SourcePos pos = r.pos();
    std::string message = r.str();
    if (error) messages.error(std::move(pos), std::move(message));
    else messages.warning(std::move(pos), std::move(message));
  }
  if (!r.done()) throw Bad();
  return rs;
}

// What a snapshot file holds between its magic line and its checksum;
// nullopt when it does not start with the magic line.
std::optional<std::string_view> payload_of(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + kChecksumSize || bytes.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  return bytes.substr(kMagic.size(), bytes.size() - kMagic.size() - kChecksumSize);
}

std::optional<std::string> read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const std::streamoff size = in.tellg();
  if (size < 0) return std::nullopt;
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return std::nullopt;
  return bytes;
}

// Writes `bytes` as `dir/name` through a temporary file renamed into place;
// false when the directory cannot be made or written.
bool write_atomically(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::random_device rd;
  const std::string tmp = fmt::format("{}/.{}.{}-{:08x}.tmp", dir, name, static_cast<long>(getpid()), rd());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      return false;
    }
  }
  fs::rename(tmp, fs::path(dir) / name, ec);
  if (ec) fs::remove(tmp, ec);
  return !ec;
}

// Keeps the kMaxSnapshots most recently written snapshots in `dir`, and
// removes temporary files left by runs that stopped an hour ago or more.
void prune(const std::string& dir) {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> snapshots;
  const auto now = fs::file_time_type::clock::now();
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto when = it->last_write_time(ec);
    if (ec) continue;
    if (name.rfind("rules-", 0) == 0 && name.size() > 9 && name.compare(name.size() - 9, 9, ".snapshot") == 0)
      snapshots.emplace_back(when, it->path());
    else if (name.rfind(".rules-", 0) == 0 && now - when > std::chrono::hours(1))
      fs::remove(it->path(), ec);
  }
  if (snapshots.size() <= kMaxSnapshots) return;
  std::sort(snapshots.begin(), snapshots.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = kMaxSnapshots; i < snapshots.size(); ++i) fs::remove(snapshots[i].second, ec);
}

}  // namespace

std::string default_cache_dir() {
  if (const char* dir = std::getenv("EXTRACT_CACHE_DIR")) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/extract";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/extract";
  return "";
}

std::string snapshot_checksum(std::string_view payload) {
  Hash128 h;
  h.add(payload);
  return h.hex();
}

std::string encode_snapshot(const RuleSet& rules, const Diagnostics& messages, std::string_view key) {
  std::string values;
  const std::string body = encode_body(rules, messages, values);
  Writer w;
  w.str(key);
  w.str(values);
  w.str(body);
  std::string out(kMagic);
  out += w.bytes();
  out += snapshot_checksum(w.bytes());
  return out;
}

std::optional<RuleSet> decode_snapshot(std::string_view bytes, std::string_view key, Diagnostics& messages) {
  const auto payload = payload_of(bytes);
  if (!payload || snapshot_checksum(*payload) != bytes.substr(bytes.size() - kChecksumSize)) return std::nullopt;
  std::string read_key;
  Diagnostics replay;
  auto rs = decode_snapshot_unchecked(bytes, replay, &read_key);
  if (!rs || read_key != key) return std::nullopt;
  messages.append(replay);
  return rs;
}

std::optional<RuleSet> decode_snapshot_unchecked(std::string_view bytes, Diagnostics& messages, std::string* key) {
  const auto payload = payload_of(bytes);
  if (!payload) return std::nullopt;
  try {
    Reader r(*payload);
    const std::string_view read_key = r.view();
    const std::string_view values = r.view();
    const std::string_view body = r.view();
    if (!r.done()) return std::nullopt;
    Reader b(body);
    b.values(Json::from_cbor(values.begin(), values.end()));
    Diagnostics replay;
    RuleSet rs = decode_body(b, replay);
    messages.append(replay);
    if (key) *key = read_key;
    return rs;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

RuleSet load_rules_cached(const std::string& dir, Diagnostics& diags, const LoadOptions& opts,
                          const std::string& cache_dir, SnapshotUse* use) {
  SnapshotUse ignored;
  SnapshotUse& how = use ? *use : ignored;
  how = SnapshotUse::off;
  static const std::string build = build_ids();
  if (cache_dir.empty() || build.empty()) return load_rules(dir, diags, opts);
  // The key: this build, the options, the directory as given, and every
  // rule file's path and bytes (a file that cannot be read: a plain load,
  // which reports it).
  Hash128 key;
  key.add(kMagic);
  key.add(build);
  key.add(fmt::format("{} {} {} {}", opts.max_rule_mem, opts.max_file_size, opts.min_atom_length, dir));
  for (const std::string& path : rule_file_paths(dir)) {
    std::error_code ec;
    if (fs::file_size(path, ec) > opts.max_file_size || ec) return load_rules(dir, diags, opts);
    auto bytes = read_whole(path);
    if (!bytes) return load_rules(dir, diags, opts);
    key.add(path);
    key.add(*bytes);
  }
  const std::string name = "rules-" + key.hex() + ".snapshot";
  const std::string path = (fs::path(cache_dir) / name).string();
  if (auto bytes = read_whole(path)) {
    if (auto rs = decode_snapshot(*bytes, key.hex(), diags)) {
      how = SnapshotUse::read;
      return std::move(*rs);
    }
  }
  Diagnostics messages;
  RuleSet rs = load_rules(dir, messages, opts);
  diags.append(messages);
  how = SnapshotUse::missed;
  if (!messages.has_errors() && write_atomically(cache_dir, name, encode_snapshot(rs, messages, key.hex()))) {
    how = SnapshotUse::written;
    prune(cache_dir);
  }
  return rs;
}

}  // namespace extract
