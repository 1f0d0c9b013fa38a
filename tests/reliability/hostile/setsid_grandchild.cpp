// Forks a grandchild that calls setsid (leaving the run's process group and session)
// and keeps a pipe open for a minute; the child exits 0 at once.
// racelab must conclude: ok, and the grandchild must not survive the run: a group kill
// misses it, so racelab reaps it as the child subreaper.
#include <unistd.h>

#include <cstdio>

int main() {
  if (::fork() == 0) {
    ::setsid();
    for (;;) ::pause();  // until killed: waiting for it would never end
    _exit(0);
  }
  std::puts("child done");
  return 0;
}
