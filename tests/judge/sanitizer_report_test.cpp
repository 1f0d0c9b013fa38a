// Hand-written cases of the sanitizer-report parser: kinds, frames, markers, signatures, junk.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "judge/sanitizer_report.hpp"
#include "sanitizer_test_util.hpp"

namespace racelab {
namespace {

using testing::Access;
using testing::RaceReport;

std::string Report(std::string_view kind, std::string_view body) {
  return "==================\nWARNING: ThreadSanitizer: " + std::string(kind) + " (pid=321)\n" +
         std::string(body) + "SUMMARY: ThreadSanitizer: " + std::string(kind) +
         "\n==================\n";
}

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    i += len;
  }
  return true;
}

// --- the kind table -------------------------------------------------------------------

TEST(TsanKindTable, HasARowForEveryReportTypeOfTheRuntime) {
  const std::set<std::string_view> runtime_types = {
      "ReportTypeRace",
      "ReportTypeVptrRace",
      "ReportTypeUseAfterFree",
      "ReportTypeVptrUseAfterFree",
      "ReportTypeExternalRace",
      "ReportTypeThreadLeak",
      "ReportTypeMutexDestroyLocked",
      "ReportTypeMutexDoubleLock",
      "ReportTypeMutexInvalidAccess",
      "ReportTypeMutexBadUnlock",
      "ReportTypeMutexBadReadLock",
      "ReportTypeMutexBadReadUnlock",
      "ReportTypeSignalUnsafe",
      "ReportTypeErrnoInSignal",
      "ReportTypeDeadlock",
      "ReportTypeMutexHeldWrongContext",
  };
  std::set<std::string_view> in_table;
  for (const TsanKind& k : KnownTsanKinds()) in_table.insert(k.report_type);
  EXPECT_EQ(in_table, runtime_types);
}

TEST(TsanKindTable, MapsEveryKindOntoTheContractsGroups) {
  using FC = FailureClass;
  const std::pair<std::string_view, FC> expected[] = {
      {"data race", FC::kDataRace},
      {"data race on vptr (ctor/dtor vs virtual call)", FC::kDataRace},
      {"heap-use-after-free", FC::kUseAfterFree},
      {"heap-use-after-free (virtual call vs free)", FC::kUseAfterFree},
      {"race on external object", FC::kDataRace},
      {"thread leak", FC::kThreadLeak},
      {"destroy of a locked mutex", FC::kMutexMisuse},
      {"double lock of a mutex", FC::kMutexMisuse},
      {"use of an invalid mutex (e.g. uninitialized or destroyed)", FC::kMutexMisuse},
      {"unlock of an unlocked mutex (or by a wrong thread)", FC::kMutexMisuse},
      {"read lock of a write locked mutex", FC::kMutexMisuse},
      {"read unlock of a write locked mutex", FC::kMutexMisuse},
      {"signal-unsafe call inside of a signal", FC::kSignalUnsafe},
      {"signal handler spoils errno", FC::kSignalUnsafe},
      {"lock-order-inversion (potential deadlock)", FC::kLockOrderInversion},
      {"mutex held in the wrong context", FC::kMutexMisuse},
      {"mutex held in a wrong context", FC::kMutexMisuse},
      {"Swift access race", FC::kDataRace},
  };
  for (const auto& [kind, cls] : expected) EXPECT_EQ(ClassifyTsanKind(kind), cls) << kind;
  for (const TsanKind& k : KnownTsanKinds()) EXPECT_EQ(ClassifyTsanKind(k.text), k.cls) << k.text;
}

TEST(TsanKindTable, EveryKindInAReportGetsItsClassAndLosesOnlyThePid) {
  for (const TsanKind& k : KnownTsanKinds()) {
    const SanitizerScan s =
        ScanSanitizerOutput(Report(k.text, "    #0 main /src/m.cpp:3 (p+0x1)\n"));
    ASSERT_EQ(s.reports.size(), 1u) << k.text;
    EXPECT_EQ(s.reports[0].kind, k.text);
    EXPECT_EQ(s.reports[0].cls, k.cls) << k.text;
    EXPECT_TRUE(s.classes.Has(k.cls));
    EXPECT_EQ(s.classes.Size(), 1u);
  }
}

