// Integration tests: ThreadSanitizer finds the seed's data races, and only those.
#include <gtest/gtest.h>

#include <string>

#include "process.hpp"

namespace {

using racelab_test::describe;
using racelab_test::run_process;
using racelab_test::specimen_path;

// Problem 1's N and Problem 2's rectangles: the manifest's check sizes.
std::string check_size(const std::string& id) {
  return id.rfind("p2", 0) == 0 ? "1000000" : "100";
}

class RacySpecimen : public testing::TestWithParam<const char*> {};

// The race is certain but its report depends on timing, so a few runs are allowed.
TEST_P(RacySpecimen, TsanReportsADataRaceWithinFiveRunsWithoutFuzz) {
  const std::string id = GetParam();
  std::string last;
  for (int run = 0; run < 5; ++run) {
    const auto result = run_process(specimen_path("tsan", id), {},
                                    {{"RACELAB_ITERATIONS", check_size(id)},
                                     {"RACELAB_FUZZ", "none"},
                                     {"RACELAB_SEED", std::to_string(run)}});
    if (result.err.find("WARNING: ThreadSanitizer: data race") != std::string::npos) return;
    last = describe(result);
  }
  FAIL() << id << ": no data race reported in 5 runs; last run: " << last;
}

INSTANTIATE_TEST_SUITE_P(SeedBugs, RacySpecimen,
                         testing::Values("p1s2", "p1s3", "p1s3a", "p1s4", "p2s2"));

class RaceFreeSpecimen : public testing::TestWithParam<const char*> {};

TEST_P(RaceFreeSpecimen, TsanStaysSilentFor20FuzzedRuns) {
  const std::string id = GetParam();
  for (int run = 0; run < 20; ++run) {
    const auto result = run_process(specimen_path("tsan", id), {},
                                    {{"RACELAB_ITERATIONS", check_size(id)},
                                     {"RACELAB_FUZZ", "sleep:200"},
                                     {"RACELAB_SEED", std::to_string(run)}});
    ASSERT_TRUE(result.exited && result.exit_status == 0)
        << id << " run " << run << describe(result);
    ASSERT_EQ(result.err.find("ThreadSanitizer"), std::string::npos)
        << id << " run " << run << describe(result);
  }
}

INSTANTIATE_TEST_SUITE_P(RaceFree, RaceFreeSpecimen,
                         testing::Values("p1s1", "p1s5", "p1s6", "p2s1", "p2s3"));

}  // namespace
