// Unit tests of the specimens' support library: settings parsers, fuzz plans, threads,
// the queue and the text helpers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "racelab/rl.hpp"

namespace {

std::vector<std::int64_t> sleeps(rl::FuzzSetting setting, std::uint64_t seed,
                                 std::uint64_t thread_index, int count = 64) {
  rl::FuzzPlan plan(setting, seed, thread_index);
  std::vector<std::int64_t> result;
  result.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) result.push_back(plan.next_sleep_us());
  return result;
}

const rl::FuzzSetting kSleep1000{rl::FuzzSetting::Mode::kSleep, 1000};

TEST(FuzzPlan, SameSeedAndThreadGiveSameSleepSequence) {
  EXPECT_EQ(sleeps(kSleep1000, 7, 3), sleeps(kSleep1000, 7, 3));
  EXPECT_EQ(sleeps(kSleep1000, 0, 0), sleeps(kSleep1000, 0, 0));
}

TEST(FuzzPlan, DifferentThreadsGetDifferentSequences) {
  std::set<std::vector<std::int64_t>> sequences;
  for (std::uint64_t thread = 0; thread < 16; ++thread)
    sequences.insert(sleeps(kSleep1000, 7, thread));
  EXPECT_EQ(sequences.size(), 16U);
}

TEST(FuzzPlan, DifferentSeedsGiveDifferentSequences) {
  std::set<std::vector<std::int64_t>> sequences;
  for (std::uint64_t seed = 0; seed < 16; ++seed) sequences.insert(sleeps(kSleep1000, seed, 1));
  EXPECT_EQ(sequences.size(), 16U);
}

TEST(FuzzPlan, SleepsCoverZeroToMaxInclusive) {
  std::set<std::int64_t> seen;
  for (const std::int64_t us : sleeps({rl::FuzzSetting::Mode::kSleep, 3}, 1, 1, 1000))
    seen.insert(us);
  EXPECT_EQ(seen, (std::set<std::int64_t>{0, 1, 2, 3}));
  for (const std::int64_t us : sleeps(kSleep1000, 1, 1, 1000)) {
    EXPECT_GE(us, 0);
    EXPECT_LE(us, 1000);
  }
}

TEST(FuzzPlan, NoneYieldAndSleepZeroNeverSleep) {
  const std::vector<std::int64_t> zeros(64, 0);
  EXPECT_EQ(sleeps({rl::FuzzSetting::Mode::kNone, 0}, 5, 5), zeros);
  EXPECT_EQ(sleeps({rl::FuzzSetting::Mode::kYield, 0}, 5, 5), zeros);
  EXPECT_EQ(sleeps({rl::FuzzSetting::Mode::kSleep, 0}, 5, 5), zeros);
}

TEST(ParseCount, AcceptsDigitsFromMinimumToInt64Max) {
  EXPECT_EQ(rl::parse_count("1", 1).value(), 1);
  EXPECT_EQ(rl::parse_count("007", 1).value(), 7);
  EXPECT_EQ(rl::parse_count("0", 0).value(), 0);
  EXPECT_EQ(rl::parse_count("9223372036854775807", 1).value(), INT64_MAX);
}

TEST(ParseCount, RejectsEmptyZeroNegativeGarbageAndOverflow) {
  for (const std::string text : {"", "0", "-1", "-0", "+5", " 5", "5 ", "abc", "1e3", "0x10",
                                 "9223372036854775808", "99999999999999999999999"}) {
    const auto parsed = rl::parse_count(text, 1);
    EXPECT_FALSE(parsed.ok()) << "accepted '" << text << "'";
    EXPECT_NE(parsed.error().find("positive integer"), std::string::npos) << parsed.error();
  }
  EXPECT_NE(rl::parse_count("99999999999999999999999", 1).error().find("no larger than"),
            std::string::npos);
  EXPECT_FALSE(rl::parse_count("-1", 0).ok());
}

TEST(ParseSeed, AcceptsTheWholeUnsigned64BitRange) {
  EXPECT_EQ(rl::parse_seed("0").value(), 0U);
  EXPECT_EQ(rl::parse_seed("18446744073709551615").value(), UINT64_MAX);
  EXPECT_FALSE(rl::parse_seed("18446744073709551616").ok());
  EXPECT_FALSE(rl::parse_seed("-1").ok());
  EXPECT_FALSE(rl::parse_seed("").ok());
}

TEST(ParseCount, EchoesControlCharactersEscapedSoTheErrorStaysOneLine) {
  const auto parsed = rl::parse_count("1\n2", 1);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().find('\n'), std::string::npos);
  EXPECT_NE(parsed.error().find("'1\\x0a2'"), std::string::npos) << parsed.error();
}

rl::EnvLookup fake_env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> const char* {
    const auto found = values.find(name);
    return found == values.end() ? nullptr : found->second.c_str();
  };
}

TEST(ReadSettings, UsesTheSpecimensDefaultsWhenNothingIsSet) {
  const auto settings = rl::read_settings({"p1s5", 100, 0, "sleep:100000"}, fake_env({}));
  ASSERT_TRUE(settings.ok()) << settings.error();
  EXPECT_EQ(settings.value().iterations, 100);
  EXPECT_EQ(settings.value().threads, 0);
  EXPECT_EQ(settings.value().fuzz, (rl::FuzzSetting{rl::FuzzSetting::Mode::kSleep, 100000}));
  EXPECT_EQ(settings.value().seed, 0U);
}

