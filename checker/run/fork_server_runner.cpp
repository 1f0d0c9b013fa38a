// The fork-server launch: one server per worker and server key, runs as requests on its
// control socket, every run's group killed by racelab as in the exec launch.
#include "run/fork_server_runner.hpp"

#include "run/output_pipes.hpp"
#include "util/fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "protocol/env.hpp"
#include "protocol/fork_server.hpp"
#include "run/spawn_attr.hpp"

namespace racelab {
namespace {

namespace fk = protocol::fork;
using Clock = std::chrono::steady_clock;

// As the exec launch: how long to read pipes something else holds open after the child
// ended.
constexpr auto kDrainGrace = std::chrono::milliseconds(200);
// How long a server may take to answer a request or report a child racelab killed: a
// bound on a misbehaving server, never on the program (its timeout is spec.timeout).
constexpr auto kServerGrace = std::chrono::seconds(10);
// Idle servers kept at most (each is a whole process of the program, TSan's shadow memory
// included); beyond, those of other programs are stopped first.
constexpr std::size_t kMaxIdleServers = 16;

bool StartsWith(const std::string& s, std::string_view p) {
  return s.compare(0, p.size(), p) == 0;
}

// Servers are interchangeable for runs with the same argv and the same environment
// outside the RACELAB_* settings a request carries.
std::string ServerKey(const ProcessSpec& spec) {
  std::string key;
  for (const std::string& a : spec.argv) key += a + '\0';
  key += '\1';
  for (const std::string& kv : spec.env)
    if (!StartsWith(kv, protocol::kEnvPrefix)) key += kv + '\0';
  return key;
}

std::vector<char*> CStrings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const std::string& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Waits until sock is readable, the deadline passes or cancel_fd fires.
enum class Ready { kSock, kTimeout, kCancel };
Ready WaitSock(int sock, int cancel_fd, Clock::time_point deadline) {
  for (;;) {
    const auto now = Clock::now();
    if (now >= deadline) return Ready::kTimeout;
    pollfd p[2] = {{sock, POLLIN, 0}, {cancel_fd, POLLIN, 0}};
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    const int n = ::poll(p, 2, static_cast<int>(ms));
    if (n < 0 && errno != EINTR) return Ready::kTimeout;
    if (n <= 0) continue;
    if (p[0].revents != 0) return Ready::kSock;
    if (p[1].revents != 0) return Ready::kCancel;
  }
}

ProcessResult HarnessFailure(int error) {
  ProcessResult r;
  r.termination = Termination::kSpawnFailed;
  r.spawn_error = error;
  return r;
}

}  // namespace

const char* Name(Launch l) {
  switch (l) {
    case Launch::kExec: return "exec";
    case Launch::kFork: return "fork";
    case Launch::kAuto: return "auto";
  }
  return "auto";
}

bool ParseLaunch(const std::string& text, Launch* out) {
  for (Launch l : {Launch::kExec, Launch::kFork, Launch::kAuto})
    if (text == Name(l)) {
      *out = l;
      return true;
    }
  return false;
}

std::string FindPreloadLibrary() {
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  std::string dir(self, static_cast<std::size_t>(n));
  dir.erase(dir.rfind('/') + 1);
  for (const std::string& candidate : {dir + std::string(fk::kPreloadName),
                                       dir + "../lib/racelab/" + std::string(fk::kPreloadName)}) {
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return candidate;
  }
  return "";
}

ForkServerRunner::ForkServerRunner(Launch launch, std::string preload, bool reap_orphans)
    : launch_(launch),
      preload_(std::move(preload)),
      reap_orphans_(reap_orphans),
      exec_(reap_orphans) {
  cancel_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (cancel_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

ForkServerRunner::~ForkServerRunner() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, s] : idle_) StopServer(s);
  idle_.clear();
  ::close(cancel_fd_);
}

void ForkServerRunner::CancelAll() {
  cancelled_.store(true);
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(cancel_fd_, &one, sizeof one);
  exec_.CancelAll();
}

