#include "run/signal_watch.hpp"

#include <pthread.h>

#include <utility>

namespace racelab {

SignalWatch::SignalWatch(std::function<void(int)> on_signal) : on_signal_(std::move(on_signal)) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &old_);
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      // The timeout only bounds how long a lost wake-up could delay the exit.
      timespec ts{1, 0};
      const int sig = sigtimedwait(&set_, nullptr, &ts);
      if (sig > 0 && !stop_.load() && received_.load() == 0) {
        received_.store(sig);
        on_signal_(sig);
      }
    }
  });
}

SignalWatch::~SignalWatch() {
  stop_.store(true);
  pthread_kill(thread_.native_handle(), SIGTERM);
  thread_.join();
  // A wake-up signal the watcher did not take (it was already leaving) stays pending on
  // that thread only, which is gone: nothing reaches the process after unblocking.
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

}  // namespace racelab
