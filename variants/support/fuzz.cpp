// Per-thread fuzz delays and the native (unscheduled) handling of points.
#include "racelab/fuzz.hpp"

#include <chrono>
#include <limits>
#include <optional>
#include <thread>

#include "racelab/sched.hpp"
#include "racelab/thread.hpp"
#include "support/splitmix.hpp"

namespace rl {
namespace {

FuzzSetting g_setting;
std::uint64_t g_seed = 0;

// Each thread builds its plan on its first point, from its own index, so no state is
// shared between threads and the sequence does not depend on the interleaving.
FuzzPlan& this_thread_plan() {
  thread_local std::optional<FuzzPlan> plan;
  if (!plan) plan.emplace(g_setting, g_seed, this_thread_index());
  return *plan;
}

}  // namespace

namespace detail {
bool g_points_active = false;
thread_local int t_locks_held = 0;

void at_point(Point point, Site site) {
  if (g_controlled) {
    sched_point(point, site);
    return;
  }
  switch (point) {
    case Point::fuzz: this_thread_plan().pause(); return;
    case Point::read:
    case Point::write:
    case Point::print:
      if (t_locks_held == 0) this_thread_plan().pause();
      return;
    case Point::lock:
    case Point::unlock:
    case Point::start:
    case Point::join:
    case Point::put:
    case Point::get:
    case Point::task_done:
    case Point::drain:
      // Scheduling points only: the native backend leaves them to the OS scheduler.
      return;
  }
}
}  // namespace detail

const char* to_string(Point point) {
  switch (point) {
    case Point::fuzz: return "fuzz";
    case Point::read: return "read";
    case Point::write: return "write";
    case Point::print: return "print";
    case Point::lock: return "lock";
    case Point::unlock: return "unlock";
    case Point::start: return "start";
    case Point::join: return "join";
    case Point::put: return "put";
    case Point::get: return "get";
    case Point::task_done: return "task_done";
    case Point::drain: return "drain";
  }
  return "?";
}

FuzzPlan::FuzzPlan(FuzzSetting setting, std::uint64_t seed, std::uint64_t thread_index)
    : setting_(setting), state_(mix64(seed ^ (thread_index * kGolden))) {}

std::int64_t FuzzPlan::next_sleep_us() {
  if (setting_.mode != FuzzSetting::Mode::kSleep || setting_.max_us == 0) return 0;
  // Rejection sampling keeps the draw exactly uniform (no modulo bias).
  const std::uint64_t range = setting_.max_us + 1;
  const std::uint64_t threshold = (0 - range) % range;
  for (;;) {
    state_ += kGolden;
    const std::uint64_t draw = mix64(state_);
    if (draw >= threshold) return static_cast<std::int64_t>(draw % range);
  }
}

void FuzzPlan::pause() {
  switch (setting_.mode) {
    case FuzzSetting::Mode::kNone:
    case FuzzSetting::Mode::kRandom:
    case FuzzSetting::Mode::kPct: return;
    case FuzzSetting::Mode::kYield: std::this_thread::yield(); return;
    case FuzzSetting::Mode::kSleep:
      std::this_thread::sleep_for(std::chrono::microseconds(next_sleep_us()));
      return;
  }
}

void install_fuzz(FuzzSetting setting, std::uint64_t seed) {
  g_setting = setting;
  g_seed = seed;
  detail::g_points_active = setting.mode != FuzzSetting::Mode::kNone;
}

}  // namespace rl
