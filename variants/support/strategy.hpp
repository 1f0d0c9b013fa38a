// The controlled scheduler's strategies (docs/scheduling.md): pure classes, no threads, so
// the tests drive them directly. Each sees the step number, the current thread and the
// runnable threads, and names the thread that runs next.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "racelab/fuzz.hpp"

namespace rl::sched {

// splitmix64, seeded from RACELAB_SEED only.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in [0, bound) without modulo bias; bound > 0.
  std::uint64_t below(std::uint64_t bound);

 private:
  std::uint64_t state_;
};

// The default policy: `current` when it is runnable, otherwise the lowest runnable index.
// `runnable` is sorted ascending and not empty.
std::uint32_t default_choice(std::uint32_t current, const std::vector<std::uint32_t>& runnable);

class Strategy {
 public:
  virtual ~Strategy() = default;
  // A thread came into existence (main at install, the others at rl::Thread::start, in
  // that deterministic order).
  virtual void add_thread(std::uint32_t thread) = 0;
  // The thread to run at `step` (1, 2, ...; called once per step in order). `runnable` is
  // sorted ascending and not empty; `current` (the thread that reached the step) may be
  // missing from it when it blocked or exited. The result is an element of `runnable`.
  virtual std::uint32_t choose(std::uint64_t step, std::uint32_t current,
                               const std::vector<std::uint32_t>& runnable) = 0;
};

// Always the default policy: what a replay follows between its deviations.
class DefaultStrategy final : public Strategy {
 public:
  void add_thread(std::uint32_t /*thread*/) override {}
  std::uint32_t choose(std::uint64_t step, std::uint32_t current,
                       const std::vector<std::uint32_t>& runnable) override;
};

// A uniform choice among the runnable threads at every step.
class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(std::uint64_t seed) : rng_(seed) {}
  void add_thread(std::uint32_t /*thread*/) override {}
  std::uint32_t choose(std::uint64_t step, std::uint32_t current,
                       const std::vector<std::uint32_t>& runnable) override;

 private:
  Rng rng_;
};

// PCT (Burckhardt et al., ASPLOS 2010) for threads created on the fly: each thread gets a
// distinct random priority >= depth when it is added; depth-1 change points are drawn
// uniformly from [1, steps] (distinct when steps >= depth-1); at the i-th change point the
// current thread's priority drops to depth-i; every step runs the highest-priority
// runnable thread.
class PctStrategy final : public Strategy {
 public:
  PctStrategy(int depth, std::uint64_t steps, std::uint64_t seed);
  void add_thread(std::uint32_t thread) override;
  std::uint32_t choose(std::uint64_t step, std::uint32_t current,
                       const std::vector<std::uint32_t>& runnable) override;

  // The change points, sorted ascending (depth-1 of them).
  const std::vector<std::uint64_t>& change_points() const { return change_points_; }
  // The thread's priority now (0 for a thread never added).
  std::uint64_t priority(std::uint32_t thread) const;

 private:
  int depth_;
  Rng rng_;
  std::vector<std::uint64_t> change_points_;
  std::size_t next_change_ = 0;
  std::vector<std::uint64_t> priorities_;  // by thread index
};

// The strategy of a controlled fuzz setting (random or pct); nullptr for the others.
std::unique_ptr<Strategy> make_strategy(const FuzzSetting& setting, std::uint64_t seed);

}  // namespace rl::sched
