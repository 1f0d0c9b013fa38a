// Integration tests of the controlled scheduler (docs/scheduling.md) on the built specimens
// and fixtures: the trailer, deadlocks, the step limit, determinism, replay, divergence,
// and that ThreadSanitizer sees exactly the program's races through the hand-offs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "process.hpp"

namespace {

using racelab_test::describe;
using racelab_test::fixture_path;
using racelab_test::ProcessResult;
using racelab_test::run_process;
using racelab_test::specimen_path;
using racelab_test::sum_sequence;

constexpr const char* kPrefix = "racelab-sched: ";

// The `racelab-sched: ` lines of a run's stderr, prefix removed.
std::vector<std::string> sched_lines(const std::string& err) {
  std::vector<std::string> lines;
  std::istringstream in(err);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(kPrefix, 0) == 0) lines.push_back(line.substr(std::string(kPrefix).size()));
  }
  return lines;
}

// The first trailer line starting with `what`, or "".
std::string sched_line(const std::string& err, const std::string& what) {
  for (const std::string& line : sched_lines(err)) {
    if (line.rfind(what, 0) == 0) return line;
  }
  return "";
}

std::string schedule_of(const ProcessResult& result) {
  const std::string line = sched_line(result.err, "schedule ");
  return line.empty() ? "" : line.substr(9);
}

// The value of ` name=VALUE` in the stats line.
std::string stat(const std::string& err, const std::string& name) {
  const std::string line = sched_line(err, "stats ");
  const auto at = line.find(" " + name + "=");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 2;
  return line.substr(start, line.find(' ', start) - start);
}

std::string stat(const ProcessResult& result, const std::string& name) {
  return stat(result.err, name);
}

ProcessResult run_controlled(const std::string& path, const std::string& fuzz, std::uint64_t seed,
                             std::map<std::string, std::string> env = {}) {
  env.emplace("RACELAB_FUZZ", fuzz);
  env.emplace("RACELAB_SEED", std::to_string(seed));
  return run_process(path, {}, env, std::chrono::seconds(60));
}

ProcessResult replay(const std::string& path, const std::string& schedule,
                     const std::string& mode = "exact") {
  return run_process(path, {}, {{"RACELAB_SCHEDULE", schedule}, {"RACELAB_SCHEDULE_MODE", mode}},
                     std::chrono::seconds(60));
}

// ---- the trailer ----

TEST(SchedTrailer, EndsTheRunsStderrWithScheduleAndStats) {
  const auto result = run_controlled(specimen_path("plain", "p1s2"), "pct:3", 5);
  ASSERT_TRUE(result.exited && result.exit_status == 0) << describe(result);
  const auto lines = sched_lines(result.err);
  ASSERT_GE(lines.size(), 2U) << result.err;
  EXPECT_EQ(lines[0].rfind("schedule s1-", 0), 0U) << lines[0];
  EXPECT_EQ(lines[1].rfind("stats threads=101 steps=", 0), 0U) << lines[1];
  EXPECT_NE(lines[1].find(" strategy=pct:3:1000 seed=5"), std::string::npos) << lines[1];
  // Everything after the first trailer line is trailer.
  const std::string tail = result.err.substr(result.err.find(kPrefix));
  EXPECT_EQ(sched_lines(tail).size(),
            static_cast<std::size_t>(std::count(tail.begin(), tail.end(), '\n')));
  // One preemption line per counted preemption, in the documented shape.
  std::size_t preemptions = 0;
  for (const std::string& line : lines) {
    if (line.rfind("preemption ", 0) != 0) continue;
    ++preemptions;
    EXPECT_NE(line.find(" at=p1s2.cpp:"), std::string::npos) << line;
    EXPECT_NE(line.find(" to="), std::string::npos) << line;
  }
  EXPECT_EQ(std::to_string(preemptions), stat(result, "preemptions"));
}

