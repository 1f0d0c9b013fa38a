// ProcessRunner over fork servers (docs/launch.md): a program started once per worker
// forks a child per run; exec (posix_spawn) where a server cannot be had.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "run/posix_process.hpp"
#include "run/process.hpp"

namespace racelab {

// How runs are started: --launch.
enum class Launch {
  kExec,  // posix_spawn per run
  kFork,  // a fork server per worker; exec where none can be had, with a note
  kAuto,  // the default: kFork
};

// "exec", "fork", "auto"; Parse returns false for anything else.
const char* Name(Launch l);
bool ParseLaunch(const std::string& text, Launch* out);

// What a target's runs were started with, for the report.
struct LaunchUse {
  std::string launch;  // "fork", "exec", or "fork, then exec" after a fallback
  std::string note;    // why not (only) fork; empty otherwise
};

// racelab_preload.so beside the running racelab, or empty.
std::string FindPreloadLibrary();

class ForkServerRunner final : public ProcessRunner {
 public:
  // preload: racelab_preload.so's path, or empty (then only programs with racelab's
  // support library can serve).
  ForkServerRunner(Launch launch, std::string preload, bool reap_orphans = true);
  ~ForkServerRunner() override;
  ForkServerRunner(const ForkServerRunner&) = delete;
  ForkServerRunner& operator=(const ForkServerRunner&) = delete;

  // A server that cannot start, dies or misbehaves is racelab's fault: a run it had
  // started is kSpawnFailed (a harness error), one it had not is run by exec, and every
  // later run of that executable too (UseFor says so).
  ProcessResult Run(const ProcessSpec& spec) override;
  // Start sends the run's request to a server and returns while it runs; Wait collects it.
  // A run started `after` another of the same server key goes to that run's server, which
  // forks it the moment the other ends (at most protocol::fork::kMaxAhead wait there).
  std::unique_ptr<StartedRun> Start(ProcessSpec spec, StartedRun* after) override;
  ProcessResult Wait(std::unique_ptr<StartedRun> run) override;
  // kRunsAhead: with that many queued, racelab can collect several runs per wake-up.
  int RunsAhead() const override { return kRunsAhead; }
  void CancelAll() override;

  static constexpr int kRunsAhead = 7;

  LaunchUse UseFor(const std::string& executable) const;
  // The pids of the servers that wait for a request now (for tests).
  std::vector<int> IdleServerPids() const;
  // Called with the server's and the child's pid once racelab learns the pid (kStarted, or
  // kExited for a run that ended sooner; for tests, to break a server at a known point).
  // Not while a Run is in progress.
  void SetStartedHook(std::function<void(int server, int child)> hook) {
    started_hook_ = std::move(hook);
  }

 private:
  // A server: the program's process and racelab's end of its control socket. The runs
  // queued on it share it; it is idle when none is.
  struct Server {
    int pid = -1;
    int sock = -1;              // -1 once stopped
    bool fork_noted = false;    // Used(..., "fork") called for a run of it
    std::int64_t sent = 0;      // requests sent: the last one's run number
    std::int64_t answered = 0;  // runs whose end racelab has read
    // When the last run whose end racelab read was reaped: a run queued behind it began
    // then.
    std::chrono::steady_clock::time_point next_start{};
    // The wall time of its recent runs (a moving average), or zero: how long racelab may
    // leave it alone while it has runs queued.
    std::chrono::microseconds typical_wall{0};
  };
  using ServerPtr = std::shared_ptr<Server>;
  // kDone: the run is over and the server fit for more; kNotStarted: the server failed
  // before the run began; kBroken: it failed during the run.
  enum class Outcome { kDone, kNotStarted, kBroken };
  struct ForkRun;

  bool StartServer(const ProcessSpec& spec, Server* s, std::string* why);
  static void StopServer(Server& s);
  // The run on an idle server of its key, or a new one; by exec where there is none.
  void Begin(ForkRun& run);
  // Sends the request on run.server, queued behind the runs it has (`queued`).
  void Send(ForkRun& run, bool queued);
  // The run's pipes and request. kNoPipes: a harness failure in the run's result, the
  // server fit for more; kServerGone: the request could not be sent.
  enum class Sent { kSent, kNoPipes, kServerGone };
  Sent SendRun(ForkRun& run, std::string* why);
  // From the request sent to the run's end.
  Outcome AwaitRun(ForkRun& run, std::string* why);
  // The run's server back to the idle ones, unless runs are still queued on it.
  void Release(ForkRun& run);
  // The run's server stopped for good, and its executable to exec from now on.
  void Abandon(ForkRun& run, const std::string& why);
  void Fallback(const std::string& executable, const std::string& note);
  void Used(const std::string& executable, const char* how);

  std::function<void(int, int)> started_hook_;
  Launch launch_;
  std::string preload_;
  bool reap_orphans_;
  PosixProcessRunner exec_;
  int cancel_fd_ = -1;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;
  std::multimap<std::string, ServerPtr> idle_;    // by server key (argv and environment)
  std::map<std::string, std::string> exec_only_;  // executable -> why
  std::map<std::string, std::string> used_;       // executable -> launches seen
};

}  // namespace racelab
