// p1s6 (P1 / Solution 6): lines queued to a watcher thread. Seed verdict: seems correct.
// The author is "not convinced": the state lock serialises each whole step, queueing included.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "racelab/rl.hpp"

namespace {

rl::Shared<std::int64_t> counter{0};
rl::Shared<std::int64_t> sum{0};
rl::Mutex state_lock;
// std::nullopt is the sentinel that stops the watcher; the seed's daemon thread just died
// with the process, which here would be a leaked thread.
rl::Queue<std::optional<std::string>> lines;

void watch() {
  for (;;) {
    std::optional<std::string> line = lines.get();
    if (!line) break;
    rl::print(*line);
    lines.task_done();
  }
  lines.task_done();
}

void step() {
  rl::fuzz();
  {
    rl::LockGuard state(state_lock);
    counter.set(counter.get() + 1);
    const std::int64_t next = sum.get() + counter.get();
    lines.put((rl::Text() << sum.get() << " + " << counter.get() << " = " << next).str());
    lines.put("--------------------");
    sum.set(next);
  }
  rl::fuzz();
}

}  // namespace

int main() {
  const rl::Settings settings = rl::start(rl::manifest_defaults());
  rl::Thread watcher(watch);
  watcher.start();

  std::vector<rl::Thread> workers;
  workers.reserve(static_cast<std::size_t>(settings.iterations));
  for (std::int64_t i = 0; i < settings.iterations; ++i) workers.emplace_back(step);
  for (rl::Thread& worker : workers) {
    rl::fuzz();
    worker.start();
  }
  for (rl::Thread& worker : workers) worker.join();
  lines.join();
  rl::print(rl::Text() << "DONE: solution = " << sum.get());

  lines.put(std::nullopt);
  watcher.join();
}
