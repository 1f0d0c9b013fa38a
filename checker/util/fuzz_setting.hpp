// Schedule-fuzz settings (--fuzz): what RACELAB_FUZZ a run gets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "judge/result.hpp"

namespace racelab {

struct FuzzSetting {
  // kRandom and kPct are controlled scheduling (docs/scheduling.md): the specimen runs
  // one thread at a time and every run writes a replayable schedule.
  enum class Mode { kNone, kSleep, kYield, kRandom, kPct };
  Mode mode = Mode::kNone;
  std::uint64_t max_us = 0;  // kSleep only
  std::uint64_t depth = 0;   // kPct only: D, 1..10
  std::uint64_t k = 0;       // kPct only: expected steps; 0 = not given (racelab calibrates)
  // The RACELAB_FUZZ spelling: "none", "yield", "sleep:200", "random", "pct:3", "pct:3:523".
  std::string ToString() const;
  bool IsControlled() const { return mode == Mode::kRandom || mode == Mode::kPct; }
  friend bool operator==(const FuzzSetting& a, const FuzzSetting& b) {
    return a.mode == b.mode && a.max_us == b.max_us && a.depth == b.depth && a.k == b.k;
  }
};

inline constexpr std::uint64_t kMaxPctDepth = 10;
inline constexpr std::uint64_t kDefaultPctDepth = 3;
inline constexpr std::uint64_t kMaxPctSteps = 1'000'000'000;
// K when calibration finds no step count (docs/scheduling.md: the runtime's default).
inline constexpr std::uint64_t kDefaultPctSteps = 1000;

// One setting, e.g. "sleep:200" or "pct:3". Rejects anything else with a one-line reason.
Result<FuzzSetting> ParseFuzzSetting(std::string_view text);
// A comma-separated list, e.g. "none,yield,sleep:100" (at least one).
Result<std::vector<FuzzSetting>> ParseFuzzList(std::string_view text);
std::string JoinFuzzList(const std::vector<FuzzSetting>& list);

// The default mix of `racelab run` (chosen by measurement: docs/findings.md).
inline constexpr std::string_view kDefaultFuzz = "none,yield,sleep:10";

}  // namespace racelab