std::vector<int> ForkServerRunner::IdleServerPids() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<int> out;
  for (const auto& [key, s] : idle_) out.push_back(s.pid);
  return out;
}

LaunchUse ForkServerRunner::UseFor(const std::string& executable) const {
  std::lock_guard<std::mutex> lock(mu_);
  LaunchUse u;
  if (auto it = used_.find(executable); it != used_.end()) u.launch = it->second;
  if (auto it = exec_only_.find(executable); it != exec_only_.end()) u.note = it->second;
  return u;
}

void ForkServerRunner::Used(const std::string& executable, const char* how) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string& seen = used_[executable];
  if (seen.empty())
    seen = how;
  else if (seen.find(how) == std::string::npos)
    seen += std::string(", then ") + how;
}

void ForkServerRunner::Fallback(const std::string& executable, const std::string& note) {
  std::lock_guard<std::mutex> lock(mu_);
  exec_only_.emplace(executable, note);
}

bool ForkServerRunner::StartServer(const ProcessSpec& spec, Server* s, std::string* why) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    *why = std::string("no control socket: ") + std::strerror(errno);
    return false;
  }
  Fd ours(pair[0]), theirs(pair[1]);
  std::vector<std::string> env;
  std::string preload = preload_;
  bool bind_now = true;
  for (const std::string& kv : spec.env) {
    if (StartsWith(kv, "LD_BIND_NOW=")) bind_now = false;
    if (StartsWith(kv, "LD_PRELOAD=")) {
      if (!preload.empty()) preload += ':';
      preload += kv.substr(11);
    } else {
      env.push_back(kv);
    }
  }
  env.push_back(std::string(fk::kEnvForkServer) + "=" + std::to_string(fk::kControlFd));
  if (bind_now) {
    env.push_back("LD_BIND_NOW=1");
    env.push_back(std::string(fk::kEnvBindNow) + "=1");
  }
  if (!preload.empty()) env.push_back("LD_PRELOAD=" + preload);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, theirs.get(), fk::kControlFd);
  posix_spawn_file_actions_addclosefrom_np(&actions, fk::kControlFd + 1);
  static const SpawnAttr attr;
  std::vector<char*> argv = CStrings(spec.argv);
  std::vector<char*> envp = CStrings(env);
  int rc = 0;
  const int pid = SpawnOwnedHelper([&] {
    pid_t p = -1;
    rc = ::posix_spawn(&p, argv[0], &actions, attr.get(), argv.data(), envp.data());
    return rc == 0 ? static_cast<int>(p) : -1;
  });
  posix_spawn_file_actions_destroy(&actions);
  theirs.Close();
  if (pid <= 0) {
    *why = std::string("could not start it: ") + std::strerror(rc);
    return false;
  }
  s->pid = pid;
  const Ready r = WaitSock(ours.get(), cancel_fd_, Clock::now() + spec.timeout);
  fk::Message hello;
  const int got = r == Ready::kSock ? fk::Receive(ours.get(), &hello, nullptr) : -1;
  if (got == 1 && hello.type == fk::Type::kHello && hello.a == fk::kVersion) {
    s->sock = ours.Release();
    return true;
  }
  s->sock = -1;
  if (r == Ready::kCancel)
    *why = "cancelled";
  else if (got == 0)
    *why =
        "the program started no fork server (statically linked, not a glibc program, or it "
        "ignored the preload library)";
  else if (r == Ready::kTimeout)
    *why = "the program did not answer as a fork server within the run timeout";
  else
    *why = "the program answered the fork server's greeting wrongly";
  StopServer(*s);
  return false;
}

void ForkServerRunner::StopServer(Server& s) {
  if (s.sock >= 0) ::close(s.sock);
  s.sock = -1;
  if (s.pid > 0) {
    ::kill(-s.pid, SIGKILL);
    KillOwnedHelper(s.pid);
  }
  s.pid = -1;
}

