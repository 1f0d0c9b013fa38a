// MEANT TO FAIL: a signal handler overwrites errno behind the interrupted code's back.
// Expected class: signal-unsafe (TSan "signal handler spoils errno").
// CHECK: WARNING: ThreadSanitizer: signal handler spoils errno
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

pthread_t g_main;
std::atomic<bool> g_done{false};

void Handler(int) {
  errno = 1;  // spoils the interrupted code's errno
  g_done = true;
}

void* Sender(void*) {
  pthread_kill(g_main, SIGPROF);
  return nullptr;
}

int main() {
  g_main = pthread_self();
  struct sigaction act = {};
  act.sa_handler = Handler;
  sigaction(SIGPROF, &act, nullptr);
  pthread_t t;
  pthread_create(&t, nullptr, Sender, nullptr);
  while (!g_done) {  // TSan delivers the signal at an intercepted call
    volatile char* p = static_cast<char*>(std::malloc(1));
    p[0] = 0;
    std::free(const_cast<char*>(p));
    sched_yield();
  }
  pthread_join(t, nullptr);
  return 0;
}
