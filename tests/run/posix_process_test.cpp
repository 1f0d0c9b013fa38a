// The real runner against a fixture program: exits, crashes, hangs, floods, stray children.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "proc_util.hpp"
#include "run/posix_process.hpp"

namespace racelab {
namespace {

using std::chrono::milliseconds;
using testing::CountOpenFds;
using testing::CountProcessesRunning;
using testing::CountZombieChildren;

// ctest runs tests in parallel, several of them with the same fixture mode: each test
// process tags its fixtures with its own pid (an argument the fixture ignores), so a search
// for survivors finds this test's processes and no other's.
std::string Tag() {
  return "tag-" + std::to_string(::getpid());
}

// The command line of this test's fixture in `mode`, as /proc shows it.
std::string FixtureCommand(const std::string& mode) {
  return std::string(FIXTURE_PROGRAM) + " " + mode + " " + Tag();
}

// The default timeout is a hang guard for the modes that end by themselves: a loaded machine
// cannot turn their termination into kTimedOut. The tests of timeouts pass their own.
ProcessSpec Fixture(const std::string& mode, milliseconds timeout = std::chrono::minutes(10)) {
  ProcessSpec s;
  s.argv = {FIXTURE_PROGRAM, mode, Tag()};
  s.env = {"PATH=/usr/bin:/bin", "RACELAB_ITERATIONS=3"};
  s.timeout = timeout;
  return s;
}

TEST(PosixProcessRunner, CapturesStdoutAndExitStatus) {
  PosixProcessRunner runner;
  ProcessResult r = runner.Run(Fixture("ok"));
  EXPECT_EQ(r.termination, Termination::kExited);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello\n");
  EXPECT_EQ(runner.Run(Fixture("exit1")).exit_code, 1);
  ProcessResult e = runner.Run(Fixture("stderr-only"));
  EXPECT_EQ(e.err, "only stderr\n");
  EXPECT_EQ(e.out, "");
}

TEST(PosixProcessRunner, PassesExactlyTheGivenEnvironment) {
  PosixProcessRunner runner;
  ProcessResult r = runner.Run(Fixture("env"));
  EXPECT_NE(r.out.find("RACELAB_ITERATIONS=3\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("RACELAB_SEED=(unset)\n"), std::string::npos) << r.out;
}

TEST(PosixProcessRunner, PassesTheSharedEnvironmentAndTheRunsOwn) {
  PosixProcessRunner runner;
  ProcessSpec s = Fixture("env");
  s.env = {"RACELAB_ITERATIONS=3"};
  s.shared_env = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"PATH=/usr/bin:/bin", "RACELAB_SEED=5"});
  ProcessResult r = runner.Run(s);
  EXPECT_NE(r.out.find("RACELAB_ITERATIONS=3\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("RACELAB_SEED=5\n"), std::string::npos) << r.out;
}

TEST(PosixProcessRunner, ReportsCrashSignals) {
  PosixProcessRunner runner;
  ProcessResult segv = runner.Run(Fixture("segv"));
  EXPECT_EQ(segv.termination, Termination::kSignaled);
  EXPECT_EQ(segv.signal, SIGSEGV);
  ProcessResult abrt = runner.Run(Fixture("abort"));
  EXPECT_EQ(abrt.termination, Termination::kSignaled);
  EXPECT_EQ(abrt.signal, SIGABRT);
}

// The fixture ignores SIGTERM and never ends: Run returns only if it kills the group.
TEST(PosixProcessRunner, KillsAHangingGroupAtTheTimeout) {
  PosixProcessRunner runner;
  ProcessResult r = runner.Run(Fixture("hang", milliseconds(300)));
  EXPECT_EQ(r.termination, Termination::kTimedOut);
  EXPECT_EQ(CountProcessesRunning(FixtureCommand("hang")), 0);
}

TEST(PosixProcessRunner, StopsAFloodAtTheCap) {
  PosixProcessRunner runner;
  ProcessSpec s = Fixture("flood");
  s.output_cap = 1 << 20;
  ProcessResult r = runner.Run(s);
  EXPECT_EQ(r.termination, Termination::kOutputOverflow);
  EXPECT_EQ(r.out.size(), 1u << 20);
}

TEST(PosixProcessRunner, AProgramThatClosesStdoutEarlyStillEndsNormally) {
  PosixProcessRunner runner;
  ProcessResult r = runner.Run(Fixture("close-stdout"));
  EXPECT_EQ(r.termination, Termination::kExited);
  EXPECT_EQ(r.exit_code, 0);
}

TEST(PosixProcessRunner, AGrandchildHoldingThePipesDoesNotHoldTheRunOrSurviveIt) {
  {
    PosixProcessRunner runner;
    for (const char* mode : {"grandchild", "setsid-grandchild"}) {
      // The grandchild never ends by itself: a runner that waited for it would not return.
      ProcessResult r = runner.Run(Fixture(mode));
      EXPECT_EQ(r.termination, Termination::kExited) << mode;
      EXPECT_EQ(r.out, "parent done\n") << mode;
      EXPECT_EQ(CountProcessesRunning(FixtureCommand(mode)), 0) << mode;
    }
  }
  // Every orphan is reaped by the time the runner is gone (its last, forced scan), whatever
  // the order in which the kernel delivered the grandchildren's exits.
  EXPECT_EQ(CountZombieChildren(), 0);
}

TEST(PosixProcessRunner, LeaksNoDescriptorIntoChildrenOrItself) {
  PosixProcessRunner runner;
  const int before = CountOpenFds();
  for (int i = 0; i < 200; ++i) runner.Run(Fixture(i % 2 ? "ok" : "exit1"));
  EXPECT_EQ(CountOpenFds(), before);
  EXPECT_EQ(CountZombieChildren(), 0);
  ProcessResult r = runner.Run(Fixture("fds"));
  EXPECT_EQ(r.out, "0\n1\n2\n");
}

TEST(PosixProcessRunner, MissingExecutableIsASpawnFailure) {
  PosixProcessRunner runner;
  ProcessSpec s;
  s.argv = {"/nonexistent/program"};
  ProcessResult r = runner.Run(s);
  EXPECT_EQ(r.termination, Termination::kSpawnFailed);
  EXPECT_EQ(r.spawn_error, ENOENT);
}

TEST(PosixProcessRunner, CancelAllKillsRunningGroupsFromAnotherThread) {
  PosixProcessRunner runner;
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(200));
    runner.CancelAll();
  });
  // Cancelled before or during the run, it ends kCancelled; never at its (day-long) timeout.
  ProcessResult r = runner.Run(Fixture("hang", std::chrono::hours(24)));
  canceller.join();
  EXPECT_EQ(r.termination, Termination::kCancelled);
  EXPECT_EQ(runner.Run(Fixture("ok")).termination, Termination::kCancelled);
  EXPECT_EQ(CountProcessesRunning(FixtureCommand("hang")), 0);
}

}  // namespace
}  // namespace racelab
