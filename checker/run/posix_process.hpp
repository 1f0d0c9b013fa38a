// ProcessRunner on POSIX: posix_spawn, a process group per run, pipes read with poll.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "run/process.hpp"

namespace racelab {

class PosixProcessRunner final : public ProcessRunner {
 public:
  // With reap_orphans, racelab becomes the child subreaper of everything it
  // starts (prctl PR_SET_CHILD_SUBREAPER), so a grandchild that left its
  // process group (setsid) is re-parented to racelab when its parent dies and
  // is then killed and reaped instead of surviving the run.
  explicit PosixProcessRunner(bool reap_orphans = true);
  ~PosixProcessRunner() override;
  PosixProcessRunner(const PosixProcessRunner&) = delete;
  PosixProcessRunner& operator=(const PosixProcessRunner&) = delete;

  // Never throws for a lack of resources (descriptors, processes): that run is
  // kSpawnFailed with the errno, a harness error rather than the program's.
  ProcessResult Run(const ProcessSpec& spec) override;
  void CancelAll() override;

 private:
  bool reap_orphans_;
  int cancel_fd_ = -1;  // eventfd, readable once CancelAll was called
  std::atomic<bool> cancelled_{false};
};

// Helper processes racelab keeps beside the runs (llvm-symbolizer): `spawn` starts one and
// returns its pid (or -1), under the lock that makes it known to every runner, so the
// orphan reaper never takes it for an orphan. Returns spawn's result.
int SpawnOwnedHelper(const std::function<int()>& spawn);
// Kills such a helper (SIGKILL), reaps it and forgets it.
void KillOwnedHelper(int pid);
// Kills and reaps racelab's children that no run or helper owns (orphans adopted as
// subreaper); without force, at most every few milliseconds. For runners whose children
// are not racelab's own (the fork server's).
void ReapStrayChildren(bool force);
// The CPU time (user + system) this process has used so far, its ended threads included and
// its children not (getrusage's total is the scheduler's exact runtime).
std::chrono::microseconds SelfCpu();

}  // namespace racelab
