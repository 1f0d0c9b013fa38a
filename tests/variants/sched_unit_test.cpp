// Unit tests of controlled scheduling's pure parts: the strategies and the settings that
// select them (docs/scheduling.md; the protocol's own tests are in tests/protocol).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "racelab/rl.hpp"
#include "support/strategy.hpp"

namespace {

// ---- strategies ----

// Runs a strategy over a synthetic run: `threads` threads, all runnable, `steps` steps,
// the chosen thread becoming the current one.
std::vector<std::uint32_t> choices(rl::sched::Strategy& strategy, std::uint32_t threads,
                                   std::uint64_t steps) {
  std::vector<std::uint32_t> runnable;
  for (std::uint32_t t = 0; t < threads; ++t) {
    strategy.add_thread(t);
    runnable.push_back(t);
  }
  std::vector<std::uint32_t> result;
  std::uint32_t current = 0;
  for (std::uint64_t step = 1; step <= steps; ++step) {
    current = strategy.choose(step, current, runnable);
    result.push_back(current);
  }
  return result;
}

TEST(DefaultPolicy, KeepsTheCurrentThreadElseTheLowestRunnable) {
  EXPECT_EQ(rl::sched::default_choice(3, {1, 3, 5}), 3U);
  EXPECT_EQ(rl::sched::default_choice(2, {1, 3, 5}), 1U);
  EXPECT_EQ(rl::sched::default_choice(9, {4}), 4U);
  rl::sched::DefaultStrategy strategy;
  EXPECT_EQ(choices(strategy, 4, 10), std::vector<std::uint32_t>(10, 0));
}

TEST(RandomStrategy, SameSeedGivesTheSameChoices) {
  rl::sched::RandomStrategy a(17);
  rl::sched::RandomStrategy b(17);
  EXPECT_EQ(choices(a, 5, 500), choices(b, 5, 500));
}

TEST(RandomStrategy, DifferentSeedsGiveDifferentChoices) {
  std::set<std::vector<std::uint32_t>> runs;
  for (std::uint64_t seed = 0; seed < 16; ++seed) {
    rl::sched::RandomStrategy strategy(seed);
    runs.insert(choices(strategy, 5, 100));
  }
  EXPECT_EQ(runs.size(), 16U);
}

TEST(RandomStrategy, ChoosesOnlyRunnableThreadsAndEachOfThem) {
  rl::sched::RandomStrategy strategy(3);
  for (std::uint32_t t = 0; t < 8; ++t) strategy.add_thread(t);
  const std::vector<std::uint32_t> runnable{1, 4, 6};
  std::map<std::uint32_t, int> seen;
  for (std::uint64_t step = 1; step <= 3000; ++step) ++seen[strategy.choose(step, 0, runnable)];
  ASSERT_EQ(seen.size(), 3U);
  for (const auto& [thread, count] : seen) {
    EXPECT_TRUE(thread == 1 || thread == 4 || thread == 6) << thread;
    EXPECT_GT(count, 800) << thread;  // uniform: ~1000 each
  }
}

TEST(PctStrategy, DrawsDepthMinusOneDistinctSortedChangePointsInOneToK) {
  for (int depth = 1; depth <= 10; ++depth) {
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
      const rl::sched::PctStrategy pct(depth, 20, seed);
      const auto& points = pct.change_points();
      ASSERT_EQ(points.size(), static_cast<std::size_t>(depth - 1));
      EXPECT_TRUE(std::is_sorted(points.begin(), points.end()));
      EXPECT_EQ(std::set<std::uint64_t>(points.begin(), points.end()).size(), points.size());
      for (const std::uint64_t point : points) {
        EXPECT_GE(point, 1U);
        EXPECT_LE(point, 20U);
      }
    }
  }
}

TEST(PctStrategy, ChangePointsCoverOneToKUniformly) {
  std::map<std::uint64_t, int> seen;
  for (std::uint64_t seed = 0; seed < 4000; ++seed) {
    const rl::sched::PctStrategy pct(2, 4, seed);  // named: the loop must not outlive it
    for (const std::uint64_t point : pct.change_points()) ++seen[point];
  }
  ASSERT_EQ(seen.size(), 4U);
  for (const auto& [point, count] : seen) EXPECT_GT(count, 800) << point;  // ~1000 each
}

TEST(PctStrategy, GivesEachThreadADistinctInitialPriorityOfAtLeastD) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    rl::sched::PctStrategy pct(3, 1000, seed);
    std::set<std::uint64_t> priorities;
    for (std::uint32_t t = 0; t < 50; ++t) {
      pct.add_thread(t);
      EXPECT_GE(pct.priority(t), 3U);
      priorities.insert(pct.priority(t));
    }
    EXPECT_EQ(priorities.size(), 50U);
  }
}

TEST(PctStrategy, InitialPrioritiesAreAUniformlyRandomOrder) {
  // Which of 3 threads gets the highest priority: each about a third of the seeds.
  std::map<std::uint32_t, int> highest;
  for (std::uint64_t seed = 0; seed < 3000; ++seed) {
    rl::sched::PctStrategy pct(1, 1, seed);
    for (std::uint32_t t = 0; t < 3; ++t) pct.add_thread(t);
    ++highest[pct.choose(1, 0, {0, 1, 2})];
  }
  ASSERT_EQ(highest.size(), 3U);
  for (const auto& [thread, count] : highest) EXPECT_GT(count, 850) << thread;
}

