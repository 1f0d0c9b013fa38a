// MEANT TO FAIL: read-locks and read-unlocks a lock that is write-locked.
// The lock is TSan's dynamic annotation: a real rwlock refuses with EDEADLK first.
// Expected class: mutex-misuse (TSan "read lock of a write locked mutex" and
// "read unlock of a write locked mutex").
// CHECK: WARNING: ThreadSanitizer: read lock of a write locked mutex
// CHECK: WARNING: ThreadSanitizer: read unlock of a write locked mutex
extern "C" void AnnotateRWLockAcquired(const char* file, int line, void* lock, long is_w);
extern "C" void AnnotateRWLockReleased(const char* file, int line, void* lock, long is_w);

int g_lock = 0;
int g_other = 0;

int main() {
  AnnotateRWLockAcquired(__FILE__, __LINE__, &g_lock, 1);
  AnnotateRWLockAcquired(__FILE__, __LINE__, &g_lock, 0);  // read lock while write-locked
  AnnotateRWLockAcquired(__FILE__, __LINE__, &g_other, 1);
  AnnotateRWLockReleased(__FILE__, __LINE__, &g_other, 0);  // read unlock of a write lock
  return 0;
}
