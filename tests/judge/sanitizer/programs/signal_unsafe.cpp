// MEANT TO FAIL: a signal handler calls malloc, which is not async-signal-safe.
// Expected class: signal-unsafe (TSan "signal-unsafe call inside of a signal").
// CHECK: WARNING: ThreadSanitizer: signal-unsafe call inside of a signal
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

void Handler(int) {
  volatile char* p = static_cast<char*>(std::malloc(16));  // not async-signal-safe
  p[0] = 0;
  std::free(const_cast<char*>(p));
}

int main() {
  struct sigaction act = {};
  act.sa_handler = Handler;
  sigaction(SIGPROF, &act, nullptr);
  kill(getpid(), SIGPROF);
  usleep(100000);
  return 0;
}