TEST(ClassifyTsanKind, ToleratesWordingWithoutTheParenthetical) {
  EXPECT_EQ(ClassifyTsanKind("lock-order-inversion"), FailureClass::kLockOrderInversion);
  EXPECT_EQ(ClassifyTsanKind("unlock of an unlocked mutex"), FailureClass::kMutexMisuse);
  EXPECT_EQ(ClassifyTsanKind("use of an invalid mutex"), FailureClass::kMutexMisuse);
  EXPECT_EQ(ClassifyTsanKind("heap-use-after-free (something new)"), FailureClass::kUseAfterFree);
}

TEST(ClassifyTsanKind, TreatsExternalRaceHeadersAsDataRaces) {
  EXPECT_EQ(ClassifyTsanKind("race on a library object"), FailureClass::kDataRace);
  EXPECT_EQ(ClassifyTsanKind("Swift access race"), FailureClass::kDataRace);
  EXPECT_EQ(ClassifyTsanKind("MyQueue access race"), FailureClass::kDataRace);
}

TEST(ClassifyTsanKind, GivesSanitizerOtherToAnUnknownKind) {
  EXPECT_EQ(ClassifyTsanKind("something the runtime learnt later"), FailureClass::kSanitizerOther);
  EXPECT_EQ(ClassifyTsanKind(""), FailureClass::kSanitizerOther);
}

// --- frames -----------------------------------------------------------------------------

TEST(StackFrames, ParsesClangAndGccFramesIncludingBuildIdsAndNulls) {
  const SanitizerScan s = ScanSanitizerOutput(Report(
      "thread leak",
      "  Thread T1 (tid=4470, finished) created by main thread at:\n"
      "    #0 pthread_create <null> (thread_leak.clang+0x533bd) (BuildId: 73a24b37bc62)\n"
      "    #1 std::thread::_M_start_thread(std::unique_ptr<std::thread::_State, "
      "std::default_delete<std::thread::_State> >, void (*)()) <null> (libstdc++.so.6+0xd4578)\n"
      "    #2 main /work/main/x/../tests/thread_leak.cpp:17:3 (thread_leak.clang+0xd4383)\n"
      "    #3 __libc_start_call_main csu/../sysdeps/nptl/libc_start_call_main.h:58 "
      "(libc.so.6+0x27249)\n"
      "    #4 <null> <null> (<unknown module>)\n\n"));
  ASSERT_EQ(s.reports.size(), 1u);
  ASSERT_EQ(s.reports[0].stacks.size(), 1u);
  const ReportStack& st = s.reports[0].stacks[0];
  EXPECT_EQ(st.role, StackRole::kThreadCreated);
  EXPECT_EQ(st.title, "Thread T1 (tid=4470, finished) created by main thread at");
  ASSERT_EQ(st.frames.size(), 5u);
  EXPECT_EQ(st.frames[0].function, "pthread_create");
  EXPECT_EQ(st.frames[0].file, "");
  EXPECT_EQ(st.frames[0].module, "thread_leak.clang");
  EXPECT_EQ(st.frames[1].function,
            "std::thread::_M_start_thread(std::unique_ptr<std::thread::_State, "
            "std::default_delete<std::thread::_State> >, void (*)())");
  EXPECT_EQ(st.frames[1].module, "libstdc++.so.6");
  EXPECT_EQ(st.frames[2].index, 2);
  EXPECT_EQ(st.frames[2].function, "main");
  EXPECT_EQ(st.frames[2].file, "/work/main/tests/thread_leak.cpp");
  EXPECT_EQ(st.frames[2].line, 17);
  EXPECT_EQ(st.frames[2].column, 3);
  EXPECT_EQ(st.frames[3].file, "sysdeps/nptl/libc_start_call_main.h");
  EXPECT_EQ(st.frames[3].line, 58);
  EXPECT_EQ(st.frames[3].column, 0);
  EXPECT_EQ(st.frames[4].function, "");
  EXPECT_EQ(st.frames[4].module, "");
}

