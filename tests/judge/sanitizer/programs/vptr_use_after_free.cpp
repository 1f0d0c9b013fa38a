// MEANT TO FAIL: a thread makes a virtual call on an object that main has deleted.
// Expected class: use-after-free (clang's TSan: "heap-use-after-free (virtual call vs
// free)"; gcc's libtsan: "heap-use-after-free").
// CHECK: WARNING: ThreadSanitizer: heap-use-after-free
#include <atomic>
#include <thread>

struct Base {
  virtual ~Base() {}
  virtual int Get() { return 1; }
};
struct Derived : Base {
  int Get() override { return 2; }
};

std::atomic<bool> g_deleted{false};
Base* g_object = new Derived;

__attribute__((noinline)) int CallIt() {
  return g_object->Get();
}

int main() {
  std::thread caller([] {
    while (!g_deleted.load(std::memory_order_relaxed)) {  // orders nothing for TSan
    }
    CallIt();
  });
  delete g_object;
  g_deleted.store(true, std::memory_order_relaxed);
  caller.join();
  return 0;
}
