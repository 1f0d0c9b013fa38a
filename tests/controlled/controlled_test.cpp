// Controlled scheduling on the checker side, against a fake runner: K calibration, replay
// lines, the determinism check, shrinking in a campaign, the PCT bound, JSON round trip.
#include <gtest/gtest.h>

#include <fmt/core.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "fake_process.hpp"
#include "protocol/schedule.hpp"
#include "report/renderer.hpp"
#include "report/report_json.hpp"
#include "report/stats.hpp"
#include "run/campaign.hpp"

namespace racelab {
namespace {

// ---- the PCT bound --------------------------------------------------------------

TEST(PctBound, MatchesHandComputedValues) {
  // D = 1: q = 1/n. n = 4, R = 3: 1 - 0.75^3.
  EXPECT_NEAR(PctFindProbability(1, 3, 4, 999), 0.578125, 1e-15);
  // D = 2: q = 1/(n k) = 1/20; R = 1: 0.05; R = 10: 1 - 0.95^10.
  EXPECT_NEAR(PctFindProbability(2, 1, 2, 10), 0.05, 1e-15);
  EXPECT_NEAR(PctFindProbability(2, 10, 2, 10), 0.40126306076162, 1e-13);
  // D = 3, n = 2, k = 10: q = 1/200; R = 100: 1 - 0.995^100.
  EXPECT_NEAR(PctFindProbability(3, 100, 2, 10), 0.3942295635092721, 1e-13);
  // One thread and D = 1: certain.
  EXPECT_EQ(PctFindProbability(1, 1, 1, 50), 1.0);
  EXPECT_EQ(PctFindProbability(3, 0, 2, 10), 0.0);
}

TEST(PctBound, StaysAccurateWhereTheNaiveFormulaGivesZero) {
  // n = 101, k = 2000, D = 3, R = 10000: q = 1/(101 * 4e6); 1 - (1-q)^R in 60-digit
  // decimal arithmetic is 2.4752168938170369012e-05.
  EXPECT_NEAR(PctFindProbability(3, 10000, 101, 2000) / 2.4752168938170369012e-05, 1.0, 1e-12);
  // q = 1e-87: 1 - (1 - q)^R is 0 in doubles, the bound is R q.
  const double p = PctFindProbability(10, 1000, 1000000, 1000000000);
  EXPECT_GT(p, 0.0);
  EXPECT_NEAR(p / (1000 * 1e-6 * std::pow(1e-9, 9)), 1.0, 1e-9);
  // Many runs of an easy bug: 1 - (1 - 1/2)^2000 rounds to 1, never above.
  EXPECT_LE(PctFindProbability(1, 2000, 2, 10), 1.0);
  EXPECT_GT(PctFindProbability(1, 2000, 2, 10), 0.999);
}

// ---- a fake controlled program ----------------------------------------------------

Target PathTarget() {
  Target t;
  t.id = "/bin/prog";
  t.executable = "/bin/prog";
  t.oracle = OracleKind::kExitStatus;
  t.iterations = 3;
  return t;
}

// Runs of 523 steps (calibration: `random`) or 400 (pct); with RACELAB_SCHEDULE, the
// schedule given; else one made from the seed. Seeds that are multiples of 4 fail
// (exit 1: bad-exit) iff their schedule has a deviation at step 7; odd seeds deadlock.
ProcessResult FakeControlled(const ProcessSpec& s) {
  ProcessResult r;
  r.termination = Termination::kExited;
  const std::string fuzz = EnvOf(s, "RACELAB_FUZZ");
  const std::uint64_t seed = std::stoull(EnvOf(s, "RACELAB_SEED"));
  const std::uint64_t steps = fuzz == "random" ? 523 : 400;
  racelab::protocol::Schedule sch{steps, 0xabc, {}};
  if (auto given = racelab::protocol::DecodeSchedule(EnvOf(s, "RACELAB_SCHEDULE")))
    sch = *given;
  else if (seed % 4 == 0)
    sch.deviations = {{3, 1}, {7, 2}, {9, 1}};
  else
    sch.deviations = {{5, 1}};
  bool step7 = false;
  for (const auto& d : sch.deviations) step7 = step7 || d.step == 7;
  if (seed % 2 == 1) {
    r.exit_code = 86;
    r.err += "racelab-sched: deadlock at step=9\n";
    r.err += "racelab-sched: thread 1 blocked in lock at prog.cpp:20\n";
  } else if (seed % 4 == 0 && step7) {
    r.exit_code = 1;
  }
  r.out = "same output\n";
  r.err += "racelab-sched: schedule " + racelab::protocol::EncodeSchedule(sch) + "\n";
  r.err += fmt::format(
      "racelab-sched: stats threads=3 steps={} preemptions={} deviations={} strategy={} seed={}\n",
      sch.steps, sch.deviations.size(), sch.deviations.size(), fuzz, seed);
  for (const auto& d : sch.deviations)
    r.err += fmt::format(
        "racelab-sched: preemption step={} from=0 at=prog.cpp:{} (read) to={} at=prog.cpp:{} "
        "(write)\n",
        d.step, d.step, d.thread, 30 + d.step);
  return r;
}

CampaignOptions ControlledOptions(const char* fuzz, std::uint64_t runs) {
  CampaignOptions o;
  o.runs = runs;
  o.jobs = 2;
  o.seed = 100;
  o.fuzz = *ParseFuzzList(fuzz);
  return o;
}

TEST(ControlledCampaign, CalibratesKOnceWithARandomRunOfTheFirstSeed) {
  FakeProcessRunner fake(FakeControlled);
  Campaign c(fake, ControlledOptions("pct:2,none", 4), {PathTarget()});
  const auto reports = c.Run();
  const auto specs = fake.specs();
  ASSERT_GE(specs.size(), 5u);
  EXPECT_EQ(EnvOf(specs[0], "RACELAB_FUZZ"), "random");
  EXPECT_EQ(EnvOf(specs[0], "RACELAB_SEED"), "100");
  std::size_t calibrations = 0;
  for (const ProcessSpec& s : specs) calibrations += EnvOf(s, "RACELAB_FUZZ") == "random";
  EXPECT_EQ(calibrations, 1u);
  EXPECT_EQ(reports[0].runs_by_fuzz.at("pct:2:523"), 2u);
  EXPECT_EQ(reports[0].runs_by_fuzz.at("none"), 2u);
}

TEST(ControlledCampaign, KeepsAGivenKAndFallsBackTo1000WithoutStats) {
  FakeProcessRunner given(FakeControlled);
  Campaign c(given, ControlledOptions("pct:3:77", 2), {PathTarget()});
  c.Run();
  for (const ProcessSpec& s : given.specs()) EXPECT_NE(EnvOf(s, "RACELAB_FUZZ"), "random");
  FakeProcessRunner silent([](const ProcessSpec&) { return ProcessResult{}; });
  EXPECT_EQ(JoinFuzzList(CalibrateFuzz(silent, PathTarget(), ControlledOptions("pct,random", 1))),
            "pct:3:1000,random");
}

TEST(ControlledCampaign, ExamplesCarryScheduleReplayDeterminismAndShrinking) {
  FakeProcessRunner fake(FakeControlled);
  Campaign c(fake, ControlledOptions("pct:3", 8), {PathTarget()});
  const auto reports = c.Run();
  ASSERT_EQ(reports.size(), 1u);
  const TargetReport& t = reports[0];
  // Seeds 100..107: 101, 103, 105, 107 deadlock; 100 and 104 fail with bad-exit.
  EXPECT_EQ(t.classes.at("deadlock"), 4u);
  EXPECT_EQ(t.classes.at("bad-exit"), 2u);
  EXPECT_EQ(t.classes.count("timeout"), 0u);

  const Example& bad = t.examples.at("bad-exit");
  EXPECT_EQ(bad.seed, 100u);
  EXPECT_EQ(bad.original_schedule, "s1-400-0000000000000abc-3t1.4t2.2t1");
  EXPECT_EQ(bad.original_preemptions, 3u);
  // Shrunk to the one deviation the failure needs, replayed exactly.
  EXPECT_EQ(bad.schedule, "s1-400-0000000000000abc-7t2");
  EXPECT_EQ(bad.preemptions, 1u);
  EXPECT_EQ(bad.explanation, std::vector<std::string>{"step 7: thread 0 at prog.cpp:7 (read) -> "
                                                      "thread 2 runs prog.cpp:37 (write)"});
  EXPECT_EQ(bad.replay,
            "racelab replay /bin/prog --schedule s1-400-0000000000000abc-7t2 --iterations 3 "
            "--oracle exit-status");
  ASSERT_TRUE(bad.reproduced);
  EXPECT_TRUE(*bad.reproduced);
  EXPECT_EQ(bad.minimal, true);
  EXPECT_EQ(bad.not_minimal_reason, "");
  ASSERT_TRUE(bad.shrink_probes);
  EXPECT_GT(*bad.shrink_probes, 0u);
  EXPECT_LE(*bad.shrink_probes, kDefaultShrinkRuns);

  const Example& dl = t.examples.at("deadlock");
  EXPECT_EQ(dl.seed, 101u);
  EXPECT_EQ(dl.original_schedule, "s1-400-0000000000000abc-5t1");
  // The model deadlocks by seed whatever the schedule: shrinks to no deviation.
  EXPECT_EQ(dl.schedule, "s1-400-0000000000000abc-");
  EXPECT_EQ(dl.preemptions, 0u);
  EXPECT_EQ(dl.deadlock, (std::vector<std::string>{"deadlock at step=9",
                                                   "thread 1 blocked in lock at prog.cpp:20"}));
  EXPECT_TRUE(dl.reproduced.value_or(false));
  // No bound: pct runs failed.
  EXPECT_FALSE(t.pct_bound);
}

TEST(ControlledCampaign, ReproducedIsFalseWhenAReplayDiffers) {
  std::atomic<int> replays{0};
  FakeProcessRunner fake([&](const ProcessSpec& s) {
    ProcessResult r = FakeControlled(s);
    if (!EnvOf(s, "RACELAB_SCHEDULE").empty() && EnvOf(s, "RACELAB_SCHEDULE_MODE") == "exact" &&
        ++replays == 2)
      r.out = "other output\n";
    return r;
  });
  CampaignOptions o = ControlledOptions("pct:3", 1);
  o.seed = 101;
  o.shrink_runs = 0;
  Campaign c(fake, o, {PathTarget()});
  const auto reports = c.Run();
  const Example& dl = reports[0].examples.at("deadlock");
  ASSERT_TRUE(dl.reproduced);
  EXPECT_FALSE(*dl.reproduced);
  EXPECT_EQ(dl.schedule, dl.original_schedule);  // no shrinking
  EXPECT_EQ(replays.load(), 2);
}

TEST(ControlledCampaign, AProgramWithoutTheSchedulerIsRefusedAloneAndNotedAmongOthers) {
  // A program that ignores RACELAB_FUZZ: exits 0, no racelab-sched trailer.
  FakeProcessRunner plain([](const ProcessSpec&) { return Exited(0, "hello\n"); });
  CampaignOptions o = ControlledOptions("random", 3);
  o.refuse_uncontrolled = true;
  Campaign alone(plain, o, {PathTarget()});
  EXPECT_TRUE(alone.Run().empty());
  EXPECT_NE(alone.uncontrolled_error().find("controlled scheduling (--fuzz random, pct) does not "
                                            "apply"),
            std::string::npos)
      << alone.uncontrolled_error();
  EXPECT_EQ(plain.specs().size(), 1u);  // the one handshake run, no campaign

  o.refuse_uncontrolled = false;
  Campaign among(plain, o, {PathTarget()});
  const auto reports = among.Run();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_TRUE(among.uncontrolled_error().empty());
  ASSERT_EQ(reports[0].notes.size(), 1u);
  EXPECT_NE(reports[0].notes[0].find("ran uncontrolled"), std::string::npos);

  // A program with the scheduler gets no note; neither does an uncontrolled setting.
  FakeProcessRunner sched(FakeControlled);
  Campaign with(sched, ControlledOptions("pct:3", 2), {PathTarget()});
  EXPECT_TRUE(with.Run()[0].notes.empty());
  Campaign none(plain, ControlledOptions("none", 2), {PathTarget()});
  EXPECT_TRUE(none.Run()[0].notes.empty());
}

TEST(ControlledCampaign, CleanPctRunsGiveTheBound) {
  FakeProcessRunner fake([](const ProcessSpec& s) {
    ProcessResult r;
    r.err = fmt::format(
        "racelab-sched: schedule s1-40-0000000000000001-\n"
        "racelab-sched: stats threads={} steps={} preemptions=0 deviations=0 strategy=x seed=1\n",
        EnvOf(s, "RACELAB_SEED") == "3" ? 4 : 2, EnvOf(s, "RACELAB_SEED") == "5" ? 50 : 40);
    return r;
  });
  CampaignOptions o = ControlledOptions("pct:2", 10);
  o.seed = 1;
  Campaign c(fake, o, {PathTarget()});
  const auto reports = c.Run();
  ASSERT_TRUE(reports[0].pct_bound);
  const PctBound& b = *reports[0].pct_bound;
  EXPECT_EQ(b.depth, 2u);
  EXPECT_EQ(b.runs, 10u);
  EXPECT_EQ(b.threads, 4u);
  EXPECT_EQ(b.steps, 50u);
  EXPECT_NEAR(b.probability, 1 - std::pow(1 - 1.0 / 200, 10), 1e-12);

  Report r;
  r.settings.fuzz = "pct:2";
  r.targets = reports;
  const std::string text = (*MakeRenderer("text"))->Render(r);
  EXPECT_NE(text.find("a bug of depth ≤ 2 would have been found with probability ≥ 0.0489"),
            std::string::npos)
      << text;
  auto j = nlohmann::json::parse(RenderJson(r));
  EXPECT_EQ(j["targets"][0]["pct_bound"]["runs"], 10);
  EXPECT_EQ(j["targets"][0]["pct_bound"]["threads"], 4);
  EXPECT_EQ(j["targets"][0]["pct_bound"]["steps"], 50);
}

TEST(ControlledReport, NewFieldsRoundTripAndRender) {
  FakeProcessRunner fake(FakeControlled);
  Campaign c(fake, ControlledOptions("pct:3", 8), {PathTarget()});
  Report r;
  r.settings.fuzz = "pct:3";
  r.targets = c.Run();
  r.targets[0].pct_bound = PctBound{3, 8, 3, 400, 0.25};
  const std::string json = RenderJson(r);
  auto back = ParseReportJson(json, "r.json");
  ASSERT_TRUE(back) << back.error().what;
  EXPECT_EQ(RenderJson(*back), json);
  const auto j = nlohmann::json::parse(json);
  const auto& e = j["targets"][0]["examples"]["bad-exit"];
  for (const char* k :
       {"schedule", "preemptions", "original_schedule", "reproduced", "explanation"})
    EXPECT_TRUE(e.contains(k)) << k;
  EXPECT_TRUE(j["targets"][0]["examples"]["deadlock"].contains("deadlock"));

  const std::string text = (*MakeRenderer("text"))->Render(*back);
  for (const char* want :
       {"schedule: s1-400-0000000000000abc-7t2 (1 preemption)",
        "shrunk from: s1-400-0000000000000abc-3t1.4t2.2t1 (3 preemptions)", "reproduced: yes",
        "preemption step 7: thread 0 at prog.cpp:7 (read) -> thread 2 runs "
        "prog.cpp:37 (write)",
        "thread 1 blocked in lock at prog.cpp:20", "deadlock"})
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  for (const char* format : {"html", "markdown", "junit", "sarif"}) {
    const std::string out = (*MakeRenderer(format))->Render(*back);
    EXPECT_NE(out.find("7t2"), std::string::npos) << format;
  }
  const std::string md = (*MakeRenderer("markdown"))->Render(*back);
  EXPECT_NE(md.find("thread 1 blocked in lock at prog.cpp:20"), std::string::npos);

  // A reader refuses a bound that is no probability.
  auto bad = nlohmann::json::parse(json);
  bad["targets"][0]["pct_bound"]["probability"] = 1.5;
  EXPECT_FALSE(ParseReportJson(bad.dump(), "r.json"));
}

}  // namespace
}  // namespace racelab
