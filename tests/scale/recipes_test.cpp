// The scale-out recipes, run here as far as one machine allows: the Kubernetes Indexed
// Job's commands (with JOB_COMPLETION_INDEX set by hand) and the GNU parallel line of
// docs/scale-out.md; each merged report must equal the campaign run unsharded.
#include <gtest/gtest.h>

#include "scale_test_util.hpp"

namespace racelab {
namespace {

using nlohmann::json;
using testing::ReadJson;
using testing::RunShell;
using testing::ScaleDir;
using testing::SourceFile;

// A campaign small enough for a test, failing under pct:3.
// No shrinking: ShardLaw covers it, and this keeps the recipes cheap and exact.
constexpr const char* kCampaign = "p1s2 --build plain --runs 8 --fuzz pct:3 --shrink-seconds 0";

json Unsharded(const std::string& dir, const std::string& jobs) {
  const ProcessResult r = RunShell(dir, std::string("racelab run ") + kCampaign + " --jobs " +
                                            jobs + " --no-progress --format json --out whole.json");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  return ReadJson(dir + "/whole.json");
}

// The Indexed Job and the merge Job of the recipe, as JSON (python3-yaml reads the YAML).
json KubernetesRecipe(const std::string& dir) {
  const std::string script =
      "python3 -c 'import json, sys, yaml; "
      "print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))' "
      "'" RACELAB_SOURCE_DIR "/examples/kubernetes/racelab-indexed-job.yaml' > recipe.json";
  const ProcessResult r = RunShell(dir, script);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return ReadJson(dir + "/recipe.json");
}

TEST(KubernetesRecipe, IndexedJobRunsTheDocumentedCommandAndItsShardsMerge) {
  const std::string dir = ScaleDir("k8s");
  const json docs = KubernetesRecipe(dir);
  ASSERT_TRUE(docs.is_array());
  const json* shards = nullptr;
  const json* merge = nullptr;
  for (const json& d : docs) {
    if (d.value("kind", "") != "Job") continue;
    if (d["spec"].value("completionMode", "") == "Indexed")
      shards = &d;
    else
      merge = &d;
  }
  ASSERT_NE(shards, nullptr) << "no Job with completionMode: Indexed";
  ASSERT_NE(merge, nullptr) << "no merge Job";
  const std::uint64_t n = (*shards)["spec"]["completions"].get<std::uint64_t>();
  const json& c = (*shards)["spec"]["template"]["spec"]["containers"][0];
  const std::string command = c["command"][2].get<std::string>();
  EXPECT_NE(command.find("--shard auto --shards " + std::to_string(n) + " "), std::string::npos)
      << command;
  const std::string doc = SourceFile("docs/scale-out.md");
  EXPECT_NE(doc.find(command), std::string::npos)
      << "docs/scale-out.md does not show the Job's command: " << command;
  const json& mc = (*merge)["spec"]["template"]["spec"]["containers"][0];
  const std::string merge_command = mc["command"][2].get<std::string>();
  EXPECT_NE(doc.find(merge_command), std::string::npos)
      << "docs/scale-out.md does not show the merge command: " << merge_command;
  // Both Jobs mount one claim at the directory the commands write to.
  EXPECT_EQ((*shards)["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"],
            (*merge)["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]);

  for (std::uint64_t k = 0; k < n; ++k) {
    const ProcessResult r =
        RunShell(dir, command,
                 {"JOB_COMPLETION_INDEX=" + std::to_string(k),
                  std::string("RACELAB_ARGS=") + kCampaign, "RACELAB_REPORTS=" + dir});
    EXPECT_EQ(r.exit_code, 0) << "pod " << k << ": " << r.err;
  }
  const ProcessResult m = RunShell(dir, merge_command, {"RACELAB_REPORTS=" + dir});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  const json merged = ReadJson(dir + "/report.json");
  EXPECT_EQ(merged["shards"]["count"], n);
  EXPECT_EQ(merged["shards"]["partial"], false);
  testing::ExpectSameCampaignReport(Unsharded(dir, "2"), merged, "Kubernetes recipe");
}

TEST(GnuParallelRecipe, TheDocumentedLineShardsLocallyAndMerges) {
  const std::string dir = ScaleDir("parallel");
  const std::string doc = SourceFile("docs/scale-out.md");
  const std::size_t at = doc.find("\n    parallel ");
  ASSERT_NE(at, std::string::npos) << "docs/scale-out.md has no code line `parallel ...`";
  const std::string line = doc.substr(at + 5, doc.find('\n', at + 1) - at - 5);
  EXPECT_NE(line.find("--shard {}/4"), std::string::npos) << line;
  const ProcessResult r =
      RunShell(dir, "mkdir -p shards && " + line, {std::string("CAMPAIGN=") + kCampaign});
  // parallel exits with the number of failed jobs: racelab's 1 (failures found) counts.
  EXPECT_TRUE(r.exit_code >= 0 && r.exit_code <= 4) << r.exit_code << " " << r.err;
  const ProcessResult m =
      RunShell(dir, "racelab merge shards/shard-*.json --format json --out merged.json");
  EXPECT_EQ(m.exit_code, 1) << m.err;
  const json merged = ReadJson(dir + "/merged.json");
  EXPECT_EQ(merged["shards"]["count"], 4);
  EXPECT_EQ(merged["shards"]["partial"], false);
  testing::ExpectSameCampaignReport(Unsharded(dir, "1"), merged, "GNU parallel recipe");
}

}  // namespace
}  // namespace racelab
