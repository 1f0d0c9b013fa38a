// What one wait costs the process that waits, on this machine: a parent sends a byte over
// an AF_UNIX SOCK_SEQPACKET pair and sleeps in poll until the child answers after W
// microseconds of work, as racelab waits for its fork server's answer to each run. Prints
// the parent's CPU per round trip (getrusage), with the other cores idle and with every
// core kept busy by spinning processes at nice 19, which take any CPU nobody else wants.
//
//   build/bench/racelab_wake_cost [ROUNDS [W_US...]]   (default 2000 rounds; 0 300 1000 us)
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double CpuMicros() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return (static_cast<double>(u.ru_utime.tv_sec) + static_cast<double>(u.ru_stime.tv_sec)) * 1e6 +
         static_cast<double>(u.ru_utime.tv_usec) + static_cast<double>(u.ru_stime.tv_usec);
}

// The parent's CPU per round trip, and the wall per round trip, in microseconds.
bool Measure(int rounds, int work_us, double* cpu, double* wall) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return false;
  const pid_t child = ::fork();
  if (child < 0) return false;
  if (child == 0) {
    ::close(sv[0]);
    char b = 0;
    while (::recv(sv[1], &b, 1, 0) == 1) {
      const auto until = Clock::now() + std::chrono::microseconds(work_us);
      while (Clock::now() < until) {
      }
      if (::send(sv[1], &b, 1, MSG_NOSIGNAL) != 1) break;
    }
    ::_exit(0);
  }
  ::close(sv[1]);
  const double cpu0 = CpuMicros();
  const auto t0 = Clock::now();
  bool ok = true;
  for (int i = 0; i < rounds && ok; ++i) {
    char b = 0;
    pollfd p{sv[0], POLLIN, 0};
    ok = ::send(sv[0], &b, 1, MSG_NOSIGNAL) == 1 && ::poll(&p, 1, -1) == 1 &&
         ::recv(sv[0], &b, 1, 0) == 1;
  }
  *wall = std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / rounds;
  *cpu = (CpuMicros() - cpu0) / rounds;
  ::close(sv[0]);
  while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 2000;
  std::vector<int> works;
  for (int i = 2; i < argc; ++i) works.push_back(std::atoi(argv[i]));
  if (works.empty()) works = {0, 300, 1000};
  if (rounds <= 0) {
    std::fprintf(stderr, "usage: racelab_wake_cost [ROUNDS [W_US...]]\n");
    return 2;
  }
  const long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  for (const bool busy : {false, true}) {
    std::vector<pid_t> spinners;
    if (busy)
      for (long c = 0; c < cores; ++c) {
        const pid_t p = ::fork();
        if (p == 0) {
          errno = 0;
          if (::nice(19) == -1 && errno != 0) ::_exit(1);
          for (volatile unsigned spin = 0;; spin = spin + 1) {
          }
        }
        if (p > 0) spinners.push_back(p);
      }
    for (const int w : works) {
      double cpu = 0, wall = 0;
      if (!Measure(rounds, w, &cpu, &wall)) {
        std::fprintf(stderr, "racelab_wake_cost: the round trips failed\n");
        return 3;
      }
      std::printf("%s, answer after %4d us: %6.1f us of the waiter's CPU per wait (%.1f us wall)\n",
                  busy ? "cores kept busy" : "cores idle     ", w, cpu, wall);
    }
    for (const pid_t p : spinners) ::kill(p, SIGKILL);
    for (const pid_t p : spinners)
      while (::waitpid(p, nullptr, 0) < 0 && errno == EINTR) {
      }
  }
  return 0;
}
