// racelab merge's checks: one campaign, each shard once, all shards unless partial; and
// what a merged report says about its shards.
#include "report/merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "report/renderer.hpp"
#include "report/report_json.hpp"

namespace racelab {
namespace {

Report Shard(std::uint64_t k, std::uint64_t n, std::string host = "node1") {
  Report r;
  CampaignIdentity c;
  c.racelab_version = "1";
  c.runs = 10;
  c.seed = 1;
  c.fuzz = "pct:3";
  c.targets.push_back(
      {"p1s2", "plain", "fnv1a64:00000000000000aa", "sum-sequence", 100, 0, "pct:3:500"});
  r.campaign = c;
  r.shards = ShardCoverage{n, {k}, {std::move(host)}};
  TargetReport t;
  t.id = "p1s2";
  t.build = Build::kPlain;
  t.runs = 10 / n + (k < 10 % n ? 1 : 0);
  t.classes[FailureClass::kOk] = t.runs;
  r.targets.push_back(t);
  return r;
}

std::string MergeError(std::vector<ShardFile> files, bool partial = false) {
  auto m = MergeShardFiles(files, partial);
  EXPECT_FALSE(m.ok());
  if (m.ok()) return "";
  EXPECT_EQ(m.error().what.find('\n'), std::string::npos);
  return m.error().what;
}

TEST(MergeShardFiles, RefusesShardsOfAnotherCampaignAndSaysWhatDiffers) {
  Report other = Shard(1, 2);
  other.campaign->seed = 5;
  EXPECT_NE(MergeError({{"a.json", Shard(0, 2)}, {"b.json", other}}).find("seed 1 vs 5"),
            std::string::npos);
  other = Shard(1, 2);
  other.campaign->targets[0].binary = "fnv1a64:00000000000000bb";
  const std::string why = MergeError({{"a.json", Shard(0, 2)}, {"b.json", other}});
  EXPECT_NE(why.find("p1s2/plain: binary"), std::string::npos) << why;
  EXPECT_NE(why.find("b.json"), std::string::npos) << why;
  EXPECT_NE(MergeError({{"a.json", Shard(0, 2)}, {"b.json", Shard(1, 3)}}).find("shards"),
            std::string::npos);
  Report old = Shard(1, 2);
  old.campaign.reset();
  EXPECT_NE(MergeError({{"a.json", Shard(0, 2)}, {"old.json", old}}).find("old.json"),
            std::string::npos);
}

TEST(MergeShardFiles, NamesDuplicatedAndMissingShards) {
  const std::string dup =
      MergeError({{"a.json", Shard(0, 4)}, {"b.json", Shard(1, 4)}, {"c.json", Shard(1, 4)}});
  EXPECT_NE(dup.find("1 (b.json, c.json)"), std::string::npos) << dup;
  EXPECT_NE(dup.find("missing: 2, 3 of 4"), std::string::npos) << dup;
  const std::string missing = MergeError({{"a.json", Shard(0, 4)}, {"c.json", Shard(2, 4)}});
  EXPECT_NE(missing.find("shard 1, 3 of 4 missing"), std::string::npos) << missing;
  EXPECT_NE(missing.find("--allow-partial"), std::string::npos) << missing;
}

TEST(MergeShardFiles, APartialMergeIsMarkedInEveryHumanFormat) {
  auto m = MergeShardFiles({{"a.json", Shard(0, 4, "n1")}, {"c.json", Shard(2, 4, "n2")}}, true);
  ASSERT_TRUE(m.ok()) << m.error().what;
  EXPECT_EQ(m->targets[0].runs, 5u);  // runs 0, 4, 8 and 2, 6
  EXPECT_TRUE(m->shards->Partial());
  EXPECT_EQ(m->shards->Missing(), (std::vector<std::uint64_t>{1, 3}));
  for (const char* format : {"text", "markdown", "html"}) {
    std::string out = (*MakeRenderer(format))->Render(*m);
    // Markdown escapes brackets.
    out.erase(std::remove(out.begin(), out.end(), '\\'), out.end());
    EXPECT_NE(out.find("2 of 4 shards from 2 hosts (n1, n2)"), std::string::npos) << format;
    EXPECT_NE(out.find("partial: shards 1, 3 missing"), std::string::npos) << format;
  }
  const std::string json = RenderJson(*m);
  EXPECT_NE(json.find("\"partial\": true"), std::string::npos);
  auto back = ParseReportJson(json, "m.json");
  ASSERT_TRUE(back.ok()) << back.error().what;
  EXPECT_EQ(RenderJson(*back), json);
}

TEST(MergeShardFiles, ACompleteMergeNamesItsShardsAndHosts) {
  auto m = MergeShardFiles({{"b.json", Shard(1, 2, "n1")}, {"a.json", Shard(0, 2, "n1")}}, false);
  ASSERT_TRUE(m.ok()) << m.error().what;
  EXPECT_EQ(m->targets[0].runs, 10u);
  const std::string text = (*MakeRenderer("text"))->Render(*m);
  EXPECT_NE(text.find("shards: 2 of 2 shards from 1 host (n1)\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("partial"), std::string::npos);
}

}  // namespace
}  // namespace racelab
