// <racelab/rl.hpp>: the rl vocabulary, the one header a program checked by racelab includes.
//
// A program written with it gets, without further work, fuzz points (RACELAB_FUZZ=yield or
// sleep:US delays threads at every access), controlled scheduling (RACELAB_FUZZ=random or
// pct:D[:K] runs one thread at a time and records a schedule racelab replays exactly and
// shrinks), and ThreadSanitizer-visible races when built against racelab::rl_tsan.
//
//   rl::start(defaults)   first thing in main: reads the RACELAB_* environment (exits 2
//                         with one line on a bad value) and returns rl::Settings
//                         (iterations, threads, fuzz, seed). With racelab_add_variant(),
//                         rl::manifest_defaults() gives the program's declared defaults.
//   rl::Thread            a thread constructed with its body, then start() and join();
//                         threads are numbered 1, 2, ... in creation order (main is 0).
//   rl::Mutex             lock()/unlock(); rl::LockGuard for scoped locking. Under
//                         controlled scheduling a thread blocked on it waits in the scheduler.
//   rl::Shared<T>         a shared variable: get(), set(v), update(f). Every access is a
//                         scheduling point; the value is a plain T, so an unlocked
//                         read-modify-write is a real data race that TSan reports.
//   rl::Queue<T>          a thread-safe FIFO like Python's queue.Queue (put, get,
//                         task_done, join).
//   rl::print(text)       a line on stdout, in two writes with a point between them (lines
//                         of unsynchronised threads can tear); rl::Text() << ... builds it.
//   rl::fuzz()            an explicit scheduling point, where no rl access is.
//   rl::Stopwatch         wall-clock seconds, for timing programs.
//
// Only accesses made through rl are points: a program that shares a plain variable is
// still checked by TSan, but the scheduler cannot preempt it there.
#pragma once

#include "racelab/clock.hpp"
#include "racelab/fuzz.hpp"
#include "racelab/print.hpp"
#include "racelab/queue.hpp"
#include "racelab/settings.hpp"
#include "racelab/sync.hpp"
#include "racelab/thread.hpp"

namespace rl {

// racelab_add_variant() (racelab's CMake package) defines these per program from its
// declaration, so a program's defaults cannot drift from what racelab reads in the manifest.
#if defined(RACELAB_VARIANT_ID)
inline Defaults manifest_defaults() {
  return Defaults{RACELAB_VARIANT_ID, RACELAB_VARIANT_ITERATIONS, RACELAB_VARIANT_THREADS,
                  RACELAB_VARIANT_FUZZ};
}
#endif

}  // namespace rl
