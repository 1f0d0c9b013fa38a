// --expect: compares what a campaign saw with what the manifest expects.
#pragma once

#include "report/report.hpp"
#include "run/manifest.hpp"

namespace racelab {

// A missing expected class is `not-reproduced` only when missing it in this
// many runs had a probability below this at its recorded rate.
inline constexpr double kNotReproducedProbability = 0.001;

// Sets r.expect_checked, r.expected, r.verdict and r.notes. `variant` may be
// null (a path target: no failure is expected).
void ApplyExpectations(TargetReport& r, const Variant* variant, const std::optional<Build>& build);

// The same judgement from what r itself records (r.expected_rates, r.tolerated): how a
// merge of shard reports re-judges the total without the manifest. Replaces r.notes.
void JudgeExpectations(TargetReport& r);

}  // namespace racelab
