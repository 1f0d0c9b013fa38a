// Forks a grandchild that keeps stdout and stderr open for a minute; the child
// itself prints a line and exits 0 at once.
// racelab must conclude: ok, without waiting for the grandchild, and the grandchild
// (still in the run's process group) must not survive the run.
#include <unistd.h>

#include <cstdio>

int main() {
  if (::fork() == 0) {
    for (;;) ::pause();  // until killed: waiting for it would never end
    _exit(0);
  }
  std::puts("child done");
  return 0;
}
