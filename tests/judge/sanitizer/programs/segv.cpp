// MEANT TO FAIL: a worker thread writes through a null pointer.
// Expected class: crash (TSan "ThreadSanitizer:DEADLYSIGNAL", "SEGV on unknown address").
// CHECK: ThreadSanitizer:DEADLYSIGNAL
// CHECK: ERROR: ThreadSanitizer: SEGV on unknown address
#include <cstdio>
#include <thread>

int* volatile g_target = nullptr;

__attribute__((noinline)) void Store(int v) {
  *g_target = v;  // null
}

int main() {
  std::fprintf(stderr, "about to crash\n");
  std::thread t(Store, 7);
  t.join();
  return 0;
}
