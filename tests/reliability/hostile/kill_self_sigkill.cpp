// MEANT TO FAIL. Kills itself with SIGKILL, the signal racelab uses for timeouts.
// racelab must conclude: crash (a signal racelab did not send), not timeout.
#include <signal.h>

int main() {
  ::raise(SIGKILL);
  return 0;
}
