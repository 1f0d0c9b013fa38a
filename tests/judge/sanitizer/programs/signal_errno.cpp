// MEANT TO FAIL: a signal handler overwrites errno behind the interrupted code's back.
// Expected class: signal-unsafe (TSan "signal handler spoils errno").
// CHECK: WARNING: ThreadSanitizer: signal handler spoils errno
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <atomic>
#include <cerrno>

pthread_t g_main;
std::atomic<bool> g_ready{false};
std::atomic<bool> g_done{false};

void Handler(int) {
  errno = 1;  // spoils the interrupted code's errno
  g_done = true;
}

void* Sender(void*) {
  while (!g_ready) sched_yield();  // main is past pthread_create: one place to interrupt
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
  g_ready = true;
  // TSan delivers the signal in an intercepted call: this loop's is the only one, so every
  // run reports the same stack.
  while (!g_done) sched_yield();
  pthread_join(t, nullptr);
  return 0;
}