TEST(SchedTrailer, GuideChoicesListsEveryStepWhereAPreemptionWasPossible) {
  const std::string path = specimen_path("plain", "p1s5");
  const auto none = replay(path, "s1-1-0000000000000000-", "guide-choices");
  ASSERT_TRUE(none.exited && none.exit_status == 0) << describe(none);
  std::vector<std::string> choices;
  for (const std::string& line : sched_lines(none.err))
    if (line.rfind("choice ", 0) == 0) choices.push_back(line);
  // The default policy: main starts thread 1 while it could go on (a choice), and each
  // step's thread later waits at p1s5.cpp:28 (fuzz) with later threads runnable.
  ASSERT_FALSE(choices.empty());
  EXPECT_EQ(choices[0], "choice step=2 thread=0 runnable=0-1 at=p1s5.cpp:44 (start)");
  const auto fuzz28 = std::count_if(choices.begin(), choices.end(), [](const std::string& l) {
    return l.find(" at=p1s5.cpp:28 (fuzz)") != std::string::npos;
  });
  EXPECT_GE(fuzz28, 90);
  // A plain guide run writes none, and the choices do not change the run.
  const auto guide = replay(path, "s1-1-0000000000000000-", "guide");
  for (const std::string& line : sched_lines(guide.err)) EXPECT_NE(line.rfind("choice ", 0), 0U);
  EXPECT_EQ(guide.out, none.out);
  EXPECT_EQ(sched_lines(guide.err)[0], sched_lines(none.err)[0]);  // the schedule line
}

TEST(SchedTrailer, UncontrolledRunsWriteNoTrailer) {
  for (const char* fuzz : {"none", "yield", "sleep:10"}) {
    const auto result = run_controlled(specimen_path("plain", "p1s1"), fuzz, 1);
    ASSERT_TRUE(result.exited && result.exit_status == 0) << describe(result);
    EXPECT_EQ(result.err, "") << fuzz;
  }
}

TEST(SchedTrailer, StepLimitStopsTheRunWithStatus87) {
  const auto result =
      run_controlled(specimen_path("plain", "p1s2"), "random", 1, {{"RACELAB_STEP_LIMIT", "50"}});
  ASSERT_TRUE(result.exited) << describe(result);
  EXPECT_EQ(result.exit_status, 87) << describe(result);
  EXPECT_EQ(sched_line(result.err, "step-limit"), "step-limit 50") << result.err;
  EXPECT_EQ(stat(result, "steps"), "50");
  // The schedule of a stopped run replays to the same stop.
  const auto again =
      run_process(specimen_path("plain", "p1s2"), {},
                  {{"RACELAB_SCHEDULE", schedule_of(result)}, {"RACELAB_STEP_LIMIT", "50"}});
  EXPECT_EQ(again.exit_status, 87);
  EXPECT_EQ(again.out, result.out);
  EXPECT_EQ(schedule_of(again), schedule_of(result));
  EXPECT_EQ(sched_line(again.err, "diverged"), "");
}

// ---- deadlock ----

struct DeadlockCount {
  int deadlocks = 0;
  std::string first;  // stderr of the first deadlock
  std::uint64_t first_seed = 0;
};

DeadlockCount lock_inversion_runs(const std::string& fuzz) {
  DeadlockCount count;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const auto result = run_controlled(fixture_path("plain", "lock_inversion"), fuzz, seed);
    EXPECT_TRUE(result.exited) << fuzz << " seed " << seed << describe(result);
    if (!result.exited) break;
    if (result.exit_status == 86) {
      if (count.deadlocks++ == 0) {
        count.first = result.err;
        count.first_seed = seed;
      }
      EXPECT_EQ(result.out, "") << "a deadlocked run prints nothing";
    } else {
      EXPECT_EQ(result.exit_status, 0) << fuzz << " seed " << seed << describe(result);
      EXPECT_EQ(result.out, "ok\n");
    }
  }
  return count;
}

