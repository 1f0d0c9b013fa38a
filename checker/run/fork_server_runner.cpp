// The fork-server launch: one server per worker and server key, runs as requests on its
// control socket (the next one queued while a run goes on), every run's group killed by
// its server at racelab's request.
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
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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
// The longest racelab leaves a server with queued runs alone (AwaitRun).
constexpr auto kMaxRest = std::chrono::milliseconds(50);
// Idle servers kept at most (each is a whole process of the program, TSan's shadow memory
// included); beyond, those of other programs are stopped first.
constexpr std::size_t kMaxIdleServers = 16;

bool StartsWith(const std::string& s, std::string_view p) {
  return s.compare(0, p.size(), p) == 0;
}

// Servers are interchangeable for runs with the same argv and the same environment
// outside the RACELAB_* settings a request carries.
std::string ServerKey(const ProcessSpec& spec) {
  std::size_t size = 1;
  for (const std::string& a : spec.argv) size += a.size() + 1;
  ForEachEnv(spec, [&size](const std::string& kv) { size += kv.size() + 1; });
  std::string key;
  key.reserve(size);
  for (const std::string& a : spec.argv) key.append(a).push_back('\0');
  key.push_back('\1');
  ForEachEnv(spec, [&key](const std::string& kv) {
    if (!StartsWith(kv, protocol::kEnvPrefix)) key.append(kv).push_back('\0');
  });
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
  for (auto& [key, s] : idle_) StopServer(*s);
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
  for (const auto& [key, s] : idle_) out.push_back(s->pid);
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
  ForEachEnv(spec, [&](const std::string& kv) {
    if (StartsWith(kv, "LD_BIND_NOW=")) bind_now = false;
    if (StartsWith(kv, "LD_PRELOAD=")) {
      if (!preload.empty()) preload += ':';
      preload += kv.substr(11);
    } else {
      env.push_back(kv);
    }
  });
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

// A run as Start leaves it for Wait.
struct ForkServerRunner::ForkRun final : StartedRun {
  // One dropped without its Wait takes its server down (nothing of it is left running).
  ~ForkRun() override {
    if (stage == Stage::kSent && server) StopServer(*server);
  }
  ProcessSpec spec;
  // kDeferred: to begin in Wait (it could not be queued behind the run it came after).
  enum class Stage { kDone, kByExec, kDeferred, kSent } stage = Stage::kDone;
  ProcessResult result;  // kDone: the result; kSent: filled in by AwaitRun
  std::string key;
  ServerPtr server;
  std::int64_t seq = 0;  // its number on its server
  Fd out_r, err_r;
  Clock::time_point start;  // when its request was sent
};

ForkServerRunner::Sent ForkServerRunner::SendRun(ForkRun& run, std::string* why) {
  run.start = Clock::now();
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    run.result = HarnessFailure(errno);
    return Sent::kNoPipes;
  }
  run.out_r = Fd(out_pipe[0]);
  Fd out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    run.result = HarnessFailure(errno);
    return Sent::kNoPipes;
  }
  run.err_r = Fd(err_pipe[0]);
  Fd err_w(err_pipe[1]);

  std::vector<std::string_view> settings;
  settings.reserve(run.spec.env.size());
  ForEachEnv(run.spec, [&settings](const std::string& kv) {
    if (StartsWith(kv, protocol::kEnvPrefix)) settings.emplace_back(kv);
  });
  const int fds[2] = {out_w.get(), err_w.get()};
  if (int e = fk::SendDatagram(run.server->sock, fk::EncodeRun(settings), fds, 2); e != 0) {
    *why = std::string("the fork server is gone (") + std::strerror(e) + ")";
    return Sent::kServerGone;
  }
  run.seq = ++run.server->sent;
  return Sent::kSent;
}

