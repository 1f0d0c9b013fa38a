// The controlled scheduler: one rl::Thread runs at a time, hand-offs over per-thread
// futex words, and the racelab-sched: trailer of docs/scheduling.md.
#include "racelab/sched.hpp"

#include <linux/futex.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <vector>

#include "protocol/exit_status.hpp"
#include "protocol/trailer.hpp"
#include "racelab/thread.hpp"
#include "support/strategy.hpp"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RACELAB_SCHED_TSAN 1
#endif
#endif

#if defined(RACELAB_SCHED_TSAN)
// ThreadSanitizer's dynamic annotations (provided by its runtime).
extern "C" {
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
void AnnotateIgnoreReadsBegin(const char* file, int line);
void AnnotateIgnoreReadsEnd(const char* file, int line);
void AnnotateIgnoreWritesBegin(const char* file, int line);
void AnnotateIgnoreWritesEnd(const char* file, int line);
}
#endif

namespace rl {
namespace detail {
bool g_controlled = false;
}  // namespace detail

namespace protocol = racelab::protocol;
namespace key = racelab::protocol::trailer;

namespace {

// Scheduler code runs inside this: TSan neither records its accesses nor turns its
// atomics into happens-before edges, so the hand-offs order nothing it can see.
class IgnoreGuard {
 public:
#if defined(RACELAB_SCHED_TSAN)
  IgnoreGuard() {
    AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
    AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
    AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
  }
  ~IgnoreGuard() {
    AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
    AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
    AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
  }
#else
  IgnoreGuard() {}
  ~IgnoreGuard() {}
#endif
  IgnoreGuard(const IgnoreGuard&) = delete;
  IgnoreGuard& operator=(const IgnoreGuard&) = delete;
};

// Raw futex calls: TSan does not intercept syscall(), so a wake is no synchronisation.
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}

void futex_wake(std::atomic<std::uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr,
          nullptr, 0);
}

enum class State : std::uint8_t { runnable, blocked, finished };

constexpr std::uint32_t kExitKind = kPointKinds;

struct Slot {
  explicit Slot(std::uint32_t i) : index(i) {}
  const std::uint32_t index;
  std::atomic<std::uint32_t> turn{0};  // 1: this thread may run (the futex word)
  State state = State::runnable;
  std::uint32_t kind = static_cast<std::uint32_t>(Point::start);  // the pending point
  Site site{nullptr, 0};
  const void* blocked_on = nullptr;
};

struct Preemption {
  std::uint64_t step;
  std::uint32_t from;
  std::uint32_t from_kind;
  Site from_site;
  std::uint32_t to;
  std::uint32_t to_kind;
  Site to_site;
};

// A step at which the current thread was runnable and another one too: a preemption was
// possible. The runnable threads are ranges [first, last] in Control::choice_ranges.
struct Choice {
  std::uint64_t step;
  std::uint32_t thread;
  std::uint32_t kind;
  Site site;
  std::size_t ranges_begin;
  std::size_t ranges_end;
};

// At most this many `choice` lines (a guide-choices run of a very long program).
constexpr std::size_t kMaxChoices = 100000;

enum class Outcome { running, exited, deadlock, step_limit, signal };

struct Control {
  std::vector<std::unique_ptr<Slot>> slots;  // by thread index; null: never registered
  std::vector<std::uint32_t> runnable;       // sorted ascending
  std::uint32_t current = 0;
  std::size_t blocked = 0;
  std::uint64_t threads = 0;
  std::uint64_t steps = 0;
  std::uint64_t hash = protocol::kHashBasis;
  std::vector<protocol::Deviation> deviations;
  std::vector<Preemption> preemptions;
  std::unique_ptr<sched::Strategy> strategy;
  char strategy_name[48] = {};
  std::uint64_t seed = 0;
  std::uint64_t step_limit = protocol::kDefaultStepLimit;
  std::optional<protocol::Schedule> replay;
  bool guide = false;
  bool choices = false;  // record choice_steps (RACELAB_SCHEDULE_MODE=guide-choices)
  std::vector<Choice> choice_steps;
  std::vector<std::uint32_t> choice_ranges;
  bool replaying = false;
  std::size_t next_deviation = 0;
  bool diverged = false;
  std::uint64_t diverged_step = 0;
  char diverged_reason[96] = {};
  Outcome outcome = Outcome::running;
};

// Allocated once and never freed: parked threads may outlive static destruction.
Control* g_control = nullptr;

// ---- output without allocation (also used from the fatal-signal handler) ----

