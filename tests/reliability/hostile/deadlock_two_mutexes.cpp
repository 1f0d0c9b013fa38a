// MEANT TO FAIL. Two threads take two mutexes in opposite orders, each waiting
// until the other holds its first one, so they deadlock every time.
// racelab must conclude: timeout.
#include <atomic>
#include <mutex>
#include <thread>

int main() {
  std::mutex a, b;
  std::atomic<int> holding{0};
  auto take = [&](std::mutex& first, std::mutex& second) {
    std::lock_guard<std::mutex> one(first);
    holding.fetch_add(1);
    while (holding.load() < 2) std::this_thread::yield();
    std::lock_guard<std::mutex> two(second);
  };
  std::thread t1(take, std::ref(a), std::ref(b));
  std::thread t2(take, std::ref(b), std::ref(a));
  t1.join();
  t2.join();
  return 0;
}
