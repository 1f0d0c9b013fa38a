// Laws of merging shard reports: merging the parts of a campaign gives the report of the
// whole; merge is commutative and associative; merging one report gives it back.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "report/aggregate.hpp"
#include "report/expectations.hpp"
#include "report/merge.hpp"
#include "report/report_json.hpp"

namespace racelab {
namespace {

struct FakeRun {
  std::uint64_t index;
  std::vector<int> classes;     // indexes into kAllFailureClasses (failures only)
  std::vector<int> signatures;  // small ids: few distinct signatures
  std::int64_t wall_us;
  int fuzz;  // 0: none, 1: pct:3:100, 2: pct:1:100
  std::uint64_t threads, steps;
  int part;  // which report it goes to
};

const FuzzSetting& Setting(int i) {
  static const FuzzSetting none{}, pct3 = *ParseFuzzSetting("pct:3:100"),
                                   pct1 = *ParseFuzzSetting("pct:1:100");
  return i == 0 ? none : i == 1 ? pct3 : pct1;
}

RunVerdict VerdictOf(const FakeRun& f) {
  RunVerdict v;
  for (int c : f.classes) v.classes.Add(kAllFailureClasses[1 + c % (kFailureClassCount - 1)]);
  v.classes = v.classes.Finalized();
  for (int s : f.signatures) {
    SanitizerReport r;
    r.kind = "data race";
    r.cls = FailureClass::kDataRace;
    r.signature = "sig-" + std::to_string(s % 4);
    r.location = "variants/p.cpp:" + std::to_string(s % 4);
    r.text = "report " + std::to_string(f.index);
    v.reports.push_back(r);
  }
  if (f.fuzz != 0) {
    v.sched.present = v.sched.stats_seen = true;
    v.sched.threads = f.threads;
    v.sched.steps = f.steps;
    v.sched.schedule = "s1-" + std::to_string(f.steps) + "-0-" + std::to_string(f.index);
  }
  return v;
}

CampaignIdentity Identity() {
  CampaignIdentity c;
  c.racelab_version = "test";
  c.runs = 60;
  c.fuzz = "none,pct:3:100,pct:1:100";
  c.expect = true;
  c.targets.push_back({"p", "plain", "fnv1a64:0", "exit-status", 100, 0, c.fuzz});
  return c;
}

// The report of the runs of `part` (-1: every run), as racelab run writes it.
Report ReportOf(const std::vector<FakeRun>& runs, int part, std::uint64_t parts) {
  Target t;
  t.id = "p";
  t.build = Build::kPlain;
  TargetAggregator agg(t);
  for (const FakeRun& f : runs) {
    if (part >= 0 && f.part != part) continue;
    ProcessResult p;
    p.wall = std::chrono::microseconds(f.wall_us);
    p.cpu = std::chrono::microseconds(f.wall_us / 2);
    p.out = "out " + std::to_string(f.index) + "\n";
    RunInfo info{
        f.index, 1 + f.index,     Setting(f.fuzz).ToString(), "replay " + std::to_string(f.index),
        &p,      &Setting(f.fuzz)};
    agg.Add(info, VerdictOf(f));
  }
  Report r;
  r.racelab_version = "test";
  r.campaign = Identity();
  r.settings.runs = 60;
  r.settings.expect = true;
  TargetReport tr = agg.Snapshot();
  tr.expected_rates = {{FailureClass::kTornLine, 0.5, 100},
                       {FailureClass::kStaleRead, 0.001, 1000}};
  tr.tolerated = {FailureClass::kMissingStep};
  JudgeExpectations(tr);
  r.targets.push_back(tr);
  r.elapsed_s = static_cast<double>(part + 2);
  r.racelab_cpu_s = 0.25 * (part + 2);
  if (part >= 0)
    r.shards = ShardCoverage{
        parts, {static_cast<std::uint64_t>(part)}, {"host" + std::to_string(part % 2)}};
  return r;
}

// The JSON of a report without what a merge may change: timings, and where the runs ran.
nlohmann::json Comparable(const Report& r) {
  nlohmann::json j = nlohmann::json::parse(RenderJson(r));
  j.erase("shards");
  j.erase("elapsed_s");
  j.erase("racelab_cpu_s");
  return j;
}

Report Merged(const Report& a, const Report& b) {
  auto m = MergeReports(a, b);
  RC_ASSERT(m.ok());
  return *m;
}

struct Campaign {
  std::vector<FakeRun> runs;
  std::uint64_t parts;
};

rc::Gen<Campaign> GenCampaign() {
  return rc::gen::exec([] {
    Campaign c;
    c.parts = *rc::gen::inRange<std::uint64_t>(1, 5);
    const auto n = *rc::gen::inRange<std::uint64_t>(0, 50);
    for (std::uint64_t i = 0; i < n; ++i) {
      FakeRun f;
      f.index = i;
      f.classes =
          *rc::gen::container<std::vector<int>>(*rc::gen::inRange(0, 3), rc::gen::inRange(0, 40));
      f.signatures =
          *rc::gen::container<std::vector<int>>(*rc::gen::inRange(0, 3), rc::gen::inRange(0, 8));
      f.wall_us = *rc::gen::inRange<std::int64_t>(0, 5'000'000);
      f.fuzz = *rc::gen::inRange(0, 3);
      f.threads = *rc::gen::inRange<std::uint64_t>(1, 20);
      f.steps = *rc::gen::inRange<std::uint64_t>(1, 5000);
      f.part = static_cast<int>(*rc::gen::inRange<std::uint64_t>(0, c.parts));
      c.runs.push_back(std::move(f));
    }
    return c;
  });
}

RC_GTEST_PROP(MergeReports, MergingEveryPartGivesTheReportOfTheWhole, ()) {
  const Campaign c = *GenCampaign();
  std::vector<ShardFile> files;
  for (std::uint64_t p = 0; p < c.parts; ++p)
    files.push_back({"part" + std::to_string(p), ReportOf(c.runs, static_cast<int>(p), c.parts)});
  // In any order.
  std::vector<ShardFile> shuffled = files;
  std::mt19937 order(*rc::gen::arbitrary<std::uint32_t>());
  std::shuffle(shuffled.begin(), shuffled.end(), order);
  auto merged = MergeShardFiles(shuffled, false);
  RC_ASSERT(merged.ok());
  RC_ASSERT(Comparable(*merged) == Comparable(ReportOf(c.runs, -1, 1)));
  RC_ASSERT(merged->shards->indices.size() == c.parts);
  RC_ASSERT(!merged->shards->Partial());
  // racelab's own CPU is the sum of the parts' (each a multiple of 1/4: exact in a double).
  double cpu = 0;
  for (const ShardFile& f : files) cpu += f.report.racelab_cpu_s;
  RC_ASSERT(merged->racelab_cpu_s == cpu);
}

RC_GTEST_PROP(MergeReports, IsCommutativeAndAssociative, ()) {
  Campaign c = *GenCampaign();
  for (FakeRun& f : c.runs) f.part %= 3;
  const Report a = ReportOf(c.runs, 0, 3), b = ReportOf(c.runs, 1, 3), d = ReportOf(c.runs, 2, 3);
  RC_ASSERT(RenderJson(Merged(a, b)) == RenderJson(Merged(b, a)));
  RC_ASSERT(RenderJson(Merged(Merged(a, b), d)) == RenderJson(Merged(a, Merged(b, d))));
}

RC_GTEST_PROP(MergeReports, MergingOneReportGivesItBack, ()) {
  const Campaign c = *GenCampaign();
  const Report one = ReportOf(c.runs, 0, c.parts);
  auto merged = MergeShardFiles({{"one", one}}, true);
  RC_ASSERT(merged.ok());
  RC_ASSERT(RenderJson(*merged) == RenderJson(one));
  // And through JSON: what a shard writes is what merge reads.
  auto again = ParseReportJson(RenderJson(one), "one");
  RC_ASSERT(again.ok());
  RC_ASSERT(RenderJson(*again) == RenderJson(one));
}

}  // namespace
}  // namespace racelab
