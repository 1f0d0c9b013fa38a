// The law of sharding, end to end with the real specimens under controlled scheduling:
// `racelab merge` of the N shard reports of a campaign equals the report of the campaign
// run unsharded, in every field but timings and host names, for N in {1, 3, 7}.
#include <gtest/gtest.h>

#include <map>

#include "scale_test_util.hpp"

namespace racelab {
namespace {

using testing::ReadJson;
using testing::RunRacelab;
using testing::ScaleTemp;

// Small: a specimen that fails under pct:3 and random in four classes, 8 runs, one build;
// shrinking on, 20 probe runs per class.
std::vector<std::string> Campaign(const std::string& fuzz) {
  return {"run",    "p1s4", "--build",       "plain", "--runs",       "8", "--jobs", "2",
          "--fuzz", fuzz,   "--shrink-runs", "20",    "--no-progress"};
}

// want_exit -1: 0 or 1 (a shard may or may not hold a failing run).
nlohmann::json RunJson(std::vector<std::string> args, const std::string& out, int want_exit) {
  args.insert(args.end(), {"--format", "json", "--out", out});
  const ProcessResult r = RunRacelab(args);
  if (want_exit < 0)
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << " " << r.err;
  else
    EXPECT_EQ(r.exit_code, want_exit) << r.err;
  return ReadJson(out);
}

class ShardLaw : public ::testing::TestWithParam<std::string> {};

TEST_P(ShardLaw, MergeOfTheShardsIsTheUnshardedReport) {
  const std::string fuzz = GetParam();
  // Both specimens fail: exit 1.
  const nlohmann::json whole = RunJson(Campaign(fuzz), ScaleTemp("whole.json"), 1);
  for (int n : {1, 3, 7}) {
    std::vector<std::string> merge = {"merge"};
    for (int k = 0; k < n; ++k) {
      const std::string out = ScaleTemp("shard" + std::to_string(k) + ".json");
      std::vector<std::string> args = Campaign(fuzz);
      args.insert(args.end(), {"--shard", std::to_string(k) + "/" + std::to_string(n)});
      const nlohmann::json shard = RunJson(args, out, -1);
      EXPECT_EQ(shard["shards"]["indices"], nlohmann::json::array({k}));
      EXPECT_EQ(shard["shards"]["count"], n);
      merge.push_back(out);
    }
    const nlohmann::json merged = RunJson(merge, ScaleTemp("merged.json"), 1);
    EXPECT_EQ(merged["shards"]["partial"], false);
    EXPECT_EQ(merged["shards"]["count"], n);
    testing::ExpectSameCampaignReport(whole, merged, fuzz + " in " + std::to_string(n) + " shards");
  }
}

INSTANTIATE_TEST_SUITE_P(Controlled, ShardLaw, ::testing::Values("pct:3", "random"),
                         [](const auto& info) {
                           return std::string(info.param == "pct:3" ? "pct3" : "random");
                         });

}  // namespace
}  // namespace racelab
