#include "engine/atom_matcher.hpp"

#include <algorithm>
#include <deque>

namespace extract {

namespace {

unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c; }

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

AtomMatcher::AtomMatcher(const std::vector<std::string>& atoms) : natoms_(atoms.size()) {
  for (const auto& a : atoms)
    if (is_ascii(a))
      for (unsigned char c : a) {
        c = lower(c);
        if (cls_[c] == 0) cls_[c] = static_cast<std::uint8_t>(nclasses_++);
      }
  for (int c = 'A'; c <= 'Z'; ++c) cls_[c] = cls_[c + 32];
  // The trie, with -1 for missing edges: state * nclasses_ + class -> state.
  std::vector<std::int32_t> next(static_cast<std::size_t>(nclasses_), -1);
  out_.assign(1, -1);
  out_next_.assign(atoms.size(), -1);
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    if (!is_ascii(atoms[i]) || atoms[i].empty()) {
      always_.push_back(static_cast<int>(i));
      continue;
    }
    std::int32_t s = 0;
    for (unsigned char c : atoms[i]) {
      std::int32_t& t = next[s * nclasses_ + cls_[lower(c)]];
      if (t < 0) {
        t = static_cast<std::int32_t>(out_.size());
        out_.push_back(-1);
        next.resize(next.size() + nclasses_, -1);
      }
      s = next[s * nclasses_ + cls_[lower(c)]];
    }
    out_next_[i] = out_[s];
    out_[s] = static_cast<std::int32_t>(i);
  }
  // Failure links, breadth first; missing edges become the failure state's edge.
  const std::size_t nstates = out_.size();
  std::vector<std::int32_t> fail(nstates, 0);
  link_out_.assign(nstates, -1);
  std::deque<std::int32_t> queue;
  for (int c = 0; c < nclasses_; ++c) {
    std::int32_t& t = next[c];
    if (t < 0) t = 0;
    else queue.push_back(t);
  }
  while (!queue.empty()) {
    const std::int32_t s = queue.front();
    queue.pop_front();
    for (int c = 0; c < nclasses_; ++c) {
      std::int32_t& t = next[s * nclasses_ + c];
      const std::int32_t via_fail = next[fail[s] * nclasses_ + c];
      if (t < 0) {
        t = via_fail;
        continue;
      }
      fail[t] = via_fail;
      link_out_[t] = out_[via_fail] >= 0 ? via_fail : link_out_[via_fail];
      queue.push_back(t);
    }
  }
  // Class 0 (a byte in no atom) always returns to the root.
  for (std::size_t s = 0; s < nstates; ++s) next[s * nclasses_] = 0;
  step_.resize(next.size());
  for (std::size_t i = 0; i < next.size(); ++i) {
    const std::int32_t t = next[i];
    const bool reports = out_[static_cast<std::size_t>(t)] >= 0 || link_out_[static_cast<std::size_t>(t)] >= 0;
    step_[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(t * nclasses_) | (reports ? 0x80000000u : 0u));
  }
}

void AtomMatcher::scan(std::string_view text, AtomFlags& seen) const {
  std::int32_t row = 0;  // the state times nclasses_
  for (unsigned char c : text) {
    const std::int32_t t = step_[static_cast<std::size_t>(row + cls_[c])];
    row = t & 0x7fffffff;
    if (t >= 0) continue;
    const std::int32_t s = row / nclasses_;
    for (std::int32_t o = out_[s] >= 0 ? s : link_out_[s]; o >= 0; o = link_out_[o]) {
      for (std::int32_t a = out_[o]; a >= 0; a = out_next_[a]) seen[a] = 1;
    }
  }
}

std::vector<int> AtomMatcher::find(std::string_view text) const {
  AtomFlags seen(natoms_, 0);
  mark(text, seen);
  std::vector<int> found;
  for (std::size_t i = 0; i < natoms_; ++i)
    if (seen[i]) found.push_back(static_cast<int>(i));
  return found;
}

void AtomMatcher::mark(std::string_view text, AtomFlags& seen) const {
  scan(text, seen);
  // RE2 folds U+212A KELVIN SIGN onto k and U+017F LATIN SMALL LETTER LONG S onto s.
  if (text.find("\xE2\x84\xAA") != std::string_view::npos || text.find("\xC5\xBF") != std::string_view::npos) {
    std::string folded;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text.compare(i, 3, "\xE2\x84\xAA") == 0) folded += 'k', i += 2;
      else if (text.compare(i, 2, "\xC5\xBF") == 0) folded += 's', i += 1;
      else folded += text[i];
    }
    scan(folded, seen);
  }
  for (int a : always_) seen[a] = 1;
}

}  // namespace extract