// Buffered writes to one fd; strings and numbers by hand, no allocation.
class Writer {
 public:
  explicit Writer(int fd = STDERR_FILENO) : fd_(fd) {}
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer() { flush(); }

  Writer& str(const char* text) {
    while (*text != '\0') put(*text++);
    return *this;
  }
  Writer& str(std::string_view text) {
    for (const char c : text) put(c);
    return *this;
  }
  // "racelab-sched: <word> "
  Writer& line(std::string_view word) { return str(protocol::kSchedPrefix).str(word).put(' '); }
  // "<key>="
  Writer& key(std::string_view name) { return str(name).put('='); }
  Writer& num(std::uint64_t value) {
    char digits[20];
    int count = 0;
    do {
      digits[count++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0);
    while (count > 0) put(digits[--count]);
    return *this;
  }
  Writer& hex16(std::uint64_t value) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (int shift = 60; shift >= 0; shift -= 4) put(kHex[(value >> shift) & 0xF]);
    return *this;
  }
  Writer& put(char c) {
    if (length_ == sizeof buffer_) flush();
    buffer_[length_++] = c;
    return *this;
  }
  void flush() {
    std::size_t done = 0;
    while (done < length_) {
      const ssize_t n = ::write(fd_, buffer_ + done, length_ - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    length_ = 0;
  }

 private:
  int fd_;
  char buffer_[2048];
  std::size_t length_ = 0;
};

const char* kind_name(std::uint32_t kind) {
  if (kind >= kPointKinds) return "exit";
  return to_string(static_cast<Point>(kind));
}

const char* base_name(const char* file) {
  if (file == nullptr) return "?";
  const char* base = file;
  for (const char* p = file; *p != '\0'; ++p) {
    if (*p == '/') base = p + 1;
  }
  return base;
}

// "p1s4.cpp:41 (read)"
void write_at(Writer& w, std::uint32_t kind, Site site) {
  w.str(base_name(site.file)).put(':');
  w.num(static_cast<std::uint64_t>(site.line < 0 ? 0 : site.line)).str(" (");
  w.str(kind_name(kind)).put(')');
}

// The schedule line: the bytes protocol::EncodeSchedule produces, spelled by hand.
void write_schedule(Writer& w, std::uint64_t steps, std::uint64_t hash,
                    const protocol::Deviation* deviations, std::size_t count) {
  w.line(key::kSchedule).str(protocol::kScheduleVersionPrefix).num(steps).put('-');
  w.hex16(hash).put('-');
  std::uint64_t previous = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) w.put('.');
    w.num(deviations[i].step - previous).put('t').num(deviations[i].thread);
    previous = deviations[i].step;
  }
  w.put('\n');
}

// The trailer (docs/scheduling.md); called from the fatal-signal handler too.
void write_trailer(const Control& c) {
  Writer w;
  if (c.diverged) {
    w.line(key::kDiverged).key(key::kStep).num(c.diverged_step);
    w.put(' ').key(key::kReason).str(c.diverged_reason).put('\n');
  }
  if (c.outcome == Outcome::deadlock) {
    w.line(key::kDeadlock).str(key::kAt).put(' ').key(key::kStep).num(c.steps).put('\n');
    for (const auto& slot : c.slots) {
      if (!slot || slot->state != State::blocked) continue;
      w.line(key::kThread).num(slot->index).put(' ').str(key::kBlockedIn).put(' ');
      w.str(kind_name(slot->kind)).put(' ').str(key::kAt).put(' ');
      w.str(base_name(slot->site.file)).put(':');
      w.num(static_cast<std::uint64_t>(slot->site.line < 0 ? 0 : slot->site.line)).put('\n');
    }
  }
  if (c.outcome == Outcome::step_limit) w.line(key::kStepLimit).num(c.step_limit).put('\n');
  write_schedule(w, c.steps, c.hash, c.deviations.data(), c.deviations.size());
  w.line(key::kStats).key(key::kThreads).num(c.threads);
  w.put(' ').key(key::kSteps).num(c.steps);
  w.put(' ').key(key::kPreemptions).num(c.preemptions.size());
  w.put(' ').key(key::kDeviations).num(c.deviations.size());
  w.put(' ').key(key::kStrategy).str(c.strategy_name);
  w.put(' ').key(key::kSeed).num(c.seed).put('\n');
  for (const Choice& choice : c.choice_steps) {
    w.line(key::kChoice).key(key::kStep).num(choice.step);
    w.put(' ').key(key::kThread).num(choice.thread).put(' ').key(key::kRunnable);
    for (std::size_t i = choice.ranges_begin; i < choice.ranges_end; i += 2) {
      if (i > choice.ranges_begin) w.put(',');
      w.num(c.choice_ranges[i]);
      if (c.choice_ranges[i + 1] != c.choice_ranges[i]) w.put('-').num(c.choice_ranges[i + 1]);
    }
    w.put(' ').key(key::kAt);
    write_at(w, choice.kind, choice.site);
    w.put('\n');
  }
  for (const Preemption& p : c.preemptions) {
    w.line(key::kPreemption).key(key::kStep).num(p.step);
    w.put(' ').key(key::kFrom).num(p.from).put(' ').key(key::kAt);
    write_at(w, p.from_kind, p.from_site);
    w.put(' ').key(key::kTo).num(p.to).put(' ').key(key::kAt);
    write_at(w, p.to_kind, p.to_site);
    w.put('\n');
  }
}

