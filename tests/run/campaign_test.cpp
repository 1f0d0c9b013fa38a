// The campaign against a fake runner: seeds, fuzz rotation, counting, examples, stopping.
#include "run/campaign.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>

#include "fake_process.hpp"

namespace racelab {
namespace {

Target PathTarget(OracleKind oracle = OracleKind::kExitStatus) {
  Target t;
  t.id = "/bin/prog";
  t.executable = "/bin/prog";
  t.oracle = oracle;
  t.iterations = 3;
  return t;
}

CampaignOptions Options(std::uint64_t runs, int jobs) {
  CampaignOptions o;
  o.runs = runs;
  o.jobs = jobs;
  o.seed = 100;
  o.fuzz = *ParseFuzzList("none,sleep:50");
  return o;
}

TEST(Campaign, GivesRunISeedSPlusIAndDealsFuzzSettingsInTurn) {
  FakeProcessRunner fake([](const ProcessSpec&) { return Exited(0); });
  Campaign c(fake, Options(10, 3), {PathTarget()});
  auto reports = c.Run();
  std::set<std::pair<std::string, std::string>> seen;
  for (const ProcessSpec& s : fake.specs())
    seen.emplace(EnvOf(s, "RACELAB_SEED"), EnvOf(s, "RACELAB_FUZZ"));
  ASSERT_EQ(seen.size(), 10u);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(seen.count({std::to_string(100 + i), i % 2 == 0 ? "none" : "sleep:50"}), 1u) << i;
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].runs, 10u);
  EXPECT_EQ(reports[0].failed_runs, 0u);
  EXPECT_EQ(reports[0].classes.at(FailureClass::kOk), 10u);
  EXPECT_EQ(reports[0].runs_by_fuzz.at("sleep:50"), 5u);
}

TEST(Campaign, KeepsTheLowestRunAsExampleWithAReplayLine) {
  // Odd seeds fail: seed 101 (run 1) is the first failing run.
  FakeProcessRunner fake([](const ProcessSpec& s) {
    return Exited(std::stoull(EnvOf(s, "RACELAB_SEED")) % 2 == 1 ? 1 : 0);
  });
  Campaign c(fake, Options(20, 4), {PathTarget()});
  auto r = c.Run()[0];
  EXPECT_EQ(r.failed_runs, 10u);
  EXPECT_EQ(r.classes.at(FailureClass::kBadExit), 10u);
  ASSERT_EQ(r.examples.count(FailureClass::kBadExit), 1u);
  const Example& e = r.examples.at(FailureClass::kBadExit);
  EXPECT_EQ(e.run, 1u);
  EXPECT_EQ(e.seed, 101u);
  EXPECT_EQ(
      e.replay,
      "racelab replay /bin/prog --seed 101 --fuzz sleep:50 --iterations 3 --oracle exit-status");
}

TEST(Campaign, CountsAClassPerRunAndByFuzzSetting) {
  FakeProcessRunner fake([](const ProcessSpec& s) {
    if (EnvOf(s, "RACELAB_FUZZ") == "none") return Exited(0, "", "");
    ProcessResult r;
    r.termination = Termination::kSignaled;
    r.signal = 11;
    return r;
  });
  Campaign c(fake, Options(8, 2), {PathTarget()});
  auto r = c.Run()[0];
  EXPECT_EQ(r.classes.at(FailureClass::kCrash), 4u);
  EXPECT_EQ(r.classes_by_fuzz.at("sleep:50").at(FailureClass::kCrash), 4u);
  EXPECT_EQ(r.classes_by_fuzz.at("none").count(FailureClass::kCrash), 0u);
}

TEST(Campaign, UntilFailStopsATargetAfterItsFirstFailure) {
  std::atomic<int> calls{0};
  FakeProcessRunner fake([&](const ProcessSpec& s) {
    ++calls;
    return Exited(EnvOf(s, "RACELAB_SEED") == "105" ? 1 : 0);
  });
  CampaignOptions o = Options(1000, 1);
  o.until_fail = true;
  Campaign c(fake, o, {PathTarget()});
  auto r = c.Run()[0];
  EXPECT_EQ(r.failed_runs, 1u);
  EXPECT_EQ(r.runs, 6u);
  EXPECT_EQ(calls.load(), 6);
}

