// posix_spawn for measurements: the tool's own CPU from /proc before reaping, the tree's CPU
// from racelab's RUSAGE_CHILDREN once every orphan is reaped.
#include "bench_spawn.hpp"
#include "util/fd.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "run/output_pipes.hpp"
#include "run/spawn_attr.hpp"

namespace racelab {
namespace {

using Clock = std::chrono::steady_clock;

// An orphan still running this long after its tool ended is killed (it would otherwise
// hold the measurement up); a TSan program's symbolizer ends within milliseconds of EOF.
constexpr auto kOrphanGrace = std::chrono::seconds(2);
// Once the process has exited, how long pipes that a straggler holds are still read.
constexpr auto kDrainGrace = std::chrono::milliseconds(200);

std::mutex g_active_mu;
std::set<pid_t> g_active;  // process groups of the calls in progress

double Seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

double ChildrenCpu() {
  rusage ru{};
  ::getrusage(RUSAGE_CHILDREN, &ru);
  return Seconds(ru.ru_utime) + Seconds(ru.ru_stime);
}

// utime + stime of a process that has exited but is not yet reaped.
double ZombieSelfCpu(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::vector<std::string> f((std::istream_iterator<std::string>(fields)),
                             std::istream_iterator<std::string>());
  // Fields 3.. of proc(5): state is f[0], utime (14) f[11], stime (15) f[12].
  if (f.size() < 13) return 0;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return (std::strtod(f[11].c_str(), nullptr) + std::strtod(f[12].c_str(), nullptr)) / ticks;
}

std::vector<pid_t> ChildrenOfRacelab() {
  std::vector<pid_t> out;
  DIR* dir = ::opendir("/proc/self/task");
  if (dir == nullptr) return out;
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(std::string("/proc/self/task/") + e->d_name + "/children");
    pid_t pid = 0;
    while (in >> pid) out.push_back(pid);
  }
  ::closedir(dir);
  return out;
}

// Reaps every child racelab has (all of them orphans adopted as subreaper at this point),
// letting them finish by themselves for a grace period first.
void ReapAllOrphans() {
  const auto give_up = Clock::now() + kOrphanGrace;
  for (;;) {
    std::vector<pid_t> left;
    for (pid_t pid : ChildrenOfRacelab()) {
      int status = 0;
      const pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == 0) left.push_back(pid);
    }
    if (left.empty()) return;
    if (Clock::now() >= give_up) {
      for (pid_t pid : left) {
        ::kill(pid, SIGKILL);
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
      }
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::vector<char*> CStrings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const std::string& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// posix_spawn in a process group of its own; out_w/err_w < 0 mean /dev/null. Registers the
// child for KillActiveSpawns. Returns 0 or an errno.
int Spawn(const std::string& exe, const SpawnRequest& req, int out_w, int err_w, pid_t* pid) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string in_path = req.stdin_path.empty() ? "/dev/null" : req.stdin_path;
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  if (out_w >= 0)
    posix_spawn_file_actions_adddup2(&actions, out_w, 1);
  else
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  if (err_w >= 0)
    posix_spawn_file_actions_adddup2(&actions, err_w, 2);
  else
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  const SpawnAttr attr;  // the tool must start with a clean slate, as a run does
  std::vector<std::string> argv = req.argv;
  argv[0] = exe;
  std::vector<char*> cargv = CStrings(argv);
  std::vector<char*> cenv = CStrings(req.env);
  int rc = 0;
  {
    std::lock_guard<std::mutex> lock(g_active_mu);
    rc = ::posix_spawn(pid, exe.c_str(), &actions, attr.get(), cargv.data(), cenv.data());
    if (rc == 0) g_active.insert(*pid);
  }
  posix_spawn_file_actions_destroy(&actions);
  return rc;
}

void Unregister(pid_t pid) {
  std::lock_guard<std::mutex> lock(g_active_mu);
  g_active.erase(pid);
}

}  // namespace

void KillActiveSpawns() {
  std::lock_guard<std::mutex> lock(g_active_mu);
  for (pid_t pgid : g_active) ::kill(-pgid, SIGKILL);
}

SpawnOutcome SpawnAndWait(const SpawnRequest& req) {
  // Orphans come back to racelab instead of init, so their CPU is counted.
  static const bool subreaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  (void)subreaper;
  SpawnOutcome o;
  const std::string exe = req.argv.empty() ? "" : FindInPath(req.argv[0]);
  if (exe.empty()) {
    o.spawn_error = ENOENT;
    return o;
  }
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  if (req.capture_out && ::pipe2(out_pipe, O_CLOEXEC) != 0) {
    o.spawn_error = errno;
    return o;
  }
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (req.capture_err && ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    o.spawn_error = errno;
    return o;
  }
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);

