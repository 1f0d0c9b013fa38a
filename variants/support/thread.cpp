// Thread indices and the start/join of rl::Thread.
#include "racelab/thread.hpp"

#include <atomic>
#include <utility>

#include "racelab/sched.hpp"

namespace rl {
namespace {

std::atomic<std::size_t> g_next_index{1};  // 0 is the main thread
thread_local std::size_t t_index = 0;

}  // namespace

std::size_t this_thread_index() {
  return t_index;
}

Thread::Thread(std::function<void()> body)
    : body_(std::move(body)), index_(g_next_index.fetch_add(1, std::memory_order_relaxed)) {}

Thread::~Thread() {
  if (thread_.joinable()) {
    // Under control the wait must happen in the scheduler, which runs the thread.
    if (detail::g_controlled) detail::sched_join(index_, Site::here());
    thread_.join();
  }
}

void Thread::start(Site site) {
  point(Point::start, site);
  // Registered by the running parent before the thread exists, so the scheduler's view
  // (and so every choice) does not depend on when the OS runs the new thread.
  void* slot = detail::g_controlled ? detail::sched_register(index_, site) : nullptr;
  try {
    // The body moves into the new thread so that this object may still be moved afterwards.
    thread_ = std::thread([body = std::move(body_), index = index_, slot] {
      t_index = index;
      if (slot != nullptr) detail::sched_thread_begin(slot);
      body();
      if (slot != nullptr) detail::sched_thread_end(slot);
    });
  } catch (...) {
    if (slot != nullptr) detail::sched_abandon(slot);
    throw;
  }
}

void Thread::join(Site site) {
  point(Point::join, site);
  if (detail::g_controlled) detail::sched_join(index_, site);
  thread_.join();
}

}  // namespace rl
