// Shard selection (--shard K/N, --shard auto from Slurm or Kubernetes) and sharded campaigns.
#include "run/shard.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "fake_process.hpp"
#include "run/campaign.hpp"

namespace racelab {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

Shard Ok(const Result<Shard>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().what);
  return r.ok() ? *r : Shard{};
}

std::string Error(const Result<Shard>& r) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().what.find('\n'), std::string::npos);
  return r.error().what;
}

TEST(ParseShard, TakesKOfNFromTheCommandLine) {
  const Shard s = Ok(ParseShard("2/7", std::nullopt, Env({})));
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 7u);
  EXPECT_NE(Error(ParseShard("7/7", std::nullopt, Env({}))).find("not below"), std::string::npos);
  EXPECT_NE(Error(ParseShard("0/0", std::nullopt, Env({}))).find("from 1"), std::string::npos);
  for (const char* bad : {"", "1", "1/", "/2", "-1/2", "1/2/3", "a/b", " 1/2"})
    EXPECT_NE(Error(ParseShard(bad, std::nullopt, Env({}))).find("K/N"), std::string::npos) << bad;
  EXPECT_NE(Error(ParseShard("1/4", 3, Env({}))).find("disagrees"), std::string::npos);
}

TEST(ParseShard, AutoReadsASlurmArrayWithCountOrMinMax) {
  Shard s = Ok(ParseShard("auto", std::nullopt,
                          Env({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})));
  EXPECT_EQ(s.index, 3u);
  EXPECT_EQ(s.count, 4u);
  // --array=1-4: the first task is shard 0.
  s = Ok(ParseShard("auto", std::nullopt,
                    Env({{"SLURM_ARRAY_TASK_ID", "2"},
                         {"SLURM_ARRAY_TASK_MIN", "1"},
                         {"SLURM_ARRAY_TASK_MAX", "4"},
                         {"SLURM_ARRAY_TASK_COUNT", "4"}})));
  EXPECT_EQ(s.index, 1u);
  EXPECT_EQ(s.count, 4u);
}

TEST(ParseShard, AutoRefusesAnInconsistentSlurmEnvironment) {
  // --array=0-6:2 (0, 2, 4, 6): four tasks over a span of seven.
  EXPECT_NE(Error(ParseShard("auto", std::nullopt,
                             Env({{"SLURM_ARRAY_TASK_ID", "2"},
                                  {"SLURM_ARRAY_TASK_MIN", "0"},
                                  {"SLURM_ARRAY_TASK_MAX", "6"},
                                  {"SLURM_ARRAY_TASK_COUNT", "4"}})))
                .find("SLURM_ARRAY_TASK_COUNT=4"),
            std::string::npos);
  EXPECT_NE(
      Error(ParseShard("auto", std::nullopt, Env({{"SLURM_ARRAY_TASK_ID", "2"}}))).find("neither"),
      std::string::npos);
  EXPECT_NE(Error(ParseShard("auto", std::nullopt,
                             Env({{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})))
                .find("not below"),
            std::string::npos);
  EXPECT_NE(Error(ParseShard("auto", std::nullopt,
                             Env({{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})))
                .find("not a whole number"),
            std::string::npos);
  EXPECT_NE(Error(ParseShard("auto", std::nullopt,
                             Env({{"SLURM_ARRAY_TASK_ID", "9"},
                                  {"SLURM_ARRAY_TASK_MIN", "0"},
                                  {"SLURM_ARRAY_TASK_MAX", "3"}})))
                .find("not within"),
            std::string::npos);
  EXPECT_NE(Error(ParseShard("auto", 5,
                             Env({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})))
                .find("disagrees"),
            std::string::npos);
}

TEST(ParseShard, AutoReadsAKubernetesIndexedJobWithShards) {
  const Shard s = Ok(ParseShard("auto", 5, Env({{"JOB_COMPLETION_INDEX", "4"}})));
  EXPECT_EQ(s.index, 4u);
  EXPECT_EQ(s.count, 5u);
  EXPECT_NE(Error(ParseShard("auto", std::nullopt, Env({{"JOB_COMPLETION_INDEX", "4"}})))
                .find("--shards"),
            std::string::npos);
  EXPECT_NE(Error(ParseShard("auto", 4, Env({{"JOB_COMPLETION_INDEX", "4"}}))).find("not below"),
            std::string::npos);
  EXPECT_NE(Error(ParseShard("auto", 4, Env({}))).find("neither"), std::string::npos);
}

TEST(ShardRunCount, ShardsPartitionTheRuns) {
  for (std::uint64_t runs : {0u, 1u, 5u, 12u, 13u})
    for (std::uint64_t n : {1u, 2u, 3u, 7u, 20u}) {
      std::multiset<std::uint64_t> seen;
      for (std::uint64_t k = 0; k < n; ++k)
        for (std::uint64_t j = 0; j < ShardRunCount(runs, {k, n}); ++j) {
          const std::uint64_t i = ShardRunIndex({k, n}, j);
          EXPECT_EQ(i % n, k);
          seen.insert(i);
        }
      ASSERT_EQ(seen.size(), runs) << runs << " " << n;
      for (std::uint64_t i = 0; i < runs; ++i) EXPECT_EQ(seen.count(i), 1u);
    }
}

TEST(ShardedCampaign, RunsIndicesKModNWithTheirCampaignSeedsAndSettings) {
  FakeProcessRunner fake([](const ProcessSpec&) { return Exited(0); });
  CampaignOptions o;
  o.runs = 10;
  o.jobs = 2;
  o.seed = 100;
  o.fuzz = *ParseFuzzList("none,yield,sleep:50");
  o.shard = {1, 3};
  Target t;
  t.id = t.executable = "/bin/prog";
  t.oracle = OracleKind::kExitStatus;
  Campaign c(fake, o, {t});
  const auto reports = c.Run();
  std::set<std::pair<std::string, std::string>> seen;
  for (const ProcessSpec& s : fake.specs())
    seen.emplace(EnvOf(s, "RACELAB_SEED"), EnvOf(s, "RACELAB_FUZZ"));
  // Runs 1, 4, 7: seeds 101, 104, 107 and settings 1 mod 3, 4 mod 3, 7 mod 3.
  const std::set<std::pair<std::string, std::string>> want{
      {"101", "yield"}, {"104", "yield"}, {"107", "yield"}};
  EXPECT_EQ(seen, want);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].runs, 3u);
}

