// Shrinking against a model program behind a fake process runner: no process starts.
#include "controlled/shrink.hpp"

#include <gtest/gtest.h>

#include <fmt/core.h>

#include "fake_process.hpp"
#include "protocol/schedule.hpp"

namespace racelab {
namespace {

using protocol::Deviation;
using protocol::Schedule;

constexpr std::uint64_t kSteps = 100;

// A model program of kSteps steps and threads 0..3. Whatever the schedule, a
// guide-mode run applies each listed deviation (the model has every thread
// runnable everywhere). It fails with stale-read iff `fails` says so of the
// deviations applied. Every deviation is a preemption, described at line 10+step.
struct Model {
  std::function<bool(const std::vector<Deviation>&)> fails;

  ProcessResult operator()(const ProcessSpec& spec) const {
    ProcessResult r;
    r.termination = Termination::kExited;
    std::vector<Deviation> devs;
    if (auto s = protocol::DecodeSchedule(EnvOf(spec, "RACELAB_SCHEDULE"))) devs = s->deviations;
    const bool bad = fails(devs);
    r.out = bad ? "1 + 1 = 2\n" : "";
    r.exit_code = bad ? 1 : 0;
    Schedule executed{kSteps, 0x1234, devs};
    r.err = "racelab-sched: schedule " + protocol::EncodeSchedule(executed) + "\n";
    r.err += fmt::format(
        "racelab-sched: stats threads=4 steps={} preemptions={} deviations={} strategy=pct:3:100 "
        "seed=1\n",
        kSteps, devs.size(), devs.size());
    for (const Deviation& d : devs)
      r.err += fmt::format(
          "racelab-sched: preemption step={} from=0 at=model.cpp:{} (read) to={} at=model.cpp:{} "
          "(write)\n",
          d.step, 10 + d.step, d.thread, 10 + d.step);
    return r;
  }
};

Target ModelTarget() {
  Target t;
  t.id = "/bin/model";
  t.executable = "/bin/model";
  t.oracle = OracleKind::kExitStatus;  // exit 1 = bad-exit: the class shrinking keeps
  return t;
}

std::string Enc(std::vector<Deviation> devs) {
  return protocol::EncodeSchedule(Schedule{kSteps, 0x1234, std::move(devs)});
}

std::chrono::steady_clock::time_point Far() {
  return std::chrono::steady_clock::now() + std::chrono::seconds(60);
}

TEST(Shrink, KeepsExactlyTheOneDeviationTheFailureNeeds) {
  // The failure needs thread 2 to run at step 40, nothing else.
  Model m{[](const std::vector<Deviation>& d) {
    for (const Deviation& x : d)
      if (x.step == 40 && x.thread == 2) return true;
    return false;
  }};
  FakeProcessRunner fake(m);
  const ProbeFn probe = MakeScheduleProbe(fake, ModelTarget(), CampaignOptions{},
                                          FuzzSetting{FuzzSetting::Mode::kPct, 0, 3, 100}, 1);
  const std::string original = Enc({{5, 1}, {12, 3}, {40, 2}, {41, 1}, {77, 3}, {90, 1}});
  const ShrinkResult r = ShrinkSchedule(original, FailureClass::kBadExit, probe, Far());
  ASSERT_TRUE(r.verified);
  EXPECT_EQ(r.schedule, Enc({{40, 2}}));
  EXPECT_EQ(r.final_run.preemptions, 1u);
  EXPECT_EQ(r.final_run.Explanation(),
            std::vector<std::string>{
                "step 40: thread 0 at model.cpp:50 (read) -> thread 2 runs model.cpp:50 (write)"});
  EXPECT_GT(r.attempts, 6u);
  // Candidates ran in guide mode; the last run was the exact replay.
  const auto specs = fake.specs();
  ASSERT_FALSE(specs.empty());
  EXPECT_EQ(EnvOf(specs.front(), "RACELAB_SCHEDULE_MODE"), "guide");
  EXPECT_EQ(EnvOf(specs.back(), "RACELAB_SCHEDULE_MODE"), "exact");
  EXPECT_EQ(EnvOf(specs.back(), "RACELAB_SCHEDULE"), r.schedule);
}

TEST(Shrink, MovesADeviationAsEarlyAsTheFailureAllows) {
  // Thread 3 must run at step 10 or later.
  Model m{[](const std::vector<Deviation>& d) {
    for (const Deviation& x : d)
      if (x.step >= 10 && x.thread == 3) return true;
    return false;
  }};
  FakeProcessRunner fake(m);
  const ProbeFn probe = MakeScheduleProbe(fake, ModelTarget(), CampaignOptions{}, FuzzSetting{}, 1);
  const ShrinkResult r =
      ShrinkSchedule(Enc({{3, 1}, {64, 3}, {80, 2}}), FailureClass::kBadExit, probe, Far());
  ASSERT_TRUE(r.verified);
  EXPECT_EQ(r.schedule, Enc({{10, 3}}));
}

TEST(Shrink, ContinuesFromTheScheduleTheGuidedRunExecuted) {
  // A guided run drops every deviation after step 50 (they do not apply); it fails
  // when thread 1 runs at step 20.
  auto fails = [](const std::vector<Deviation>& d) {
    for (const Deviation& x : d)
      if (x.step == 20 && x.thread == 1) return true;
    return false;
  };
  FakeProcessRunner fake([&](const ProcessSpec& spec) {
    ProcessSpec s = spec;
    if (auto sch = protocol::DecodeSchedule(EnvOf(spec, "RACELAB_SCHEDULE"))) {
      std::vector<Deviation> kept;
      for (const Deviation& x : sch->deviations)
        if (x.step <= 50) kept.push_back(x);
      for (std::string& kv : s.env)
        if (kv.rfind("RACELAB_SCHEDULE=", 0) == 0) kv = "RACELAB_SCHEDULE=" + Enc(kept);
    }
    return Model{fails}(s);
  });
  const ProbeFn probe = MakeScheduleProbe(fake, ModelTarget(), CampaignOptions{}, FuzzSetting{}, 1);
  const ShrinkResult r = ShrinkSchedule(Enc({{20, 1}, {30, 2}, {60, 3}, {70, 2}, {80, 1}}),
                                        FailureClass::kBadExit, probe, Far());
  ASSERT_TRUE(r.verified);
  EXPECT_EQ(r.schedule, Enc({{20, 1}}));
  // Removing step 30 was the first accepted candidate; it also dropped 60, 70, 80,
  // so they were never tried one by one: 2 removals, 2 moves, then one more round of
  // 1 removal and 2 moves that changes nothing.
  EXPECT_EQ(r.attempts, 7u);
}

TEST(Shrink, KeepsTheOriginalWhenTheClassIsGoneOrTimeIsUp) {
  Model never{[](const std::vector<Deviation>&) { return false; }};
  FakeProcessRunner fake(never);
  const ProbeFn probe = MakeScheduleProbe(fake, ModelTarget(), CampaignOptions{}, FuzzSetting{}, 1);
  const std::string original = Enc({{5, 1}});
  const ShrinkResult r = ShrinkSchedule(original, FailureClass::kBadExit, probe, Far());
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(r.schedule, original);

  Model always{[](const std::vector<Deviation>&) { return true; }};
  FakeProcessRunner fake2(always);
  const ProbeFn probe2 =
      MakeScheduleProbe(fake2, ModelTarget(), CampaignOptions{}, FuzzSetting{}, 1);
  const ShrinkResult late = ShrinkSchedule(Enc({{5, 1}, {9, 2}}), FailureClass::kBadExit, probe2,
                                           std::chrono::steady_clock::now());
  EXPECT_TRUE(late.out_of_time);
  EXPECT_EQ(late.attempts, 0u);
  EXPECT_TRUE(late.verified);  // the final exact replay still runs
  EXPECT_EQ(late.schedule, Enc({{5, 1}, {9, 2}}));
  // Not a schedule: nothing to shrink.
  EXPECT_EQ(ShrinkSchedule("bogus", FailureClass::kBadExit, probe2, Far()).schedule, "bogus");
}

}  // namespace
}  // namespace racelab
