// The controlled scheduler (docs/scheduling.md): under RACELAB_FUZZ=random|pct:D[:K] or
// RACELAB_SCHEDULE exactly one rl::Thread runs at a time, and every point is a step at
// which a seeded strategy (or a replayed schedule) picks the thread that runs next.
//
// What a step is, precisely: one decision, taken by the running thread when it reaches a
// point, when it blocks (a lock held, an empty queue, an undrained queue, a running
// thread joined) and when it exits. The chosen thread's pending point is the point it
// stopped at: its blocking point when it was woken and must re-check (Mesa), `start` (at
// the rl::Thread::start call site) when it has not run yet.
//
// Hand-offs use a futex word per thread and atomics inside TSan's ignore-sync and
// ignore-accesses annotations, so ThreadSanitizer sees only the program's own edges
// (rl::Mutex, the queue's mutex, thread start and join stay real primitives).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "protocol/env.hpp"
#include "protocol/schedule.hpp"
#include "racelab/fuzz.hpp"
#include "racelab/site.hpp"

namespace rl {

struct ControlSettings {
  FuzzSetting fuzz;        // the strategy (random, pct) unless replaying
  std::uint64_t seed = 0;  // RACELAB_SEED
  std::optional<racelab::protocol::Schedule> schedule;  // RACELAB_SCHEDULE: replay it
  bool guide = false;                                   // RACELAB_SCHEDULE_MODE=guide
  bool choices = false;  // RACELAB_SCHEDULE_MODE=guide-choices: write `choice` lines
  std::uint64_t step_limit = racelab::protocol::kDefaultStepLimit;  // RACELAB_STEP_LIMIT
};

// Starts controlled scheduling of this process with the calling thread as thread 0.
// Call once, before any rl::Thread starts (rl::start does).
void install_scheduler(const ControlSettings& settings);

namespace detail {
// The scheduler's entry points, used by the rl:: primitives only while g_controlled.
void sched_point(Point point, Site site);
// Blocks the calling thread on `object` until a sched_wake(object) makes it runnable and
// the scheduler runs it again; the caller re-checks its condition. False when the thread
// is not under control (the run has ended): the caller then blocks natively.
bool sched_block(const void* object, Point point, Site site);
// Makes every thread blocked on `object` runnable (no step).
void sched_wake(const void* object);
// rl::Mutex under control: waits (blocked in lock) until *held is false, then sets it; the
// caller then takes the real mutex, which is free. *held is touched only in here, inside
// the TSan ignore annotations, so it adds no edge and no access TSan could report.
void sched_mutex_lock(bool* held, Site site);
// Clears *held (after the real unlock) and wakes the threads waiting for it.
void sched_mutex_unlock(bool* held);
// rl::Thread::start, after its start point and before the std::thread exists: registers
// thread `index` and returns its handle for the calls below (nullptr: not controlled).
void* sched_register(std::size_t index, Site site);
// The std::thread of a registered thread could not be created.
void sched_abandon(void* handle);
// In the new thread, before its body: waits until the scheduler first runs it.
void sched_thread_begin(void* handle);
// In the thread, after its body: finishes it, wakes its joiners, hands control on.
void sched_thread_end(void* handle);
// Blocks until thread `index` has finished its body (before the real join).
void sched_join(std::size_t index, Site site);
// The trailer's schedule line, "racelab-sched: schedule s1-...\n", written to `fd` without
// allocating (the fatal-signal handler writes it too): the bytes of
// racelab::protocol::EncodeSchedule, spelled by hand.
void write_schedule_line(int fd, std::uint64_t steps, std::uint64_t hash,
                         const racelab::protocol::Deviation* deviations, std::size_t count);
}  // namespace detail

}  // namespace rl
