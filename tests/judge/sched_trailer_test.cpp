// The `racelab-sched: ` trailer of controlled runs (docs/scheduling.md): parsing goldens on
// hand-written stderr, and what it does to a run's classes.
#include "protocol/trailer.hpp"

#include <gtest/gtest.h>

#include "fake_process.hpp"
#include "judge/classify.hpp"
#include "judge/oracle.hpp"

namespace racelab {
namespace {

using protocol::ParseSchedTrailer;
using protocol::SchedTrailer;
using protocol::StripSchedLines;

constexpr const char* kTrailer =
    "some program diagnostics\n"
    "racelab-sched: schedule s1-523-9f3a2b1c0d4e5f60-12t3.4t1.40t2\n"
    "racelab-sched: stats threads=101 steps=523 preemptions=2 deviations=3 strategy=pct:3:1000 "
    "seed=17\n"
    "racelab-sched: preemption step=12 from=2 at=p1s4.cpp:41 (read) to=3 at=p1s4.cpp:38 (write)\n"
    "racelab-sched: preemption step=16 from=3 at=p1s4.cpp:30 (lock) to=1 at=p1s4.cpp:22 (print)\n";

constexpr const char* kDeadlock =
    "racelab-sched: deadlock at step=88\n"
    "racelab-sched: thread 1 blocked in lock at lock_inversion.cpp:20\n"
    "racelab-sched: thread 2 blocked in lock at lock_inversion.cpp:28\n"
    "racelab-sched: schedule s1-88-0123456789abcdef-30t2\n"
    "racelab-sched: stats threads=3 steps=88 preemptions=1 deviations=1 strategy=random seed=4\n"
    "racelab-sched: preemption step=30 from=1 at=lock_inversion.cpp:19 (lock) to=2 "
    "at=lock_inversion.cpp:27 (lock)\n";

TEST(SchedTrailer, ParsesScheduleStatsAndPreemptions) {
  const SchedTrailer t = ParseSchedTrailer(kTrailer);
  EXPECT_TRUE(t.present);
  EXPECT_EQ(t.schedule, "s1-523-9f3a2b1c0d4e5f60-12t3.4t1.40t2");
  EXPECT_TRUE(t.stats_seen);
  EXPECT_EQ(t.threads, 101u);
  EXPECT_EQ(t.steps, 523u);
  EXPECT_EQ(t.preemptions, 2u);
  EXPECT_EQ(t.deviations, 3u);
  EXPECT_EQ(t.strategy, "pct:3:1000");
  ASSERT_TRUE(t.seed);
  EXPECT_EQ(*t.seed, 17u);
  ASSERT_EQ(t.preemption_lines.size(), 2u);
  EXPECT_EQ(t.preemption_lines[0].step, 12u);
  EXPECT_EQ(t.preemption_lines[0].from, 2u);
  EXPECT_EQ(t.preemption_lines[0].from_at, "p1s4.cpp:41 (read)");
  EXPECT_EQ(t.preemption_lines[0].to, 3u);
  EXPECT_EQ(t.preemption_lines[0].to_at, "p1s4.cpp:38 (write)");
  EXPECT_EQ(t.Explanation(),
            (std::vector<std::string>{
                "step 12: thread 2 at p1s4.cpp:41 (read) -> thread 3 runs p1s4.cpp:38 (write)",
                "step 16: thread 3 at p1s4.cpp:30 (lock) -> thread 1 runs p1s4.cpp:22 (print)"}));
  EXPECT_FALSE(t.deadlock);
  EXPECT_FALSE(t.step_limit);
  EXPECT_FALSE(t.diverged);
  EXPECT_TRUE(t.unknown.empty());
}

TEST(SchedTrailer, ParsesDeadlockLines) {
  const SchedTrailer t = ParseSchedTrailer(kDeadlock);
  EXPECT_TRUE(t.deadlock);
  EXPECT_EQ(t.deadlock_step, 88u);
  EXPECT_EQ(t.deadlock_lines,
            (std::vector<std::string>{"deadlock at step=88",
                                      "thread 1 blocked in lock at lock_inversion.cpp:20",
                                      "thread 2 blocked in lock at lock_inversion.cpp:28"}));
  EXPECT_EQ(t.schedule, "s1-88-0123456789abcdef-30t2");
}

TEST(SchedTrailer, ParsesStepLimitAndDivergence) {
  const SchedTrailer s = ParseSchedTrailer("racelab-sched: step-limit 1000000\n");
  EXPECT_TRUE(s.step_limit);
  EXPECT_EQ(s.step_limit_steps, 1000000u);
  const SchedTrailer d =
      ParseSchedTrailer("racelab-sched: diverged step=57 reason=thread 4 is not runnable\n");
  EXPECT_TRUE(d.diverged);
  EXPECT_EQ(d.diverged_step, 57u);
  EXPECT_EQ(d.diverged_reason, "thread 4 is not runnable");
  EXPECT_EQ(d.DivergedText(), "schedule diverged at step 57: thread 4 is not runnable");
}

TEST(SchedTrailer, ParsesChoiceLinesAndRejectsMalformedOnes) {
  const SchedTrailer t = ParseSchedTrailer(
      "racelab-sched: schedule s1-40-0000000000000000-\n"
      "racelab-sched: choice step=3 thread=2 runnable=0-3,5,7-9 at=p1s5.cpp:28 (fuzz)\n"
      "racelab-sched: choice step=4 thread=0 runnable=0 at=p1s5.cpp:44 (start)\n"
      "racelab-sched: choice step=5 thread=0 runnable=3-1 at=x.cpp:1 (read)\n"
      "racelab-sched: choice step=6 thread=0 runnable=1,1 at=x.cpp:1 (read)\n"
      "racelab-sched: choice step=7 thread=0 runnable=1, at=x.cpp:1 (read)\n"
      "racelab-sched: choice step=8 thread=0 runnable=0-1\n");
  ASSERT_EQ(t.choices.size(), 2u);
  EXPECT_EQ(t.unknown.size(), 4u);
  const protocol::SchedChoice& c = t.choices[0];
  EXPECT_EQ(c.step, 3u);
  EXPECT_EQ(c.thread, 2u);
  EXPECT_EQ(c.at, "p1s5.cpp:28 (fuzz)");
  EXPECT_EQ(c.runnable,
            (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0, 3}, {5, 5}, {7, 9}}));
  for (std::uint64_t th : {0, 3, 5, 7, 9}) EXPECT_TRUE(c.Runnable(th)) << th;
  for (std::uint64_t th : {4, 6, 10}) EXPECT_FALSE(c.Runnable(th)) << th;
  EXPECT_EQ(t.choices[1].runnable, (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0, 0}}));
}

