// Sorting helpers.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace extract {

// std::stable_sort, but not run on a range already in order (the same
// result: a stable sort leaves a sorted range as it is). The merge sort
// moves every element even then, and the assembly sorts lists of heavy
// records (facts, entities) that are mostly in order already.
template <typename It, typename Less>
void stable_sort_unless_sorted(It first, It last, Less less) {
  if (!std::is_sorted(first, last, less)) std::stable_sort(first, last, less);
}

// The same for a vector of heavy elements (facts: strings, a JSON value,
// lists), each moved once: the order is found on their indices. A sort of
// the elements themselves moves each of them many times.
template <typename T, typename Less>
void stable_sort_moving_once(std::vector<T>& v, Less less) {
  if (std::is_sorted(v.begin(), v.end(), less)) return;
  std::vector<std::uint32_t> order(v.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return less(v[a], v[b]); });
  std::vector<T> sorted;
  sorted.reserve(v.size());
  for (const std::uint32_t i : order) sorted.push_back(std::move(v[i]));
  v.swap(sorted);
}

}  // namespace extract
