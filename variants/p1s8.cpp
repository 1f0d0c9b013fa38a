// p1s8 (P1 / Solution 8): p1s6 without fuzz, N = 100000, timed. Seed verdict: about 4 s in Python.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "racelab/rl.hpp"

namespace {

// Threads started and joined per wave. The seed starts all N before joining any, but
// 100000 unjoined threads exceed this machine's memory-map limit (docs/p1s8-thread-limit.md);
// RACELAB_WAVE=0 restores the seed's exact structure.
constexpr std::int64_t kDefaultWave = 10000;

rl::Shared<std::int64_t> counter{0};
rl::Shared<std::int64_t> sum{0};
rl::Mutex state_lock;
// std::nullopt is the sentinel that stops the watcher.
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
  const std::int64_t wave = rl::env_count("RACELAB_WAVE", kDefaultWave, 0);
  const std::int64_t batch = wave == 0 ? settings.iterations : wave;

  const rl::Stopwatch stopwatch;
  rl::Thread watcher(watch);
  watcher.start();
  for (std::int64_t first = 0; first < settings.iterations; first += batch) {
    const std::int64_t count = std::min(batch, settings.iterations - first);
    std::vector<rl::Thread> workers;
    workers.reserve(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i) workers.emplace_back(step);
    for (rl::Thread& worker : workers) {
      rl::fuzz();
      worker.start();
    }
    for (rl::Thread& worker : workers) worker.join();
  }
  lines.join();
  rl::print(rl::Text() << "DONE: solution = " << sum.get());
  const double seconds = stopwatch.seconds();

  lines.put(std::nullopt);
  watcher.join();
  rl::print(rl::elapsed_line(seconds));
}
