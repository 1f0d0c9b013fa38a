// Shrinking against a model program behind a fake process runner: no process starts.
#include "controlled/shrink.hpp"

#include <gtest/gtest.h>

#include <fmt/core.h>

#include <map>

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
  const ShrinkResult r = ShrinkSchedule(original, FailureClass::kBadExit, probe);
  ASSERT_TRUE(r.verified);
  EXPECT_EQ(r.schedule, Enc({{40, 2}}));
  EXPECT_TRUE(r.minimal);
  EXPECT_EQ(r.NotMinimalReason(), "");
  EXPECT_EQ(r.final_run.preemptions, 1u);
  EXPECT_EQ(r.final_run.Explanation(),
            std::vector<std::string>{
                "step 40: thread 0 at model.cpp:50 (read) -> thread 2 runs model.cpp:50 (write)"});
  // Candidates ran in guide mode (the run with no deviation in guide-choices mode, at
  // the same time as the original's); the last run was the exact replay.
  const auto specs = fake.specs();
  ASSERT_FALSE(specs.empty());
  for (std::size_t k = 0; k + 1 < specs.size(); ++k)
    EXPECT_EQ(EnvOf(specs[k], "RACELAB_SCHEDULE_MODE"),
              protocol::DecodeSchedule(EnvOf(specs[k], "RACELAB_SCHEDULE"))->deviations.empty()
                  ? "guide-choices"
                  : "guide");
  EXPECT_EQ(EnvOf(specs.back(), "RACELAB_SCHEDULE_MODE"), "exact");
  EXPECT_EQ(EnvOf(specs.back(), "RACELAB_SCHEDULE"), r.schedule);
  // Probes count one-at-a-time (a repeated candidate's run is reused); runs add the run
  // with no deviation and the exact replay.
  EXPECT_LE(r.runs, r.probes + 2);
  EXPECT_GT(r.probes, 6u);
  EXPECT_EQ(specs.size(), r.runs);
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
      ShrinkSchedule(Enc({{3, 1}, {64, 3}, {80, 2}}), FailureClass::kBadExit, probe);
  ASSERT_TRUE(r.verified);
  EXPECT_EQ(r.schedule, Enc({{10, 3}}));
  EXPECT_TRUE(r.minimal);
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
  const std::string original = Enc({{20, 1}, {30, 2}, {60, 3}, {70, 2}, {80, 1}});
  const ShrinkResult r = ShrinkSchedule(original, FailureClass::kBadExit, probe);
  ASSERT_TRUE(r.verified);
  EXPECT_EQ(r.schedule, Enc({{20, 1}}));
  // The original's own guided run executed only {20, 30}: no candidate ever named a
  // step after 50.
  for (const ProcessSpec& spec : fake.specs()) {
    const auto sch = protocol::DecodeSchedule(EnvOf(spec, "RACELAB_SCHEDULE"));
    ASSERT_TRUE(sch.has_value());
    if (EnvOf(spec, "RACELAB_SCHEDULE") == original) continue;  // the original itself
    for (const Deviation& x : sch->deviations) EXPECT_LE(x.step, 50u);
  }
}