void diverge(Control& c, std::uint64_t step, const char* reason) {
  if (c.diverged) return;
  c.diverged = true;
  c.diverged_step = step;
  std::snprintf(c.diverged_reason, sizeof c.diverged_reason, "%s", reason);
}

// An exact replay that ends must end where the recording did, on the same path.
void check_end(Control& c) {
  if (!c.replay || c.guide || c.diverged) return;
  const protocol::Schedule& s = *c.replay;
  char reason[96];
  if (c.steps != s.steps) {
    std::snprintf(reason, sizeof reason, "the run took %llu steps, the schedule %llu",
                  static_cast<unsigned long long>(c.steps),
                  static_cast<unsigned long long>(s.steps));
    diverge(c, std::min(c.steps, s.steps) + 1, reason);
  } else if (c.hash != s.hash) {
    diverge(c, c.steps, "the path hash differs");
  }
}

void flush_stdout() {
  std::cout.flush();
  std::fflush(stdout);
}

// Ends the run with a trailer and an exit status (protocol/exit_status.hpp). The raw
// exit_group skips TSan's _exit interceptor, which would replace the status with its own
// exitcode and complain about the other threads' open ignore annotations; its reports are
// already on stderr.
[[noreturn]] void stop(Control& c, Outcome outcome, int status) {
  c.outcome = outcome;
  flush_stdout();
  check_end(c);
  write_trailer(c);
  for (;;) syscall(SYS_exit_group, status);
}

// ---- scheduling ----

Slot* slot_of(const Control& c, std::uint32_t index) {
  return index < c.slots.size() ? c.slots[index].get() : nullptr;
}

bool is_runnable(const Control& c, std::uint32_t index) {
  const Slot* slot = slot_of(c, index);
  return slot != nullptr && slot->state == State::runnable;
}

void add_runnable(Control& c, std::uint32_t index) {
  const auto at = std::lower_bound(c.runnable.begin(), c.runnable.end(), index);
  if (at == c.runnable.end() || *at != index) c.runnable.insert(at, index);
}

void remove_runnable(Control& c, std::uint32_t index) {
  const auto at = std::lower_bound(c.runnable.begin(), c.runnable.end(), index);
  if (at != c.runnable.end() && *at == index) c.runnable.erase(at);
}

// The calling thread's slot when it is the one the scheduler runs; nullptr otherwise
// (the run has ended, or a thread rl did not start).
Slot* controlled_self(Control* c) {
  if (c == nullptr || c->outcome != Outcome::running) return nullptr;
  const auto index = static_cast<std::uint32_t>(this_thread_index());
  if (index != c->current) return nullptr;
  return slot_of(*c, index);
}

void record_choice(Control& c) {
  const Slot& self = *c.slots[c.current];
  const std::size_t begin = c.choice_ranges.size();
  for (const std::uint32_t index : c.runnable) {
    if (c.choice_ranges.size() > begin && c.choice_ranges.back() + 1 == index)
      c.choice_ranges.back() = index;
    else
      c.choice_ranges.insert(c.choice_ranges.end(), {index, index});
  }
  c.choice_steps.push_back(
      {c.steps, c.current, self.kind, self.site, begin, c.choice_ranges.size()});
}