TEST(StackFrames, ParsesAddressSanitizerStyleFrames) {
  const SanitizerScan s = ScanSanitizerOutput(
      "AddressSanitizer:DEADLYSIGNAL\n"
      "==7==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x1 bp 0x2 sp 0x3 "
      "T0)\n"
      "    #0 0x55d93a043256 in Store(int) /src/segv.cpp:9:13\n"
      "    #1 0x55d93a043300 in main (/src/prog+0x1300)\n"
      "    #2 0x7f0000001000  (/lib/x86_64-linux-gnu/libc.so.6+0x27249)\n"
      "SUMMARY: AddressSanitizer: SEGV /src/segv.cpp:9:13 in Store(int)\n");
  ASSERT_EQ(s.reports.size(), 1u);
  const auto& frames = s.reports[0].stacks.at(0).frames;
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].function, "Store(int)");
  EXPECT_EQ(frames[0].file, "/src/segv.cpp");
  EXPECT_EQ(frames[0].line, 9);
  EXPECT_EQ(frames[1].function, "main");
  EXPECT_EQ(frames[1].module, "/src/prog");
  EXPECT_EQ(frames[2].module, "/lib/x86_64-linux-gnu/libc.so.6");
  EXPECT_EQ(s.reports[0].signature, "SEGV | Store(int) segv.cpp:9");
}

TEST(StackFrames, GivesEachHeaderItsRole) {
  const SanitizerScan s = ScanSanitizerOutput(
      Report("lock-order-inversion (potential deadlock)",
             "  Cycle in lock order graph: M9 (0x5649) => M10 (0x5648) => M9\n\n"
             "  Mutex M10 acquired here while holding mutex M9 in thread T1:\n"
             "    #0 Take() /src/a.cpp:11 (p+0x1)\n\n"
             "  Mutex M9 previously acquired by the same thread here:\n"
             "    #0 Take() /src/a.cpp:10 (p+0x1)\n\n"
             "  Mutex M9 (0x5649) created at:\n"
             "    [failed to restore the stack]\n\n"
             "  Location is heap block of size 8 at 0x7b04 allocated by main thread:\n"
             "    #0 operator new(unsigned long) <null> (p+0x2)\n\n"
             "  As if synchronized via sleep:\n"
             "    #0 usleep <null> (p+0x3)\n\n"
             "  Thread T1 (tid=1, running) created by main thread at:\n"
             "    #0 pthread_create <null> (p+0x4)\n"));
  ASSERT_EQ(s.reports.size(), 1u);
  const auto& st = s.reports[0].stacks;
  ASSERT_EQ(st.size(), 6u);
  EXPECT_EQ(st[0].role, StackRole::kLockAcquired);
  EXPECT_EQ(st[1].role, StackRole::kLockHeld);
  EXPECT_EQ(st[2].role, StackRole::kMutexCreated);
  EXPECT_TRUE(st[2].frames.empty());
  EXPECT_EQ(st[3].role, StackRole::kLocation);
  EXPECT_EQ(st[4].role, StackRole::kOther);
  EXPECT_EQ(st[5].role, StackRole::kThreadCreated);
}

TEST(StackFrames, KeepTheirHeaderAcrossProgramOutputThatEndsInAColon) {
  const SanitizerScan s = ScanSanitizerOutput(Report("data race",
                                                     "  Write of size 4 at 0x1 by thread T1:\n"
                                                     "Result:\n"
                                                     "    #0 Writer() /src/w.cpp:9 (p+0x1)\n"
                                                     "progress: 50%\n"
                                                     "    #1 Run() /src/w.cpp:20 (p+0x1)\n"));
  ASSERT_EQ(s.reports.size(), 1u);
  ASSERT_EQ(s.reports[0].stacks.size(), 1u);
  EXPECT_EQ(s.reports[0].stacks[0].role, StackRole::kAccess);
  EXPECT_EQ(s.reports[0].stacks[0].frames.size(), 2u);
}

TEST(NormalizePath, ResolvesDotsAndDuplicateSlashesLexically) {
  EXPECT_EQ(NormalizePath("/usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/"
                          "bits/invoke.h"),
            "/usr/include/c++/12/bits/invoke.h");
  EXPECT_EQ(NormalizePath("nptl/./nptl/pthread_create.c"), "nptl/nptl/pthread_create.c");
  EXPECT_EQ(NormalizePath("../../../../src/libsanitizer/tsan/x.cpp"),
            "../../../../src/libsanitizer/tsan/x.cpp");
  EXPECT_EQ(NormalizePath("/a//b/./c/"), "/a/b/c");
  EXPECT_EQ(NormalizePath("/.."), "/");
  EXPECT_EQ(NormalizePath(""), "");
  EXPECT_EQ(NormalizePath("a/.."), ".");
}

