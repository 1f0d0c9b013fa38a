// The exit statuses of the specimen runtime (docs/scheduling.md, docs/variants.md).
#pragma once

namespace racelab::protocol {

// A RACELAB_* variable (or a specimen-specific one) holds a bad value: one line on
// stderr names it.
inline constexpr int kBadSettingExitStatus = 2;
// The controlled scheduler found every thread blocked (a `deadlock` trailer).
inline constexpr int kDeadlockExitStatus = 86;
// The controlled scheduler reached RACELAB_STEP_LIMIT (a `step-limit` trailer).
inline constexpr int kStepLimitExitStatus = 87;

}  // namespace racelab::protocol
