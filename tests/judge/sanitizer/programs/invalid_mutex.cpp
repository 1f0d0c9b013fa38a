// MEANT TO FAIL: locks a mutex after destroying it.
// Expected class: mutex-misuse (TSan "use of an invalid mutex (e.g. uninitialized or destroyed)").
// CHECK: WARNING: ThreadSanitizer: use of an invalid mutex (e.g. uninitialized or destroyed)
#include <pthread.h>

int main() {
  pthread_mutex_t m;
  pthread_mutex_init(&m, nullptr);
  pthread_mutex_destroy(&m);
  pthread_mutex_lock(&m);  // destroyed
  return 0;
}
