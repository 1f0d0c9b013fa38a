// The seam between racelab and the operating system: running one program.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace racelab {

// What to run. argv[0] is the executable's path; it is never passed to a shell.
struct ProcessSpec {
  std::vector<std::string> argv;
  // The child's complete environment ("NAME=value"): shared_env's entries, then env's;
  // nothing is inherited implicitly. shared_env (may be null) is the part that is the same
  // for many runs, made once (a campaign's per-target environment).
  std::shared_ptr<const std::vector<std::string>> shared_env;
  std::vector<std::string> env;
  std::chrono::milliseconds timeout{30000};
  // Per stream; output beyond it kills the run.
  std::size_t output_cap = 16u << 20;
};

// Calls f on each entry of spec's environment, shared_env's first.
template <class F>
void ForEachEnv(const ProcessSpec& spec, F&& f) {
  if (spec.shared_env)
    for (const std::string& kv : *spec.shared_env) f(kv);
  for (const std::string& kv : spec.env) f(kv);
}

// spec's whole environment as one vector.
inline std::vector<std::string> FullEnv(const ProcessSpec& spec) {
  std::vector<std::string> out;
  out.reserve((spec.shared_env ? spec.shared_env->size() : 0) + spec.env.size());
  ForEachEnv(spec, [&out](const std::string& kv) { out.push_back(kv); });
  return out;
}

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

// A run that ProcessRunner::Start began and Wait has yet to finish.
class StartedRun {
 public:
  virtual ~StartedRun() = default;
};

// Runs one program to completion. Implementations must be safe to call from
// several threads at once, reap every child and close every descriptor.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult Run(const ProcessSpec& spec) = 0;
  // Run in two steps, for a caller with work to do while a run goes on (a campaign judges
  // one run while the next one runs): Start begins the run, Wait finishes it and returns
  // what Run would have. Each Start is followed by exactly one Wait, and a caller waits for
  // its runs in the order it started them. `after` is null, or a run the caller started and
  // has not waited for: the new run is queued behind it, to begin when it ends (the fork
  // launch sends the request to the same server), or, where it cannot be queued, begins
  // in Wait. By default Start keeps the spec and Wait runs it.
  virtual std::unique_ptr<StartedRun> Start(ProcessSpec spec, StartedRun* after) {
    (void)after;
    return std::make_unique<Deferred>(std::move(spec));
  }
  // How many runs a caller may keep queued behind a running one (each started `after` the
  // one before it); more are of no use to this runner.
  virtual int RunsAhead() const { return 1; }
  virtual ProcessResult Wait(std::unique_ptr<StartedRun> run) {
    return Run(static_cast<Deferred&>(*run).spec);
  }
  // Kills every run in progress (their whole process groups) and makes later
  // Run calls return kCancelled at once. Async-signal-unsafe; call from a
  // normal thread.
  virtual void CancelAll() = 0;

 private:
  struct Deferred final : StartedRun {
    explicit Deferred(ProcessSpec s) : spec(std::move(s)) {}
    ProcessSpec spec;
  };
};

}  // namespace racelab