TEST(Shrink, FindsTheSinglePreemptionThatGreedyShrinkingCannotReach) {
  // Fails with thread 2 at step 30 and thread 3 at step 60 together, or with thread 2
  // at step 45 alone. Removing or moving one deviation of the pair never fails, so
  // only the direct search of single preemptions reaches one preemption.
  Model m{[](const std::vector<Deviation>& d) {
    bool a = false, b = false, single = false;
    for (const Deviation& x : d) {
      a |= x.step == 30 && x.thread == 2;
      b |= x.step == 60 && x.thread == 3;
      single |= x.step == 45 && x.thread == 2;
    }
    return (a && b) || (single && d.size() == 1);
  }};
  FakeProcessRunner fake(m);
  const ProbeFn probe = MakeScheduleProbe(fake, ModelTarget(), CampaignOptions{}, FuzzSetting{}, 1);
  const std::string original = Enc({{10, 1}, {30, 2}, {60, 3}, {80, 1}});
  const ShrinkResult r = ShrinkSchedule(original, FailureClass::kBadExit, probe);
  ASSERT_TRUE(r.verified);
  EXPECT_EQ(r.schedule, Enc({{45, 2}}));
  EXPECT_TRUE(r.minimal);

  // With too small a budget the search stops at the pair and says why; the result is
  // still never less simple than the original.
  ShrinkOptions tight;
  tight.max_probes = 20;
  const ShrinkResult cut = ShrinkSchedule(original, FailureClass::kBadExit, probe, tight);
  ASSERT_TRUE(cut.verified);
  EXPECT_EQ(cut.stop, ShrinkStop::kProbeBudget);
  EXPECT_FALSE(cut.minimal);
  EXPECT_EQ(cut.probes, 20u);
  EXPECT_EQ(cut.NotMinimalReason(), "stopped at the probe budget (20 runs, --shrink-runs)");
  EXPECT_EQ(cut.schedule, Enc({{30, 2}, {60, 3}}));
}

TEST(Shrink, KeepsTheOriginalWhenTheClassIsGoneOrTheTimeCapIsReached) {
  Model never{[](const std::vector<Deviation>&) { return false; }};
  FakeProcessRunner fake(never);
  const ProbeFn probe = MakeScheduleProbe(fake, ModelTarget(), CampaignOptions{}, FuzzSetting{}, 1);
  const std::string original = Enc({{5, 1}});
  const ShrinkResult r = ShrinkSchedule(original, FailureClass::kBadExit, probe);
  EXPECT_FALSE(r.verified);
  EXPECT_FALSE(r.minimal);
  EXPECT_EQ(r.schedule, original);

  Model always{[](const std::vector<Deviation>&) { return true; }};
  FakeProcessRunner fake2(always);
  const ProbeFn probe2 =
      MakeScheduleProbe(fake2, ModelTarget(), CampaignOptions{}, FuzzSetting{}, 1);
  ShrinkOptions capped;
  capped.time_cap = std::chrono::steady_clock::time_point{};  // long past
  const ShrinkResult late =
      ShrinkSchedule(Enc({{5, 1}, {9, 2}}), FailureClass::kBadExit, probe2, capped);
  EXPECT_EQ(late.stop, ShrinkStop::kTimeCap);
  EXPECT_EQ(late.probes, 0u);
  EXPECT_TRUE(late.verified);  // the final exact replay still runs
  EXPECT_FALSE(late.minimal);
  EXPECT_EQ(late.NotMinimalReason(), "stopped at the time cap");
  EXPECT_EQ(late.schedule, Enc({{5, 1}, {9, 2}}));
  // Not a schedule: nothing to shrink.
  EXPECT_EQ(ShrinkSchedule("bogus", FailureClass::kBadExit, probe2).schedule, "bogus");
}

TEST(Shrink, FailsWithoutDeviationsShrinksToNone) {
  Model always{[](const std::vector<Deviation>&) { return true; }};
  FakeProcessRunner fake(always);
  const ProbeFn probe = MakeScheduleProbe(fake, ModelTarget(), CampaignOptions{}, FuzzSetting{}, 1);
  const ShrinkResult r = ShrinkSchedule(Enc({{5, 1}, {9, 2}}), FailureClass::kBadExit, probe);
  ASSERT_TRUE(r.verified);
  EXPECT_EQ(r.schedule, Enc({}));
  EXPECT_TRUE(r.minimal);
}

