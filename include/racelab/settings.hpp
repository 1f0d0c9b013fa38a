// The RACELAB_* environment: parsers that return errors, and the entry point that exits 2.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "protocol/env.hpp"
#include "protocol/schedule.hpp"
#include "racelab/fuzz.hpp"
#include "racelab/parsed.hpp"

namespace rl {

// A specimen's own defaults (the manifest's iterations, threads and default_fuzz).
struct Defaults {
  std::string_view program;  // the specimen id; prefixes every error message
  std::int64_t iterations;   // RACELAB_ITERATIONS when unset
  std::int64_t threads;      // RACELAB_THREADS when unset (0: Problem 1, one per step)
  std::string_view fuzz;     // RACELAB_FUZZ when unset
};

struct Settings {
  std::int64_t iterations = 0;  // N, or the rectangles of Problem 2
  std::int64_t threads = 0;     // T of Problem 2
  FuzzSetting fuzz;
  std::uint64_t seed = 0;
  // Controlled scheduling (docs/scheduling.md).
  std::optional<racelab::protocol::Schedule> schedule;  // RACELAB_SCHEDULE: one to replay
  bool guide = false;    // RACELAB_SCHEDULE_MODE: exact (false) or guide / guide-choices
  bool choices = false;  // RACELAB_SCHEDULE_MODE=guide-choices
  std::int64_t step_limit = racelab::protocol::kDefaultStepLimit;  // RACELAB_STEP_LIMIT

  // True when the run is under the controlled scheduler.
  bool controlled() const { return schedule.has_value() || fuzz.IsControlled(); }
};

// Digits only, at least `minimum`, at most INT64_MAX. No sign, no spaces.
Parsed<std::int64_t> parse_count(std::string_view text, std::int64_t minimum);
// Digits only, any value that fits in 64 unsigned bits.
Parsed<std::uint64_t> parse_seed(std::string_view text);
// RACELAB_FUZZ is read by the protocol's parser (racelab::protocol::FuzzSetting::Parse).
// A schedule string, as racelab::protocol::DecodeSchedule accepts it.
Parsed<racelab::protocol::Schedule> parse_schedule(std::string_view text);
// RACELAB_SCHEDULE_MODE: how a schedule is replayed.
enum class ScheduleMode { exact, guide, guide_choices };
Parsed<ScheduleMode> parse_schedule_mode(std::string_view text);

// Returns the variable's value, or nullptr when it is unset (std::getenv's contract).
using EnvLookup = std::function<const char*(const char*)>;

// Reads every variable (RACELAB_ITERATIONS, _THREADS, _FUZZ, _SEED, _SCHEDULE,
// _SCHEDULE_MODE, _STEP_LIMIT), whether or not the specimen uses them, so a bad value is never
// silently ignored. The error names the variable: "RACELAB_SEED: expected ..., got '-1'".
Parsed<Settings> read_settings(const Defaults& defaults, const EnvLookup& lookup);

// The entry point of every specimen: reads the environment, installs the fuzz setting (or
// the controlled scheduler, with this thread as thread 0), and
// on a bad value writes "<program>: <error>" as one line on stderr and exits with status 2
// (racelab::protocol::kBadSettingExitStatus).
Settings start(const Defaults& defaults);

// A specimen-specific count variable (e.g. RACELAB_WAVE) read like the others, with the
// same exit-2 behaviour. Call after start(), which records the program name.
std::int64_t env_count(const char* variable, std::int64_t fallback, std::int64_t minimum);

}  // namespace rl
