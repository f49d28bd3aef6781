// The clock of the profile counters (`extract --profile-rules`): read only
// when profiling, so that the counters cost nothing otherwise.
#pragma once

#include <chrono>
#include <cstdint>

namespace extract {

using ProfileClock = std::chrono::steady_clock;

// Now when profiling, else nothing.
inline ProfileClock::time_point profile_start(bool profiling) {
  return profiling ? ProfileClock::now() : ProfileClock::time_point{};
}

inline std::uint64_t ns_since(ProfileClock::time_point start) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(ProfileClock::now() - start).count());
}

}  // namespace extract
