// The schedule string of controlled scheduling (docs/scheduling.md, "Schedule string"):
// what a specimen writes in its trailer and reads from RACELAB_SCHEDULE, and what racelab
// shrinks and puts on replay lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace racelab::protocol {

// A step at which the scheduler ran `thread` instead of the default policy's choice.
struct Deviation {
  std::uint64_t step = 0;    // 1-based step number
  std::uint32_t thread = 0;  // the chosen thread's index (rl::this_thread_index())

  friend bool operator==(const Deviation& a, const Deviation& b) {
    return a.step == b.step && a.thread == b.thread;
  }
  friend bool operator!=(const Deviation& a, const Deviation& b) { return !(a == b); }
};

// A recorded run: its step count, its path hash, and its deviations in step order.
struct Schedule {
  std::uint64_t steps = 0;
  std::uint64_t hash = 0;
  std::vector<Deviation> deviations;

  friend bool operator==(const Schedule& a, const Schedule& b) {
    return a.steps == b.steps && a.hash == b.hash && a.deviations == b.deviations;
  }
  friend bool operator!=(const Schedule& a, const Schedule& b) { return !(a == b); }
};

// Every schedule string of version 1 starts with this.
inline constexpr std::string_view kScheduleVersionPrefix = "s1-";

// The one encoder: "s1-<steps>-<16 hex hash>-<delta>t<thread>.<delta>t<thread>...". The
// deviations must be in strictly increasing step order starting at step 1 or later (as
// DecodeSchedule requires); EncodeSchedule does not check that.
std::string EncodeSchedule(const Schedule& schedule);

// The inverse of EncodeSchedule, strict: exactly the strings it produces for a valid schedule
// are accepted (no leading zeros, no empty or zero delta, lowercase hex of exactly 16
// digits, no overflow of a step or thread, every deviation's step in 1..steps), anything
// else gives std::nullopt.
std::optional<Schedule> DecodeSchedule(std::string_view text);

// FNV-1a 64, the path hash: start from kHashBasis and fold in each step's (thread, point
// kind, line) with HashStep.
inline constexpr std::uint64_t kHashBasis = 0xcbf29ce484222325ULL;
std::uint64_t HashStep(std::uint64_t hash, std::uint32_t thread, std::uint32_t kind,
                       std::uint32_t line);

}  // namespace racelab::protocol