TEST(ReadSettings, TakesEveryVariableFromTheEnvironment) {
  const auto settings =
      rl::read_settings({"p2s3", 1000, 4, "none"}, fake_env({{"RACELAB_ITERATIONS", "50"},
                                                             {"RACELAB_THREADS", "8"},
                                                             {"RACELAB_FUZZ", "yield"},
                                                             {"RACELAB_SEED", "42"}}));
  ASSERT_TRUE(settings.ok()) << settings.error();
  EXPECT_EQ(settings.value().iterations, 50);
  EXPECT_EQ(settings.value().threads, 8);
  EXPECT_EQ(settings.value().fuzz.mode, rl::FuzzSetting::Mode::kYield);
  EXPECT_EQ(settings.value().seed, 42U);
}

TEST(ReadSettings, NamesTheVariableAndValueOfABadSetting) {
  const std::map<std::string, std::string> bad{{"RACELAB_ITERATIONS", "abc"},
                                               {"RACELAB_THREADS", "0"},
                                               {"RACELAB_FUZZ", "sleep:x"},
                                               {"RACELAB_SEED", "-3"}};
  for (const auto& [variable, value] : bad) {
    const auto settings =
        rl::read_settings({"p2s3", 1000, 4, "none"}, fake_env({{variable, value}}));
    ASSERT_FALSE(settings.ok()) << variable;
    EXPECT_EQ(settings.error().rfind(variable + ": expected ", 0), 0U) << settings.error();
    EXPECT_NE(settings.error().find("got '" + value + "'"), std::string::npos) << settings.error();
  }
}

TEST(ReadSettings, RejectsAnEmptyValueRatherThanUsingTheDefault) {
  const auto settings =
      rl::read_settings({"p1s1", 100, 1, "none"}, fake_env({{"RACELAB_SEED", ""}}));
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.error(), "RACELAB_SEED: expected a non-negative integer, got ''");
}

TEST(ReadSettings, ValidatesThreadsEvenWhenTheSpecimenHasNoT) {
  EXPECT_FALSE(
      rl::read_settings({"p1s2", 100, 0, "none"}, fake_env({{"RACELAB_THREADS", "x"}})).ok());
}

TEST(Thread, NumbersThreadsInCreationOrderAndMainIsZero) {
  EXPECT_EQ(rl::this_thread_index(), 0U);
  std::vector<std::size_t> seen(3);
  std::vector<rl::Thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] { seen[i] = rl::this_thread_index(); });
  }
  for (std::size_t i = 1; i < threads.size(); ++i) {
    EXPECT_EQ(threads[i].index(), threads[i - 1].index() + 1);
  }
  for (rl::Thread& thread : threads) thread.start();
  for (rl::Thread& thread : threads) thread.join();
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], threads[i].index());
}

TEST(Thread, DestructorJoinsAStartedThread) {
  std::atomic<bool> ran{false};
  {
    rl::Thread thread([&ran] {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      ran = true;
    });
    thread.start();
  }
  EXPECT_TRUE(ran);
}

TEST(Queue, GetsItemsInFifoOrder) {
  rl::Queue<int> queue;
  for (int i = 0; i < 5; ++i) queue.put(i);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(queue.get(), i);
}

TEST(Queue, JoinWaitsUntilEveryItemIsMarkedDone) {
  rl::Queue<int> queue;
  std::atomic<int> done{0};
  rl::Thread consumer([&] {
    for (int i = 0; i < 20; ++i) {
      queue.get();
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      ++done;
      queue.task_done();
    }
  });
  consumer.start();
  for (int i = 0; i < 20; ++i) queue.put(i);
  queue.join();
  EXPECT_EQ(done, 20);
  consumer.join();
}

TEST(Queue, JoinReturnsAtOnceWhenNothingWasPut) {
  rl::Queue<int> queue;
  queue.join();
  SUCCEED();
}

TEST(Queue, TaskDoneMoreOftenThanPutThrows) {
  rl::Queue<int> queue;
  queue.put(1);
  queue.get();
  queue.task_done();
  EXPECT_THROW(queue.task_done(), std::logic_error);
}

TEST(Shared, GetReturnsWhatSetStoredAndUpdateWorksInPlace) {
  rl::Shared<std::int64_t> value{5};
  EXPECT_EQ(value.get(), 5);
  value.set(value.get() + 1);
  EXPECT_EQ(value.get(), 6);
  rl::Shared<std::vector<int>> list;
  list.update([](std::vector<int>& v) { v.push_back(3); });
  EXPECT_EQ(list.get(), std::vector<int>{3});
}

TEST(Text, FormatsLikeAnFString) {
  const std::int64_t big = 5000050000;
  EXPECT_EQ((rl::Text() << 4950 << " + " << 100 << " = " << 5050).str(), "4950 + 100 = 5050");
  EXPECT_EQ((rl::Text() << "DONE: solution = " << big).str(), "DONE: solution = 5000050000");
  EXPECT_EQ((rl::Text() << INT64_MIN << ' ' << UINT64_MAX).str(),
            "-9223372036854775808 18446744073709551615");
}

TEST(Format, FixedHasSixDecimalsAndPreciseHasSeventeenDigits) {
  EXPECT_EQ(rl::format_fixed(0.5, 6), "0.500000");
  EXPECT_EQ(rl::elapsed_line(1.23456789), "elapsed: 1.234568 seconds");
  EXPECT_EQ(rl::format_precise(3.141592653589793), "3.1415926535897931");
}

TEST(Site, CapturesTheCallersLine) {
  const auto here = [](rl::Site site = rl::Site::here()) { return site; };
  const int line = __LINE__ + 1;
  const rl::Site site = here();
  EXPECT_EQ(site.line, line);
  EXPECT_NE(std::string(site.file).find("support_test.cpp"), std::string::npos);
}

}  // namespace