TEST(SchedTrailer, AbsentWithoutThePrefixAndToleratesGarbage) {
  EXPECT_FALSE(ParseSchedTrailer("racelab-sched:no space\nplain text\n").present);
  EXPECT_FALSE(ParseSchedTrailer("").present);
  const SchedTrailer t = ParseSchedTrailer(
      "racelab-sched: preemption step=x\nracelab-sched: wat\nracelab-sched: stats steps=-1\n"
      "racelab-sched: schedule s1-5-0000000000000000-\r\n");
  EXPECT_TRUE(t.present);
  EXPECT_EQ(t.unknown.size(), 2u);
  EXPECT_EQ(t.steps, 0u);
  EXPECT_EQ(t.schedule, "s1-5-0000000000000000-");
}

TEST(SchedTrailer, StripLeavesEverythingElse) {
  EXPECT_EQ(StripSchedLines(kTrailer), "some program diagnostics\n");
  EXPECT_EQ(StripSchedLines("a\nracelab-sched: x\nb"), "a\nb");
  EXPECT_EQ(StripSchedLines("no trailer"), "no trailer");
}

Target SumTarget(std::uint64_t n) {
  Target t;
  t.id = "p1s4";
  t.oracle = OracleKind::kSumSequence;
  t.iterations = n;
  return t;
}

std::string Names(const ClassSet& c) {
  std::string s;
  c.ForEach([&](FailureClass f) { s += (s.empty() ? "" : ",") + std::string(Name(f)); });
  return s;
}

TEST(SchedClassify, DeadlockLineAndStatus86GiveDeadlockNotBadExit) {
  const RunVerdict v = Classify(Exited(86, "", kDeadlock), SumTarget(3), {});
  EXPECT_TRUE(v.classes.Has(FailureClass::kDeadlock)) << Names(v.classes);
  EXPECT_FALSE(v.classes.Has(FailureClass::kBadExit)) << Names(v.classes);
  EXPECT_TRUE(v.sched.deadlock);
  EXPECT_TRUE(v.reports.empty());
}

TEST(SchedClassify, StepLimitIsATimeoutAndExplainsStatus87) {
  const RunVerdict v = Classify(
      Exited(87, ExpectedSumSequence(3), "racelab-sched: step-limit 1000000\n"), SumTarget(3), {});
  EXPECT_EQ(Names(v.classes), "timeout");
}

TEST(SchedClassify, StatusWithoutItsLineIsStillABadExit) {
  EXPECT_TRUE(Classify(Exited(86, ExpectedSumSequence(3), ""), SumTarget(3), {})
                  .classes.Has(FailureClass::kBadExit));
  EXPECT_TRUE(Classify(Exited(87, ExpectedSumSequence(3), kDeadlock), SumTarget(3), {})
                  .classes.Has(FailureClass::kBadExit));
}

TEST(SchedClassify, TrailerDoesNotDisturbTheOracleOrTheSanitizerParser) {
  // A clean run with a trailer: ok, and the trailer parsed.
  const RunVerdict ok = Classify(Exited(0, ExpectedSumSequence(5), kTrailer), SumTarget(5), {});
  EXPECT_EQ(Names(ok.classes), "ok");
  EXPECT_EQ(ok.sched.schedule, "s1-523-9f3a2b1c0d4e5f60-12t3.4t1.40t2");
  // A TSan report cut short by the trailer: the report's text has no trailer line.
  const std::string tsan =
      "==================\n"
      "WARNING: ThreadSanitizer: data race (pid=1)\n"
      "  Write of size 8 at 0x7b04 by thread T2:\n"
      "    #0 worker /src/variants/p1s4.cpp:38:5 (p1s4+0x1)\n"
      "\n"
      "  Previous read of size 8 at 0x7b04 by thread T1:\n"
      "    #0 worker /src/variants/p1s4.cpp:41:5 (p1s4+0x2)\n"
      "\n"
      "SUMMARY: ThreadSanitizer: data race /src/variants/p1s4.cpp:38:5 in worker\n" +
      std::string(kTrailer);
  const RunVerdict v = Classify(Exited(66, ExpectedSumSequence(5), tsan), SumTarget(5), {});
  EXPECT_TRUE(v.classes.Has(FailureClass::kDataRace)) << Names(v.classes);
  EXPECT_FALSE(v.classes.Has(FailureClass::kBadExit));
  ASSERT_EQ(v.reports.size(), 1u);
  EXPECT_EQ(v.reports[0].text.find("racelab-sched"), std::string::npos);
}

}  // namespace
}  // namespace racelab
