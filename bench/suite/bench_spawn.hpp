// Spawning one program for a measurement: argv only (never a shell string), output kept or
// discarded, and the CPU of the whole process tree, orphans included.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/file_util.hpp"

namespace racelab {

struct SpawnRequest {
  std::vector<std::string> argv;        // argv[0] is a path or a name looked up in PATH
  std::vector<std::string> env;         // the complete environment ("NAME=value")
  std::string stdin_path;               // "" = /dev/null
  bool capture_out = false;             // else /dev/null
  bool capture_err = false;             // else /dev/null
  std::size_t capture_cap = 64u << 20;  // per stream; more is dropped, the run goes on
  // 0 = none. At the deadline the process group is killed (a time-boxed tool such as Go's
  // stress is stopped this way on purpose: `stopped` then says so).
  std::chrono::milliseconds deadline{0};
  // Each complete stdout line as it arrives, with seconds since the spawn (capture_out).
  std::function<void(std::string_view line, double seconds)> on_line;
};

struct SpawnOutcome {
  bool started = false;
  int spawn_error = 0;  // errno when !started
  bool exited = false;  // exited by itself (exit_code); else killed by `signal`
  int exit_code = 0;
  int signal = 0;
  bool stopped = false;  // racelab killed it at the deadline
  double wall_s = 0;     // spawn to exit
  // The process itself (its /proc/PID/stat utime + stime, read before it is reaped).
  double self_cpu_s = 0;
  // The process and every descendant, including orphans that were re-parented to racelab
  // (a TSan program's llvm-symbolizer outlives it): racelab's RUSAGE_CHILDREN growth.
  double tree_cpu_s = 0;
  double user_s = 0;  // wait4: the process and its waited-for descendants
  double sys_s = 0;
  long max_rss_kb = 0;  // wait4: the largest of the process and its waited-for descendants
  std::string out;
  std::string err;
};

// Runs one program to completion in its own process group and reaps every orphan it left
// (racelab is a child subreaper while measuring, so the tree's CPU is all accounted).
// Not to be called while another spawner (a PosixProcessRunner campaign) is active: orphan
// reaping takes every child of racelab that is not this call's own.
SpawnOutcome SpawnAndWait(const SpawnRequest& req);

// The CPU seconds one run of req costs, its whole process tree included, when `width` runs
// execute at once: `count` runs in lockstep batches of `width`, output discarded. NaN if the
// program cannot be started. The same caveat as SpawnAndWait about other spawners applies.
double MeasureCpuPerRun(const SpawnRequest& req, int count, int width);

// Kills the process groups of the SpawnAndWait calls in progress (from a signal watcher).
void KillActiveSpawns();

}  // namespace racelab
