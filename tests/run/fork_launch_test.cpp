// The fork-server launch against exec: the same outputs, classes and schedules for the
// same seeds under controlled scheduling (specimens, both builds), and a server that dies
// is racelab's fault, followed by exec and a note.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <tuple>

#include "judge/classify.hpp"
#include "run/campaign.hpp"
#include "run/child_env.hpp"
#include "run/fork_server_runner.hpp"
#include "run/manifest.hpp"
#include "run/posix_process.hpp"
#include "specimen_target.hpp"

namespace racelab {
namespace {

using testing::BinDir;
using testing::Specimen;

std::string Preload() {
  return BinDir() + "/racelab_preload.so";
}

CampaignOptions Options() {
  CampaignOptions o;
  o.base_env = CurrentEnvironment();
  o.timeout = std::chrono::milliseconds(60000);
  // TSan's in-run symbolization would dominate the time; frames do not decide classes.
  o.base_env.push_back("TSAN_OPTIONS=symbolize=0");
  return o;
}

class ForkExecEquivalence : public ::testing::TestWithParam<std::tuple<std::string, Build>> {};

// Four seeds each of `random` and calibrated `pct:3`: eight runs per launch, of 20
// iterations (the check length of the TSan builds would make this a stress test).
TEST_P(ForkExecEquivalence, ControlledRunsGiveIdenticalOutputsClassesAndSchedules) {
  const auto& [id, build] = GetParam();
  Target t = Specimen(id, build);
  t.iterations = 20;
  CampaignOptions o = Options();
  o.fuzz = *ParseFuzzList("random,pct:3");
  PosixProcessRunner exec;
  ForkServerRunner fork(Launch::kFork, Preload());
  const std::vector<FuzzSetting> settings = CalibrateFuzz(exec, t, o);
  int failing = 0;
  int scheduled = 0;
  for (const FuzzSetting& f : settings)
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      const ProcessSpec spec = MakeSpec(t, o, f, seed);
      const ProcessResult a = exec.Run(spec);
      const ProcessResult b = fork.Run(spec);
      const std::string where = f.ToString() + " seed " + std::to_string(seed);
      EXPECT_EQ(a.out, b.out) << where;
      EXPECT_EQ(a.termination, b.termination) << where;
      EXPECT_EQ(a.exit_code, b.exit_code) << where;
      const RunVerdict va = Classify(a, t, o.sanitizer);
      const RunVerdict vb = Classify(b, t, o.sanitizer);
      EXPECT_TRUE(va.classes == vb.classes) << where;
      EXPECT_EQ(va.sched.schedule, vb.sched.schedule) << where;
      if (!va.classes.IsOk()) ++failing;
      if (!va.sched.schedule.empty()) ++scheduled;
    }
  // Every run was a fork of the server: no fallback made the comparison exec vs exec.
  const LaunchUse use = fork.UseFor(t.executable);
  EXPECT_EQ(use.launch, "fork");
  EXPECT_EQ(use.note, "");
  // p1s2 and p1s4 fail under these seeds and record schedules: the comparison covers both.
  if (id == "p1s2" || id == "p1s4") {
    EXPECT_GT(failing, 0);
    EXPECT_EQ(scheduled, 8);
  }
}

INSTANTIATE_TEST_SUITE_P(Specimens, ForkExecEquivalence,
                         ::testing::Combine(::testing::Values("p1s2", "p1s4", "p1s5", "p1s6"),
                                            ::testing::Values(Build::kPlain, Build::kTsan)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" +
                                  std::string(Name(std::get<1>(info.param)));
                         });

ProcessSpec FixtureSpec(const std::string& mode) {
  ProcessSpec s;
  s.argv = {FIXTURE_PROGRAM};
  s.env = CurrentEnvironment();
  s.env.push_back("FIXTURE_MODE=" + mode);
  s.timeout = std::chrono::milliseconds(60000);
  return s;
}

TEST(ForkServerFailure, AServerKilledBetweenRunsFallsBackToExecAndSaysSo) {
  ForkServerRunner runner(Launch::kFork, Preload());
  const ProcessSpec spec = FixtureSpec("ok");
  const ProcessResult first = runner.Run(spec);
  ASSERT_EQ(first.termination, Termination::kExited);
  EXPECT_EQ(first.out, "hello\n");
  const std::vector<int> servers = runner.IdleServerPids();
  ASSERT_EQ(servers.size(), 1u);
  ::kill(servers[0], SIGKILL);
  // The run had not started: it is run by exec, and correctly.
  const ProcessResult second = runner.Run(spec);
  EXPECT_EQ(second.termination, Termination::kExited);
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_EQ(second.out, "hello\n");
  const LaunchUse use = runner.UseFor(FIXTURE_PROGRAM);
  EXPECT_EQ(use.launch, "fork, then exec");
  EXPECT_NE(use.note.find("harness error"), std::string::npos) << use.note;
  EXPECT_TRUE(runner.IdleServerPids().empty());
}

TEST(ForkServerFailure, AServerKilledDuringARunIsAHarnessErrorNeverTheProgramsClass) {
  ForkServerRunner runner(Launch::kFork, Preload());
  ASSERT_EQ(runner.Run(FixtureSpec("ok")).termination, Termination::kExited);
  const std::vector<int> servers = runner.IdleServerPids();
  ASSERT_EQ(servers.size(), 1u);
  // Another environment, so another server: the one killed once its child is running.
  int child = -1;
  runner.SetStartedHook([&](int server, int pid) {
    if (server == servers[0]) return;
    child = pid;
    ::kill(server, SIGKILL);
  });
  const ProcessResult result = runner.Run(FixtureSpec("hang"));
  EXPECT_EQ(result.termination, Termination::kSpawnFailed);
  EXPECT_NE(result.spawn_error, 0);
  const LaunchUse use = runner.UseFor(FIXTURE_PROGRAM);
  EXPECT_NE(use.note.find("harness error"), std::string::npos) << use.note;
  // Nothing of the run survives: its child was killed with its group and reaped.
  EXPECT_NE(::kill(child, 0), 0);
}

// Ctrl-C during a run: racelab asks the server to kill it (K), and the server, its parent,
// kills and reaps it. The run is cancelled, not the server's fault.
TEST(ForkServerCancel, CancelAllKillsARunningChildThroughItsServer) {
  ForkServerRunner runner(Launch::kFork, Preload());
  std::atomic<int> child{-1};
  runner.SetStartedHook([&](int, int pid) { child.store(pid); });
  ProcessResult result;
  std::thread run([&] { result = runner.Run(FixtureSpec("hang")); });
  // kStarted comes once the child has run for kStartedWithinMs: it is running.
  while (child.load() < 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  runner.CancelAll();
  run.join();
  EXPECT_EQ(result.termination, Termination::kCancelled);
  EXPECT_NE(::kill(child.load(), 0), 0) << "the child is gone, reaped by its server";
  const LaunchUse use = runner.UseFor(FIXTURE_PROGRAM);
  EXPECT_EQ(use.launch, "fork");
  EXPECT_EQ(use.note, "");
}

}  // namespace
}  // namespace racelab
