#include "engine/compiled_rules.hpp"

#include <algorithm>
#include <chrono>

namespace extract {

namespace {

bool applies(const Rule& rule, const std::string& language) {
  return rule.lang.empty() || language.empty() || language == "unknown" || rule.lang == language;
}

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

bool context_ok(const Rule& rule, std::string_view text, const Span& span) {
  const auto& c = rule.context;
  if (c.before || c.not_before) {
    std::size_t from = span.start > kContextWindow ? span.start - kContextWindow : 0;
    while (from < span.start && is_continuation(static_cast<unsigned char>(text[from]))) ++from;
    auto window = text.substr(from, span.start - from);
    if (c.before && !RE2::PartialMatch(window, *c.before)) return false;
    if (c.not_before && RE2::PartialMatch(window, *c.not_before)) return false;
  }
  if (c.after || c.not_after) {
    std::size_t to = std::min(text.size(), span.end + kContextWindow);
    while (to > span.end && to < text.size() && is_continuation(static_cast<unsigned char>(text[to]))) --to;
    auto window = text.substr(span.end, to - span.end);
    if (c.after && !RE2::PartialMatch(window, *c.after)) return false;
    if (c.not_after && RE2::PartialMatch(window, *c.not_after)) return false;
  }
  return true;
}

// Whether the pattern is `Z*(?P<name>X)Z*` with only zero-width assertions
// (`\b`, `^`, `$`, `\A`, `\z`) and flags around its first group: then group 1
// always spans the whole match. RE2 finds a match's bounds with its DFAs, but
// any further group needs the NFA (BitState only fits small programs), which
// on a large pattern such as a gazetteer costs far more than the search.
bool first_group_is_match(std::string_view p) {
  if (p.find("\\Q") != std::string_view::npos) return false;  // quoted text: not parsed here
  auto skip_assertions = [&](std::size_t i) {
    for (;;) {
      if (p.compare(i, 4, "(?i)") == 0) i += 4;
      else if (p.compare(i, 2, "\\b") == 0 || p.compare(i, 2, "\\A") == 0 || p.compare(i, 2, "\\z") == 0) i += 2;
      else if (i < p.size() && (p[i] == '^' || p[i] == '$')) i += 1;
      else return i;
    }
  };
  std::size_t i = skip_assertions(0);
  if (p.compare(i, 4, "(?P<") != 0) return false;
  int depth = 0;
  bool in_class = false;
  for (; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < p.size() && p[i + 1] == '^') ++i;
      if (i + 1 < p.size() && p[i + 1] == ']') ++i;  // a leading ']' is a literal
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return skip_assertions(i + 1) == p.size();
    }
  }
  return false;
}

}  // namespace

Scanner::Scanner(const RuleSet& rules) : rules_(rules) {
  for (const Rule& rule : rules_.rules) {
    // Ask RE2 only for the groups up to the last one that fills a field.
    int last = 0;
    for (std::size_t g = 1; g < rule.group_fields.size(); ++g)
      if (!rule.group_fields[g].empty()) last = static_cast<int>(g);
    const bool whole = last == 1 && first_group_is_match(rule.pattern);
    plans_.push_back(Plan{whole ? 1 : last + 1, whole});
  }
  if (!rules_.prefilters.empty() && !rules_.prefilter_atoms.empty())
    atoms_ = std::make_unique<AtomMatcher>(rules_.prefilter_atoms);
}

