// Laws of aggregation: the report does not depend on the order in which runs finish.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "report/aggregate.hpp"
#include "report/report_json.hpp"

namespace racelab {
namespace {

struct FakeRun {
  std::uint64_t index;
  std::vector<int> classes;     // indexes into kAllFailureClasses (failures only)
  std::vector<int> signatures;  // small ids: few distinct signatures
  std::int64_t wall_us;
  int fuzz;
};

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
  return v;
}

std::string Aggregate(const std::vector<FakeRun>& runs) {
  Target t;
  t.id = "p";
  TargetAggregator agg(t);
  for (const FakeRun& f : runs) {
    ProcessResult p;
    p.wall = std::chrono::microseconds(f.wall_us);
    p.out = "out " + std::to_string(f.index) + "\n";
    const std::string fuzz = f.fuzz % 2 ? "none" : "sleep:10";
    RunInfo info{f.index, 1 + f.index, fuzz, "replay " + std::to_string(f.index), &p};
    agg.Add(info, VerdictOf(f));
  }
  Report r;
  r.targets.push_back(agg.Snapshot());
  return RenderJson(r);
}

RC_GTEST_PROP(TargetAggregator, ResultDoesNotDependOnCompletionOrder, ()) {
  const auto n = *rc::gen::inRange<std::uint64_t>(0, 60);
  std::vector<FakeRun> runs;
  for (std::uint64_t i = 0; i < n; ++i) {
    FakeRun f;
    f.index = i;
    f.classes =
        *rc::gen::container<std::vector<int>>(*rc::gen::inRange(0, 3), rc::gen::inRange(0, 30));
    f.signatures =
        *rc::gen::container<std::vector<int>>(*rc::gen::inRange(0, 3), rc::gen::inRange(0, 8));
    f.wall_us = *rc::gen::inRange<std::int64_t>(0, 1'000'000);
    f.fuzz = *rc::gen::inRange(0, 2);
    runs.push_back(f);
  }
  const std::string in_order = Aggregate(runs);
  auto shuffled = runs;
  const auto perm = *rc::gen::container<std::vector<std::size_t>>(
      shuffled.size(), rc::gen::arbitrary<std::size_t>());
  for (std::size_t i = 0; i < shuffled.size(); ++i)
    std::swap(shuffled[i], shuffled[i + perm[i] % (shuffled.size() - i)]);
  RC_ASSERT(Aggregate(shuffled) == in_order);
}

RC_GTEST_PROP(TargetAggregator, CountsEveryRunOnceAndFailuresAsNonOk, ()) {
  const auto n = *rc::gen::inRange<std::uint64_t>(0, 50);
  Target t;
  TargetAggregator agg(t);
  std::uint64_t failures = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    FakeRun f{
        i,
        *rc::gen::container<std::vector<int>>(*rc::gen::inRange(0, 2), rc::gen::inRange(0, 30)),
        {},
        0,
        0};
    failures += f.classes.empty() ? 0 : 1;
    agg.Add(RunInfo{i, i, "none", "", nullptr}, VerdictOf(f));
  }
  const TargetReport r = agg.Snapshot();
  RC_ASSERT(r.runs == n);
  RC_ASSERT(r.failed_runs == failures);
  const std::uint64_t ok = r.classes.count("ok") ? r.classes.at("ok") : 0;
  RC_ASSERT(ok + failures == n);
}

}  // namespace
}  // namespace racelab
