// MEANT TO FAIL. Moves itself out of the process group racelab made for it, into
// racelab's own group, then hangs ignoring SIGTERM.
// racelab must conclude: timeout (it kills the child by pid as well as by group, so a
// group it left cannot make racelab wait forever).
#include <signal.h>
#include <unistd.h>

int main() {
  ::setpgid(0, ::getpgid(::getppid()));
  ::signal(SIGTERM, SIG_IGN);
  for (;;) ::pause();
}
