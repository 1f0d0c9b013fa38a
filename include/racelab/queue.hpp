// rl::Queue<T>: a thread-safe FIFO with Python queue.Queue semantics.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "racelab/fuzz.hpp"
#include "racelab/sched.hpp"
#include "racelab/site.hpp"

namespace rl {

// Unbounded, like queue.Queue(): put never blocks, get waits for an item, and join waits
// until every item put so far has been matched by a task_done. Under controlled scheduling
// the waits happen in the scheduler (the condition re-checked under the real mutex), and
// the condition variables are never waited on.
template <class T>
class Queue {
 public:
  void put(T item, Site site = Site::here()) {
    point(Point::put, site);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      items_.push_back(std::move(item));
      ++unfinished_;
    }
    not_empty_.notify_one();
    if (__builtin_expect(detail::g_controlled, false)) detail::sched_wake(&not_empty_);
  }

  T get(Site site = Site::here()) {
    point(Point::get, site);
    std::unique_lock<std::mutex> lock(mutex_);
    if (__builtin_expect(detail::g_controlled, false)) {
      while (items_.empty()) {
        lock.unlock();
        const bool controlled = detail::sched_block(&not_empty_, Point::get, site);
        lock.lock();
        if (!controlled) break;
      }
    }
    not_empty_.wait(lock, [this] { return !items_.empty(); });
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  // Throws std::logic_error when called more often than put, as Python raises ValueError.
  void task_done(Site site = Site::here()) {
    point(Point::task_done, site);
    bool drained = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (unfinished_ == 0) throw std::logic_error("rl::Queue::task_done called too many times");
      if (--unfinished_ == 0) {
        all_done_.notify_all();
        drained = true;
      }
    }
    if (drained && __builtin_expect(detail::g_controlled, false)) detail::sched_wake(&all_done_);
  }

  void join(Site site = Site::here()) {
    point(Point::drain, site);
    std::unique_lock<std::mutex> lock(mutex_);
    if (__builtin_expect(detail::g_controlled, false)) {
      while (unfinished_ != 0) {
        lock.unlock();
        const bool controlled = detail::sched_block(&all_done_, Point::drain, site);
        lock.lock();
        if (!controlled) break;
      }
    }
    all_done_.wait(lock, [this] { return unfinished_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable all_done_;
  std::deque<T> items_;
  std::size_t unfinished_ = 0;
};

}  // namespace rl
