// p1s4 (P1 / Solution 4): state + print locks. Seed verdict: result right, lines sometimes wrong.
// Meant to fail: the printed counter is the global, read outside the state lock.
#include <cstdint>
#include <vector>

#include "racelab/rl.hpp"

namespace {

rl::Shared<std::int64_t> counter{0};
rl::Shared<std::int64_t> sum{0};
rl::Mutex state_lock;
rl::Mutex print_lock;

void step() {
  std::int64_t prev = 0;
  std::int64_t next = 0;
  {
    rl::LockGuard state(state_lock);
    prev = sum.get();
    counter.set(counter.get() + 1);
    next = sum.get() + counter.get();
    sum.set(next);
  }
  {
    rl::LockGuard printing(print_lock);
    // The seed's bug: counter is the global, read without the state lock.
    rl::print(rl::Text() << prev << " + " << counter.get() << " = " << next);
    rl::print("--------------------");
  }
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
