// The POSIX runner under hostile programs and scarce resources, checked through /proc.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "proc_util.hpp"
#include "run/posix_process.hpp"

namespace racelab {
namespace {

using std::chrono::milliseconds;

// The default timeout is a hang guard for the fixtures that end by themselves. The fixture
// runs under a path of this process's own (testing::OwnLink): other tests run the same
// fixtures in parallel, and the survivor checks below must not count their runs.
ProcessSpec Hostile(const testing::OwnLink& fixture,
                    milliseconds timeout = std::chrono::minutes(10)) {
  ProcessSpec s;
  s.argv = {fixture.path()};
  s.env = {"PATH=/usr/bin:/bin"};
  s.timeout = timeout;
  return s;
}

testing::OwnLink Fixture(const std::string& name) {
  return testing::OwnLink(std::string(HOSTILE_BIN_DIR) + "/" + name, name);
}

TEST(RunnerUnderHostilePrograms, LeavesNoDescriptorZombieOrProcessBehind) {
  PosixProcessRunner runner;
  const int fds = testing::CountOpenFds();
  const char* names[] = {"hang_ignoring_sigterm",     "deadlock_two_mutexes",
                         "kill_self_sigkill",         "print_one_gib",
                         "close_stdout_keep_running", "grandchild_holds_pipes",
                         "setsid_grandchild",         "daemonize_double_fork",
                         "leave_group_and_hang",      "stop_self"};
  for (const char* name : names) {
    const testing::OwnLink fixture = Fixture(name);
    ProcessResult r = runner.Run(Hostile(fixture, milliseconds(1500)));
    EXPECT_NE(r.termination, Termination::kSpawnFailed) << name;
    EXPECT_EQ(testing::CountProcessesRunning(fixture.path()), 0) << name;
  }
  EXPECT_EQ(testing::CountOpenFds(), fds);
  EXPECT_EQ(testing::CountZombieChildren(), 0);
}

TEST(RunnerUnderHostilePrograms, KillsAChildThatMovedIntoAnotherProcessGroup) {
  PosixProcessRunner runner;
  // It never ends by itself: Run returns only by killing it.
  ProcessResult r = runner.Run(Hostile(Fixture("leave_group_and_hang"), milliseconds(500)));
  EXPECT_EQ(r.termination, Termination::kTimedOut);
}

TEST(RunnerUnderHostilePrograms, ReapsEveryLevelOfADaemonAsSubreaper) {
  PosixProcessRunner runner;
  const testing::OwnLink fixture = Fixture("daemonize_double_fork");
  ProcessResult r = runner.Run(Hostile(fixture));
  EXPECT_EQ(r.termination, Termination::kExited);
  EXPECT_EQ(r.out, "child done\n");  // the daemon never ends: Run did not wait for it
  EXPECT_EQ(testing::CountProcessesRunning(fixture.path()), 0);
  EXPECT_EQ(testing::CountZombieChildren(), 0);
}

// Orphan reaping is process-wide (the subreaper role is): a child that another
// runner is still running is not an orphan to be killed.
TEST(RunnerUnderHostilePrograms, OrphanReapingSparesTheRunsOfOtherRunners) {
  // Under a name of its own, so that no survivor check of a parallel test sees it.
  const testing::OwnLink link = Fixture("hang_ignoring_sigterm");
  const std::string& spared = link.path();
  PosixProcessRunner quiet(false);
  ProcessResult long_run;
  std::thread t([&] {
    ProcessSpec s;
    s.argv = {spared};
    s.timeout = std::chrono::minutes(10);  // a safety net: CancelAll below ends the run
    long_run = quiet.Run(s);
  });
  // The other runner's child is running before any orphan scan (found by its exact
  // command line, not racelab's: a spawning child briefly shows its parent's).
  while (testing::FindProcesses(spared).empty()) std::this_thread::sleep_for(milliseconds(1));
  PosixProcessRunner reaper;
  const testing::OwnLink grandparent = Fixture("setsid_grandchild");
  for (int i = 0; i < 5; ++i) reaper.Run(Hostile(grandparent));
  EXPECT_EQ(testing::CountProcessesRunning(spared), 1) << "killed as an orphan";
  quiet.CancelAll();
  t.join();
  EXPECT_EQ(long_run.termination, Termination::kCancelled) << "killed as an orphan";
}

// A campaign can exhaust descriptors; that is racelab's problem, reported as a
// failure to start the run, never an exception that ends racelab.
TEST(RunnerUnderScarceResources, RunningOutOfDescriptorsIsASpawnFailure) {
  PosixProcessRunner runner;
  const testing::OwnLink fixture = Fixture("exit66_without_report");
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
  rlimit tight = old;
  tight.rlim_cur = static_cast<rlim_t>(testing::CountOpenFds() + 1);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  const ProcessSpec s = Hostile(fixture);
  ProcessResult r;
  EXPECT_NO_THROW(r = runner.Run(s));
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &old), 0);
  EXPECT_EQ(r.termination, Termination::kSpawnFailed);
  EXPECT_EQ(r.spawn_error, EMFILE);
  EXPECT_EQ(runner.Run(s).termination, Termination::kExited);  // and it recovers
}

}  // namespace
}  // namespace racelab
