// The random and PCT strategies of the controlled scheduler.
#include "support/strategy.hpp"

#include <algorithm>
#include <limits>

#include "support/splitmix.hpp"

namespace rl::sched {

std::uint64_t Rng::next() {
  state_ += kGolden;
  return mix64(state_);
}

std::uint64_t Rng::below(std::uint64_t bound) {
  const std::uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    const std::uint64_t draw = next();
    if (draw >= threshold) return draw % bound;
  }
}

std::uint32_t default_choice(std::uint32_t current, const std::vector<std::uint32_t>& runnable) {
  if (std::binary_search(runnable.begin(), runnable.end(), current)) return current;
  return runnable.front();
}

std::uint32_t DefaultStrategy::choose(std::uint64_t /*step*/, std::uint32_t current,
                                      const std::vector<std::uint32_t>& runnable) {
  return default_choice(current, runnable);
}

std::uint32_t RandomStrategy::choose(std::uint64_t /*step*/, std::uint32_t /*current*/,
                                     const std::vector<std::uint32_t>& runnable) {
  return runnable[rng_.below(runnable.size())];
}

PctStrategy::PctStrategy(int depth, std::uint64_t steps, std::uint64_t seed)
    : depth_(depth < 1 ? 1 : depth), rng_(seed) {
  const auto changes = static_cast<std::uint64_t>(depth_ - 1);
  if (steps == 0) steps = 1;
  const bool distinct = steps >= changes;
  while (change_points_.size() < changes) {
    const std::uint64_t point = 1 + rng_.below(steps);
    if (distinct &&
        std::find(change_points_.begin(), change_points_.end(), point) != change_points_.end()) {
      continue;
    }
    change_points_.push_back(point);
  }
  std::sort(change_points_.begin(), change_points_.end());
}

void PctStrategy::add_thread(std::uint32_t thread) {
  if (priorities_.size() <= thread) priorities_.resize(thread + std::size_t{1}, 0);
  // Uniform keys give a uniformly random relative order, which is what PCT's random
  // permutation of initial priorities is; a (vanishingly rare) tie is drawn again.
  const auto low = static_cast<std::uint64_t>(depth_);
  const std::uint64_t span = (std::uint64_t{1} << 62);
  for (;;) {
    const std::uint64_t priority = low + rng_.below(span);
    if (std::find(priorities_.begin(), priorities_.end(), priority) == priorities_.end()) {
      priorities_[thread] = priority;
      return;
    }
  }
}

std::uint64_t PctStrategy::priority(std::uint32_t thread) const {
  return thread < priorities_.size() ? priorities_[thread] : 0;
}

std::uint32_t PctStrategy::choose(std::uint64_t step, std::uint32_t current,
                                  const std::vector<std::uint32_t>& runnable) {
  while (next_change_ < change_points_.size() && change_points_[next_change_] == step) {
    ++next_change_;
    if (current < priorities_.size()) {
      priorities_[current] = static_cast<std::uint64_t>(depth_) - next_change_;
    }
  }
  std::uint32_t best = runnable.front();
  for (const std::uint32_t thread : runnable) {
    if (priority(thread) > priority(best)) best = thread;
  }
  return best;
}

std::unique_ptr<Strategy> make_strategy(const FuzzSetting& setting, std::uint64_t seed) {
  switch (setting.mode) {
    case FuzzSetting::Mode::kRandom: return std::make_unique<RandomStrategy>(seed);
    case FuzzSetting::Mode::kPct:
      return std::make_unique<PctStrategy>(static_cast<int>(setting.depth), setting.PctSteps(),
                                           seed);
    case FuzzSetting::Mode::kNone:
    case FuzzSetting::Mode::kYield:
    case FuzzSetting::Mode::kSleep: return nullptr;
  }
  return nullptr;
}

}  // namespace rl::sched
