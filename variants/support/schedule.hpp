// The schedule string of controlled scheduling (docs/scheduling.md, "Schedule string").
// Dependency-free (std only): linked by the specimens' support library and by racelab.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rl::sched {

// A step at which the scheduler ran `thread` instead of the default policy's choice.
struct Deviation {
  std::uint64_t step = 0;    // 1-based step number
  std::uint32_t thread = 0;  // rl::this_thread_index() of the chosen thread

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

// "s1-<steps>-<16 hex hash>-<delta>t<thread>.<delta>t<thread>...". The deviations must be
// in strictly increasing step order starting at step 1 or later (as Decode requires);
// Encode does not check that.
std::string Encode(const Schedule& schedule);

// The inverse of Encode, strict: exactly the strings Encode produces for a valid schedule
// are accepted (no leading zeros, no empty or zero delta, lowercase hex of exactly 16
// digits, no overflow of a step or thread, every deviation's step in 1..steps), anything
// else gives std::nullopt.
std::optional<Schedule> Decode(std::string_view text);

// FNV-1a 64, the path hash: start from kHashBasis and fold in each step's (thread, point
// kind, line) with HashStep.
inline constexpr std::uint64_t kHashBasis = 0xcbf29ce484222325ULL;
std::uint64_t HashStep(std::uint64_t hash, std::uint32_t thread, std::uint32_t kind,
                       std::uint32_t line);

}  // namespace rl::sched
