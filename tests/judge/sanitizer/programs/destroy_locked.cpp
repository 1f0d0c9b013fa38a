// MEANT TO FAIL: destroys a mutex while it is still locked.
// Expected class: mutex-misuse (TSan "destroy of a locked mutex").
// CHECK: WARNING: ThreadSanitizer: destroy of a locked mutex
#include <pthread.h>

int main() {
  pthread_mutex_t m;
  pthread_mutex_init(&m, nullptr);
  pthread_mutex_lock(&m);
  pthread_mutex_destroy(&m);  // still locked
  return 0;
}