// A model of a program whose threads 0..3 run one after another under the default
// policy, 25 steps each; step s is thread (s-1)/25 at line 10+(s-1)%25. The failure
// needs the thread at line 17 preempted by a later thread, alone, or two far-apart
// preemptions (thread 2 at step 30, thread 3 at step 60) together. A guide-choices run
// lists every step as a choice; preemption lines name the preempted thread's point.
struct SequentialModel {
  static std::uint32_t ThreadAt(std::uint64_t step) {
    return static_cast<std::uint32_t>((step - 1) / 25);
  }
  static std::uint64_t LineAt(std::uint64_t step) { return 10 + (step - 1) % 25; }
  static bool Fails(const std::vector<Deviation>& d) {
    bool a = false, b = false;
    for (const Deviation& x : d) {
      if (d.size() == 1 && LineAt(x.step) == 17 && x.thread > ThreadAt(x.step)) return true;
      a |= x.step == 30 && x.thread == 2;
      b |= x.step == 60 && x.thread == 3;
    }
    return a && b;
  }
  ProcessResult operator()(const ProcessSpec& spec) const {
    ProcessResult r;
    r.termination = Termination::kExited;
    std::vector<Deviation> devs;
    if (auto s = protocol::DecodeSchedule(EnvOf(spec, "RACELAB_SCHEDULE"))) devs = s->deviations;
    const bool bad = Fails(devs);
    r.out = bad ? "1 + 1 = 2\n" : "";
    r.exit_code = bad ? 1 : 0;
    r.err = "racelab-sched: schedule " + protocol::EncodeSchedule(Schedule{kSteps, 0x1234, devs}) +
            "\n";
    r.err += fmt::format(
        "racelab-sched: stats threads=4 steps={} preemptions={} deviations={} strategy=pct:3:100 "
        "seed=1\n",
        kSteps, devs.size(), devs.size());
    if (EnvOf(spec, "RACELAB_SCHEDULE_MODE") == "guide-choices")
      for (std::uint64_t s = 1; s <= kSteps; ++s)
        if (ThreadAt(s) < 3)
          r.err += fmt::format(
              "racelab-sched: choice step={} thread={} runnable={}-3 at=model.cpp:{} (read)\n", s,
              ThreadAt(s), ThreadAt(s), LineAt(s));
    for (const Deviation& d : devs)
      r.err += fmt::format(
          "racelab-sched: preemption step={} from={} at=model.cpp:{} (read) to={} at=model.cpp:10 "
          "(start)\n",
          d.step, ThreadAt(d.step), LineAt(d.step), d.thread);
    return r;
  }
};

TEST(Shrink, TriesTheOriginalsPreemptionPointsFirstAndFindsTheSinglePreemptionInFewProbes) {
  // The original holds the far-apart pair, which greedy removal would keep, and its last
  // preemption is at line 17 (thread 3 to thread 2: not the failure there).
  const std::string original = Enc({{4, 1}, {30, 2}, {60, 3}, {83, 2}});
  for (int parallel : {1, 4}) {
    FakeProcessRunner fake(SequentialModel{});
    const ProbeFn probe =
        MakeScheduleProbe(fake, ModelTarget(), CampaignOptions{}, FuzzSetting{}, 1);
    ShrinkOptions o;
    o.parallel = parallel;
    const ShrinkResult r = ShrinkSchedule(original, FailureClass::kBadExit, probe, o);
    SCOPED_TRACE(parallel);
    ASSERT_TRUE(r.verified);
    // Thread 0 at line 17 (step 8, the first line-17 choice), to the thread the original
    // switched to there.
    EXPECT_EQ(r.schedule, Enc({{8, 2}}));
    EXPECT_TRUE(r.minimal);
    EXPECT_EQ(r.final_run.preemptions, 1u);
    // The original's guide run, the first likely candidate, then the greedy search's
    // removal (the run with no deviation, reused) and two moves earlier that fail.
    EXPECT_EQ(r.probes, 5u);
    // The run with no deviation asked for its choices, in guide-choices mode.
    bool asked = false;
    for (const ProcessSpec& spec : fake.specs())
      asked |= EnvOf(spec, "RACELAB_SCHEDULE_MODE") == "guide-choices" &&
               protocol::DecodeSchedule(EnvOf(spec, "RACELAB_SCHEDULE"))->deviations.empty();
    EXPECT_TRUE(asked);
  }
}

