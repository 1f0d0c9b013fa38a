// posix_spawn-based runner: every child in its own process group, killed as a group.
#include "run/posix_process.hpp"

#include "run/output_pipes.hpp"
#include "util/fd.hpp"
#include "util/file_util.hpp"
#include "util/number.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "run/spawn_attr.hpp"

namespace racelab {
namespace {

using Clock = std::chrono::steady_clock;

// After the child has exited, how long to keep reading pipes that something
// else still holds open before giving up on them.
constexpr auto kDrainGrace = std::chrono::milliseconds(200);

std::system_error SysError(const char* what) {
  return std::system_error(errno, std::generic_category(), what);
}

std::vector<char*> CStrings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const std::string& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

std::chrono::microseconds ToMicros(const timeval& tv) {
  return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
}

// The children that some Run call (of any runner: the subreaper role belongs
// to the whole process) is responsible for. Everything else that racelab finds
// among its children is an adopted orphan.
struct Registry {
  std::mutex mu;  // also makes spawn + registration, and orphan reaping, atomic
  std::set<int> owned;
};

Registry& Owned() {
  static Registry* r = new Registry;  // never destroyed: runs may outlive statics
  return *r;
}

// Kills and reaps the children of racelab that no Run call owns: orphans
// adopted as subreaper, with their process groups. Until none is left, since
// killing one can orphan its own descendants in turn. Holds the registry lock
// throughout, so that no pid it kills can meanwhile be reaped and reused by a
// new run.
// Orphans are rare (a grandchild that left the run's group, a TSan run's llvm-symbolizer
// killed with its group), and walking /proc after every run cost a fifth of the runner's
// throughput on short runs (docs/benchmarks.md). So a scan runs at most every
// kScanInterval unless forced (after a run that needed killing or left its pipes held
// open, and when the runner goes away), one thread at a time; zombies stay bounded.
constexpr auto kScanInterval = std::chrono::milliseconds(50);

void ReapOrphans(bool force) {
  static std::mutex scan_mu;
  static Clock::time_point last_scan{};
  std::unique_lock<std::mutex> scanning(scan_mu, std::defer_lock);
  if (force) {
    scanning.lock();
  } else if (!scanning.try_lock()) {
    return;  // another thread is scanning now
  }
  const auto now = Clock::now();
  if (!force && now - last_scan < kScanInterval) return;
  last_scan = now;
  Registry& reg = Owned();
  for (int round = 0; round < 1000; ++round) {
    std::vector<int> orphans;
    {
      // Under the registry lock, so a child that is just being spawned (and not yet
      // registered) is never taken for an orphan.
      std::lock_guard<std::mutex> lock(reg.mu);
      DIR* dir = ::opendir("/proc/self/task");
      if (dir == nullptr) return;
      while (dirent* e = ::readdir(dir)) {
        if (e->d_name[0] == '.') continue;
        const Result<std::string> children =
            ReadTextFile(std::string("/proc/self/task/") + e->d_name + "/children", 1 << 20);
        if (!children) continue;
        for (std::string_view rest = *children; !rest.empty();) {
          const std::size_t space = std::min(rest.find(' '), rest.size());
          const auto pid = ParseWholeNumber(rest.substr(0, space), 1, INT32_MAX);
          rest.remove_prefix(std::min(space + 1, rest.size()));
          if (pid && reg.owned.count(static_cast<int>(*pid)) == 0)
            orphans.push_back(static_cast<int>(*pid));
        }
      }
      ::closedir(dir);
    }
    if (orphans.empty()) return;
    // An orphan is racelab's unreaped child and only this (scanning) thread reaps it, so
    // its pid cannot be reused before the waitpid below: no lock is needed to kill it.
    for (int pid : orphans) {
      ::kill(pid, SIGKILL);
      ::kill(-pid, SIGKILL);  // and its group, if it made one with setsid
    }
    for (int pid : orphans)
      while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
  }
}

// Descriptors and processes are the limits a long campaign can run into:
// report them as a failure to start the run.
ProcessResult SpawnFailure(int error) {
  ProcessResult r;
  r.termination = Termination::kSpawnFailed;
  r.spawn_error = error;
  return r;
}

}  // namespace

int SpawnOwnedHelper(const std::function<int()>& spawn) {
  Registry& reg = Owned();
  std::lock_guard<std::mutex> lock(reg.mu);
  const int pid = spawn();
  if (pid > 0) reg.owned.insert(pid);
  return pid;
}

void ReapStrayChildren(bool force) {
  ReapOrphans(force);
}

std::chrono::microseconds SelfCpu() {
  rusage u{};
  if (::getrusage(RUSAGE_SELF, &u) != 0) return std::chrono::microseconds(0);
  return ToMicros(u.ru_utime) + ToMicros(u.ru_stime);
}

void KillOwnedHelper(int pid) {
  if (pid <= 0) return;
  Registry& reg = Owned();
  // Reaped and forgotten under the lock: its pid cannot be reused by a run meanwhile.
  std::lock_guard<std::mutex> lock(reg.mu);
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  reg.owned.erase(pid);
}

PosixProcessRunner::PosixProcessRunner(bool reap_orphans) : reap_orphans_(reap_orphans) {
  cancel_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (cancel_fd_ < 0) throw SysError("eventfd");
  if (reap_orphans_ && ::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) reap_orphans_ = false;
}

PosixProcessRunner::~PosixProcessRunner() {
  if (cancel_fd_ >= 0) ::close(cancel_fd_);
  if (reap_orphans_) ReapOrphans(/*force=*/true);
}

void PosixProcessRunner::CancelAll() {
  cancelled_.store(true);
  const std::uint64_t one = 1;
  // The eventfd wakes every poll in progress; each Run then kills its group.
  [[maybe_unused]] ssize_t n = ::write(cancel_fd_, &one, sizeof one);
}

ProcessResult PosixProcessRunner::Run(const ProcessSpec& spec) {
  ProcessResult result;
  if (cancelled_.load()) {
    result.termination = Termination::kCancelled;
    return result;
  }
  const auto start = Clock::now();
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return SpawnFailure(errno);
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return SpawnFailure(errno);
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_w.get(), 2);
  // Descriptors racelab's own parent leaked to it must not reach the child.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  static const SpawnAttr attr;
  std::vector<char*> argv = CStrings(spec.argv);
  std::vector<char*> envp;
  envp.reserve((spec.shared_env ? spec.shared_env->size() : 0) + spec.env.size() + 1);
  ForEachEnv(spec,
             [&envp](const std::string& kv) { envp.push_back(const_cast<char*>(kv.c_str())); });
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc;
  {
    // Spawn and registration are one step, so ReapOrphans never mistakes a
    // child that is just starting for an orphan.
    std::lock_guard<std::mutex> lock(Owned().mu);
    rc = ::posix_spawn(&pid, argv[0], &actions, attr.get(), argv.data(), envp.data());
    if (rc == 0) Owned().owned.insert(pid);
  }
  posix_spawn_file_actions_destroy(&actions);
  out_w.Close();
  err_w.Close();
  if (rc != 0) return SpawnFailure(rc);
  auto disown = [pid] {
    std::lock_guard<std::mutex> lock(Owned().mu);
    Owned().owned.erase(pid);
  };

