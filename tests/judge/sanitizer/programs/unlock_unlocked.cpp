// MEANT TO FAIL: unlocks a mutex that nobody locked.
// Expected class: mutex-misuse (TSan "unlock of an unlocked mutex (or by a wrong thread)").
// CHECK: WARNING: ThreadSanitizer: unlock of an unlocked mutex (or by a wrong thread)
#include <pthread.h>

pthread_mutex_t g_mutex;

__attribute__((noinline)) void ReleaseTwice() {
  pthread_mutex_lock(&g_mutex);
  pthread_mutex_unlock(&g_mutex);
  pthread_mutex_unlock(&g_mutex);  // the second unlock
}

int main() {
  pthread_mutex_init(&g_mutex, nullptr);
  ReleaseTwice();
  return 0;
}
