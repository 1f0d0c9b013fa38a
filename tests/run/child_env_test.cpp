// The child's environment: protocol variables set, stale ones dropped, TSAN_OPTIONS merged.
#include "run/child_env.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace racelab {
namespace {

bool Has(const std::vector<std::string>& env, const std::string& kv) {
  return std::find(env.begin(), env.end(), kv) != env.end();
}

TEST(ChildEnv, SetsTheProtocolAndDropsTheCallersRacelabVariables) {
  RunParams p;
  p.iterations = 100;
  p.threads = 4;
  p.fuzz = FuzzSetting{FuzzSetting::Mode::kSleep, 200};
  p.seed = 17;
  auto env = BuildChildEnv({"PATH=/bin", "RACELAB_SEED=999", "RACELAB_WAVE=5"}, p, false, "");
  EXPECT_TRUE(Has(env, "PATH=/bin"));
  EXPECT_TRUE(Has(env, "RACELAB_ITERATIONS=100"));
  EXPECT_TRUE(Has(env, "RACELAB_THREADS=4"));
  EXPECT_TRUE(Has(env, "RACELAB_FUZZ=sleep:200"));
  EXPECT_TRUE(Has(env, "RACELAB_SEED=17"));
  EXPECT_FALSE(Has(env, "RACELAB_SEED=999"));
  EXPECT_FALSE(Has(env, "RACELAB_WAVE=5"));
}

TEST(ChildEnv, LeavesTsanOptionsAloneForPlainBuilds) {
  auto env = BuildChildEnv({"TSAN_OPTIONS=verbosity=1"}, RunParams{}, false, "");
  EXPECT_TRUE(Has(env, "TSAN_OPTIONS=verbosity=1"));
}

TEST(ChildEnv, TsanBuildsGetRequiredOptionsOverTheUsersAndKeepTheRest) {
  auto env = BuildChildEnv({"TSAN_OPTIONS=halt_on_error=1:verbosity=1"}, RunParams{}, true,
                           "/x/tsan.supp");
  auto it = std::find_if(env.begin(), env.end(),
                         [](const std::string& s) { return s.rfind("TSAN_OPTIONS=", 0) == 0; });
  ASSERT_NE(it, env.end());
  EXPECT_NE(it->find("halt_on_error=0"), std::string::npos) << *it;
  EXPECT_EQ(it->find("halt_on_error=1"), std::string::npos) << *it;
  EXPECT_NE(it->find("verbosity=1"), std::string::npos) << *it;
  EXPECT_NE(it->find("log_path=stderr"), std::string::npos) << *it;
  EXPECT_NE(it->find("suppressions=/x/tsan.supp"), std::string::npos) << *it;
  EXPECT_EQ(std::count_if(env.begin(), env.end(),
                          [](const std::string& s) { return s.rfind("TSAN_OPTIONS=", 0) == 0; }),
            1);
}

TEST(ChildEnv, TheTargetsPartThenTheRunsPartIsTheWholeEnvironment) {
  RunParams p;
  p.iterations = 7;
  p.fuzz = FuzzSetting{FuzzSetting::Mode::kYield, 0};
  p.seed = 3;
  p.schedule = "1.2";
  const std::vector<std::string> base = {"PATH=/bin", "RACELAB_SEED=9", "TSAN_OPTIONS=verbosity=1"};
  for (const bool tsan : {false, true}) {
    std::vector<std::string> parts = BuildTargetEnv(base, tsan, "/x/tsan.supp", true);
    for (const std::string& kv : parts) EXPECT_NE(kv.rfind("RACELAB_", 0), 0u) << kv;
    AppendRunEnv(p, &parts);
    std::vector<std::string> whole = BuildChildEnv(base, p, tsan, "/x/tsan.supp", true);
    EXPECT_EQ(parts, whole) << tsan;
  }
}

TEST(MergeTsanOptions, DefaultsOnlyFillWhatTheUserLeftUnset) {
  EXPECT_EQ(MergeTsanOptions("exitcode=7 history_size=4", "color=never", "exitcode=66"),
            "exitcode=7:history_size=4:color=never");
  EXPECT_EQ(MergeTsanOptions("", "a=1", "b=2"), "a=1:b=2");
}

}  // namespace
}  // namespace racelab