// Each Start: the seed it starts, how many runs the campaign had judged by then, and the
// seed of the run it was queued behind (0 for none).
struct StartRecord {
  std::uint64_t seed = 0;
  std::uint64_t judged = 0;
  std::uint64_t behind = 0;
  bool operator==(const StartRecord& o) const {
    return seed == o.seed && judged == o.judged && behind == o.behind;
  }
};

std::ostream& operator<<(std::ostream& os, const StartRecord& r) {
  return os << "{seed " << r.seed << ", judged " << r.judged << ", behind " << r.behind << "}";
}

class RecordingRunner : public ProcessRunner {
 public:
  ProcessResult Run(const ProcessSpec&) override { return Exited(0); }
  std::unique_ptr<StartedRun> Start(ProcessSpec spec, StartedRun* after) override {
    const std::uint64_t seed = std::stoull(EnvOf(spec, "RACELAB_SEED"));
    starts.push_back({seed, campaign->progress().done, after != nullptr ? seeds.at(after) : 0});
    std::unique_ptr<StartedRun> run = ProcessRunner::Start(std::move(spec), after);
    seeds[run.get()] = seed;
    return run;
  }
  void CancelAll() override {}
  const Campaign* campaign = nullptr;
  std::vector<StartRecord> starts;
  std::map<const StartedRun*, std::uint64_t> seeds;
};

// Four runs on one worker: each start's seed, the runs judged by then and what it was
// queued behind.
std::vector<StartRecord> StartsOfFourRuns(bool until_fail) {
  RecordingRunner runner;
  CampaignOptions o = Options(4, 1);
  o.until_fail = until_fail;
  Campaign c(runner, o, {PathTarget()});
  runner.campaign = &c;
  EXPECT_EQ(c.Run()[0].runs, 4u);
  return runner.starts;
}

// Two runs started at any time: the next queued behind the running one, and a run judged
// while the next one runs.
TEST(Campaign, QueuesTheNextRunBehindTheRunningOneAndJudgesWhileItRuns) {
  const std::vector<StartRecord> expected = {
      {100, 0, 0}, {101, 0, 100}, {102, 0, 101}, {103, 1, 102}};
  EXPECT_EQ(StartsOfFourRuns(false), expected);
}

TEST(Campaign, UntilFailJudgesEachRunBeforeTheNextStarts) {
  const std::vector<StartRecord> expected = {{100, 0, 0}, {101, 1, 0}, {102, 2, 0}, {103, 3, 0}};
  EXPECT_EQ(StartsOfFourRuns(true), expected);
}

TEST(Campaign, ARunSpecIsTheSpecOfMakeSpecWithTheTargetsPartShared) {
  const Target t = PathTarget();
  const CampaignOptions o = Options(1, 1);
  const FuzzSetting f{FuzzSetting::Mode::kSleep, 50};
  const auto shared = std::make_shared<const std::vector<std::string>>(TargetEnv(t, o));
  const ProcessSpec run = MakeRunSpec(t, o, shared, f, 104, "1.2", "guide");
  const ProcessSpec whole = MakeSpec(t, o, f, 104, "1.2", "guide");
  EXPECT_EQ(run.shared_env, shared);
  EXPECT_EQ(FullEnv(run), whole.env);
  EXPECT_EQ(whole.shared_env, nullptr);
  EXPECT_EQ(run.argv, whole.argv);
}

TEST(Campaign, SpawnFailureIsRacelabsFaultNotTheProgramsFailure) {
  FakeProcessRunner fake([](const ProcessSpec&) {
    ProcessResult r;
    r.termination = Termination::kSpawnFailed;
    r.spawn_error = ENOENT;
    return r;
  });
  Campaign c(fake, Options(5, 2), {PathTarget()});
  auto r = c.Run()[0];
  EXPECT_EQ(r.runs, 0u);
  EXPECT_EQ(r.failed_runs, 0u);
  EXPECT_EQ(r.harness_errors, 5u);
  EXPECT_TRUE(r.classes.empty());
}

TEST(Campaign, CancelKeepsOnlyFinishedRuns) {
  Campaign* self = nullptr;
  std::atomic<int> calls{0};
  FakeProcessRunner fake([&](const ProcessSpec&) {
    if (++calls == 50) self->Cancel();
    return Exited(0);
  });
  Campaign c(fake, Options(10000, 2), {PathTarget()});
  self = &c;
  auto r = c.Run()[0];
  EXPECT_TRUE(c.cancelled());
  EXPECT_GE(r.runs, 49u);
  EXPECT_LE(r.runs, 52u);
}