TEST(Shrink, WithoutChoiceLinesTheGreedySearchStillReachesTheSinglePreemption) {
  // The same program, but its runs list no choices (an older runtime): the likely
  // search has nothing to go on, greedy keeps the pair, the step-by-step search finds
  // line 17 of thread 0 (step 8) to thread 1.
  auto no_choices = [](const ProcessSpec& spec) {
    ProcessSpec s = spec;
    for (std::string& kv : s.env)
      if (kv == "RACELAB_SCHEDULE_MODE=guide-choices") kv = "RACELAB_SCHEDULE_MODE=guide";
    return SequentialModel{}(s);
  };
  FakeProcessRunner fake(no_choices);
  const ProbeFn probe = MakeScheduleProbe(fake, ModelTarget(), CampaignOptions{}, FuzzSetting{}, 1);
  const ShrinkResult r =
      ShrinkSchedule(Enc({{4, 1}, {30, 2}, {60, 3}, {83, 2}}), FailureClass::kBadExit, probe);
  ASSERT_TRUE(r.verified);
  EXPECT_EQ(r.schedule, Enc({{8, 1}}));
  EXPECT_TRUE(r.minimal);
  EXPECT_GT(r.probes, 4u);
}

// A seeded model: fails when the applied deviations are at most two and include one
// of two seeded (step, thread) pairs, or include two of four other seeded pairs. The
// original holds those four and some noise.
struct SeededCase {
  Model model;
  std::vector<Deviation> original;
};

SeededCase Seeded(std::uint64_t seed) {
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  auto pick = [&] {
    return Deviation{1 + next() % kSteps, static_cast<std::uint32_t>(1 + next() % 3)};
  };
  std::vector<Deviation> one{pick(), pick()};
  std::vector<Deviation> two{pick(), pick(), pick(), pick()};
  std::map<std::uint64_t, std::uint32_t> at;
  for (const Deviation& d : two) at[d.step] = d.thread;
  for (int i = 0; i < 12; ++i) at.insert({1 + next() % kSteps, 1 + next() % 3});
  SeededCase c;
  for (const auto& [step, thread] : at) c.original.push_back({step, thread});
  c.model = Model{[one, two](const std::vector<Deviation>& d) {
    std::size_t hits = 0;
    for (const Deviation& x : d) {
      for (const Deviation& o : one)
        if (x.step == o.step && x.thread == o.thread && d.size() <= 2) return true;
      for (const Deviation& o : two) hits += x.step == o.step && x.thread == o.thread;
    }
    return hits >= 2;
  }};
  return c;
}

TEST(Shrink, TheResultDoesNotDependOnHowManyProbesRunAtOnce) {
  // Law: for every model, original and budget, the shrunk schedule, the probe count and
  // the minimality are the same whether probes run one at a time or eight at once.
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const SeededCase c = Seeded(seed);
    const std::string original = Enc(c.original);
    FakeProcessRunner fake(c.model);
    const ProbeFn probe =
        MakeScheduleProbe(fake, ModelTarget(), CampaignOptions{}, FuzzSetting{}, 1);
    for (std::uint64_t budget : {7ull, 60ull, 2000ull}) {
      ShrinkOptions one;
      one.max_probes = budget;
      ShrinkOptions eight = one;
      eight.parallel = 8;
      const ShrinkResult a = ShrinkSchedule(original, FailureClass::kBadExit, probe, one);
      const ShrinkResult b = ShrinkSchedule(original, FailureClass::kBadExit, probe, eight);
      SCOPED_TRACE(fmt::format("seed {} budget {}", seed, budget));
      ASSERT_TRUE(a.verified);
      EXPECT_EQ(a.schedule, b.schedule);
      EXPECT_EQ(a.probes, b.probes);
      EXPECT_EQ(a.minimal, b.minimal);
      EXPECT_EQ(a.stop, b.stop);
      EXPECT_LE(a.probes, budget);
      // Never less simple than the original.
      EXPECT_LE(protocol::DecodeSchedule(a.schedule)->deviations.size(), c.original.size());
      // With the full budget every seeded model reaches its minimum of one or two.
      if (budget == 2000) {
        EXPECT_TRUE(a.minimal);
        EXPECT_LE(protocol::DecodeSchedule(a.schedule)->deviations.size(), 2u);
      }
    }
  }
}

}  // namespace
}  // namespace racelab
