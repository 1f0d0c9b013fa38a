// p1s5 (P1 / Solution 5): fuzzed, prints local copies. Seed verdict: result right, order wrong.
// Meant to fail under fuzz (out of order), though free of data races.
#include <cstdint>
#include <vector>

#include "racelab/rl.hpp"

namespace {

rl::Shared<std::int64_t> counter{0};
rl::Shared<std::int64_t> sum{0};
rl::Mutex state_lock;
rl::Mutex print_lock;

void step() {
  rl::fuzz();
  std::int64_t current = 0;
  std::int64_t prev = 0;
  std::int64_t next = 0;
  {
    rl::LockGuard state(state_lock);
    counter.set(counter.get() + 1);
    current = counter.get();
    prev = sum.get();
    next = prev + current;
    sum.set(next);
  }
  rl::fuzz();
  {
    rl::LockGuard printing(print_lock);
    rl::print(rl::Text() << prev << " + " << current << " = " << next);
    rl::print("--------------------");
  }
  rl::fuzz();
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
