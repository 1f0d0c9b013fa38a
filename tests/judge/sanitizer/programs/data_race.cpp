// MEANT TO FAIL: two threads store to one variable without a lock.
// Expected class: data-race (TSan "data race"); exit status 66.
// CHECK: WARNING: ThreadSanitizer: data race (
#include <thread>

int g_last = 0;

// Stores only: every run reports the same pair of accesses (write vs write), so the
// fixture's signature is reproducible; a read-modify-write may pair a read or a write.
__attribute__((noinline)) void Store(int v) {
  g_last = v;  // the racy write
}

void Worker() {
  for (int i = 0; i < 1000; ++i) Store(i);
}

int main() {
  std::thread a(Worker);
  std::thread b(Worker);
  a.join();
  b.join();
  return 0;
}
