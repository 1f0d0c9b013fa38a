// Shrinking a failing schedule (docs/scheduling.md): fewer deviations, earlier ones,
// the same failure class. The algorithm sees runs only through a probe, so it is
// testable with a model program; MakeScheduleProbe puts a ProcessRunner behind it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "judge/failure_class.hpp"
#include "protocol/trailer.hpp"
#include "report/report.hpp"
#include "run/campaign.hpp"

namespace racelab {

// One run of a schedule.
struct ScheduleProbe {
  bool ran = false;  // false: racelab could not carry it out (spawn failure, cancelled)
  ClassSet classes;
  protocol::SchedTrailer sched;   // its trailer; sched.schedule is what it executed
  std::uint64_t stdout_hash = 0;  // StdoutFingerprint of its stdout
  // For a report's example: the run's lines around its first divergence.
  std::vector<std::string> excerpt;
  std::optional<DivergenceInfo> divergence;
};

enum class ScheduleMode { kExact, kGuide };
using ProbeFn = std::function<ScheduleProbe(const std::string& schedule, ScheduleMode mode)>;

struct ShrinkResult {
  std::string schedule;  // the smallest schedule found that still shows the class
  // The final exact replay of `schedule` (its preemption lines and counts);
  // verified == false when it did not show the class: then schedule is the original.
  bool verified = false;
  protocol::SchedTrailer final_run;
  ScheduleProbe final_probe;   // the whole final exact replay
  std::uint64_t attempts = 0;  // guide-mode runs
  std::uint64_t accepted = 0;
  bool out_of_time = false;
};

// From `original` (a schedule whose run showed `cls`), greedily: remove each
// deviation, keeping a candidate when its guide-mode run still shows `cls` and
// continuing from the schedule that run actually executed; then move each
// remaining deviation earlier (halfway to the one before it, else one step
// back), the same way; repeat while anything changes and `deadline` is not
// reached. Ends with one exact replay of the result. `cancelled` (may be null)
// stops it early.
ShrinkResult ShrinkSchedule(const std::string& original, FailureClass cls, const ProbeFn& probe,
                            std::chrono::steady_clock::time_point deadline,
                            const std::atomic<bool>* cancelled = nullptr);

// A probe that runs target t (setting f, seed) with RACELAB_SCHEDULE set.
ProbeFn MakeScheduleProbe(ProcessRunner& runner, const Target& t, const CampaignOptions& o,
                          const FuzzSetting& f, std::uint64_t seed);

// Whether a schedule string is well-formed (protocol::DecodeSchedule accepts it).
bool IsValidSchedule(const std::string& schedule);

}  // namespace racelab