void Scanner::scan_rule(std::size_t rule_index, std::string_view text, std::vector<Candidate>& out) const {
  const Rule& rule = rules_.rules[rule_index];
  const RE2& re = *rule.regex;
  const Plan& plan = plans_[rule_index];
  const int ngroups = plan.groups;
  std::vector<re2::StringPiece> groups(ngroups);
  std::size_t pos = 0;
  while (pos <= text.size()) {
    if (!re.Match(text, pos, text.size(), RE2::UNANCHORED, groups.data(), ngroups)) break;
    Span span{static_cast<std::size_t>(groups[0].data() - text.data()),
              static_cast<std::size_t>(groups[0].data() - text.data()) + groups[0].size()};
    if (span.size() == 0) {  // rejected by `rules check`, but never loop on it
      pos = span.end + 1;
      continue;
    }
    pos = span.end;
    if (!context_ok(rule, text, span)) {
      // Try again from the next character: a later start may satisfy the context.
      pos = span.start + 1;
      while (pos < text.size() && is_continuation(static_cast<unsigned char>(text[pos]))) ++pos;
      continue;
    }
    Candidate c;
    c.rule_index = rule_index;
    c.span = span;
    if (plan.first_group_is_match) c.captures.emplace_back(rule.group_fields[1], span);
    for (int g = 1; g < ngroups; ++g) {
      if (groups[g].data() == nullptr || rule.group_fields[g].empty()) continue;
      std::size_t s = groups[g].data() - text.data();
      c.captures.emplace_back(rule.group_fields[g], Span{s, s + groups[g].size()});
    }
    out.push_back(std::move(c));
  }
}

std::vector<std::vector<char>> Scanner::may_match(std::string_view text) const {
  std::vector<std::vector<char>> may;  // per prefilter, per id in it
  if (!atoms_) return may;
  const std::vector<int> found = atoms_->find(text);  // sorted indices into prefilter_atoms
  const auto& offsets = rules_.prefilter_atom_offsets;
  may.resize(rules_.prefilters.size());
  std::vector<int> local, passed;
  auto it = found.begin();
  for (std::size_t k = 0; k < rules_.prefilters.size(); ++k) {
    local.clear();
    for (; it != found.end() && static_cast<std::size_t>(*it) < offsets[k + 1]; ++it)
      local.push_back(*it - static_cast<int>(offsets[k]));
    passed.clear();
    if (rules_.prefilters[k]->NumRegexps() > 0) rules_.prefilters[k]->AllPotentials(local, &passed);
    may[k].assign(rules_.prefilters[k]->NumRegexps(), 0);
    for (int id : passed) may[k][id] = 1;
  }
  return may;
}

bool Scanner::runs(std::size_t rule_index, const std::string& language,
                   const std::vector<std::vector<char>>& may) const {
  const Rule& rule = rules_.rules[rule_index];
  if (!applies(rule, language)) return false;
  return !(atoms_ && rule.prefilter >= 0 && !may[rule.prefilter][rule.prefilter_id]);
}

std::vector<Candidate> Scanner::scan(std::string_view text, const std::string& language) const {
  return std::move(scan_batch({text}, {language})[0]);
}

std::vector<std::vector<Candidate>> Scanner::scan_batch(const std::vector<std::string_view>& texts,
                                                        const std::vector<std::string>& languages) const {
  std::vector<std::vector<std::vector<char>>> may;
  may.reserve(texts.size());
  for (std::string_view text : texts) may.push_back(may_match(text));
  std::vector<std::vector<Candidate>> out(texts.size());
  for (std::size_t i = 0; i < rules_.rules.size(); ++i) {
    const auto start = profile_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    std::uint64_t ran = 0, matches = 0;
    for (std::size_t d = 0; d < texts.size(); ++d) {
      if (!runs(i, languages[d], may[d])) continue;
      const std::size_t before = out[d].size();
      scan_rule(i, texts[d], out[d]);
      ++ran;
      matches += out[d].size() - before;
    }
    if (!profile_) continue;
    Counters& c = profile_[i];
    c.ns += static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
    c.runs += ran;
    c.applicable += static_cast<std::uint64_t>(std::count_if(
        languages.begin(), languages.end(), [&](const std::string& lang) { return applies(rules_.rules[i], lang); }));
    c.matches += matches;
  }
  return out;
}

void Scanner::enable_profile() { profile_ = std::make_unique<Counters[]>(rules_.rules.size()); }

std::vector<Scanner::RuleProfile> Scanner::profile() const {
  std::vector<RuleProfile> rows;
  if (!profile_) return rows;
  for (std::size_t i = 0; i < rules_.rules.size(); ++i) {
    const Counters& c = profile_[i];
    rows.push_back({rules_.rules[i].id, static_cast<double>(c.ns.load()) / 1e6, c.runs.load(), c.applicable.load(),
                    c.matches.load()});
  }
  return rows;
}

}  // namespace extract