  // glibc 2.36's <sys/pidfd.h> lacks extern "C", so call the system call directly.
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (pidfd.get() < 0) {
    const int error = errno;
    ::kill(pid, SIGKILL);
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    disown();
    if (reap_orphans_) ReapOrphans(/*force=*/true);
    return SpawnFailure(error);
  }

  const auto deadline = start + spec.timeout;
  bool exited = false;
  bool killed_by_us = false;
  Clock::time_point drain_deadline{};
  OutputPipes output(&out_r, &err_r, &result.out, &result.err, spec.output_cap);
  output.Pace(kOutputPace, start);

  // The child itself as well as its group: a hostile child can move itself
  // into another group (setpgid), and must not make reap() wait forever.
  auto kill_group = [&](Termination why) {
    if (!exited && !killed_by_us) {
      ::kill(pid, SIGKILL);
      ::kill(-pid, SIGKILL);
      killed_by_us = true;
      result.termination = why;
    }
  };
  int status = 0;
  rusage usage{};
  auto reap = [&] {
    // Kill the group before reaping: while the child is an unreaped zombie its
    // pid, and so its group id, cannot be reused by an unrelated process.
    ::kill(-pid, SIGKILL);
    while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    disown();
    exited = true;
    drain_deadline = Clock::now() + kDrainGrace;
    output.Pace(Clock::duration::zero(), drain_deadline);  // drained at once from here
    // Members of the run's group that outlived it (killed above, now racelab's orphans, e.g.
    // a TSan run's llvm-symbolizer) are reaped at once; kill(-pid, 0) finds them cheaply.
    if (reap_orphans_) ReapOrphans(/*force=*/killed_by_us || ::kill(-pid, 0) == 0);
  };

  while (!exited || output.open()) {
    pollfd pfds[4];
    int n = 0;
    const auto now = Clock::now();
    const auto resume = output.WatchPaced(pfds, &n, now);  // when resting pipes are due
    const int pid_slot = exited ? -1 : n;
    if (!exited) pfds[n++] = {pidfd.get(), POLLIN, 0};
    const int cancel_slot = n;
    pfds[n++] = {cancel_fd_, POLLIN, 0};

    auto until = exited ? drain_deadline : deadline;
    if (now >= until) {
      if (!exited) {
        kill_group(Termination::kTimedOut);
        reap();
        continue;
      }
      // Drained long enough: something outside the group holds the pipes.
      if (reap_orphans_) ReapOrphans(/*force=*/true);
      break;
    }
    const auto wake = std::min(until, resume);
    const auto wait_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1;
    const int ready = ::poll(pfds, n, static_cast<int>(wait_ms));
    if (ready < 0) {
      if (errno == EINTR) continue;
      kill_group(Termination::kCancelled);
      reap();
      throw SysError("poll");
    }
    if (pfds[cancel_slot].revents != 0 && !exited) {
      kill_group(Termination::kCancelled);
      reap();
      break;
    }
    if (output.ReadReady(pfds)) kill_group(Termination::kOutputOverflow);
    if (pid_slot >= 0 && pfds[pid_slot].revents != 0) reap();
  }
  if (!exited) reap();

  result.wall = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  result.cpu = ToMicros(usage.ru_utime) + ToMicros(usage.ru_stime);
  if (killed_by_us) return result;  // termination already says why
  if (WIFEXITED(status)) {
    result.termination = Termination::kExited;
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.termination = Termination::kSignaled;
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace racelab
