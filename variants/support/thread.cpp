// Thread indices and the start/join of rl::Thread.
#include "support/thread.hpp"

#include <atomic>
#include <utility>

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
  if (thread_.joinable()) thread_.join();
}

void Thread::start(Site site) {
  point(Point::start, site);
  // The body moves into the new thread so that this object may still be moved afterwards.
  thread_ = std::thread([body = std::move(body_), index = index_] {
    t_index = index;
    body();
  });
}

void Thread::join(Site site) {
  point(Point::join, site);
  thread_.join();
}

}  // namespace rl
