// The trailer: the `racelab-sched: ` lines a controlled run writes at the end of its
// stderr (docs/scheduling.md, "What a controlled run writes on stderr"). The keys are the
// writer's (the specimen runtime's) and the parser's alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace racelab::protocol {

// Every trailer line starts with this.
inline constexpr std::string_view kSchedPrefix = "racelab-sched: ";

// The words of the trailer, in the order a run writes its lines.
namespace trailer {
// "diverged step=57 reason=thread 4 is not runnable"
inline constexpr std::string_view kDiverged = "diverged";
inline constexpr std::string_view kReason = "reason";
// "deadlock at step=88", then "thread 1 blocked in lock at lock_inversion.cpp:20" per thread
inline constexpr std::string_view kDeadlock = "deadlock";
inline constexpr std::string_view kThread = "thread";
inline constexpr std::string_view kBlockedIn = "blocked in";
// "step-limit 1000000"
inline constexpr std::string_view kStepLimit = "step-limit";
// "schedule s1-523-..."
inline constexpr std::string_view kSchedule = "schedule";
// "stats threads=101 steps=523 preemptions=2 deviations=3 strategy=pct:3:1000 seed=17"
inline constexpr std::string_view kStats = "stats";
inline constexpr std::string_view kThreads = "threads";
inline constexpr std::string_view kSteps = "steps";
inline constexpr std::string_view kPreemptions = "preemptions";
inline constexpr std::string_view kDeviations = "deviations";
inline constexpr std::string_view kStrategy = "strategy";
inline constexpr std::string_view kSeed = "seed";
// "preemption step=12 from=2 at=p1s4.cpp:41 (read) to=3 at=p1s4.cpp:38 (write)"
inline constexpr std::string_view kPreemption = "preemption";
inline constexpr std::string_view kStep = "step";
inline constexpr std::string_view kFrom = "from";
inline constexpr std::string_view kAt = "at";
inline constexpr std::string_view kTo = "to";
// "choice step=12 thread=2 runnable=0-3,5 at=p1s4.cpp:41 (read)" (guide-choices runs)
inline constexpr std::string_view kChoice = "choice";
inline constexpr std::string_view kRunnable = "runnable";
// The stats line's strategy of a replay: "replay:exact" or "replay:guide".
inline constexpr std::string_view kReplayStrategyPrefix = "replay:";
}  // namespace trailer

// One `preemption step=12 from=2 at=p1s4.cpp:41 (read) to=3 at=p1s4.cpp:38 (write)` line.
struct SchedPreemption {
  std::uint64_t step = 0;
  std::uint64_t from = 0;
  std::string from_at;  // "p1s4.cpp:41 (read)"
  std::uint64_t to = 0;
  std::string to_at;  // "p1s4.cpp:38 (write)"
  // "step 12: thread 2 at p1s4.cpp:41 (read) -> thread 3 runs p1s4.cpp:38 (write)"
  std::string Describe() const;
};

// One `choice step=12 thread=2 runnable=0-3,5 at=p1s4.cpp:41 (read)` line: at `step` the
// current thread `thread` (pending point `at`) could have been preempted by another of
// `runnable` (ranges of thread indices, the current one included).
struct SchedChoice {
  std::uint64_t step = 0;
  std::uint64_t thread = 0;
  std::string at;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> runnable;  // [first, last], ascending
  bool Runnable(std::uint64_t t) const;
};

// Everything the trailer says. `present` is false when stderr has no such line
// (an uncontrolled run, or a program without the runtime).
struct SchedTrailer {
  bool present = false;
  std::string schedule;  // as written: "s1-523-..."
  // From the stats line (stats_seen says whether there was one).
  bool stats_seen = false;
  std::uint64_t threads = 0;
  std::uint64_t steps = 0;
  std::uint64_t preemptions = 0;
  std::uint64_t deviations = 0;
  std::string strategy;
  std::optional<std::uint64_t> seed;
  std::vector<SchedPreemption> preemption_lines;
  std::vector<SchedChoice> choices;  // a guide-choices run's `choice` lines, in step order
  bool deadlock = false;
  std::uint64_t deadlock_step = 0;
  // "deadlock at step=88", then each "thread 1 blocked in lock at lock_inversion.cpp:20".
  std::vector<std::string> deadlock_lines;
  bool step_limit = false;
  std::uint64_t step_limit_steps = 0;
  bool diverged = false;
  std::uint64_t diverged_step = 0;
  std::string diverged_reason;
  // Lines with the prefix that none of the above matched (kept, never fatal).
  std::vector<std::string> unknown;

  std::vector<std::string> Explanation() const;  // Describe() of each preemption line
  // "schedule diverged at step 57: thread 4 is not runnable" ("" unless diverged).
  std::string DivergedText() const;
};

// Reads every `racelab-sched: ` line of a run's stderr, wherever it is.
// Untrusted input: never throws, lines it cannot read go to `unknown`.
SchedTrailer ParseSchedTrailer(std::string_view err);

// stderr without the `racelab-sched: ` lines, for the sanitizer parser and the
// stderr excerpts: the trailer is racelab's protocol, not the program's output.
std::string StripSchedLines(std::string_view err);

}  // namespace racelab::protocol
