// Names of the failure classes, as fixed by the contract.
#include "judge/failure_class.hpp"

namespace racelab {

std::string_view Name(FailureClass c) {
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
  return "?";  // unreachable: the switch is exhaustive
}

std::optional<FailureClass> ParseFailureClass(std::string_view name) {
  for (FailureClass c : kAllFailureClasses)
    if (Name(c) == name) return c;
  return std::nullopt;
}

}  // namespace racelab