TEST(IsOwnFrame, SkipsSystemRuntimeAndSpecimenSupportFrames) {
  const SanitizerOptions o;
  auto frame = [](std::string fn, std::string file, std::string module) {
    StackFrame f;
    f.function = std::move(fn);
    f.file = std::move(file);
    f.line = 1;
    f.module = std::move(module);
    return f;
  };
  EXPECT_TRUE(IsOwnFrame(frame("Bump()", "/work/main/variants/p1s2.cpp", "p1s2"), o));
  EXPECT_TRUE(IsOwnFrame(frame("operator()", "/src/a.cpp", ""), o));
  EXPECT_FALSE(IsOwnFrame(frame("Bump()", "", "p1s2"), o)) << "no source file";
  EXPECT_FALSE(IsOwnFrame(frame("_M_run", "/usr/include/c++/12/bits/std_thread.h", "p"), o));
  EXPECT_FALSE(IsOwnFrame(
      frame("pthread_create", "../../../../src/libsanitizer/tsan/tsan_interceptors_posix.cpp",
            "libtsan.so.2"),
      o));
  EXPECT_FALSE(IsOwnFrame(frame("FuzzPoint()", "/work/main/variants/support/fuzz.hpp", "p"), o));
  EXPECT_FALSE(IsOwnFrame(frame("start_thread", "nptl/pthread_create.c", "libc.so.6"), o));
  EXPECT_FALSE(IsOwnFrame(
      frame("__tsan::CallUserSignalHandler(...)", "tsan_interceptors_posix.cpp.o", "p"), o));
  EXPECT_FALSE(IsOwnFrame(frame("std::mutex::lock()", "/opt/gcc/include/c++/std_mutex.h", "p"), o));
}

// --- locations --------------------------------------------------------------------------

TEST(Location, IsRelativeToTheSourceRootWhenUnderIt) {
  const std::string text = Report("thread leak",
                                  "  Thread T1 (tid=1, finished) created by main thread at:\n"
                                  "    #0 pthread_create <null> (p+0x1)\n"
                                  "    #1 main /work/main/variants/p1s2.cpp:31:3 (p+0x2)\n");
  SanitizerOptions o;
  o.source_root = "/work/main";
  EXPECT_EQ(ScanSanitizerOutput(text, o).reports.at(0).location, "variants/p1s2.cpp:31");
  o.source_root = "/work/main/";
  EXPECT_EQ(ScanSanitizerOutput(text, o).reports.at(0).location, "variants/p1s2.cpp:31");
  o.source_root = "/work/mai";
  EXPECT_EQ(ScanSanitizerOutput(text, o).reports.at(0).location, "/work/main/variants/p1s2.cpp:31");
  o.source_root = "";
  EXPECT_EQ(ScanSanitizerOutput(text, o).reports.at(0).location, "/work/main/variants/p1s2.cpp:31");
}

TEST(Location, OmitsAnUnknownLineAndIsEmptyWithoutAnOwnFrame) {
  EXPECT_EQ(ScanSanitizerOutput(Report("data race",
                                       "  Write of size 4 at 0x1 by thread T1:\n"
                                       "    #0 Work() /src/race.cpp (p+0x1)\n"))
                .reports.at(0)
                .location,
            "/src/race.cpp");
  const SanitizerScan s = ScanSanitizerOutput(Report("data race",
                                                     "  Write of size 4 at 0x1 by thread T1:\n"
                                                     "    #0 memcpy <null> (libc.so.6+0x1)\n"));
  EXPECT_EQ(s.reports.at(0).location, "");
  EXPECT_EQ(s.reports.at(0).signature, "data race | ?");
}

// --- markers outside reports ----------------------------------------------------------

