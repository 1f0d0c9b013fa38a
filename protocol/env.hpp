// The environment of a run: the RACELAB_* variables racelab sets and a specimen reads
// (docs/scheduling.md, "Settings"; docs/variants.md).
#pragma once

#include <cstdint>
#include <string_view>

namespace racelab::protocol {

// Every protocol variable starts with this; racelab drops any its own environment has.
inline constexpr std::string_view kEnvPrefix = "RACELAB_";

inline constexpr const char* kEnvIterations = "RACELAB_ITERATIONS";  // N, at least 1
inline constexpr const char* kEnvThreads = "RACELAB_THREADS";        // T, at least 1
inline constexpr const char* kEnvFuzz = "RACELAB_FUZZ";              // a FuzzSetting
inline constexpr const char* kEnvSeed = "RACELAB_SEED";              // 0..2^64-1
inline constexpr const char* kEnvSchedule = "RACELAB_SCHEDULE";      // a schedule string
inline constexpr const char* kEnvScheduleMode = "RACELAB_SCHEDULE_MODE";
inline constexpr const char* kEnvStepLimit = "RACELAB_STEP_LIMIT";  // at least 1

// RACELAB_SCHEDULE_MODE: `exact` (the default) reports a replay that leaves the recorded
// path; `guide` applies the deviations where it can and reports nothing; `guide-choices`
// is `guide` whose trailer also lists every step at which a preemption was possible
// (`choice` lines), for shrinking's direct search.
inline constexpr std::string_view kScheduleModeExact = "exact";
inline constexpr std::string_view kScheduleModeGuide = "guide";
inline constexpr std::string_view kScheduleModeGuideChoices = "guide-choices";

// RACELAB_STEP_LIMIT when unset.
inline constexpr std::uint64_t kDefaultStepLimit = 1'000'000;

}  // namespace racelab::protocol
