// MEANT TO FAIL: one thread calls a virtual function while another destroys the object.
// Expected class: data-race (TSan "data race on vptr (ctor/dtor vs virtual call)").
// CHECK: WARNING: ThreadSanitizer: data race on vptr (ctor/dtor vs virtual call)
#include <atomic>
#include <cstdio>
#include <thread>

struct Base {
  // A destructor with a body keeps the vptr store that the race is about.
  virtual ~Base() { Describe(); }
  __attribute__((noinline)) void Describe() { std::fprintf(stderr, "destroying %d\n", Get()); }
  virtual int Get() { return 1; }
};
struct Derived : Base {
  int Get() override { return 2; }
};

std::atomic<bool> g_called{false};
Base* g_object = new Derived;

__attribute__((noinline)) int CallIt() {
  return g_object->Get();
}

int main() {
  std::thread caller([] {
    CallIt();
    g_called.store(true, std::memory_order_relaxed);  // orders nothing for TSan
  });
  while (!g_called.load(std::memory_order_relaxed)) {
  }
  delete g_object;  // the destructors rewrite the vptr
  caller.join();
  return 0;
}