// One step: the thread to run next. The current thread has recorded its pending point
// and, when it blocked or exited, left the runnable set.
std::uint32_t decide(Control& c) {
  if (c.steps >= c.step_limit) stop(c, Outcome::step_limit, protocol::kStepLimitExitStatus);
  ++c.steps;
  if (c.runnable.empty()) stop(c, Outcome::deadlock, protocol::kDeadlockExitStatus);

  if (c.choices && c.runnable.size() > 1 && c.choice_steps.size() < kMaxChoices &&
      is_runnable(c, c.current))
    record_choice(c);

  const std::uint32_t fallback = sched::default_choice(c.current, c.runnable);
  std::uint32_t choice = c.strategy->choose(c.steps, c.current, c.runnable);
  if (c.replaying && c.next_deviation < c.replay->deviations.size() &&
      c.replay->deviations[c.next_deviation].step == c.steps) {
    const std::uint32_t wanted = c.replay->deviations[c.next_deviation++].thread;
    if (is_runnable(c, wanted)) {
      choice = wanted;
    } else if (!c.guide) {
      char reason[64];
      std::snprintf(reason, sizeof reason, "thread %u is not runnable", wanted);
      diverge(c, c.steps, reason);
      c.replaying = false;  // the rest of the run follows the default policy
    }
  }

  const Slot& chosen = *c.slots[choice];
  if (choice != fallback) {
    c.deviations.push_back({c.steps, choice});
    const Slot& from = *c.slots[c.current];
    if (from.state == State::runnable) {
      c.preemptions.push_back(
          {c.steps, c.current, from.kind, from.site, choice, chosen.kind, chosen.site});
    }
  }
  c.hash =
      protocol::HashStep(c.hash, choice, chosen.kind,
                         static_cast<std::uint32_t>(chosen.site.line < 0 ? 0 : chosen.site.line));
  return choice;
}

void wait_turn(Slot& self) {
  while (self.turn.load(std::memory_order_acquire) == 0) futex_wait(self.turn, 0);
}

// Runs `choice`; `self` (null when the caller exits) waits until it is run again.
void switch_to(Control& c, std::uint32_t choice, Slot* self) {
  if (self != nullptr && choice == self->index) return;
  Slot& next = *c.slots[choice];
  c.current = choice;
  if (self != nullptr) self->turn.store(0, std::memory_order_relaxed);
  next.turn.store(1, std::memory_order_release);
  futex_wake(next.turn);
  if (self != nullptr) wait_turn(*self);
}

void block(Control& c, Slot& self, const void* object, Point point, Site site) {
  self.state = State::blocked;
  self.blocked_on = object;
  self.kind = static_cast<std::uint32_t>(point);
  self.site = site;
  ++c.blocked;
  remove_runnable(c, self.index);
  switch_to(c, decide(c), &self);
}

void wake(Control& c, const void* object) {
  if (c.blocked == 0) return;
  for (const auto& slot : c.slots) {
    if (slot && slot->state == State::blocked && slot->blocked_on == object) {
      slot->state = State::runnable;
      slot->blocked_on = nullptr;
      --c.blocked;
      add_runnable(c, slot->index);
    }
  }
}

void at_exit() {
  IgnoreGuard guard;
  Control* c = g_control;
  if (c == nullptr || c->outcome != Outcome::running) return;
  c->outcome = Outcome::exited;
  flush_stdout();
  check_end(*c);
  write_trailer(*c);
}

void on_fatal_signal(int signal_number) {
  {
    IgnoreGuard guard;
    Control* c = g_control;
    if (c != nullptr && c->outcome == Outcome::running) {
      c->outcome = Outcome::signal;
      write_trailer(*c);
    }
  }
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

void install_signal_handlers() {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = on_fatal_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  for (const int signal_number : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE}) {
    sigaction(signal_number, &action, nullptr);
  }
}

}  // namespace