TEST(RuntimeAborts, AreSanitizerFatalInEveryWording) {
  const char* lines[] = {
      "FATAL: ThreadSanitizer CHECK failed: tsan_rtl.cpp:10 \"((x)) != (0)\" (0x0, 0x0)",
      "ThreadSanitizer: CHECK failed: sanitizer_allocator_primary64.h:131 \"((a)) == ((b))\" "
      "(0x7b0000000000, 0xfffffffffffffff4) (tid=4617)",
      "FATAL: ThreadSanitizer can not mmap the shadow memory",
      "FATAL: ThreadSanitizer: unexpected memory mapping 0x7f00-0x7f10",
      "==12==ERROR: ThreadSanitizer failed to allocate 0x1000 (4096) bytes of TracePart (error "
      "code: 12)",
      "==12==ThreadSanitizer: Thread limit (8128 threads) exceeded. Dying.",
      "==12==ERROR: ThreadSanitizer: requested allocation size 0x10000000000 exceeds maximum "
      "supported size of 0x10000000000",
      "==12==ERROR: ThreadSanitizer: allocator is out of memory trying to allocate 0x10 bytes",
      "FATAL: ThreadSanitizer: internal allocator is out of memory trying to allocate 0x10 bytes",
      "FATAL: Internal error: ThreadSanitizer's allocator exhausted the free list space",
      "==12==ThreadSanitizer: nested bug in the same thread, aborting.",
  };
  for (const char* line : lines) {
    const SanitizerScan s = ScanSanitizerOutput("program output\n" + std::string(line) + "\n");
    EXPECT_TRUE(s.fatal) << line;
    EXPECT_TRUE(s.classes.Has(FailureClass::kSanitizerFatal)) << line;
    EXPECT_EQ(s.classes.Size(), 1u) << line;
    EXPECT_TRUE(s.reports.empty()) << line;
    EXPECT_EQ(s.fatal_message.substr(0, 2) == "==", false) << s.fatal_message;
  }
}

TEST(DeadlySignals, AreCrashesForThreadAndAddressSanitizer) {
  for (const char* text : {"ThreadSanitizer:DEADLYSIGNAL\n", "==5==AddressSanitizer:DEADLYSIGNAL\n",
                           "==5==ERROR: ThreadSanitizer: SEGV on unknown address 0x0 (pc 0x1 bp "
                           "0x2 sp 0x3 T4)\n",
                           "==5==ERROR: ThreadSanitizer: stack-overflow on address 0x7ff (pc 0x1 "
                           "bp 0x2 sp 0x3 T4)\n"}) {
    const SanitizerScan s = ScanSanitizerOutput(text);
    EXPECT_TRUE(s.deadly_signal) << text;
    EXPECT_TRUE(s.classes.Has(FailureClass::kCrash)) << text;
    EXPECT_FALSE(s.fatal) << text;
  }
  EXPECT_EQ(ScanSanitizerOutput("==5==ERROR: ThreadSanitizer: stack-overflow on address 0x7ff (pc "
                                "0x1 bp 0x2 sp 0x3 T4)\n")
                .reports.at(0)
                .kind,
            "stack-overflow");
}

TEST(DeadlySignals, EndTheCrashReportAtItsSummary) {
  const SanitizerScan s = ScanSanitizerOutput(
      "about to crash\nThreadSanitizer:DEADLYSIGNAL\n"
      "==9==ERROR: ThreadSanitizer: SEGV on unknown address 0x000000000000 (pc 0x5 bp 0x7 sp 0x6 "
      "T11)\n"
      "==9==The signal is caused by a WRITE memory access.\n"
      "    #0 Store(int) /src/segv.cpp:9:13 (segv+0xd439a)\n\n"
      "ThreadSanitizer can not provide additional info.\n"
      "SUMMARY: ThreadSanitizer: SEGV /src/segv.cpp:9:13 in Store(int)\n"
      "==9==ABORTING\n");
  ASSERT_EQ(s.reports.size(), 1u);
  EXPECT_EQ(s.reports[0].kind, "SEGV");
  EXPECT_EQ(s.reports[0].cls, FailureClass::kCrash);
  EXPECT_FALSE(s.reports[0].truncated);
  EXPECT_EQ(s.reports[0].text.rfind("ThreadSanitizer:DEADLYSIGNAL", 0), 0u);
  EXPECT_EQ(s.reports[0].text.substr(s.reports[0].text.size() - 10), "Store(int)");
}

TEST(OtherSanitizers, FindingsThatAreNotDeadlySignalsAddNoClass) {
  const SanitizerScan s = ScanSanitizerOutput(
      "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020 at pc 0x1\n"
      "==1==ERROR: LeakSanitizer: detected memory leaks\n"
      "SUMMARY: AddressSanitizer: heap-use-after-free /src/a.cpp:3 in main\n");
  EXPECT_TRUE(s.classes.Empty());
  EXPECT_TRUE(s.reports.empty());
}