TEST(PctStrategy, RunsTheHighestPriorityRunnableThread) {
  rl::sched::PctStrategy pct(1, 100, 9);
  for (std::uint32_t t = 0; t < 6; ++t) pct.add_thread(t);
  const std::vector<std::uint32_t> runnable{0, 2, 3, 5};
  const std::uint32_t best = *std::max_element(
      runnable.begin(), runnable.end(),
      [&](std::uint32_t a, std::uint32_t b) { return pct.priority(a) < pct.priority(b); });
  for (std::uint64_t step = 1; step <= 10; ++step) EXPECT_EQ(pct.choose(step, 1, runnable), best);
}

TEST(PctStrategy, AtTheIthChangePointTheCurrentThreadDropsToDMinusI) {
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const int depth = 4;
    rl::sched::PctStrategy pct(depth, 30, seed);
    const std::vector<std::uint64_t> points = pct.change_points();
    std::vector<std::uint32_t> runnable;
    for (std::uint32_t t = 0; t < 5; ++t) {
      pct.add_thread(t);
      runnable.push_back(t);
    }
    std::uint32_t current = 0;
    std::size_t passed = 0;
    for (std::uint64_t step = 1; step <= 30; ++step) {
      const std::uint32_t before = current;
      current = pct.choose(step, current, runnable);
      if (passed < points.size() && points[passed] == step) {
        ++passed;
        EXPECT_EQ(pct.priority(before), static_cast<std::uint64_t>(depth) - passed)
            << "seed " << seed << " step " << step;
      }
      // Always the highest priority (all threads runnable here).
      for (const std::uint32_t t : runnable) EXPECT_LE(pct.priority(t), pct.priority(current));
    }
    EXPECT_EQ(passed, points.size());
  }
}

TEST(PctStrategy, SameSeedGivesTheSameChoicesAndPoints) {
  rl::sched::PctStrategy a(3, 50, 5);
  rl::sched::PctStrategy b(3, 50, 5);
  EXPECT_EQ(a.change_points(), b.change_points());
  EXPECT_EQ(choices(a, 7, 60), choices(b, 7, 60));
  std::set<std::vector<std::uint64_t>> points;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    points.insert(rl::sched::PctStrategy(3, 1000, seed).change_points());
  }
  EXPECT_GT(points.size(), 15U);
}

TEST(MakeStrategy, OnlyForTheControlledSettings) {
  EXPECT_NE(rl::sched::make_strategy({rl::FuzzSetting::Mode::kRandom, 0}, 1), nullptr);
  EXPECT_NE(rl::sched::make_strategy({rl::FuzzSetting::Mode::kPct, 0, 3, 1000}, 1), nullptr);
  EXPECT_EQ(rl::sched::make_strategy({rl::FuzzSetting::Mode::kNone, 0}, 1), nullptr);
  EXPECT_EQ(rl::sched::make_strategy({rl::FuzzSetting::Mode::kSleep, 10}, 1), nullptr);
}

// ---- settings ----

rl::EnvLookup env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> const char* {
    const auto found = values.find(name);
    return found == values.end() ? nullptr : found->second.c_str();
  };
}

TEST(ReadSettings, ControlledDefaults) {
  const auto settings = rl::read_settings({"p1s2", 100, 0, "none"}, env({}));
  ASSERT_TRUE(settings.ok()) << settings.error();
  EXPECT_FALSE(settings.value().schedule.has_value());
  EXPECT_FALSE(settings.value().guide);
  EXPECT_EQ(settings.value().step_limit, 1000000);
  EXPECT_FALSE(settings.value().controlled());
}

TEST(ReadSettings, ReadsTheScheduleItsModeAndTheStepLimit) {
  const std::string kDocString = "s1-523-9f3a2b1c0d4e5f60-12t3.4t1.40t2";
  const racelab::protocol::Schedule kDocExample{
      523, 0x9f3a2b1c0d4e5f60ULL, {{12, 3}, {16, 1}, {56, 2}}};
  const auto settings =
      rl::read_settings({"p1s2", 100, 0, "none"}, env({{"RACELAB_SCHEDULE", kDocString},
                                                       {"RACELAB_SCHEDULE_MODE", "guide"},
                                                       {"RACELAB_STEP_LIMIT", "5000"}}));
  ASSERT_TRUE(settings.ok()) << settings.error();
  ASSERT_TRUE(settings.value().schedule.has_value());
  EXPECT_EQ(*settings.value().schedule, kDocExample);
  EXPECT_TRUE(settings.value().guide);
  EXPECT_EQ(settings.value().step_limit, 5000);
  EXPECT_TRUE(settings.value().controlled());

  const auto pct = rl::read_settings({"p1s2", 100, 0, "none"}, env({{"RACELAB_FUZZ", "pct:2"}}));
  ASSERT_TRUE(pct.ok());
  EXPECT_TRUE(pct.value().controlled());
}

TEST(ReadSettings, NamesTheVariableOfABadControlledSetting) {
  const std::map<std::string, std::string> bad{{"RACELAB_FUZZ", "pct:0"},
                                               {"RACELAB_SCHEDULE", "s1-x"},
                                               {"RACELAB_SCHEDULE_MODE", "strict"},
                                               {"RACELAB_STEP_LIMIT", "0"}};
  for (const auto& [variable, value] : bad) {
    const auto settings = rl::read_settings({"p1s2", 100, 0, "none"}, env({{variable, value}}));
    ASSERT_FALSE(settings.ok()) << variable;
    EXPECT_EQ(settings.error().rfind(variable + ": expected ", 0), 0U) << settings.error();
    EXPECT_NE(settings.error().find("got '" + value + "'"), std::string::npos) << settings.error();
  }
}

}  // namespace
