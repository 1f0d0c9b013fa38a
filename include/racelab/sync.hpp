// Locks and deliberately unsynchronised shared state, as the specimens use them.
#pragma once

#include <mutex>
#include <utility>

#include "racelab/fuzz.hpp"
#include "racelab/sched.hpp"
#include "racelab/site.hpp"

namespace rl {

// A Python threading.Lock: explicit lock()/unlock() (the seed's acquire/release) plus
// rl::LockGuard for the `with lock:` form.
class Mutex {
 public:
  void lock(Site site = Site::here()) {
    point(Point::lock, site);
    // Under control a held mutex blocks in the scheduler, never in the real lock, which is
    // then free: TSan still sees the real acquire (and its lock order).
    if (__builtin_expect(detail::g_controlled, false)) detail::sched_mutex_lock(&held_, site);
    mutex_.lock();
    if (__builtin_expect(detail::g_points_active, false)) ++detail::t_locks_held;
  }
  void unlock(Site site = Site::here()) {
    point(Point::unlock, site);
    if (__builtin_expect(detail::g_points_active, false)) --detail::t_locks_held;
    mutex_.unlock();
    if (__builtin_expect(detail::g_controlled, false)) detail::sched_mutex_unlock(&held_);
  }

 private:
  std::mutex mutex_;
  bool held_ = false;  // the scheduler's view; touched only inside the scheduler
};

class LockGuard {
 public:
  explicit LockGuard(Mutex& mutex, Site site = Site::here()) : mutex_(mutex), site_(site) {
    mutex_.lock(site_);
  }
  ~LockGuard() { mutex_.unlock(site_); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  Mutex& mutex_;
  Site site_;
};

// A Python global shared between threads. Every access is a point (fuzzable, and a
// scheduling point later); the value itself is a plain object, so the data races of the
// specimens that forget a lock are real ones that ThreadSanitizer reports.
template <class T>
class Shared {
 public:
  constexpr explicit Shared(T initial = T{}) : value_(std::move(initial)) {}
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;

  T get(Site site = Site::here()) const {
    point(Point::read, site);
    return value_;
  }
  void set(T value, Site site = Site::here()) {
    point(Point::write, site);
    value_ = std::move(value);
  }
  // Applies f to the value in place (e.g. a push_back), after one write point.
  template <class F>
  decltype(auto) update(F&& f, Site site = Site::here()) {
    point(Point::write, site);
    return std::forward<F>(f)(value_);
  }

 private:
  T value_;
};

}  // namespace rl
