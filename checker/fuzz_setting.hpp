// Schedule-fuzz settings (--fuzz): what RACELAB_FUZZ a run gets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace racelab {

struct FuzzSetting {
  enum class Mode { kNone, kSleep, kYield };
  Mode mode = Mode::kNone;
  std::uint64_t max_us = 0;  // kSleep only
  // The RACELAB_FUZZ spelling: "none", "yield", "sleep:200".
  std::string ToString() const;
  friend bool operator==(const FuzzSetting& a, const FuzzSetting& b) {
    return a.mode == b.mode && a.max_us == b.max_us;
  }
};

// One setting, e.g. "sleep:200". Rejects anything else with a one-line reason.
Result<FuzzSetting> ParseFuzzSetting(std::string_view text);
// A comma-separated list, e.g. "none,yield,sleep:100" (at least one).
Result<std::vector<FuzzSetting>> ParseFuzzList(std::string_view text);
std::string JoinFuzzList(const std::vector<FuzzSetting>& list);

// The default mix of `racelab run` (chosen by measurement: docs/findings.md).
inline constexpr std::string_view kDefaultFuzz = "none,yield,sleep:10";

}  // namespace racelab
