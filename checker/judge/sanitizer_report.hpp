// The sanitizer-report parser: finds ThreadSanitizer reports, runtime aborts and deadly
// signals in a run's stderr, classifies them and gives each report a signature.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "judge/failure_class.hpp"

namespace racelab {

// One line of a printed stack: `#3 Bump() /src/x.cpp:9:13 (prog+0x1234)`.
// Unknown parts ("<null>") are empty strings and zeros.
struct StackFrame {
  int index = 0;
  std::string function;  // as demangled by the runtime, e.g. "Bump()"
  std::string file;      // lexically normalised ("a/b/../c" -> "a/c")
  int line = 0;
  int column = 0;
  std::string module;  // e.g. "libc.so.6", without the offset
};

// What a stack is in its report: the header line printed above it decides.
enum class StackRole {
  // "Write of size 4 at ... by thread T1:", "Previous read ...", "Atomic ...",
  // "Modifying access of ..." (external races): one of the racing accesses.
  kAccess,
  // A stack with no header (or "and:"): where a mutex misuse, signal-unsafe call,
  // errno spoil or deadly signal happened.
  kReport,
  // "Mutex M1 acquired here while holding mutex M0 in thread T2:" (lock-order-inversion).
  kLockAcquired,
  // "Mutex M0 previously acquired by the same thread here:" (second_deadlock_stack=1).
  kLockHeld,
  // "Thread T1 (tid=..., finished) created by main thread at:".
  kThreadCreated,
  // "Mutex M0 (0x...) created at:".
  kMutexCreated,
  // "Location is heap block of size ... allocated by ...:", "Location is file descriptor ...".
  kLocation,
  // Any other header, e.g. "As if synchronized via sleep:".
  kOther,
};

struct ReportStack {
  StackRole role = StackRole::kReport;
  std::string title;               // the header line without its colon; "" when there is none
  std::vector<StackFrame> frames;  // empty for "[failed to restore the stack]"
};

// One report: a `WARNING: ThreadSanitizer: <kind>` block, or the block of a sanitizer's
// deadly signal (`ERROR: ThreadSanitizer: SEGV on unknown address ...`, class crash).
struct SanitizerReport {
  // "data race", "thread leak", ...: the text after "WARNING: ThreadSanitizer: " without
  // " (pid=N)"; for a deadly signal the signal's name ("SEGV", "stack-overflow").
  std::string kind;
  FailureClass cls = FailureClass::kSanitizerOther;
  std::vector<ReportStack> stacks;
  // Equal for the same defect in any run of the same build: kind plus the innermost
  // own-source frame of each main stack (see ScanSanitizerOutput). No pids, addresses,
  // thread or mutex ids, directories or column numbers.
  std::string signature;
  // "variants/p1s2.cpp:31": the own-source frame of the first main stack in signature
  // order (so equal signatures give equal locations), else of any stack; relative to
  // SanitizerOptions::source_root when under it; "" when no frame is the program's own.
  std::string location;
  // The report as printed (valid UTF-8, no CR, no colour codes), for display.
  std::string text;
  // The closing `==================` line never came (the run died or was cut short).
  bool truncated = false;
};

// Defaults for SanitizerOptions: where frames that are not the program's own live.
std::vector<std::string> DefaultForeignPathMarkers();
std::vector<std::string> DefaultForeignModuleMarkers();

struct SanitizerOptions {
  // Locations under this directory are given relative to it ("" = keep paths as printed).
  std::string source_root;
  // A frame whose normalised file path contains one of these is not the program's own:
  // system headers and libraries, the sanitizer runtime, racelab's specimen support code.
  std::vector<std::string> foreign_path_markers = DefaultForeignPathMarkers();
  // Likewise for a frame whose module (shared object) name contains one of these.
  std::vector<std::string> foreign_module_markers = DefaultForeignModuleMarkers();
};

struct SanitizerScan {
  std::vector<SanitizerReport> reports;  // in the order printed
  // Every class found: those of the reports, sanitizer-fatal, crash. Never `ok`.
  ClassSet classes;
  // N of the last "ThreadSanitizer: reported N warnings" line; -1 when there is none.
  int reported_warnings = -1;
  // The runtime aborted: "FATAL: ThreadSanitizer ...", "ThreadSanitizer: CHECK failed",
  // "ThreadSanitizer: Thread limit ... exceeded", "ERROR: ThreadSanitizer failed to
  // allocate ...", allocator errors ("ERROR: ThreadSanitizer: requested allocation ...").
  bool fatal = false;
  std::string fatal_message;  // the first such line, without its "==pid==" prefix
  // A sanitizer caught a deadly signal: "ThreadSanitizer:DEADLYSIGNAL",
  // "AddressSanitizer:DEADLYSIGNAL", "ERROR: ThreadSanitizer: SEGV on unknown address".
  bool deadly_signal = false;
};

// Reads a child's stderr in one linear pass. Tolerates interleaved program output, reports
// cut short, CRLF, NUL bytes, invalid UTF-8 and colour codes. Pure: no I/O.
//
// Signature: "<kind> | <key> | <key>...", one key per main stack, where a key is the
// innermost own frame as "<function> <file name>:<line>" (without the access kind, so
// read/write and write/write reports of one racy line are one defect). The main stacks are, in
// TSan's own order of preference: the accesses (sorted, so which access TSan reported first does
// not matter), else the lock-order edges (sorted), else the header-less stacks, else thread
// creation.
SanitizerScan ScanSanitizerOutput(std::string_view stderr_text, const SanitizerOptions& opts = {});

// One row of the kind table: a report kind as the runtime prints it, and its class.
struct TsanKind {
  std::string_view text;         // e.g. "double lock of a mutex"
  std::string_view report_type;  // compiler-rt's ReportType, e.g. "ReportTypeMutexDoubleLock"
  FailureClass cls;
};
// Every report kind of the TSan runtimes (compiler-rt tsan_report.cpp ReportTypeString,
// which gcc's libsanitizer shares), plus known external-race headers.
const std::vector<TsanKind>& KnownTsanKinds();
// The class of a report kind (text after "WARNING: ThreadSanitizer: ", pid removed).
// Unknown wording falls back to the table without trailing parentheticals, then
// "race on ..."/"... race" (external races) to data-race, else sanitizer-other.
FailureClass ClassifyTsanKind(std::string_view kind);

// The own-source test behind signatures and locations, exposed for tests.
bool IsOwnFrame(const StackFrame& f, const SanitizerOptions& opts);
// Lexical normalisation: "/usr/bin/../include//x/./y.h" -> "/usr/include/x/y.h".
std::string NormalizePath(std::string_view path);

}  // namespace racelab
