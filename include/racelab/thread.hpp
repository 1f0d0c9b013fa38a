// rl::Thread: a Python-style thread (construct, then start, then join) with a stable index.
#pragma once

#include <cstddef>
#include <functional>
#include <thread>

#include "racelab/fuzz.hpp"
#include "racelab/site.hpp"

namespace rl {

// The index of the calling thread: 0 for main, then 1, 2, ... in rl::Thread creation
// order. Deterministic as long as one thread creates all the others, as every specimen
// does; fuzz plans and a later scheduler key on it.
std::size_t this_thread_index();

class Thread {
 public:
  // Takes the next index now, like Python's Thread-N names, but runs nothing yet.
  explicit Thread(std::function<void()> body);
  Thread(Thread&& other) noexcept = default;
  Thread& operator=(Thread&&) = delete;
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;
  // Joins a started thread: Python also waits for every non-daemon thread before exiting.
  ~Thread();

  // Throws std::system_error when the OS refuses another thread (see docs/p1s8-thread-limit.md).
  void start(Site site = Site::here());
  void join(Site site = Site::here());

  std::size_t index() const { return index_; }

 private:
  std::function<void()> body_;
  std::size_t index_;
  std::thread thread_;
};

}  // namespace rl