TEST(Campaign, MergesTargetsInTheirOwnReports) {
  FakeProcessRunner fake(
      [](const ProcessSpec& s) { return Exited(s.argv[0] == "/bin/b" ? 1 : 0); });
  Target a = PathTarget();
  Target b = PathTarget();
  b.id = b.executable = "/bin/b";
  Campaign c(fake, Options(7, 2), {a, b});
  auto rs = c.Run();
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].failed_runs, 0u);
  EXPECT_EQ(rs[1].failed_runs, 7u);
  EXPECT_EQ(c.progress().done, 14u);
}

// An idle sampler that always gives the same answer.
class FixedIdle : public IdleSampler {
 public:
  explicit FixedIdle(std::optional<double> share) : share_(share) {}
  std::optional<double> IdleShare() override { return share_; }

 private:
  std::optional<double> share_;
};

// A campaign of 50 runs, one at once to start with and at most three, under a sampler with
// the given answer: how many ran at once at most, and the seeds run.
std::pair<int, std::multiset<std::string>> GrowUnder(std::optional<double> idle) {
  FakeProcessRunner fake([](const ProcessSpec&) { return Exited(0); });
  CampaignOptions o = Options(50, 1);
  o.max_jobs = 3;
  o.idle_sampler = std::make_shared<FixedIdle>(idle);
  Campaign c(fake, o, {PathTarget()});
  EXPECT_EQ(c.Run()[0].runs, 50u);
  std::multiset<std::string> seeds;
  for (const ProcessSpec& s : fake.specs()) seeds.insert(EnvOf(s, "RACELAB_SEED"));
  return {c.jobs_used(), seeds};
}

TEST(Campaign, AddsRunsAtOnceUpToMaxJobsWhileTheCoresSitIdle) {
  // Each of the first two runs to end sees idle cores and starts one more worker; the
  // third would pass max_jobs. Every run is still made once, with its own seed.
  const auto [jobs, seeds] = GrowUnder(kIdleShareToGrow);
  EXPECT_EQ(jobs, 3);
  ASSERT_EQ(seeds.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(seeds.count(std::to_string(100 + i)), 1u) << i;
}

TEST(Campaign, KeepsItsJobsWhileTheCoresAreBusyOrTheSamplerCannotTell) {
  EXPECT_EQ(GrowUnder(kIdleShareToGrow / 2).first, 1);
  EXPECT_EQ(GrowUnder(0.0).first, 1);
  EXPECT_EQ(GrowUnder(std::nullopt).first, 1);
}

TEST(Campaign, WithoutMaxJobsTheSamplerIsNeverAsked) {
  class Counting : public IdleSampler {
   public:
    std::optional<double> IdleShare() override {
      ++calls;
      return 1.0;
    }
    int calls = 0;
  };
  auto sampler = std::make_shared<Counting>();
  FakeProcessRunner fake([](const ProcessSpec&) { return Exited(0); });
  CampaignOptions o = Options(20, 2);
  o.idle_sampler = sampler;  // max_jobs 0: the jobs are fixed (an explicit --jobs)
  Campaign c(fake, o, {PathTarget()});
  c.Run();
  EXPECT_EQ(c.jobs_used(), 2);
  EXPECT_EQ(sampler->calls, 0);
}

TEST(ReplayCommand, NamesBuildSeedFuzzAndNonDefaultSizes) {
  Variant v;
  v.id = "p1s2";
  v.check_iterations = 100;
  Target t;
  t.id = "p1s2";
  t.build = Build::kTsan;
  t.variant = &v;
  t.iterations = 100;
  EXPECT_EQ(ReplayCommand(t, 17, FuzzSetting{FuzzSetting::Mode::kSleep, 200}),
            "racelab replay p1s2 --build tsan --seed 17 --fuzz sleep:200");
  t.iterations = 50;
  EXPECT_EQ(ReplayCommand(t, 1, FuzzSetting{}),
            "racelab replay p1s2 --build tsan --seed 1 --fuzz none --iterations 50");
  Target p = PathTarget();
  p.id = "./my prog";
  EXPECT_EQ(ReplayCommand(p, 3, FuzzSetting{}),
            "racelab replay './my prog' --seed 3 --fuzz none --iterations 3 --oracle exit-status");
}

}  // namespace
}  // namespace racelab
