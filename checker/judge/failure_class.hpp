// The closed vocabulary of run outcomes: every class a run can be given.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <map>
#include <optional>
#include <string_view>

namespace racelab {

// One value per class of the contract (docs/report.md). Names are fixed:
// reports and users' scripts match on them. Switches over this enum have no
// `default`, so the compiler flags a class that a switch forgot.
enum class FailureClass {
  // Output exactly as expected, exit 0, no sanitizer report. Given only when
  // no other class applies.
  kOk,
  // A line that is none of: equation, dash line, DONE line, elapsed line.
  // Two unsynchronised writes interleaved inside one line.
  kTornLine,
  // Every line well-formed, but an equation is not followed by exactly one
  // dash line.
  kMisplacedSeparator,
  // An equation `a + b = c` whose own arithmetic is wrong (a + b != c).
  kBadArithmetic,
  // An equation whose left operand is not S(b-1): it read a sum that another
  // step had already replaced, or not yet written.
  kStaleRead,
  // Equations individually right, but not in ascending step order.
  kOutOfOrder,
  // A step 1..N that no equation printed.
  kMissingStep,
  // A step printed by more than one equation.
  kDuplicateStep,
  // DONE line absent or not S(N); for Problem 2, a result outside tolerance.
  kWrongResult,
  // ThreadSanitizer reported a data race.
  kDataRace,
  // ThreadSanitizer: lock-order-inversion (potential deadlock).
  kLockOrderInversion,
  // ThreadSanitizer: thread leak (a thread neither joined nor detached).
  kThreadLeak,
  // ThreadSanitizer: heap-use-after-free (and use of a destroyed mutex).
  kUseAfterFree,
  // ThreadSanitizer: unlock of an unlocked mutex, double lock, bad mutex use.
  kMutexMisuse,
  // ThreadSanitizer: signal-unsafe call or errno spoiled in a signal handler.
  kSignalUnsafe,
  // Any other ThreadSanitizer report kind.
  kSanitizerOther,
  // The sanitizer runtime itself aborted (FATAL: ThreadSanitizer ...).
  kSanitizerFatal,
  // Killed by a signal that racelab did not send (or a sanitizer DEADLYSIGNAL).
  kCrash,
  // A non-zero exit status that no other class explains.
  kBadExit,
  // Every controlled thread blocked: the run cannot continue (controlled
  // scheduling only: the runtime's `racelab-sched: deadlock` line, exit 86).
  kDeadlock,
  // Still running at the per-run timeout; racelab killed its process group.
  kTimeout,
  // More output than the cap; racelab stopped reading and killed the run.
  kOutputOverflow,
};

// The number of classes: one past the last enumerator. The checks below fail
// to compile when a class is added after kOutputOverflow without moving this.
inline constexpr std::size_t kFailureClassCount =
    static_cast<std::size_t>(FailureClass::kOutputOverflow) + 1;

// The contract name, e.g. "torn-line"; "" for a value that is no class.
constexpr std::string_view Name(FailureClass c) {
  switch (c) {
    case FailureClass::kOk: return "ok";
    case FailureClass::kTornLine: return "torn-line";
    case FailureClass::kMisplacedSeparator: return "misplaced-separator";
    case FailureClass::kBadArithmetic: return "bad-arithmetic";
    case FailureClass::kStaleRead: return "stale-read";
    case FailureClass::kOutOfOrder: return "out-of-order";
    case FailureClass::kMissingStep: return "missing-step";
    case FailureClass::kDuplicateStep: return "duplicate-step";
    case FailureClass::kWrongResult: return "wrong-result";
    case FailureClass::kDataRace: return "data-race";
    case FailureClass::kLockOrderInversion: return "lock-order-inversion";
    case FailureClass::kThreadLeak: return "thread-leak";
    case FailureClass::kUseAfterFree: return "use-after-free";
    case FailureClass::kMutexMisuse: return "mutex-misuse";
    case FailureClass::kSignalUnsafe: return "signal-unsafe";
    case FailureClass::kSanitizerOther: return "sanitizer-other";
    case FailureClass::kSanitizerFatal: return "sanitizer-fatal";
    case FailureClass::kCrash: return "crash";
    case FailureClass::kBadExit: return "bad-exit";
    case FailureClass::kDeadlock: return "deadlock";
    case FailureClass::kTimeout: return "timeout";
    case FailureClass::kOutputOverflow: return "output-overflow";
  }
  return {};  // not a class: the switch is exhaustive
}

// Every class, in report order (ok first, then oracle, sanitizer, process).
inline constexpr std::array<FailureClass, kFailureClassCount> kAllFailureClasses = {
    FailureClass::kOk,
    FailureClass::kTornLine,
    FailureClass::kMisplacedSeparator,
    FailureClass::kBadArithmetic,
    FailureClass::kStaleRead,
    FailureClass::kOutOfOrder,
    FailureClass::kMissingStep,
    FailureClass::kDuplicateStep,
    FailureClass::kWrongResult,
    FailureClass::kDataRace,
    FailureClass::kLockOrderInversion,
    FailureClass::kThreadLeak,
    FailureClass::kUseAfterFree,
    FailureClass::kMutexMisuse,
    FailureClass::kSignalUnsafe,
    FailureClass::kSanitizerOther,
    FailureClass::kSanitizerFatal,
    FailureClass::kCrash,
    FailureClass::kBadExit,
    FailureClass::kDeadlock,
    FailureClass::kTimeout,
    FailureClass::kOutputOverflow,
};

namespace failure_class_checks {
// A name is lower-case words joined by single dashes.
constexpr bool IsKebab(std::string_view n) {
  if (n.empty() || n.front() == '-' || n.back() == '-') return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    if (c == '-' && n[i - 1] == '-') return false;
    if (c != '-' && !(c >= 'a' && c <= 'z')) return false;
  }
  return true;
}
constexpr bool TableIsComplete() {
  for (std::size_t i = 0; i < kFailureClassCount; ++i) {
    // Every value below the count is listed, in enum order, with a name...
    if (kAllFailureClasses[i] != static_cast<FailureClass>(i)) return false;
    if (!IsKebab(Name(kAllFailureClasses[i]))) return false;
    // ...that no other class has.
    for (std::size_t j = 0; j < i; ++j)
      if (Name(kAllFailureClasses[i]) == Name(kAllFailureClasses[j])) return false;
  }
  // A value past the count that has a name is a class the count left out.
  return Name(static_cast<FailureClass>(kFailureClassCount)).empty();
}
}  // namespace failure_class_checks
static_assert(failure_class_checks::TableIsComplete(),
              "kFailureClassCount, kAllFailureClasses and Name(FailureClass) disagree");