TEST(ReportedWarnings, IsTheCountOfTheExitLineOrMinusOne) {
  EXPECT_EQ(ScanSanitizerOutput("x\n").reported_warnings, -1);
  EXPECT_EQ(ScanSanitizerOutput("ThreadSanitizer: reported 3 warnings\n").reported_warnings, 3);
  EXPECT_EQ(ScanSanitizerOutput("==1==ThreadSanitizer: reported 1 warnings\r\n").reported_warnings,
            1);
}

// --- signatures -------------------------------------------------------------------------

const Access kWriter{"Write of size 4", "Writer()", "/src/app/writer.cpp", 9};
const Access kReader{"Read of size 4", "Reader(int)", "/src/app/reader.cpp", 12};

TEST(Signature, IsTheSameWhenTheTwoAccessesAreReportedTheOtherWayRound) {
  const SanitizerScan ab = ScanSanitizerOutput(RaceReport(kWriter, kReader));
  const SanitizerScan ba = ScanSanitizerOutput(RaceReport(kReader, kWriter));
  ASSERT_EQ(ab.reports.size(), 1u);
  ASSERT_EQ(ba.reports.size(), 1u);
  EXPECT_EQ(ab.reports[0].signature, ba.reports[0].signature);
  EXPECT_EQ(ab.reports[0].location, ba.reports[0].location);
  EXPECT_EQ(ab.reports[0].signature,
            "data race | Reader(int) reader.cpp:12 | Writer() writer.cpp:9");
}

TEST(Signature, IgnoresPidsAddressesThreadAndMutexIdsAndColumns) {
  const SanitizerScan a = ScanSanitizerOutput(RaceReport(kWriter, kReader, 1));
  const SanitizerScan b = ScanSanitizerOutput(RaceReport(kWriter, kReader, 977));
  ASSERT_NE(a.reports.at(0).text, b.reports.at(0).text);
  EXPECT_EQ(a.reports.at(0).signature, b.reports.at(0).signature);
}

TEST(Signature, IgnoresTheDirectoryTheProgramWasBuiltIn) {
  Access moved_writer = kWriter;
  moved_writer.file = "/tmp/ci-clone-123/src/app/writer.cpp";
  EXPECT_EQ(ScanSanitizerOutput(RaceReport(kWriter, kReader)).reports.at(0).signature,
            ScanSanitizerOutput(RaceReport(moved_writer, kReader)).reports.at(0).signature);
}

TEST(Signature, DiffersForADifferentLineOrFunction) {
  const std::string base = ScanSanitizerOutput(RaceReport(kWriter, kReader)).reports[0].signature;
  Access other_line = kReader;
  other_line.line = 13;
  Access other_function = kReader;
  other_function.function = "Peek(int)";
  for (const Access& b : {other_line, other_function})
    EXPECT_NE(ScanSanitizerOutput(RaceReport(kWriter, b)).reports[0].signature, base);
}

// `x = x + 1` racing with itself is reported as read/write in one run and as
// write/write in another: both are the same defect.
TEST(Signature, IsTheSameWhetherALineRacedAsReadOrAsWrite) {
  const std::string base = ScanSanitizerOutput(RaceReport(kWriter, kReader)).reports[0].signature;
  Access write_instead = kReader;
  write_instead.header = "Write of size 4";
  EXPECT_EQ(ScanSanitizerOutput(RaceReport(kWriter, write_instead)).reports[0].signature, base);
}

TEST(Signature, OfALockOrderInversionDoesNotDependOnSecondDeadlockStack) {
  const std::string edges =
      "  Mutex M10 acquired here while holding mutex M9 in thread T1:\n"
      "    #0 pthread_mutex_lock <null> (p+0x1)\n"
      "    #1 TakeAThenB() /src/lo.cpp:11 (p+0x2)\n\n";
  const std::string held =
      "  Mutex M9 previously acquired by the same thread here:\n"
      "    #0 pthread_mutex_lock <null> (p+0x1)\n"
      "    #1 TakeAThenB() /src/lo.cpp:10 (p+0x3)\n\n";
  const std::string edge2 =
      "  Mutex M9 acquired here while holding mutex M10 in thread T2:\n"
      "    #0 pthread_mutex_lock <null> (p+0x1)\n"
      "    #1 TakeBThenA() /src/lo.cpp:16 (p+0x4)\n\n";
  const std::string kind = "lock-order-inversion (potential deadlock)";
  const SanitizerScan with = ScanSanitizerOutput(Report(kind, edges + held + edge2));
  const SanitizerScan without = ScanSanitizerOutput(Report(kind, edge2 + edges));
  EXPECT_EQ(with.reports.at(0).signature, without.reports.at(0).signature);
  EXPECT_EQ(with.reports.at(0).signature,
            kind + " | TakeAThenB() lo.cpp:11 | TakeBThenA() lo.cpp:16");
}

