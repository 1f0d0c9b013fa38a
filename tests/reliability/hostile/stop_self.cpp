// MEANT TO FAIL. Stops itself with SIGSTOP and so never exits.
// racelab must conclude: timeout (a stopped process is not an exited one; SIGKILL ends it).
#include <signal.h>

int main() {
  ::raise(SIGSTOP);
  return 0;
}