ForkServerRunner::Outcome ForkServerRunner::AwaitRun(ForkRun& run, std::string* why) {
  Server& s = *run.server;
  ProcessResult& r = run.result;
  // A queued run began when the one before it was reaped.
  const auto start = std::max(run.start, s.next_start);
  const auto deadline = start + run.spec.timeout;
  // The first look takes everything that is there (the answer, the pipes unpaced) without
  // waiting: a run that ended while racelab was busy is collected in one poll. If it has
  // not ended and runs are queued behind it, the server has work, and racelab need not wake
  // the moment it ends: it rests (watching only Ctrl-C) until about half a run before the
  // last queued run begins, then looks once more the same way, and collects every run that
  // ended by then without sleeping again. A wake-up costs racelab more than reading a run
  // (docs/launch.md).
  bool look = true;
  const std::int64_t behind = s.sent - run.seq;
  bool may_rest = behind >= 2 && s.typical_wall.count() > 0;
  Clock::time_point rest_until{};
  int pid = 0;  // known from kStarted, or from kExited for a run that ended sooner
  bool exited = false, kill_sent = false;
  Clock::time_point drain_deadline{}, server_deadline = Clock::time_point::max();
  OutputPipes output(&run.out_r, &run.err_r, &r.out, &r.err, run.spec.output_cap);
  output.Pace(kOutputPace, start);
  fk::Message status;
  // Only the server, the child's parent, signals the child and its group: it does so while
  // the child is unreaped, so neither its pid nor its group id can have been reused.
  // Ctrl-C also drops the runs queued behind this one, killed first: the server forks the
  // next one only after this one ends, so none of them begins (unless this one ends by
  // itself meanwhile; then the next is killed as it runs).
  auto kill_run = [&](Termination how) {
    if (exited || kill_sent) return true;
    kill_sent = true;
    r.termination = how;
    server_deadline = Clock::now() + kServerGrace;
    fk::Message kill;
    kill.type = fk::Type::kKill;
    for (kill.seq = how == Termination::kCancelled ? s.sent : run.seq; kill.seq >= run.seq;
         --kill.seq)
      if (fk::Send(s.sock, kill) != 0) return false;
    return true;
  };
  // A server that failed mid-run has left its child to racelab: killed here (it is no
  // longer the server's, and racelab, the subreaper, reaps it).
  auto abandon = [&](const char* what) {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::kill(-pid, SIGKILL);
    }
    *why = what;
    r = HarnessFailure(EPROTO);
    return Outcome::kBroken;
  };

  while (!exited || output.open()) {
    pollfd pfds[4];
    int n = 0;
    const auto now = Clock::now();
    const bool resting = !look && !exited && now < rest_until;
    bool pipes_watched = false;
    auto resume = Clock::time_point::max();  // when resting pipes or racelab are due
    if (look || exited) {
      output.Watch(pfds, &n);
      pipes_watched = true;
    } else if (resting) {
      resume = rest_until;
    } else {
      resume = output.WatchPaced(pfds, &n, now);
      pipes_watched = resume == Clock::time_point::max();
    }
    const int sock_slot = exited || resting ? -1 : n;
    if (sock_slot >= 0) pfds[n++] = {s.sock, POLLIN, 0};
    // Ctrl-C is watched until it has been acted on (the eventfd stays readable after).
    const int cancel_slot = exited || kill_sent ? -1 : n;
    if (cancel_slot >= 0) pfds[n++] = {cancel_fd_, POLLIN, 0};
    Clock::time_point until = exited ? drain_deadline : (kill_sent ? server_deadline : deadline);
    if (now >= until) {
      if (exited) break;  // something outside the group holds the pipes
      if (kill_sent) return abandon("the fork server did not end a run racelab asked it to kill");
      if (!kill_run(Termination::kTimedOut)) return abandon("the fork server is gone");
      continue;
    }
    // To the microsecond: a rest that overslept by a poll's millisecond would leave the
    // server without a request.
    const auto wait = look ? Clock::duration::zero() : std::min(until, resume) - now;
    const auto us = std::chrono::ceil<std::chrono::microseconds>(wait).count();
    const timespec ts{static_cast<time_t>(us / 1000000), static_cast<long>(us % 1000000) * 1000};
    const int ready = ::ppoll(pfds, static_cast<nfds_t>(n), &ts, nullptr);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return abandon("poll failed");
    }
    if (cancel_slot >= 0 && pfds[cancel_slot].revents != 0 && !kill_run(Termination::kCancelled))
      return abandon("the fork server is gone");
    if (pipes_watched && output.ReadReady(pfds) && !kill_run(Termination::kOutputOverflow))
      return abandon("the fork server is gone");
    const bool looked = look;
    look = resting;  // after a rest, a look
    if (sock_slot < 0 || pfds[sock_slot].revents == 0) {
      if (looked && !exited) {
        // Not ended: rest once, if the server has queued runs; the pipes paced from here.
        if (may_rest)
          rest_until = std::min(now + kMaxRest, start + s.typical_wall * (2 * behind - 1) / 2);
        may_rest = false;
        output.Pace(kOutputPace, now);
      }
      continue;
    }
    if (fk::Receive(s.sock, &status, nullptr) != 1) {
      if (pid != 0) return abandon("the fork server died or broke the protocol during a run");
      if (cancelled_.load()) {
        r.termination = Termination::kCancelled;
        return Outcome::kBroken;
      }
      // Nothing of the run reached racelab: it is run again by exec.
      *why = "the fork server did not answer a run request";
      return Outcome::kNotStarted;
    }
    if (status.seq != run.seq) return abandon("the fork server answered for another run");
    if (status.type == fk::Type::kExited || status.type == fk::Type::kFailed) {
      s.answered = run.seq;
      // The reaping's time (on the server's CLOCK_MONOTONIC, which steady_clock reads),
      // kept between this run's start and now.
      const auto read = Clock::now();
      const auto reaped = Clock::time_point(std::chrono::microseconds(status.e));
      s.next_start = status.type == fk::Type::kExited ? std::clamp(reaped, start, read) : read;
    }
    if (status.type == fk::Type::kFailed && pid == 0) {
      // ECANCELED after racelab's kill: dropped before it began, and cancelled.
      if (!kill_sent || status.a != ECANCELED) r = HarnessFailure(static_cast<int>(status.a));
      return Outcome::kDone;
    }
    const bool first = pid == 0;
    if (status.type == fk::Type::kStarted && first && status.a > 0) {
      pid = static_cast<int>(status.a);
    } else if (status.type == fk::Type::kExited && status.a > 0 && (first || status.a == pid)) {
      pid = static_cast<int>(status.a);
      exited = true;
      drain_deadline = Clock::now() + kDrainGrace;
      output.Pace(Clock::duration::zero(), drain_deadline);  // drained at once from here
      // A cancelled run is not counted: its output is not waited for.
      if (kill_sent && r.termination == Termination::kCancelled) drain_deadline = Clock::now();
    } else {
      return abandon("the fork server broke the protocol during a run");
    }
    if (first && started_hook_) started_hook_(s.pid, pid);
  }
  if (reap_orphans_) ReapStrayChildren(/*force=*/kill_sent);
  r.wall = std::chrono::microseconds(status.d);  // from the fork to the reaping
  r.cpu = std::chrono::microseconds(status.c);
  // A run that was killed, or whose output would not wait in its pipes, gives no rest.
  if (kill_sent || r.out.size() + r.err.size() >= OutputPipes::kLargeRead)
    s.typical_wall = std::chrono::microseconds(0);
  else
    s.typical_wall = s.typical_wall.count() == 0 ? r.wall : (3 * s.typical_wall + r.wall) / 4;
  if (kill_sent) return Outcome::kDone;
  const int wait_status = static_cast<int>(status.b);
  if (WIFSIGNALED(wait_status)) {
    r.termination = Termination::kSignaled;
    r.signal = WTERMSIG(wait_status);
  } else {
    r.termination = Termination::kExited;
    r.exit_code = WEXITSTATUS(wait_status);
  }
  return Outcome::kDone;
}

