// The seam between racelab and the operating system: running one program.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace racelab {

// What to run. argv[0] is the executable's path; it is never passed to a shell.
struct ProcessSpec {
  std::vector<std::string> argv;
  // The child's complete environment ("NAME=value"); nothing is inherited
  // implicitly.
  std::vector<std::string> env;
  std::chrono::milliseconds timeout{30000};
  // Per stream; output beyond it kills the run.
  std::size_t output_cap = 16u << 20;
};

// How a run ended. Exactly one applies.
enum class Termination {
  // The program exited by itself; see exit_code.
  kExited,
  // A signal that racelab did not send killed it; see signal.
  kSignaled,
  // Still running at the timeout: racelab killed its process group.
  kTimedOut,
  // It wrote more than output_cap to one stream: racelab killed its group.
  kOutputOverflow,
  // racelab was interrupted and killed it; the run is not counted.
  kCancelled,
  // racelab could not start it (errno in spawn_error). Never the program's fault.
  kSpawnFailed,
};

struct ProcessResult {
  Termination termination = Termination::kExited;
  int exit_code = 0;
  int signal = 0;
  int spawn_error = 0;
  std::string out;
  std::string err;
  std::chrono::microseconds wall{0};
  std::chrono::microseconds cpu{0};  // user + system time of the child
};

// Runs one program to completion. Implementations must be safe to call from
// several threads at once, reap every child and close every descriptor.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult Run(const ProcessSpec& spec) = 0;
  // Kills every run in progress (their whole process groups) and makes later
  // Run calls return kCancelled at once. Async-signal-unsafe; call from a
  // normal thread.
  virtual void CancelAll() = 0;
};

}  // namespace racelab