ForkServerRunner::Outcome ForkServerRunner::RunOn(Server& s, const ProcessSpec& spec,
                                                  ProcessResult* result, std::string* why) {
  const auto start = Clock::now();
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    *result = HarnessFailure(errno);
    return Outcome::kDone;
  }
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    *result = HarnessFailure(errno);
    return Outcome::kDone;
  }
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);

  fk::Message request;
  request.type = fk::Type::kRun;
  for (const std::string& kv : spec.env)
    if (StartsWith(kv, protocol::kEnvPrefix)) request.settings.push_back(kv);
  const int fds[2] = {out_w.get(), err_w.get()};
  if (int e = fk::Send(s.sock, request, fds, 2); e != 0) {
    *why = std::string("the fork server is gone (") + std::strerror(e) + ")";
    return Outcome::kNotStarted;
  }
  out_w.Close();
  err_w.Close();

  fk::Message reply;
  // The server sends the child's pid within kStartedWithinMs of the fork. On Ctrl-C before
  // then, racelab still waits for it: the child has a group of its own, and the loop below
  // kills it, as any run that is cancelled.
  Ready answer = WaitSock(s.sock, cancel_fd_, start + kServerGrace);
  if (answer == Ready::kCancel) answer = WaitSock(s.sock, -1, start + kServerGrace);
  if (answer != Ready::kSock || fk::Receive(s.sock, &reply, nullptr) != 1 ||
      (reply.type != fk::Type::kStarted && reply.type != fk::Type::kFailed)) {
    if (cancelled_.load()) {
      result->termination = Termination::kCancelled;
      return Outcome::kBroken;
    }
    *why = "the fork server did not answer a run request";
    return Outcome::kNotStarted;
  }
  if (reply.type == fk::Type::kFailed) {
    *result = HarnessFailure(static_cast<int>(reply.a));
    return Outcome::kDone;
  }
  const int pid = static_cast<int>(reply.a);
  if (pid <= 0) {
    *why = "the fork server reported no child";
    return Outcome::kNotStarted;
  }

  if (started_hook_) started_hook_(s.pid, pid);
  ProcessResult& r = *result;
  const auto deadline = start + spec.timeout;
  bool exited = false, killed_by_us = false;
  Clock::time_point drain_deadline{}, server_deadline = Clock::time_point::max();
  OutputPipes output(&out_r, &err_r, &r.out, &r.err, spec.output_cap);
  output.Pace(kOutputPace, start);
  fk::Message status;
  // The child is the server's unreaped child until racelab sends kReap: its pid and
  // group cannot have been reused.
  auto kill_group = [&](Termination how) {
    if (exited || killed_by_us) return;
    ::kill(pid, SIGKILL);
    ::kill(-pid, SIGKILL);
    killed_by_us = true;
    r.termination = how;
    server_deadline = Clock::now() + kServerGrace;
  };
  auto broken = [&](const char* what) {
    ::kill(pid, SIGKILL);
    ::kill(-pid, SIGKILL);
    *why = what;
    *result = HarnessFailure(EPROTO);
    return Outcome::kBroken;
  };

  while (!exited || output.open()) {
    pollfd pfds[4];
    int n = 0;
    const auto now = Clock::now();
    auto resume = Clock::time_point::max();  // pipes resting while the run lives: when to look
    if (exited)
      output.Watch(pfds, &n);
    else
      resume = output.WatchPaced(pfds, &n, now);
    const int sock_slot = exited ? -1 : n;
    if (!exited) pfds[n++] = {s.sock, POLLIN, 0};
    const int cancel_slot = n;
    pfds[n++] = {cancel_fd_, POLLIN, 0};
    Clock::time_point until = exited ? drain_deadline : (killed_by_us ? server_deadline : deadline);
    if (now >= until) {
      if (exited) break;  // something outside the group holds the pipes
      if (killed_by_us) return broken("the fork server did not report a child racelab killed");
      kill_group(Termination::kTimedOut);
      continue;
    }
    const auto wake = std::min(until, resume);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1;
    const int ready = ::poll(pfds, static_cast<nfds_t>(n), static_cast<int>(ms));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return broken("poll failed");
    }
    if (pfds[cancel_slot].revents != 0 && !exited) kill_group(Termination::kCancelled);
    if (output.ReadReady(pfds)) kill_group(Termination::kOutputOverflow);
    if (sock_slot >= 0 && pfds[sock_slot].revents != 0) {
      if (fk::Receive(s.sock, &status, nullptr) != 1 || status.type != fk::Type::kExited)
        return broken("the fork server died or broke the protocol during a run");
      exited = true;
      drain_deadline = Clock::now() + kDrainGrace;
    }
  }
  // Still a zombie: its group can be killed safely once more before it is reaped.
  ::kill(-pid, SIGKILL);
  fk::Message reap;
  reap.type = fk::Type::kReap;
  fk::Message reaped;
  if (fk::Send(s.sock, reap) != 0 ||
      WaitSock(s.sock, cancel_fd_, Clock::now() + kServerGrace) != Ready::kSock ||
      fk::Receive(s.sock, &reaped, nullptr) != 1 || reaped.type != fk::Type::kReaped) {
    // The run itself is complete; the server is not usable any more.
    *why = "the fork server did not reap a finished run";
    r.cpu = std::chrono::microseconds(0);
    if (!killed_by_us) {
      r.termination = status.a == 0 ? Termination::kExited : Termination::kSignaled;
      (status.a == 0 ? r.exit_code : r.signal) = static_cast<int>(status.b);
    }
    r.wall = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    return Outcome::kBroken;
  }
  if (reap_orphans_) ReapStrayChildren(/*force=*/killed_by_us);
  r.wall = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  r.cpu = std::chrono::microseconds(reaped.a);
  if (killed_by_us) return Outcome::kDone;
  if (status.a == 0) {
    r.termination = Termination::kExited;
    r.exit_code = static_cast<int>(status.b);
  } else {
    r.termination = Termination::kSignaled;
    r.signal = static_cast<int>(status.b);
  }
  return Outcome::kDone;
}