TEST(Signature, SkipsSpecimenSupportFramesToTheCallerInTheSpecimen) {
  const SanitizerScan s = ScanSanitizerOutput(
      Report("data race",
             "  Write of size 8 at 0x1 by thread T1:\n"
             "    #0 racelab::FuzzPoint() /work/main/variants/support/fuzz.hpp:20:3 (p+0x1)\n"
             "    #1 Step(int) /work/main/variants/p1s2.cpp:31:5 (p+0x2)\n\n"
             "  Previous write of size 8 at 0x1 by thread T2:\n"
             "    #0 Step(int) /work/main/variants/p1s2.cpp:31:5 (p+0x2)\n\n"));
  EXPECT_EQ(s.reports.at(0).signature, "data race | Step(int) p1s2.cpp:31 | Step(int) p1s2.cpp:31");
}

// --- robustness -------------------------------------------------------------------------

TEST(Robustness, EmptyInputHasNoReportsAndNoClasses) {
  const SanitizerScan s = ScanSanitizerOutput("");
  EXPECT_TRUE(s.reports.empty());
  EXPECT_TRUE(s.classes.Empty());
  EXPECT_EQ(s.reported_warnings, -1);
  EXPECT_FALSE(s.fatal);
  EXPECT_FALSE(s.deadly_signal);
}

TEST(Robustness, ATruncatedReportKeepsWhatWasPrinted) {
  const std::string full = RaceReport(kWriter, kReader);
  const std::string cut = full.substr(0, full.find("  Previous")) + "    #1 half a fr";
  const SanitizerScan s = ScanSanitizerOutput(cut);
  ASSERT_EQ(s.reports.size(), 1u);
  EXPECT_TRUE(s.reports[0].truncated);
  EXPECT_EQ(s.reports[0].cls, FailureClass::kDataRace);
  EXPECT_EQ(s.reports[0].signature, "data race | Writer() writer.cpp:9");
  EXPECT_EQ(s.reports[0].location, "/src/app/writer.cpp:9");
}

TEST(Robustness, AReportCutShortByTheNextOneIsTruncatedAndBothAreKept) {
  const std::string full = RaceReport(kWriter, kReader);
  const std::string text = full.substr(0, full.find("  Location")) + full;
  const SanitizerScan s = ScanSanitizerOutput(text);
  ASSERT_EQ(s.reports.size(), 2u);
  EXPECT_TRUE(s.reports[0].truncated);
  EXPECT_FALSE(s.reports[1].truncated);
  EXPECT_EQ(s.reports[0].signature, s.reports[1].signature);
}

