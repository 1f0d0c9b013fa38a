// MEANT TO FAIL. Dies of SIGSEGV.
// racelab must conclude: crash.
#include <signal.h>

int main() {
  ::raise(SIGSEGV);
  return 0;
}