  const double children_before = ChildrenCpu();
  const auto start = Clock::now();
  pid_t pid = -1;
  const int rc = Spawn(exe, req, out_w.get(), err_w.get(), &pid);
  out_w.Close();
  err_w.Close();
  if (rc != 0) {
    o.spawn_error = rc;
    return o;
  }
  o.started = true;
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));

  bool exited = false;
  Clock::time_point drain_until{};
  std::string line_buf;
  OutputPipes output(&out_r, &err_r, &o.out, &o.err, req.capture_cap, OutputPipes::Overflow::kDrop);
  auto deliver_lines = [&](std::string_view data, double t) {
    if (!req.on_line) return;
    line_buf.append(data);
    std::size_t pos = 0;
    for (std::size_t nl; (nl = line_buf.find('\n', pos)) != std::string::npos; pos = nl + 1)
      req.on_line(std::string_view(line_buf).substr(pos, nl - pos), t);
    line_buf.erase(0, pos);
  };
  for (;;) {
    pollfd pfds[3];
    int n = 0;
    output.Watch(pfds, &n);
    const int pid_slot = !exited && pidfd.get() >= 0 ? n : -1;
    if (pid_slot >= 0) pfds[n++] = {pidfd.get(), POLLIN, 0};
    if (exited && !output.open()) break;
    const auto now = Clock::now();
    int wait_ms = pidfd.get() >= 0 ? -1 : 50;  // without a pidfd, waitid is polled
    if (exited) {
      if (now >= drain_until) break;
      wait_ms = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(drain_until - now).count() + 1);
    } else if (req.deadline.count() > 0 && !o.stopped) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(start + req.deadline - now).count();
      if (left <= 0) {
        ::kill(-pid, SIGKILL);
        o.stopped = true;
      } else if (wait_ms < 0 || left + 1 < wait_ms) {
        wait_ms = static_cast<int>(left + 1);
      }
    }
    const int ready = ::poll(pfds, static_cast<nfds_t>(n), wait_ms);
    if (ready < 0 && errno != EINTR) break;
    const double t = std::chrono::duration<double>(Clock::now() - start).count();
    // Past the cap a tool's output is dropped, never a reason to stop it.
    if (ready > 0) output.ReadReady(pfds, [&](std::string_view chunk) { deliver_lines(chunk, t); });
    if (!exited) {
      siginfo_t si{};
      // WNOWAIT keeps the zombie, whose /proc/PID/stat still has its own CPU times.
      if (::waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
          si.si_pid == pid) {
        exited = true;
        o.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
        drain_until = Clock::now() + kDrainGrace;
      }
    }
  }
  if (!exited) {
    siginfo_t si{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
    }
    o.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  }
  o.self_cpu_s = ZombieSelfCpu(pid);
  int status = 0;
  rusage ru{};
  while (::wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  Unregister(pid);
  ReapAllOrphans();
  // Whatever is left of the group (e.g. a child of a tool that was stopped) goes too.
  ::kill(-pid, SIGKILL);
  ReapAllOrphans();
  if (req.on_line && !line_buf.empty()) req.on_line(line_buf, o.wall_s);
  o.tree_cpu_s = ChildrenCpu() - children_before;
  o.user_s = Seconds(ru.ru_utime);
  o.sys_s = Seconds(ru.ru_stime);
  o.max_rss_kb = ru.ru_maxrss;
  if (WIFEXITED(status)) {
    o.exited = true;
    o.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    o.signal = WTERMSIG(status);
  }
  return o;
}

double MeasureCpuPerRun(const SpawnRequest& req, int count, int width) {
  static const bool subreaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  (void)subreaper;
  const std::string exe = req.argv.empty() ? "" : FindInPath(req.argv[0]);
  if (exe.empty() || count <= 0 || width <= 0) return NAN;
  const double before = ChildrenCpu();
  int done = 0;
  while (done < count) {
    // Lockstep batches of `width`: the runs overlap as they do under a tool with that many
    // slots, and nothing of a tool's own is in the figure.
    std::vector<pid_t> batch;
    for (int i = 0; i < width && done + static_cast<int>(batch.size()) < count; ++i) {
      pid_t pid = -1;
      if (Spawn(exe, req, -1, -1, &pid) != 0) break;
      batch.push_back(pid);
    }
    if (batch.empty()) return NAN;
    for (pid_t pid : batch) {
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      Unregister(pid);
    }
    ReapAllOrphans();
    done += static_cast<int>(batch.size());
  }
  return (ChildrenCpu() - before) / count;
}

}  // namespace racelab