TEST(ShardedCampaign, UntilFailStopsThisShardAtItsFirstFailure) {
  FakeProcessRunner fake(
      [](const ProcessSpec& s) { return Exited(EnvOf(s, "RACELAB_SEED") == "7" ? 1 : 0); });
  CampaignOptions o;
  o.runs = 40;
  o.jobs = 1;
  o.seed = 0;
  o.until_fail = true;
  o.shard = {3, 4};
  Target t;
  t.id = t.executable = "/bin/prog";
  t.oracle = OracleKind::kExitStatus;
  Campaign c(fake, o, {t});
  const auto reports = c.Run();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].runs, 2u);  // runs 3 and 7
  EXPECT_EQ(reports[0].failed_runs, 1u);
  EXPECT_EQ(reports[0].examples.begin()->second.run, 7u);
}

TEST(ShardedCampaign, CalibratesPctWithTheCampaignsFirstSeedInEveryShard) {
  std::set<std::string> calibration_seeds;
  std::mutex mu;
  FakeProcessRunner fake([&](const ProcessSpec& s) {
    if (EnvOf(s, "RACELAB_FUZZ") == "random") {
      std::lock_guard<std::mutex> lock(mu);
      calibration_seeds.insert(EnvOf(s, "RACELAB_SEED"));
      return Exited(0, "", "racelab-sched: stats threads=2 steps=321 preemptions=0\n");
    }
    return Exited(0);
  });
  std::set<std::string> fuzz;
  for (std::uint64_t k = 0; k < 3; ++k) {
    CampaignOptions o;
    o.runs = 6;
    o.jobs = 1;
    o.seed = 50;
    o.fuzz = *ParseFuzzList("pct:3");
    o.shard = {k, 3};
    Target t;
    t.id = t.executable = "/bin/prog";
    t.oracle = OracleKind::kExitStatus;
    Campaign c(fake, o, {t});
    c.Run();
    fuzz.insert(JoinFuzzList(c.fuzz().at(0)));
  }
  EXPECT_EQ(calibration_seeds, std::set<std::string>{"50"});
  EXPECT_EQ(fuzz.size(), 1u);
}

}  // namespace
}  // namespace racelab