ProcessResult ForkServerRunner::Run(const ProcessSpec& spec) {
  return Wait(Start(spec, nullptr));
}

std::unique_ptr<StartedRun> ForkServerRunner::Start(ProcessSpec spec, StartedRun* after) {
  auto run = std::make_unique<ForkRun>();
  run->spec = std::move(spec);
  if (cancelled_.load()) {
    run->result.termination = Termination::kCancelled;
    return run;
  }
  run->stage = ForkRun::Stage::kByExec;
  if (launch_ == Launch::kExec) return run;
  run->key = ServerKey(run->spec);
  if (after == nullptr) {
    Begin(*run);
    return run;
  }
  // Behind the run it comes after, on that run's server, if it has room.
  auto* before = static_cast<ForkRun*>(after);
  if (before->stage == ForkRun::Stage::kSent && before->server->sock >= 0 &&
      before->key == run->key &&
      before->server->sent - before->server->answered <= static_cast<std::int64_t>(fk::kMaxAhead)) {
    run->server = before->server;
    Send(*run, /*queued=*/true);
  } else {
    run->stage = ForkRun::Stage::kDeferred;
  }
  return run;
}

void ForkServerRunner::Begin(ForkRun& run) {
  const std::string& exe = run.spec.argv.at(0);
  run.stage = ForkRun::Stage::kByExec;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (exec_only_.count(exe) != 0) return;
    if (auto it = idle_.find(run.key); it != idle_.end()) {
      run.server = std::move(it->second);
      idle_.erase(it);
    }
  }
  if (!run.server) {
    auto s = std::make_shared<Server>();
    std::string why;
    if (!StartServer(run.spec, s.get(), &why)) {
      if (cancelled_.load()) {
        run.stage = ForkRun::Stage::kDone;
        run.result.termination = Termination::kCancelled;
        return;
      }
      Fallback(exe, "fork launch unavailable, runs started by exec: " + why);
      return;
    }
    run.server = std::move(s);
  }
  Send(run, /*queued=*/false);
}

