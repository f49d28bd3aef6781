// Sorting helpers.
#pragma once

#include <algorithm>

namespace extract {

// std::stable_sort, but not run on a range already in order (the same
// result: a stable sort leaves a sorted range as it is). The merge sort
// moves every element even then, and the assembly sorts lists of heavy
// records (facts, entities) that are mostly in order already.
template <typename It, typename Less>
void stable_sort_unless_sorted(It first, It last, Less less) {
  if (!std::is_sorted(first, last, less)) std::stable_sort(first, last, less);
}

}  // namespace extract
