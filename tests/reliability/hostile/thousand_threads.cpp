// Starts 1,000 threads, each doing a little work, joins them all and exits 0.
// racelab must conclude: ok.
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

int main() {
  std::atomic<long> sum{0};
  std::vector<std::thread> threads;
  threads.reserve(1000);
  for (long i = 0; i < 1000; ++i) threads.emplace_back([&sum, i] { sum.fetch_add(i); });
  for (std::thread& t : threads) t.join();
  std::printf("%ld\n", sum.load());
  return sum.load() == 499500 ? 0 : 1;
}
