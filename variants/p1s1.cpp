// p1s1 (Problem 1 / Solution 1): one thread, N calls of the step. Seed verdict: correct.
#include <cstdint>

#include "racelab/rl.hpp"

namespace {

// Single-threaded, so the seed's globals stay plain variables.
std::int64_t counter = 0;
std::int64_t sum = 0;

void step() {
  counter = counter + 1;
  const std::int64_t next = sum + counter;
  rl::print(rl::Text() << sum << " + " << counter << " = " << next);
  rl::print("--------------------");
  sum = next;
}

}  // namespace

int main() {
  const rl::Settings settings = rl::start(rl::manifest_defaults());
  for (std::int64_t i = 0; i < settings.iterations; ++i) step();
  rl::print(rl::Text() << "DONE: solution = " << sum);
}
