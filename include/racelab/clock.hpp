// rl::Stopwatch: wall-clock seconds for the timing specimens' `elapsed:` lines.
#pragma once

#include <chrono>

namespace rl {

class Stopwatch {
 public:
  // steady_clock: immune to wall-clock adjustments during a run.
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace rl
