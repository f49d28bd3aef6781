// The shipped rules (rules/ of the source tree), loaded once for all tests.
#pragma once

#include <catch2/catch.hpp>

#include <memory>

#include "pipeline.hpp"

namespace extract::testing {

inline const Extractor& shipped() {
  static std::unique_ptr<Extractor> ex = [] {
    Diagnostics diags;
    auto e = Extractor::load(EXTRACT_TEST_RULES_DIR, diags);
    REQUIRE(e);
    return e;
  }();
  return *ex;
}

}  // namespace extract::testing
