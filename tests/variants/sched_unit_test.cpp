// Unit tests of controlled scheduling's pure parts: the schedule string, the strategies,
// and the settings that select them (docs/scheduling.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "racelab/rl.hpp"
#include "support/schedule.hpp"
#include "support/strategy.hpp"

namespace {

using rl::sched::Decode;
using rl::sched::Deviation;
using rl::sched::Encode;
using rl::sched::Schedule;

const Schedule kDocExample{523, 0x9f3a2b1c0d4e5f60ULL, {{12, 3}, {16, 1}, {56, 2}}};
const std::string kDocString = "s1-523-9f3a2b1c0d4e5f60-12t3.4t1.40t2";

TEST(ScheduleString, EncodesTheDocumentsExample) {
  EXPECT_EQ(Encode(kDocExample), kDocString);
  EXPECT_EQ(Encode(Schedule{0, 0, {}}), "s1-0-0000000000000000-");
  EXPECT_EQ(Encode(Schedule{7, 1, {{7, 0}}}), "s1-7-0000000000000001-7t0");
}

TEST(ScheduleString, DecodesTheDocumentsExample) {
  const auto decoded = Decode(kDocString);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, kDocExample);
  const auto empty = Decode("s1-201-0ab78e079261cfff-");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->steps, 201U);
  EXPECT_EQ(empty->hash, 0x0ab78e079261cfffULL);
  EXPECT_TRUE(empty->deviations.empty());
}

TEST(ScheduleString, DecodeAcceptsTheExtremes) {
  const auto big =
      Decode("s1-18446744073709551615-ffffffffffffffff-18446744073709551615t4294967295");
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(big->steps, UINT64_MAX);
  EXPECT_EQ(big->deviations, (std::vector<Deviation>{{UINT64_MAX, UINT32_MAX}}));
}

TEST(ScheduleString, DecodeRejectsAnythingMalformed) {
  for (const std::string text : {
           "",
           "s1",
           "s1-",
           "s2-5-0000000000000000-",                     // unknown version
           "S1-5-0000000000000000-",                     // case
           "s1-5-0000000000000000",                      // no deviation field
           "s1--0000000000000000-",                      // no steps
           "s1-05-0000000000000000-",                    // leading zero
           "s1-+5-0000000000000000-",                    // sign
           "s1-5-000000000000000-",                      // 15 hex digits
           "s1-5-00000000000000000-",                    // 17 hex digits
           "s1-5-000000000000000A-",                     // uppercase hex
           "s1-5-000000000000000g-",                     // not hex
           "s1-5-0000000000000000-.",                    // empty deviation
           "s1-5-0000000000000000-1t1.",                 // trailing separator
           "s1-5-0000000000000000-.1t1",                 // leading separator
           "s1-5-0000000000000000-1t1..1t2",             // empty middle
           "s1-5-0000000000000000-0t1",                  // zero delta: step 0
           "s1-5-0000000000000000-1t1.0t2",              // zero delta: not increasing
           "s1-5-0000000000000000-01t1",                 // leading zero delta
           "s1-5-0000000000000000-1t01",                 // leading zero thread
           "s1-5-0000000000000000-1t",                   // no thread
           "s1-5-0000000000000000-t1",                   // no delta
           "s1-5-0000000000000000-1x1",                  // wrong letter
           "s1-5-0000000000000000-1t1-",                 // trailing dash
           "s1-5-0000000000000000-6t1",                  // deviation after the last step
           "s1-5-0000000000000000-3t1.3t2",              // deviation after the last step
           "s1-5-0000000000000000-1t4294967296",         // thread overflow
           "s1-18446744073709551616-0000000000000000-",  // steps overflow
           "s1-18446744073709551615-0000000000000000-18446744073709551615t1.1t1",  // step sum
           " s1-5-0000000000000000-",                                              // spaces
           "s1-5-0000000000000000- ",
           "s1-5-0000000000000000-\n",
       }) {
    EXPECT_FALSE(Decode(text).has_value()) << "accepted '" << text << "'";
  }
}

TEST(ScheduleString, HashStepIsFnv1aOverEachField) {
  const std::uint64_t a = rl::sched::HashStep(rl::sched::kHashBasis, 1, 2, 3);
  EXPECT_NE(a, rl::sched::kHashBasis);
  EXPECT_EQ(a, rl::sched::HashStep(rl::sched::kHashBasis, 1, 2, 3));
  EXPECT_NE(a, rl::sched::HashStep(rl::sched::kHashBasis, 2, 2, 3));
  EXPECT_NE(a, rl::sched::HashStep(rl::sched::kHashBasis, 1, 3, 3));
  EXPECT_NE(a, rl::sched::HashStep(rl::sched::kHashBasis, 1, 2, 4));
  // FNV-1a 64 of the 12 bytes 01 00 00 00 02 00 00 00 03 00 00 00.
  std::uint64_t expected = 0xcbf29ce484222325ULL;
  for (const std::uint8_t byte : {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0}) {
    expected = (expected ^ byte) * 0x100000001b3ULL;
  }
  EXPECT_EQ(a, expected);
}

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
  EXPECT_NE(rl::sched::make_strategy({rl::FuzzMode::random, 0}, 1), nullptr);
  EXPECT_NE(rl::sched::make_strategy({rl::FuzzMode::pct, 0, 3, 1000}, 1), nullptr);
  EXPECT_EQ(rl::sched::make_strategy({rl::FuzzMode::none, 0}, 1), nullptr);
  EXPECT_EQ(rl::sched::make_strategy({rl::FuzzMode::sleep, 10}, 1), nullptr);
}

// ---- settings ----

TEST(ParseFuzz, AcceptsRandomAndPctWithDefaults) {
  const std::map<std::string, rl::FuzzSetting> good{
      {"random", {rl::FuzzMode::random, 0}},      {"pct", {rl::FuzzMode::pct, 0, 3, 1000}},
      {"pct:1", {rl::FuzzMode::pct, 0, 1, 1000}}, {"pct:10", {rl::FuzzMode::pct, 0, 10, 1000}},
      {"pct:3:1", {rl::FuzzMode::pct, 0, 3, 1}},  {"pct:2:523", {rl::FuzzMode::pct, 0, 2, 523}},
  };
  for (const auto& [text, expected] : good) {
    const auto parsed = rl::parse_fuzz(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.error();
    EXPECT_EQ(parsed.value(), expected) << text;
    EXPECT_TRUE(rl::is_controlled(parsed.value()));
    EXPECT_EQ(rl::parse_fuzz(rl::to_string(parsed.value())).value(), expected) << text;
  }
  EXPECT_EQ(rl::to_string(rl::parse_fuzz("pct").value()), "pct:3:1000");
  EXPECT_FALSE(rl::is_controlled(rl::parse_fuzz("sleep:5").value()));
}

TEST(ParseFuzz, RejectsBadPctDepthsAndSteps) {
  for (const std::string text :
       {"pct:", "pct:0", "pct:11", "pct:-1", "pct:x", "pct:3:", "pct:3:0", "pct:3:-5", "pct:3:x",
        "pct:3:1:1", "pct:3:9223372036854775808", "pct3", "PCT:3", "pct :3"}) {
    const auto parsed = rl::parse_fuzz(text);
    EXPECT_FALSE(parsed.ok()) << "accepted '" << text << "'";
    EXPECT_NE(parsed.error().find("'" + text + "'"), std::string::npos) << parsed.error();
  }
}

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