void install_scheduler(const ControlSettings& settings) {
  IgnoreGuard guard;
  if (g_control != nullptr) return;
  auto* c = new Control;
  c->seed = settings.seed;
  c->step_limit = settings.step_limit;
  if (settings.schedule) {
    c->replay = settings.schedule;
    c->guide = settings.guide;
    c->choices = settings.choices;
    c->replaying = true;
    c->strategy = std::make_unique<sched::DefaultStrategy>();
    const std::string_view mode =
        settings.guide ? protocol::kScheduleModeGuide : protocol::kScheduleModeExact;
    std::snprintf(c->strategy_name, sizeof c->strategy_name, "%.*s%.*s",
                  static_cast<int>(key::kReplayStrategyPrefix.size()),
                  key::kReplayStrategyPrefix.data(), static_cast<int>(mode.size()), mode.data());
  } else {
    c->strategy = sched::make_strategy(settings.fuzz, settings.seed);
    if (!c->strategy) c->strategy = std::make_unique<sched::DefaultStrategy>();
    // The setting as it runs: K spelled out, whether given or the default.
    FuzzSetting running = settings.fuzz;
    if (running.mode == FuzzSetting::Mode::kPct) running.k = running.PctSteps();
    std::snprintf(c->strategy_name, sizeof c->strategy_name, "%s", running.ToString().c_str());
  }
  c->deviations.reserve(1024);
  c->preemptions.reserve(1024);
  c->runnable.reserve(64);

  const auto main_index = static_cast<std::uint32_t>(this_thread_index());
  c->slots.resize(main_index + std::size_t{1});
  c->slots[main_index] = std::make_unique<Slot>(main_index);
  c->slots[main_index]->turn.store(1, std::memory_order_relaxed);
  c->current = main_index;
  c->runnable.push_back(main_index);
  c->threads = 1;
  c->strategy->add_thread(main_index);

  g_control = c;
  detail::g_controlled = true;
  detail::g_points_active = true;
  std::atexit(at_exit);
  install_signal_handlers();
}

namespace detail {

void sched_point(Point point, Site site) {
  IgnoreGuard guard;
  Control* c = g_control;
  Slot* self = controlled_self(c);
  if (self == nullptr) return;
  self->kind = static_cast<std::uint32_t>(point);
  self->site = site;
  switch_to(*c, decide(*c), self);
}

bool sched_block(const void* object, Point point, Site site) {
  IgnoreGuard guard;
  Control* c = g_control;
  Slot* self = controlled_self(c);
  if (self == nullptr) return false;
  block(*c, *self, object, point, site);
  return true;
}

void sched_wake(const void* object) {
  IgnoreGuard guard;
  Control* c = g_control;
  if (controlled_self(c) == nullptr) return;
  wake(*c, object);
}

void sched_mutex_lock(bool* held, Site site) {
  IgnoreGuard guard;
  Control* c = g_control;
  Slot* self = controlled_self(c);
  if (self == nullptr) return;
  while (*held) {
    block(*c, *self, held, Point::lock, site);
  }
  *held = true;
}

void sched_mutex_unlock(bool* held) {
  IgnoreGuard guard;
  Control* c = g_control;
  if (controlled_self(c) == nullptr) return;
  *held = false;
  wake(*c, held);
}

void* sched_register(std::size_t index, Site site) {
  IgnoreGuard guard;
  Control* c = g_control;
  if (controlled_self(c) == nullptr) return nullptr;
  const auto thread = static_cast<std::uint32_t>(index);
  if (c->slots.size() <= index) c->slots.resize(index + 1);
  if (c->slots[index]) return nullptr;  // started twice: std::thread will complain
  c->slots[index] = std::make_unique<Slot>(thread);
  Slot* slot = c->slots[index].get();
  slot->kind = static_cast<std::uint32_t>(Point::start);
  slot->site = site;
  add_runnable(*c, thread);
  ++c->threads;
  c->strategy->add_thread(thread);
  return slot;
}

void sched_abandon(void* handle) {
  IgnoreGuard guard;
  Control* c = g_control;
  if (controlled_self(c) == nullptr) return;
  auto* slot = static_cast<Slot*>(handle);
  slot->state = State::finished;
  remove_runnable(*c, slot->index);
}

void sched_thread_begin(void* handle) {
  IgnoreGuard guard;
  wait_turn(*static_cast<Slot*>(handle));
}

void sched_thread_end(void* handle) {
  IgnoreGuard guard;
  Control* c = g_control;
  auto* self = static_cast<Slot*>(handle);
  if (controlled_self(c) != self) return;
  self->state = State::finished;
  self->kind = kExitKind;
  self->site = Site{nullptr, 0};
  remove_runnable(*c, self->index);
  wake(*c, self);
  switch_to(*c, decide(*c), nullptr);
}

void write_schedule_line(int fd, std::uint64_t steps, std::uint64_t hash,
                         const protocol::Deviation* deviations, std::size_t count) {
  Writer w(fd);
  write_schedule(w, steps, hash, deviations, count);
}

void sched_join(std::size_t index, Site site) {
  IgnoreGuard guard;
  Control* c = g_control;
  Slot* self = controlled_self(c);
  if (self == nullptr) return;
  Slot* target = slot_of(*c, static_cast<std::uint32_t>(index));
  if (target == nullptr) return;
  while (target->state != State::finished) block(*c, *self, target, Point::join, site);
}

}  // namespace detail
}  // namespace rl
