// A real single-node Slurm (tests/scale/slurm_cluster.sh): the recipe's job array
// (examples/slurm/racelab-array.sbatch, --shard auto) runs a campaign in 4 shards, and
// their merge equals the campaign run unsharded. Fails, never skips, when Slurm cannot start.
#include <gtest/gtest.h>

#include <fstream>

#include "scale_test_util.hpp"

namespace racelab {
namespace {

using nlohmann::json;
using testing::ReadJson;
using testing::RunShell;
using testing::ScaleDir;

// Small, so that TSan's runs do not make it long: 20 iterations, 4 runs per target. No
// shrinking here (ShardLaw covers it); every other field must match.
constexpr const char* kCampaign =
    "p1s2 p1s4 p1s6 --build both --runs 4 --iterations 20 --fuzz pct:3 --shrink-runs 0";

TEST(SlurmCluster, JobArrayShardsMergeIntoTheUnshardedReport) {
  const std::string dir = ScaleDir("slurm");
  std::filesystem::create_directories(dir + "/cluster");
  const std::string exe = RACELAB_EXE;
  // Submits the array and waits for it to leave the queue: an event, polled with no deadline
  // of its own (RunShell's guard below is the hang guard).
  {
    std::ofstream driver(dir + "/driver.sh");
    driver << "set -eu\n"
           << "export RACELAB='" << exe << "' RACELAB_ARGS='" << kCampaign << "' RACELAB_REPORTS='"
           << dir << "/shards' RACELAB_JOBS=2\n"
           << "job=$(sbatch --parsable --array=0-3 --output='" << dir << "/task-%a.log' '"
           << RACELAB_SOURCE_DIR << "/examples/slurm/racelab-array.sbatch')\n"
           << "echo \"job $job\"\n"
           << "while [ -n \"$(squeue -h -j \"$job\" 2>/dev/null)\" ]; do sleep 0.25; done\n";
  }
  const ProcessResult r = RunShell(
      dir, "bash '" RACELAB_SOURCE_DIR "/tests/scale/slurm_cluster.sh' cluster bash driver.sh", {},
      std::chrono::minutes(8));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  std::string merge = "racelab merge --format json --out merged.json";
  for (int k = 0; k < 4; ++k) {
    const std::string shard = dir + "/shards/shard-" + std::to_string(k) + ".json";
    ASSERT_TRUE(std::filesystem::exists(shard))
        << "task " << k << " wrote no report; its log:\n"
        << testing::SourceFileAt(dir + "/task-" + std::to_string(k) + ".log");
    EXPECT_EQ(ReadJson(shard)["shards"]["indices"], json::array({k}));
    merge += " shards/shard-" + std::to_string(k) + ".json";
  }
  const ProcessResult m = RunShell(dir, merge);
  EXPECT_EQ(m.exit_code, 1) << m.err;  // the three specimens fail
  const json merged = ReadJson(dir + "/merged.json");
  EXPECT_EQ(merged["shards"]["count"], 4);
  EXPECT_EQ(merged["shards"]["partial"], false);

  const ProcessResult w =
      RunShell(dir, std::string("racelab run ") + kCampaign +
                        " --jobs 2 --no-progress --format json --out whole.json");
  EXPECT_EQ(w.exit_code, 1) << w.err;
  testing::ExpectSameCampaignReport(ReadJson(dir + "/whole.json"), merged, "Slurm job array");
}

}  // namespace
}  // namespace racelab
