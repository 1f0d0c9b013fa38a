// /proc/stat's per-CPU lines and the idle share between two readings (golden text from a
// 2-CPU machine, with an aggregate line and other lines to skip).
#include "run/idle_cores.hpp"

#include <gtest/gtest.h>

namespace racelab {
namespace {

constexpr std::string_view kBefore =
    "cpu  300 0 100 1600 0 0 0 0 0 0\n"
    "cpu0 100 0 50 850 0 0 0 0 0 0\n"
    "cpu1 200 0 50 750 0 0 0 0 0 0\n"
    "intr 12345 0 0\n"
    "ctxt 999\n";
constexpr std::string_view kAfter =
    "cpu  480 0 160 1660 0 0 0 0 0 0\n"
    "cpu0 190 0 80 880 0 0 0 0 0 0\n"   // +90 user, +30 system, +30 idle
    "cpu1 290 0 80 770 10 0 0 0 0 0\n"  // +90 user, +30 system, +20 idle, +10 iowait
    "intr 23456 0 0\n";

TEST(ProcStat, ReadsEachCpuLineAndSkipsTheAggregateAndTheRest) {
  const auto t = ParseProcStat(kBefore);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.at(0).idle, 850u);
  EXPECT_EQ(t.at(0).total, 1000u);
  EXPECT_EQ(t.at(1).idle, 750u);
  EXPECT_EQ(t.at(1).total, 1000u);
}

TEST(ProcStat, AnOlderKernelsShorterLineStillCounts) {
  // Four fields is too few to tell idle from iowait; five is the oldest format read.
  const auto t = ParseProcStat("cpu0 1 2 3 4\ncpu1 1 2 3 4 5\ncpuX 1 2 3 4 5\n");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.at(1).idle, 9u);
  EXPECT_EQ(t.at(1).total, 15u);
}

TEST(ProcStat, IdleShareCountsIdleAndIowaitOverTheChosenCpus) {
  const auto a = ParseProcStat(kBefore), b = ParseProcStat(kAfter);
  // Both CPUs: (30 + 30) idle of 300 ticks.
  EXPECT_DOUBLE_EQ(*IdleShareBetween(a, b, {}), 60.0 / 300.0);
  EXPECT_DOUBLE_EQ(*IdleShareBetween(a, b, {0, 1}), 60.0 / 300.0);
  // Only the CPUs this process may run on.
  EXPECT_DOUBLE_EQ(*IdleShareBetween(a, b, {1}), 30.0 / 150.0);
  // No tick passed, or no CPU in common: no answer.
  EXPECT_FALSE(IdleShareBetween(a, a, {}).has_value());
  EXPECT_FALSE(IdleShareBetween(a, b, {7}).has_value());
  // Counters that went back (a CPU replaced) are no evidence.
  EXPECT_FALSE(IdleShareBetween(b, a, {}).has_value());
}

TEST(ProcStat, TheRealSamplerAnswersOnlyAfterItsWindow) {
  // An hour's window: the first call takes the baseline and the second comes too soon, on
  // any machine.
  ProcStatIdleSampler s(std::chrono::hours(1));
  EXPECT_FALSE(s.IdleShare().has_value());
  EXPECT_FALSE(s.IdleShare().has_value());
}

}  // namespace
}  // namespace racelab
