// MEANT TO FAIL: one thread takes A then B, a later one B then A.
// Expected class: lock-order-inversion (TSan "lock-order-inversion (potential deadlock)").
// CHECK: WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock)
// RERUN-TSAN-OPTIONS: second_deadlock_stack=0
#include <mutex>
#include <thread>

std::mutex g_a;
std::mutex g_b;

void TakeAThenB() {
  std::lock_guard<std::mutex> la(g_a);
  std::lock_guard<std::mutex> lb(g_b);
}

void TakeBThenA() {
  std::lock_guard<std::mutex> lb(g_b);
  std::lock_guard<std::mutex> la(g_a);
}

int main() {
  std::thread first(TakeAThenB);
  first.join();
  std::thread second(TakeBThenA);
  second.join();
  return 0;
}