void expect_deadlock_trailer(const std::string& err) {
  const std::string line = sched_line(err, "deadlock at step=");
  ASSERT_NE(line, "") << err;
  EXPECT_EQ(line.substr(17), stat(err, "steps"));
  // Both workers blocked in lock, on the lines of their second lock.
  EXPECT_EQ(sched_line(err, "thread 1 "), "thread 1 blocked in lock at lock_inversion.cpp:16")
      << err;
  EXPECT_EQ(sched_line(err, "thread 2 "), "thread 2 blocked in lock at lock_inversion.cpp:24")
      << err;
  EXPECT_EQ(
      sched_line(err, "thread 0 ").rfind("thread 0 blocked in join at lock_inversion.cpp:", 0), 0U)
      << err;
  // The deadlock lines come first, then the schedule.
  const auto lines = sched_lines(err);
  EXPECT_EQ(lines.front().rfind("deadlock at step=", 0), 0U);
}

TEST(SchedDeadlock, LockInversionDeadlocksForSomeSeedsUnderRandomAndNeverHangs) {
  const DeadlockCount count = lock_inversion_runs("random");
  EXPECT_GT(count.deadlocks, 0);
  EXPECT_LT(count.deadlocks, 200);
  expect_deadlock_trailer(count.first);
}

TEST(SchedDeadlock, LockInversionDeadlocksForSomeSeedsUnderPct2) {
  // K as racelab calibrates it: about the steps of one run.
  const DeadlockCount count = lock_inversion_runs("pct:2:15");
  EXPECT_GT(count.deadlocks, 0);
  expect_deadlock_trailer(count.first);
}

TEST(SchedDeadlock, ADeadlocksScheduleReplaysToTheSameDeadlock) {
  const DeadlockCount count = lock_inversion_runs("random");
  ASSERT_GT(count.deadlocks, 0);
  const std::string schedule = sched_line(count.first, "schedule ").substr(9);
  const auto again = replay(fixture_path("plain", "lock_inversion"), schedule);
  EXPECT_EQ(again.exit_status, 86) << describe(again);
  EXPECT_EQ(sched_line(again.err, "diverged"), "");
  EXPECT_EQ(sched_line(again.err, "deadlock"), sched_line(count.first, "deadlock"));
  EXPECT_EQ(schedule_of(again), schedule);
}

TEST(SchedDeadlock, TsanBuildAlsoEndsWithStatus86) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const auto plain = run_controlled(fixture_path("plain", "lock_inversion"), "random", seed);
    if (plain.exit_status != 86) continue;
    const auto tsan = run_controlled(fixture_path("tsan", "lock_inversion"), "random", seed);
    EXPECT_EQ(tsan.exit_status, 86) << describe(tsan);
    EXPECT_EQ(schedule_of(tsan), schedule_of(plain));
    return;
  }
  FAIL() << "no deadlock in 200 seeds";
}

// ---- one preemption, replay and divergence ----

TEST(SchedReplay, OnePreemptionIsOkUnderTheDefaultPolicyAndBuggyWithOneDeviation) {
  const auto fine =
      replay(fixture_path("plain", "one_preemption"), "s1-0-0000000000000000-", "guide");
  ASSERT_TRUE(fine.exited) << describe(fine);
  EXPECT_EQ(fine.exit_status, 0);
  EXPECT_EQ(fine.out, "ok\n");
  EXPECT_EQ(stat(fine, "deviations"), "0");

  // Step 6: thread 1 is between its check and its act; run thread 2 instead.
  const auto bug =
      replay(fixture_path("plain", "one_preemption"), "s1-100-0000000000000000-6t2", "guide");
  ASSERT_TRUE(bug.exited) << describe(bug);
  EXPECT_EQ(bug.exit_status, 1);
  EXPECT_EQ(bug.out, "BUG: sold 2 tickets, 1 available\n");
  EXPECT_EQ(stat(bug, "preemptions"), "1");
  EXPECT_EQ(sched_line(bug.err, "diverged"), "") << "guide mode reports nothing";

  // The executed schedule it wrote replays exactly.
  const auto again = replay(fixture_path("plain", "one_preemption"), schedule_of(bug));
  EXPECT_EQ(again.exit_status, 1);
  EXPECT_EQ(again.out, bug.out);
  EXPECT_EQ(schedule_of(again), schedule_of(bug));
  EXPECT_EQ(sched_line(again.err, "diverged"), "");
}

