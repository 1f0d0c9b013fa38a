// MEANT TO FAIL: a thread writes through a pointer that main has already deleted.
// Expected class: use-after-free (TSan "heap-use-after-free").
// CHECK: WARNING: ThreadSanitizer: heap-use-after-free
#include <atomic>
#include <thread>

std::atomic<bool> g_freed{false};

__attribute__((noinline)) void WriteLate(int* p) {
  *p = 42;  // after main's delete
}

int main() {
  int* p = new int(1);
  std::thread t([p] {
    // A relaxed flag orders nothing for TSan: the write below races with the delete.
    while (!g_freed.load(std::memory_order_relaxed)) {
    }
    WriteLate(p);
  });
  delete p;
  g_freed.store(true, std::memory_order_relaxed);
  t.join();
  return 0;
}
