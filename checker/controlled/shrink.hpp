// Shrinking a failing schedule (docs/scheduling.md): fewest preemptions, then fewest
// deviations, then earliest, the same failure class. The algorithm sees runs only
// through a probe, so it is testable with a model program; MakeScheduleProbe puts a
// ProcessRunner behind it. Its work is bounded by a count of probe runs, and its
// result is a function of its inputs and that count: never of time, load or how many
// probes run at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "judge/failure_class.hpp"
#include "protocol/trailer.hpp"
#include "report/report.hpp"
#include "run/campaign.hpp"

namespace racelab {

// One run of a schedule.
struct ScheduleProbe {
  bool ran = false;   // false: racelab could not carry it out (spawn failure, cancelled)
  std::string error;  // when !ran: racelab's reason, e.g. "cannot start /bin/prog: ..."
  ClassSet classes;
  protocol::SchedTrailer sched;   // its trailer; sched.schedule is what it executed
  std::uint64_t stdout_hash = 0;  // StdoutFingerprint of its stdout
  // For a report's example: the run's lines around its first divergence.
  std::vector<ExcerptLine> excerpt;
  std::optional<DivergenceInfo> divergence;
};

// kGuideChoices: kGuide whose trailer also lists the steps where a preemption was
// possible (protocol::SchedTrailer::choices); used for the run with no deviation.
enum class ScheduleMode { kExact, kGuide, kGuideChoices };
// Must be safe to call from several threads at once (probes run in parallel).
using ProbeFn = std::function<ScheduleProbe(const std::string& schedule, ScheduleMode mode)>;

struct ShrinkOptions {
  // Budget in probe runs, counted as a one-at-a-time search would count them, so that
  // where the budget stops the search does not depend on `parallel`.
  std::uint64_t max_probes = kDefaultShrinkRuns;
  // Probes run at once. Candidates are tried in a fixed order and the first that
  // succeeds in that order wins, whichever run finishes first.
  int parallel = 1;
  // A safety net only: when reached, the result says "stopped at the time cap".
  std::optional<std::chrono::steady_clock::time_point> time_cap;
  const std::atomic<bool>* cancelled = nullptr;
};

// Why a result is not known to be minimal.
enum class ShrinkStop {
  kNone,         // the search ran to its end
  kProbeBudget,  // max_probes reached
  kTimeCap,      // time_cap reached
  kCancelled,
};

struct ShrinkResult {
  std::string schedule;  // the simplest schedule found that still shows the class
  // The final exact replay of `schedule` (its preemption lines and counts);
  // verified == false when it did not show the class: then schedule is the original.
  bool verified = false;
  protocol::SchedTrailer final_run;
  ScheduleProbe final_probe;  // the whole final exact replay
  // Guide-mode probes as a one-at-a-time search counts them (a function of the
  // inputs), and the runs actually started (more when probes ran in parallel and
  // some were not needed; fewer when results were reused).
  std::uint64_t probes = 0;
  std::uint64_t runs = 0;
  std::uint64_t accepted = 0;
  ShrinkStop stop = ShrinkStop::kNone;
  // 1-minimal: no single deviation of `schedule` can be removed without losing the
  // class or needing more preemptions; and when it has more than one preemption, no
  // single-preemption schedule was found by the direct search.
  bool minimal = false;
  double seconds = 0;  // wall-clock time spent (reported, never decides anything)
  // "" when minimal, else why not, e.g. "stopped at the probe budget (2000 runs)".
  std::string NotMinimalReason() const;
};

// From `original` (a schedule whose run showed `cls`): (1) when the schedule with no
// deviation shows `cls`, that is the result; (2) greedily remove each deviation,
// keeping a candidate when its guide-mode run still shows `cls` and is simpler
// (fewer preemptions, else fewer deviations, else earlier) and continuing from the
// schedule that run actually executed; then move each remaining deviation earlier
// (halfway to the one before it, else one step back); repeat until nothing changes;
// (3) when more than one preemption is left, try every single deviation to a thread
// the result switches to, at every step of the run with no deviation, in step order;
// if one shows `cls`, continue (2) from it. Ends with one exact replay of the result,
// which is never less simple than `original`.
ShrinkResult ShrinkSchedule(const std::string& original, FailureClass cls, const ProbeFn& probe,
                            const ShrinkOptions& options = {});

// A probe that runs target t (setting f, seed) with RACELAB_SCHEDULE set.
ProbeFn MakeScheduleProbe(ProcessRunner& runner, const Target& t, const CampaignOptions& o,
                          const FuzzSetting& f, std::uint64_t seed);

// Whether a schedule string is well-formed (protocol::DecodeSchedule accepts it).
bool IsValidSchedule(const std::string& schedule);

}  // namespace racelab