TEST(SchedReplay, RandomFindsTheOnePreemptionBug) {
  int bugs = 0;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const auto result = run_controlled(fixture_path("plain", "one_preemption"), "random", seed);
    ASSERT_TRUE(result.exited) << describe(result);
    if (result.exit_status == 1) ++bugs;
  }
  EXPECT_GT(bugs, 0);
  EXPECT_LT(bugs, 50);
}

TEST(SchedDivergence, ARecordingReplayedOnAChangedProgramReportsDivergedOnce) {
  const auto bug =
      replay(fixture_path("plain", "one_preemption"), "s1-100-0000000000000000-6t2", "guide");
  ASSERT_EQ(bug.exit_status, 1) << describe(bug);
  const auto changed = replay(fixture_path("plain", "one_preemption_changed"), schedule_of(bug));
  ASSERT_TRUE(changed.exited) << describe(changed);
  int diverged = 0;
  for (const std::string& line : sched_lines(changed.err)) {
    if (line.rfind("diverged step=", 0) == 0) {
      ++diverged;
      EXPECT_NE(line.find(" reason="), std::string::npos) << line;
    }
  }
  EXPECT_EQ(diverged, 1) << changed.err;
  // The schedule it writes is the one it executed: it replays exactly on the same program.
  const auto again = replay(fixture_path("plain", "one_preemption_changed"), schedule_of(changed));
  EXPECT_EQ(sched_line(again.err, "diverged"), "") << again.err;
  EXPECT_EQ(again.out, changed.out);
  EXPECT_EQ(again.exit_status, changed.exit_status);
}

TEST(SchedDivergence, ADeviationToAThreadThatCannotRunIsReported) {
  const auto result =
      replay(fixture_path("plain", "one_preemption"), "s1-100-0000000000000000-2t9");
  ASSERT_TRUE(result.exited) << describe(result);
  EXPECT_EQ(sched_line(result.err, "diverged"), "diverged step=2 reason=thread 9 is not runnable")
      << result.err;
  EXPECT_EQ(result.out, "ok\n") << "the run goes on under the default policy";
  EXPECT_EQ(result.exit_status, 0) << "the exit status is not changed";
}

TEST(SchedDivergence, AWrongHashOrStepCountIsReportedInExactModeOnly) {
  const auto base =
      replay(fixture_path("plain", "one_preemption"), "s1-0-0000000000000000-", "guide");
  const std::string steps = stat(base, "steps");
  const auto wrong_hash =
      replay(fixture_path("plain", "one_preemption"), "s1-" + steps + "-0000000000000000-");
  EXPECT_EQ(sched_line(wrong_hash.err, "diverged"),
            "diverged step=" + steps + " reason=the path hash differs");
  const auto wrong_steps =
      replay(fixture_path("plain", "one_preemption"),
             "s1-9999-" + schedule_of(base).substr(4 + steps.size(), 16) + "-");
  EXPECT_NE(sched_line(wrong_steps.err, "diverged step="), "") << wrong_steps.err;
  const auto guided =
      replay(fixture_path("plain", "one_preemption"), "s1-9999-0000000000000000-", "guide");
  EXPECT_EQ(sched_line(guided.err, "diverged"), "");
  EXPECT_EQ(schedule_of(guided), schedule_of(base));
}

// ---- determinism ----

class SchedDeterminism : public testing::TestWithParam<const char*> {};