void ForkServerRunner::Send(ForkRun& run, bool queued) {
  std::string why;
  switch (SendRun(run, &why)) {
    case Sent::kNoPipes:
      run.stage = ForkRun::Stage::kDone;
      Release(run);
      break;
    case Sent::kServerGone:
      // Behind another run, the failure is that run's to find: this one begins in Wait.
      if (queued) {
        run.server.reset();
        run.stage = ForkRun::Stage::kDeferred;
      } else {
        Abandon(run, why);  // the run goes to exec
        run.stage = ForkRun::Stage::kByExec;
      }
      break;
    case Sent::kSent: run.stage = ForkRun::Stage::kSent; break;
  }
}

void ForkServerRunner::Release(ForkRun& run) {
  ServerPtr s = std::move(run.server);
  if (!s->fork_noted) Used(run.spec.argv[0], "fork");
  s->fork_noted = true;
  if (s->sock < 0 || s->answered != s->sent) return;  // the last queued run's Wait releases it
  ServerPtr evicted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto kept = idle_.emplace(std::move(run.key), std::move(s));
    // A campaign goes through its targets in order: the servers of earlier ones go.
    if (idle_.size() > kMaxIdleServers)
      for (auto it = idle_.begin(); it != idle_.end(); ++it)
        if (it->first != kept->first) {
          evicted = std::move(it->second);
          idle_.erase(it);
          break;
        }
  }
  if (evicted) StopServer(*evicted);
}

void ForkServerRunner::Abandon(ForkRun& run, const std::string& why) {
  StopServer(*run.server);
  run.server.reset();
  if (reap_orphans_) ReapStrayChildren(/*force=*/true);
  Fallback(run.spec.argv[0],
           "the fork server failed (" + why +
               "): a harness error, never the program's; later runs started by exec");
}

ProcessResult ForkServerRunner::Wait(std::unique_ptr<StartedRun> started) {
  ForkRun& run = static_cast<ForkRun&>(*started);
  const std::string& exe = run.spec.argv.at(0);
  if (run.stage == ForkRun::Stage::kDeferred) Begin(run);
  switch (run.stage) {
    case ForkRun::Stage::kDone: return std::move(run.result);
    case ForkRun::Stage::kByExec: Used(exe, "exec"); return exec_.Run(run.spec);
    case ForkRun::Stage::kDeferred:
    case ForkRun::Stage::kSent: break;
  }
  run.stage = ForkRun::Stage::kDone;
  if (run.server->sock < 0) {
    // Its server was stopped before this run's turn: a failure found by a run before it,
    // or Ctrl-C.
    run.server.reset();
    run.out_r.Close();
    run.err_r.Close();
    if (cancelled_.load()) {
      run.result.termination = Termination::kCancelled;
      return std::move(run.result);
    }
    Used(exe, "exec");
    return exec_.Run(run.spec);
  }
  std::string why;
  const Outcome o = AwaitRun(run, &why);
  run.out_r.Close();
  run.err_r.Close();
  if (o == Outcome::kDone) {
    Release(run);
    return std::move(run.result);
  }
  if (run.result.termination == Termination::kCancelled) {
    StopServer(*run.server);
    run.server.reset();
    if (reap_orphans_) ReapStrayChildren(/*force=*/true);
    return std::move(run.result);
  }
  Abandon(run, why);
  if (o == Outcome::kNotStarted) {
    Used(exe, "exec");
    return exec_.Run(run.spec);
  }
  Used(exe, "fork");
  return std::move(run.result);
}

}  // namespace racelab
