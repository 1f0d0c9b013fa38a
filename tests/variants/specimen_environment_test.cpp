// Integration tests: a bad RACELAB_* value makes a specimen exit 2 with one line on stderr.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "process.hpp"

namespace {

using racelab_test::describe;
using racelab_test::run_process;
using racelab_test::specimen_path;

struct BadValue {
  const char* flavour;
  const char* id;
  const char* variable;
  const char* value;
  const char* label;  // for the test name
};

std::string bad_value_name(const testing::TestParamInfo<BadValue>& info) {
  return std::string(info.param.id) + "_" + info.param.flavour + "_" + info.param.variable + "_" +
         info.param.label;
}

class BadEnvironment : public testing::TestWithParam<BadValue> {};

TEST_P(BadEnvironment, ExitsWithStatus2AndOneLineNamingTheVariable) {
  const BadValue& bad = GetParam();
  const auto result =
      run_process(specimen_path(bad.flavour, bad.id), {}, {{bad.variable, bad.value}});
  ASSERT_TRUE(result.exited) << describe(result);
  EXPECT_EQ(result.exit_status, 2) << describe(result);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_EQ(result.err.back(), '\n');
  const std::string prefix = std::string(bad.id) + ": " + bad.variable + ": expected ";
  EXPECT_EQ(result.err.rfind(prefix, 0), 0U) << result.err;
  EXPECT_NE(result.err.find("got '" + std::string(bad.value) + "'"), std::string::npos)
      << result.err;
}

std::vector<BadValue> bad_values() {
  struct Case {
    const char* variable;
    const char* value;
    const char* label;
  };
  const std::vector<Case> cases{
      {"RACELAB_ITERATIONS", "", "empty"},
      {"RACELAB_ITERATIONS", "-5", "negative"},
      {"RACELAB_ITERATIONS", "abc", "non_numeric"},
      {"RACELAB_ITERATIONS", "0", "zero"},
      {"RACELAB_ITERATIONS", "99999999999999999999999", "overflow"},
      {"RACELAB_THREADS", "", "empty"},
      {"RACELAB_THREADS", "-1", "negative"},
      {"RACELAB_THREADS", "four", "non_numeric"},
      {"RACELAB_THREADS", "0", "zero"},
      {"RACELAB_THREADS", "99999999999999999999999", "overflow"},
      {"RACELAB_FUZZ", "", "empty"},
      {"RACELAB_FUZZ", "sleep:-1", "negative"},
      {"RACELAB_FUZZ", "sleep:abc", "non_numeric"},
      {"RACELAB_FUZZ", "chaos", "unknown_mode"},
      {"RACELAB_FUZZ", "pct:0", "pct_depth_zero"},
      {"RACELAB_FUZZ", "pct:11", "pct_depth_too_large"},
      {"RACELAB_FUZZ", "pct:3:0", "pct_steps_zero"},
      {"RACELAB_FUZZ", "pct:3:x", "pct_steps_non_numeric"},
      {"RACELAB_SCHEDULE", "", "empty"},
      {"RACELAB_SCHEDULE", "s1-5-zz-", "malformed"},
      {"RACELAB_SCHEDULE", "s1-5-0000000000000000-3t1.0t2", "zero_delta"},
      {"RACELAB_SCHEDULE_MODE", "exactly", "unknown_mode"},
      {"RACELAB_STEP_LIMIT", "0", "zero"},
      {"RACELAB_STEP_LIMIT", "-1", "negative"},
      {"RACELAB_FUZZ", "sleep:99999999999999999999999", "overflow"},
      {"RACELAB_SEED", "", "empty"},
      {"RACELAB_SEED", "-1", "negative"},
      {"RACELAB_SEED", "0x10", "non_numeric"},
      {"RACELAB_SEED", "99999999999999999999999", "overflow"},
  };
  std::vector<BadValue> result;
  for (const auto& [flavour, id] : {std::pair{"plain", "p1s1"}, std::pair{"tsan", "p2s3"}}) {
    for (const Case& c : cases) result.push_back({flavour, id, c.variable, c.value, c.label});
  }
  for (const Case& c : std::vector<Case>{{"RACELAB_WAVE", "", "empty"},
                                         {"RACELAB_WAVE", "-1", "negative"},
                                         {"RACELAB_WAVE", "many", "non_numeric"},
                                         {"RACELAB_WAVE", "99999999999999999999999", "overflow"}}) {
    result.push_back({"plain", "p1s8", c.variable, c.value, c.label});
  }
  return result;
}

INSTANTIATE_TEST_SUITE_P(EveryVariable, BadEnvironment, testing::ValuesIn(bad_values()),
                         bad_value_name);

}  // namespace
