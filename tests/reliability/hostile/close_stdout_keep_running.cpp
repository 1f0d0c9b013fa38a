// Closes stdout and stderr at once, keeps running for a second, then exits 0.
// racelab must conclude: ok (end of output is not the end of the run: it waits for
// the exit status).
#include <unistd.h>

int main() {
  ::close(1);
  ::close(2);
  ::usleep(1000 * 1000);
  return 0;
}