// Inverse of Name; nullopt for an unknown name. Only readers of text (JSON,
// manifest, command line) call it.
std::optional<FailureClass> ParseFailureClass(std::string_view name);

// Orders classes by name: the order reports list them in.
struct ByClassName {
  constexpr bool operator()(FailureClass a, FailureClass b) const { return Name(a) < Name(b); }
};
// Per-class tallies, listed by class name.
template <typename V>
using ClassMap = std::map<FailureClass, V, ByClassName>;

// A set of classes; a run gets every class that applies.
class ClassSet {
 public:
  ClassSet() = default;
  ClassSet(std::initializer_list<FailureClass> cs) {
    for (FailureClass c : cs) Add(c);
  }
  void Add(FailureClass c) { bits_.set(static_cast<std::size_t>(c)); }
  void Remove(FailureClass c) { bits_.reset(static_cast<std::size_t>(c)); }
  bool Has(FailureClass c) const { return bits_.test(static_cast<std::size_t>(c)); }
  bool Empty() const { return bits_.none(); }
  std::size_t Size() const { return bits_.count(); }
  void Merge(const ClassSet& o) { bits_ |= o.bits_; }
  // The run's final set: `ok` alone when nothing else applies, never `ok`
  // together with a failure.
  ClassSet Finalized() const {
    ClassSet r = *this;
    r.Remove(FailureClass::kOk);
    if (r.Empty()) r.Add(FailureClass::kOk);
    return r;
  }
  bool IsOk() const { return Finalized().Has(FailureClass::kOk); }
  template <typename F>
  void ForEach(F&& f) const {
    for (FailureClass c : kAllFailureClasses)
      if (Has(c)) f(c);
  }
  friend bool operator==(const ClassSet& a, const ClassSet& b) { return a.bits_ == b.bits_; }
  friend bool operator!=(const ClassSet& a, const ClassSet& b) { return !(a == b); }

 private:
  std::bitset<kFailureClassCount> bits_;
};

}  // namespace racelab
