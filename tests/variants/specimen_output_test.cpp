// Integration tests: the correct specimens print exactly what the checker's oracles expect.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <regex>
#include <sstream>
#include <string>

#include "process.hpp"

namespace {

using racelab_test::describe;
using racelab_test::run_process;
using racelab_test::specimen_path;
using racelab_test::sum_sequence;

class P1s1Output : public testing::TestWithParam<const char*> {};

TEST_P(P1s1Output, PrintsExactSequenceFor100Steps) {
  const auto result = run_process(specimen_path(GetParam(), "p1s1"), {},
                                  {{"RACELAB_ITERATIONS", "100"}, {"RACELAB_FUZZ", "none"}});
  ASSERT_TRUE(result.exited && result.exit_status == 0) << describe(result);
  EXPECT_EQ(result.out, sum_sequence(100));
  EXPECT_NE(result.out.find("\nDONE: solution = 5050\n"), std::string::npos);
  EXPECT_EQ(result.err, "");
}

TEST_P(P1s1Output, PrintsExactSequenceFor1000Steps) {
  const auto result = run_process(specimen_path(GetParam(), "p1s1"), {},
                                  {{"RACELAB_ITERATIONS", "1000"}, {"RACELAB_FUZZ", "none"}});
  ASSERT_TRUE(result.exited && result.exit_status == 0) << describe(result);
  EXPECT_EQ(result.out, sum_sequence(1000));
  EXPECT_EQ(result.err, "");
}

TEST_P(P1s1Output, PrintsTheManifestDefaultOf100StepsWhenUnset) {
  const auto result = run_process(specimen_path(GetParam(), "p1s1"), {}, {});
  ASSERT_TRUE(result.exited && result.exit_status == 0) << describe(result);
  EXPECT_EQ(result.out, sum_sequence(100));
}

INSTANTIATE_TEST_SUITE_P(Flavours, P1s1Output, testing::Values("plain", "tsan"));

struct RiemannCase {
  const char* flavour;
  const char* id;
  int threads;
};

std::string riemann_name(const testing::TestParamInfo<RiemannCase>& info) {
  return std::string(info.param.id) + "_" + info.param.flavour + "_" +
         std::to_string(info.param.threads) + "threads";
}

class RiemannResult : public testing::TestWithParam<RiemannCase> {};

TEST_P(RiemannResult, IsWithinToleranceOfPi) {
  const RiemannCase& c = GetParam();
  const auto result = run_process(
      specimen_path(c.flavour, c.id), {},
      {{"RACELAB_ITERATIONS", "1000000"}, {"RACELAB_THREADS", std::to_string(c.threads)}});
  ASSERT_TRUE(result.exited && result.exit_status == 0) << describe(result);
  const int shown_threads = std::string(c.id) == "p2s1" ? 1 : c.threads;
  const std::regex expected("integral of 4/\\(1\\+x\\^2\\) over \\[0, 1\\]: 1000000 rectangles, " +
                            std::to_string(shown_threads) +
                            " threads\n"
                            "result: ([0-9.e+-]+)\n"
                            "elapsed: [0-9]+\\.[0-9]{6} seconds\n");
  std::smatch match;
  ASSERT_TRUE(std::regex_match(result.out, match, expected)) << result.out;
  EXPECT_NEAR(std::stod(match[1]), 3.141592653589793, 1e-6);
  EXPECT_EQ(result.err, "");
}

INSTANTIATE_TEST_SUITE_P(
    CorrectSpecimens, RiemannResult,
    testing::Values(RiemannCase{"plain", "p2s1", 1}, RiemannCase{"plain", "p2s1", 2},
                    RiemannCase{"plain", "p2s1", 4}, RiemannCase{"plain", "p2s1", 8},
                    RiemannCase{"plain", "p2s3", 1}, RiemannCase{"plain", "p2s3", 2},
                    RiemannCase{"plain", "p2s3", 4}, RiemannCase{"plain", "p2s3", 8},
                    RiemannCase{"tsan", "p2s1", 4}, RiemannCase{"tsan", "p2s3", 1},
                    RiemannCase{"tsan", "p2s3", 2}, RiemannCase{"tsan", "p2s3", 4},
                    RiemannCase{"tsan", "p2s3", 8}),
    riemann_name);

TEST(TimingSpecimens, P1s7AndP1s8PrintTheSequenceThenElapsed) {
  for (const char* id : {"p1s7", "p1s8"}) {
    const auto result =
        run_process(specimen_path("plain", id), {}, {{"RACELAB_ITERATIONS", "1000"}});
    ASSERT_TRUE(result.exited && result.exit_status == 0) << id << describe(result);
    const std::string expected = sum_sequence(1000);
    ASSERT_EQ(result.out.substr(0, expected.size()), expected) << id;
    EXPECT_TRUE(std::regex_match(result.out.substr(expected.size()),
                                 std::regex("elapsed: [0-9]+\\.[0-9]{6} seconds\n")))
        << id << ": " << result.out.substr(expected.size());
  }
}

TEST(TimingSpecimens, P1s8GivesTheSameOutputInWavesAndInTheSeedsStructure) {
  for (const char* wave : {"0", "1", "7"}) {
    const auto result = run_process(specimen_path("plain", "p1s8"), {},
                                    {{"RACELAB_ITERATIONS", "100"}, {"RACELAB_WAVE", wave}});
    ASSERT_TRUE(result.exited && result.exit_status == 0) << describe(result);
    EXPECT_EQ(result.out.substr(0, sum_sequence(100).size()), sum_sequence(100)) << wave;
  }
}

}  // namespace
