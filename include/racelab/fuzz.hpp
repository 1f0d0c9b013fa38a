// Fuzz points: where the specimens may be delayed, and the per-thread random delays.
#pragma once

#include <cstdint>

#include "protocol/fuzz_setting.hpp"
#include "racelab/site.hpp"

namespace rl {

// RACELAB_FUZZ, as the protocol defines it (protocol/fuzz_setting.hpp): none, sleep and
// yield act at the fuzz points below; random and pct run the controlled scheduler
// (racelab/sched.hpp).
using racelab::protocol::FuzzSetting;

// The delays of one thread. Seeded from (seed, thread index) only, so a run replays with
// the same sleep sequence per thread whatever the other threads do.
class FuzzPlan {
 public:
  FuzzPlan(FuzzSetting setting, std::uint64_t seed, std::uint64_t thread_index);

  // Uniform in [0, max_us] for FuzzSetting::Mode::kSleep; 0 (and no randomness used) otherwise.
  std::int64_t next_sleep_us();
  // Carries out one fuzz point: sleeps or yields as the setting says.
  void pause();

 private:
  FuzzSetting setting_;
  std::uint64_t state_;
};

// Every place a specimen touches something another thread can see. The native backend
// delays at fuzz, and at read, write and print outside rl::Mutex critical sections; the
// others exist so that a controlled scheduler can make every synchronisation operation a
// scheduling point without editing specimens.
enum class Point {
  fuzz,       // an explicit rl::fuzz() of the seed
  read,       // rl::Shared<T>::get
  write,      // rl::Shared<T>::set / update
  print,      // between the text and the line end of rl::print
  lock,       // rl::Mutex::lock, before acquiring
  unlock,     // rl::Mutex::unlock, before releasing
  start,      // rl::Thread::start, before the thread exists
  join,       // rl::Thread::join, before waiting
  put,        // rl::Queue<T>::put
  get,        // rl::Queue<T>::get, before waiting for an item
  task_done,  // rl::Queue<T>::task_done
  drain,      // rl::Queue<T>::join, before waiting for the queue to drain
};
// The number of Point kinds; the scheduler hashes a thread's exit as kind kPointKinds.
inline constexpr unsigned kPointKinds = 12;
const char* to_string(Point point);

// Installs the fuzz setting for the whole process. Call before starting any rl::Thread:
// the flag it sets is read without synchronisation by every point. A controlled setting
// (random, pct) is only recorded here; rl::start() installs the scheduler itself.
void install_fuzz(FuzzSetting setting, std::uint64_t seed);

namespace detail {
// True when points need the slow path (fuzz mode other than none). Written only by
// install_fuzz, before any thread starts, so the unsynchronised reads are race-free.
extern bool g_points_active;
// rl::Mutex locks the calling thread holds (counted only while points are active).
// Implicit points (read, write, print) do not pause inside a critical section: a delay
// there cannot expose a race on state the lock protects, it only serialises the threads
// behind the lock and so hides the ordering bugs the seed's own fuzz() calls expose
// (p1s5's "line order badly wrong"). Explicit fuzz() calls always pause.
// Under controlled scheduling every point is a step, inside critical sections too: the
// rule above is for the native sleep/yield backend only.
extern thread_local int t_locks_held;
// True while the controlled scheduler runs the process (see racelab/sched.hpp).
extern bool g_controlled;
void at_point(Point point, Site site);
}  // namespace detail

// With fuzz mode none this is one well-predicted branch on a global.
inline void point(Point point, Site site) {
  if (__builtin_expect(detail::g_points_active, false)) detail::at_point(point, site);
}

// The seed's explicit fuzz() call.
inline void fuzz(Site site = Site::here()) {
  point(Point::fuzz, site);
}

}  // namespace rl
