// SIGINT/SIGTERM handling for long commands: the signals are blocked in every thread and
// taken by one watcher thread, which calls back (e.g. to cancel a campaign) so that the
// command can still write what it has before exiting 130/143.
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace racelab {

class SignalWatch {
 public:
  // Call before starting any other thread: threads inherit the blocked mask.
  explicit SignalWatch(std::function<void(int)> on_signal);
  // Wakes the watcher at once (a signal aimed at that thread alone), so an exit never
  // waits for a timeout.
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  // The first signal received (SIGINT or SIGTERM), or 0.
  int received() const { return received_.load(); }

 private:
  std::function<void(int)> on_signal_;
  sigset_t set_{};
  sigset_t old_{};
  std::atomic<bool> stop_{false};
  std::atomic<int> received_{0};
  std::thread thread_;
};

}  // namespace racelab