TEST_P(SchedDeterminism, SameSeedSameRunAndItsScheduleReplaysByteForByte) {
  const std::string path = specimen_path("plain", "p1s2");
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const auto first = run_controlled(path, GetParam(), seed);
    const auto second = run_controlled(path, GetParam(), seed);
    ASSERT_TRUE(first.exited && first.exit_status == 0) << describe(first);
    EXPECT_EQ(first.out, second.out) << "seed " << seed;
    EXPECT_EQ(first.err, second.err) << "seed " << seed;
    const std::string schedule = schedule_of(first);
    ASSERT_NE(schedule, "") << first.err;
    const auto again = replay(path, schedule);
    EXPECT_EQ(again.out, first.out) << "seed " << seed << " schedule " << schedule;
    EXPECT_EQ(schedule_of(again), schedule);
    EXPECT_EQ(sched_line(again.err, "diverged"), "") << again.err;
    EXPECT_EQ(stat(again, "preemptions"), stat(first, "preemptions"));
  }
}

INSTANTIATE_TEST_SUITE_P(Strategies, SchedDeterminism, testing::Values("random", "pct:3"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param) == "random" ? "random" : "pct3";
                         });

TEST(SchedDeterminism, DifferentSeedsExploreDifferentSchedules) {
  std::set<std::string> schedules;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    schedules.insert(schedule_of(run_controlled(specimen_path("plain", "p1s2"), "random", seed)));
  }
  EXPECT_EQ(schedules.size(), 10U);
}

// ---- correct specimens stay correct ----

struct CorrectCase {
  const char* flavour;
  const char* id;
  const char* fuzz;
};

class SchedCorrectSpecimen : public testing::TestWithParam<CorrectCase> {};

// p1s1 and p1s6 print the exact sequence under control, and their TSan builds stay silent:
// the scheduler's hand-offs add no race of their own.
TEST_P(SchedCorrectSpecimen, PrintsTheExactSequenceWithoutTsanWarnings) {
  const CorrectCase& c = GetParam();
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const auto result = run_controlled(specimen_path(c.flavour, c.id), c.fuzz, seed,
                                       {{"RACELAB_ITERATIONS", "100"}});
    ASSERT_TRUE(result.exited && result.exit_status == 0)
        << c.id << " seed " << seed << describe(result);
    EXPECT_EQ(result.out, sum_sequence(100)) << c.id << " seed " << seed;
    EXPECT_EQ(result.err.find("ThreadSanitizer"), std::string::npos)
        << c.id << " seed " << seed << describe(result);
    EXPECT_NE(schedule_of(result), "");
  }
}

std::vector<CorrectCase> correct_cases() {
  std::vector<CorrectCase> cases;
  for (const char* flavour : {"plain", "tsan"}) {
    for (const char* id : {"p1s1", "p1s6"}) {
      for (const char* fuzz : {"random", "pct:3"}) cases.push_back({flavour, id, fuzz});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Controlled, SchedCorrectSpecimen, testing::ValuesIn(correct_cases()),
                         [](const testing::TestParamInfo<CorrectCase>& info) {
                           return std::string(info.param.id) + "_" + info.param.flavour + "_" +
                                  (std::string(info.param.fuzz) == "random" ? "random" : "pct3");
                         });

// ---- TSan still sees the races ----

class SchedRacySpecimen : public testing::TestWithParam<const char*> {};

TEST_P(SchedRacySpecimen, TsanReportsADataRaceUnderPct3) {
  const std::string id = GetParam();
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const auto result =
        run_controlled(specimen_path("tsan", id), "pct:3", seed,
                       {{"RACELAB_ITERATIONS", id.rfind("p2", 0) == 0 ? "100000" : "100"}});
    EXPECT_NE(result.err.find("WARNING: ThreadSanitizer: data race"), std::string::npos)
        << id << " seed " << seed << describe(result);
    EXPECT_NE(schedule_of(result), "") << result.err;
  }
}

INSTANTIATE_TEST_SUITE_P(SeedBugs, SchedRacySpecimen, testing::Values("p1s2", "p1s4", "p2s2"));

}  // namespace
