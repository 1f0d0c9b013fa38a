// The live progress line of `racelab run` on stderr: runs done, rate, failures by class,
// time left, redrawn four times a second by a thread of its own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "run/campaign.hpp"

namespace racelab::cli {

// Draws while it lives (when enabled); its destructor stops the thread and clears the line.
class ProgressLine {
 public:
  ProgressLine(const Campaign& c, bool enabled);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

 private:
  void Draw();

  const Campaign& campaign_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace racelab::cli
