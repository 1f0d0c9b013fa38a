// p1s3a (P1 / Solution 3a): p1s3 with a scoped guard. Seed verdict: as p1s3, sums wrong.
// Meant to fail: data races on the state.
#include <cstdint>
#include <vector>

#include "racelab/rl.hpp"

namespace {

rl::Shared<std::int64_t> counter{0};
rl::Shared<std::int64_t> sum{0};
rl::Mutex print_lock;

void step() {
  counter.set(counter.get() + 1);
  const std::int64_t next = sum.get() + counter.get();
  {
    rl::LockGuard printing(print_lock);
    // Like the seed's f-string, the line reads the globals again when it is printed.
    rl::print(rl::Text() << sum.get() << " + " << counter.get() << " = " << next);
    rl::print("--------------------");
  }
  sum.set(next);
}

}  // namespace

int main() {
  const rl::Settings settings = rl::start(rl::manifest_defaults());
  std::vector<rl::Thread> threads;
  threads.reserve(static_cast<std::size_t>(settings.iterations));
  for (std::int64_t i = 0; i < settings.iterations; ++i) threads.emplace_back(step);
  for (rl::Thread& thread : threads) thread.start();
  for (rl::Thread& thread : threads) thread.join();
  rl::print(rl::Text() << "DONE: solution = " << sum.get());
}
