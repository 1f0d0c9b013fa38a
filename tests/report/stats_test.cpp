// Wilson intervals against published values; rule of three; miss probabilities.
#include "report/stats.hpp"

#include <gtest/gtest.h>

namespace racelab {
namespace {

TEST(WilsonInterval, MatchesTextbookValueForFiveOfTen) {
  const Interval i = Wilson(5, 10);
  EXPECT_NEAR(i.low, 0.2366, 1e-4);
  EXPECT_NEAR(i.high, 0.7634, 1e-4);
}

TEST(WilsonInterval, MatchesPublishedValueForOneOfHundred) {
  const Interval i = Wilson(1, 100);
  EXPECT_NEAR(i.low, 0.00177, 1e-5);
  EXPECT_NEAR(i.high, 0.05449, 1e-5);
}

TEST(WilsonInterval, StaysInsideZeroOneAtTheEdges) {
  const Interval all = Wilson(10, 10);
  EXPECT_NEAR(all.low, 0.72247, 1e-5);
  EXPECT_LE(all.high, 1.0);
  const Interval none = Wilson(0, 10);
  EXPECT_GE(none.low, 0.0);
}

TEST(FailureRateInterval, UsesRuleOfThreeWhenNothingFailed) {
  EXPECT_DOUBLE_EQ(FailureRateInterval(0, 300).high, 0.01);
  EXPECT_DOUBLE_EQ(FailureRateInterval(0, 2).high, 1.0);
  EXPECT_NEAR(FailureRateInterval(187, 200).low, 0.89198, 1e-5);
}

TEST(MissProbability, IsTheChanceOfNeverSeeingAClass) {
  EXPECT_NEAR(MissProbability(0.5, 10), 1.0 / 1024, 1e-12);
  EXPECT_DOUBLE_EQ(MissProbability(1.0, 5), 0.0);
  EXPECT_DOUBLE_EQ(MissProbability(0.0, 5), 1.0);
  EXPECT_NEAR(MissProbability(0.01, 1000), 4.317e-5, 1e-7);
}

}  // namespace
}  // namespace racelab