ProcessResult ForkServerRunner::Run(const ProcessSpec& spec) {
  if (cancelled_.load()) {
    ProcessResult r;
    r.termination = Termination::kCancelled;
    return r;
  }
  const std::string& exe = spec.argv.at(0);
  bool exec_only = launch_ == Launch::kExec;
  if (!exec_only) {
    std::lock_guard<std::mutex> lock(mu_);
    exec_only = exec_only_.count(exe) != 0;
  }
  if (exec_only) {
    Used(exe, "exec");
    return exec_.Run(spec);
  }
  const std::string key = ServerKey(spec);
  Server s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = idle_.find(key); it != idle_.end()) {
      s = it->second;
      idle_.erase(it);
    }
  }
  std::string why;
  if (s.pid < 0 && !StartServer(spec, &s, &why)) {
    if (cancelled_.load()) {
      ProcessResult r;
      r.termination = Termination::kCancelled;
      return r;
    }
    Fallback(exe, "fork launch unavailable, runs started by exec: " + why);
    Used(exe, "exec");
    return exec_.Run(spec);
  }
  ProcessResult result;
  const Outcome o = RunOn(s, spec, &result, &why);
  if (o == Outcome::kDone) {
    Used(exe, "fork");
    Server evicted;
    {
      std::lock_guard<std::mutex> lock(mu_);
      idle_.emplace(key, s);
      // A campaign goes through its targets in order: the servers of earlier ones go.
      if (idle_.size() > kMaxIdleServers)
        for (auto it = idle_.begin(); it != idle_.end(); ++it)
          if (it->first != key) {
            evicted = it->second;
            idle_.erase(it);
            break;
          }
    }
    if (evicted.pid > 0) StopServer(evicted);
    return result;
  }
  StopServer(s);
  if (reap_orphans_) ReapStrayChildren(/*force=*/true);
  if (result.termination == Termination::kCancelled) return result;
  Fallback(exe, "the fork server failed (" + why +
                    "): a harness error, never the program's; later runs started by exec");
  if (o == Outcome::kNotStarted) {
    Used(exe, "exec");
    return exec_.Run(spec);
  }
  Used(exe, "fork");
  return result;
}

}  // namespace racelab