TEST(Robustness, CrlfLineEndsParseLikeLf) {
  std::string crlf;
  for (char c : RaceReport(kWriter, kReader)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const SanitizerScan s = ScanSanitizerOutput(crlf);
  ASSERT_EQ(s.reports.size(), 1u);
  EXPECT_EQ(s.reports[0].signature,
            ScanSanitizerOutput(RaceReport(kWriter, kReader)).reports[0].signature);
  EXPECT_EQ(s.reports[0].text.find('\r'), std::string::npos);
}

TEST(Robustness, ColourCodesAreIgnored) {
  std::string text = RaceReport(kWriter, kReader);
  const std::string warning = "WARNING: ThreadSanitizer: data race";
  text.replace(text.find(warning), warning.size(), "\x1b[1m\x1b[31m" + warning + "\x1b[1m\x1b[0m");
  const SanitizerScan s = ScanSanitizerOutput(text);
  ASSERT_EQ(s.reports.size(), 1u);
  EXPECT_EQ(s.reports[0].kind, "data race");
  EXPECT_EQ(s.reports[0].text.find('\x1b'), std::string::npos);
}

TEST(Robustness, NulBytesAndInvalidUtf8GiveValidUtf8Output) {
  std::string text = RaceReport(kWriter, kReader);
  text.insert(text.find("Writer()") + 6, std::string("\0\xff\xc3(", 4));
  text.insert(0, std::string("\0\0garbage \xe2\x82\n", 13));
  const SanitizerScan s = ScanSanitizerOutput(text);
  ASSERT_EQ(s.reports.size(), 1u);
  const SanitizerReport& r = s.reports[0];
  EXPECT_EQ(r.cls, FailureClass::kDataRace);
  for (const std::string* str : {&r.kind, &r.signature, &r.location, &r.text})
    EXPECT_TRUE(IsValidUtf8(*str)) << *str;
  for (const ReportStack& st : r.stacks)
    for (const StackFrame& f : st.frames) EXPECT_TRUE(IsValidUtf8(f.function));
  EXPECT_EQ(r.text.find('\0'), std::string::npos);
}

TEST(Robustness, GarbageAndMalformedFramesDoNotCrash) {
  const std::string text =
      "==================\n==================\nWARNING: ThreadSanitizer: \n"
      "    #\n    #x\n    #99999999999 f g (h+0x1)\n    #1\n    #2 (\n    #3 )\n"
      "    #4 f :: (+0x)\n    #5 f a:b:c:1:2 ((((m+0x1))\n  :\n:\n"
      "WARNING: ThreadSanitizer: data race (pid=)\nWARNING: ThreadSanitizer:\n"
      "ThreadSanitizer: reported 99999999999999 warnings\n"
      "ThreadSanitizer: reported x warnings\nERROR: ThreadSanitizer: \n";
  const SanitizerScan s = ScanSanitizerOutput(text);
  ASSERT_EQ(s.reports.size(), 1u) << "a WARNING line without a kind is no report";
  EXPECT_EQ(s.reports[0].kind, "data race (pid=)");
  EXPECT_EQ(s.reports[0].cls, FailureClass::kDataRace);
  EXPECT_EQ(s.reported_warnings, -1);
}

TEST(Robustness, TenMebibytesOfNoiseGiveNoReports) {
  std::string noise;
  const std::string lines[] = {"1 + 2 = 3\n",
                               "--------------------\n",
                               "    #0 looks like a frame (m+0x1)\n",
                               "ThreadSanitizer is mentioned here\n",
                               "======\n",
                               std::string(300, 'x') + "\n",
                               "SUMMARY: not really\n"};
  for (std::size_t i = 0; noise.size() < (10u << 20); ++i) noise += lines[i % 7];
  const SanitizerScan s = ScanSanitizerOutput(noise);
  EXPECT_TRUE(s.reports.empty());
  EXPECT_TRUE(s.classes.Empty());
  EXPECT_EQ(s.reported_warnings, -1);
}

TEST(Robustness, ManyReportsInSixteenMebibytesAreAllFound) {
  const std::string one = RaceReport(kWriter, kReader) + "program output between reports\n";
  std::string text;
  std::size_t n = 0;
  while (text.size() + one.size() <= (16u << 20)) {
    text += one;
    ++n;
  }
  const SanitizerScan s = ScanSanitizerOutput(text);
  ASSERT_EQ(s.reports.size(), n);
  EXPECT_EQ(s.reports.back().signature, s.reports.front().signature);
}

TEST(Robustness, AReportThatNeverEndsIsBoundedInSize) {
  std::string text = "WARNING: ThreadSanitizer: data race (pid=1)\n  Write of size 4 at 0x1:\n";
  for (int i = 0; text.size() < (4u << 20); ++i)
    text += "    #" + std::to_string(i) + " f(int) /src/a.cpp:" + std::to_string(i) + " (p+0x1)\n";
  const SanitizerScan s = ScanSanitizerOutput(text);
  ASSERT_EQ(s.reports.size(), 1u);
  EXPECT_TRUE(s.reports[0].truncated);
  EXPECT_LE(s.reports[0].text.size(), 300u * 1024);
  std::size_t frames = 0;
  for (const ReportStack& st : s.reports[0].stacks) frames += st.frames.size();
  EXPECT_LE(frames, 1024u);
}

}  // namespace
}  // namespace racelab
