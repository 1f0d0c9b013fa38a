// MEANT TO FAIL: a second thread acquires a lock that the first still holds.
// The lock is TSan's dynamic annotation (as in compiler-rt's mutex_double_lock test):
// a real mutex would simply block.
// Expected class: mutex-misuse (TSan "double lock of a mutex").
// CHECK: WARNING: ThreadSanitizer: double lock of a mutex
#include <pthread.h>

extern "C" void AnnotateRWLockAcquired(const char* file, int line, void* lock, long is_w);

int g_lock = 0;

void* SecondOwner(void*) {
  AnnotateRWLockAcquired(__FILE__, __LINE__, &g_lock, 1);  // held by main
  return nullptr;
}

int main() {
  AnnotateRWLockAcquired(__FILE__, __LINE__, &g_lock, 1);
  pthread_t t;
  pthread_create(&t, nullptr, SecondOwner, nullptr);
  pthread_join(t, nullptr);
  return 0;
}
