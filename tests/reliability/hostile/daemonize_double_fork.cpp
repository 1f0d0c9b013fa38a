// Daemonizes the classic way: fork, setsid, fork again, the middle process exits, and
// the daemon (a great-grandchild of racelab) keeps the pipes open for a minute.
// racelab must conclude: ok, and the daemon must not survive the run.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

int main() {
  const pid_t middle = ::fork();
  if (middle == 0) {
    ::setsid();
    if (::fork() == 0) {
      for (;;) ::pause();  // until killed: waiting for it would never end
      _exit(0);
    }
    _exit(0);
  }
  ::waitpid(middle, nullptr, 0);
  std::puts("child done");
  return 0;
}
