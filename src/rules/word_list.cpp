#include "rules/word_list.hpp"

#include <algorithm>
#include <optional>

#include "rules/rule_set.hpp"

namespace extract {

namespace {

// RE2's `\w` for `\b`: ASCII letters, digits and the underscore only.
bool is_word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool at_boundary(std::string_view text, std::size_t at) {
  const bool before = at > 0 && is_word_byte(static_cast<unsigned char>(text[at - 1]));
  const bool after = at < text.size() && is_word_byte(static_cast<unsigned char>(text[at]));
  return before != after;
}

// The group of a word among its siblings: its first byte, then its second
// (0 for a one-byte word).
std::uint32_t key_of(std::string_view word) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(word[i])); };
  return byte(0) * 257 + (word.size() > 1 ? 1 + byte(1) : 0);
}

// RE2's `\s`.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

}  // namespace

std::shared_ptr<const WordList> WordList::of(const Lexicon& lexicon) {
  if (lexicon.case_insensitive || lexicon.size() == 0) return nullptr;
  for (const std::string& form : lexicon.forms())
    if (Lexicon::words(form).empty()) return nullptr;
  // The tree Lexicon::alternation() writes, children in its order.
  std::optional<Lexicon::Tree> tree = lexicon.tree();
  if (!tree) return nullptr;
  auto list = std::make_shared<WordList>();
  list->nodes_.resize(tree->size());
  for (std::size_t n = 0; n < tree->size(); ++n) {
    Node& node = list->nodes_[n];
    node.word = std::move((*tree)[n].word);
    node.end = (*tree)[n].end;
    node.children = std::move((*tree)[n].children);
  }
  for (Node& node : list->nodes_) {
    // Grouped by their first two bytes, RE2's order kept within a group:
    // only words starting with the bytes at hand can match there.
    std::stable_sort(node.children.begin(), node.children.end(), [&](std::uint32_t a, std::uint32_t b) {
      return key_of(list->nodes_[a].word) < key_of(list->nodes_[b].word);
    });
    for (std::uint32_t c : node.children) node.keys.push_back(key_of(list->nodes_[c].word));
  }
  for (std::uint32_t child : list->nodes_[0].children)
    list->starts_word_[static_cast<unsigned char>(list->nodes_[child].word[0])] = true;
  return list;
}

std::shared_ptr<const WordList> WordList::of(const Lexicon& lexicon, Built& built) {
  auto [it, added] = built.try_emplace(&lexicon);
  if (added) it->second = of(lexicon);
  return it->second;
}

bool WordList::match_children(std::uint32_t node, std::string_view text, std::size_t at, std::size_t& end) const {
  if (at >= text.size()) return false;
  const auto& children = nodes_[node].children;
  const auto& keys = nodes_[node].keys;
  // The words that start with the next two bytes, then the one-byte word
  // that is the next byte: sibling words that can match at one place start
  // one another, and the longer comes first in RE2's order.
  const std::uint32_t group = key_of(text.substr(at, 2));
  for (std::uint32_t k : {group, group - group % 257}) {
    for (auto i = static_cast<std::size_t>(std::lower_bound(keys.begin(), keys.end(), k) - keys.begin());
         i < keys.size() && keys[i] == k; ++i) {
      const Node& child = nodes_[children[i]];
      if (text.compare(at, child.word.size(), child.word) != 0) continue;
      const std::size_t after = at + child.word.size();
      // `word(?:\s+NEXT)?`: the longer form first. A word never starts with
      // white space, so only the whole run of it can lead to the next word.
      if (!child.children.empty()) {
        std::size_t next = after;
        while (next < text.size() && is_space(text[next])) ++next;
        if (next > after && match_children(children[i], text, next, end)) return true;
      }
      if (child.end && at_boundary(text, after)) {
        end = after;
        return true;
      }
    }
    if (k % 257 == 0) break;  // the text's last byte: one group only
  }
  return false;
}

bool WordList::find(std::string_view text, std::size_t from, std::size_t& start, std::size_t& end) const {
  for (std::size_t at = from; at < text.size(); ++at) {
    if (!starts_word_[static_cast<unsigned char>(text[at])] || !at_boundary(text, at)) continue;
    if (match_children(0, text, at, end)) {
      start = at;
      return true;
    }
  }
  return false;
}

}  // namespace extract
