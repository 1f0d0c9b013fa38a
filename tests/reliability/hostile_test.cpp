// The hostile fixtures through the real racelab binary, in both launches (exec and the
// fork server): each gets its stated class, and no process of the run survives.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "proc_util.hpp"
#include "run/child_env.hpp"
#include "run/posix_process.hpp"
#include "util/text_util.hpp"

namespace racelab {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// racelab itself as a user runs it. No subreaper here: what racelab leaves
// behind must stay visible to the survivor check, not be cleaned up by us.
// The --launch of the test in progress.
std::string g_launch = "exec";

ProcessResult Racelab(const std::vector<std::string>& args) {
  PosixProcessRunner runner(false);
  ProcessSpec s;
  s.argv = {RACELAB_EXE};
  s.argv.insert(s.argv.end(), args.begin(), args.end());
  if (!args.empty() && args[0] == "run") s.argv.insert(s.argv.end(), {"--launch", g_launch});
  s.env = CurrentEnvironment();
  s.timeout = std::chrono::minutes(30);  // a hang guard above every run's --timeout
  s.output_cap = 64u << 20;
  return runner.Run(s);
}

// A hostile fixture under a path unique to this test process (testing::OwnLink).
class Hostile {
 public:
  explicit Hostile(const std::string& name)
      : link_(std::string(HOSTILE_BIN_DIR) + "/" + name, name) {}
  const std::string& program() const { return link_.path(); }
  std::string File(const std::string& name) const { return link_.File(name); }

 private:
  testing::OwnLink link_;
};

struct Outcome {
  ProcessResult racelab;
  nlohmann::json report;  // targets[0]
  milliseconds took{0};
  std::vector<int> survivors;
  std::string report_path;
};

// --timeout for the fixtures that never end by themselves: only racelab's kill ends them, so
// their class is `timeout` on any machine.
constexpr double kKilledAt = 1;
// --timeout for the fixtures that end by themselves: a hang guard, never the verdict, so a
// loaded machine cannot turn their class into `timeout`.
constexpr double kHangGuard = 600;

// Runs `runs` runs of the fixture, two at a time, and gathers what the tests check.
Outcome RunHostile(const Hostile& h, const std::string& oracle, double timeout_s, int runs = 2) {
  Outcome o;
  o.report_path = h.File("report.json");
  char timeout[32];
  std::snprintf(timeout, sizeof timeout, "%g", timeout_s);
  const auto start = std::chrono::steady_clock::now();
  o.racelab = Racelab({"run", h.program(), "--oracle", oracle, "--runs", std::to_string(runs),
                       "--jobs", "2", "--timeout", timeout, "--format", "json", "--out",
                       o.report_path, "--no-progress"});
  o.took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  o.survivors = testing::FindProcesses(h.program());
  std::ifstream in(o.report_path);
  if (in) o.report = nlohmann::json::parse(in, nullptr, false)["targets"][0];
  // Every run started as asked: no fallback hides a fork-server problem behind exec.
  if (o.report.is_object()) EXPECT_EQ(o.report.value("launch", ""), g_launch) << h.program();
  return o;
}

std::map<std::string, int> Classes(const Outcome& o) {
  std::map<std::string, int> out;
  if (o.report.is_object())
    for (auto& [name, n] : o.report["classes"].items()) out[name] = n.get<int>();
  return out;
}

// The whole contract for one fixture: exactly `expected` in every run, the right exit
// status, nothing left running. (No bound on the time taken: a fixture that never ends
// by itself would hold racelab forever if it were not killed.)
Outcome ExpectConclusion(const std::string& name, const std::string& oracle, double timeout_s,
                         const std::map<std::string, int>& expected) {
  Hostile h(name);
  Outcome o = RunHostile(h, oracle, timeout_s);
  const bool ok = expected.size() == 1 && expected.count("ok") == 1;
  EXPECT_EQ(o.racelab.exit_code, ok ? 0 : 1) << name << ": " << o.racelab.err;
  EXPECT_EQ(Classes(o), expected) << name << ": " << o.report.dump(1);
  EXPECT_TRUE(o.survivors.empty()) << name << ": " << o.survivors.size() << " survivor(s)";
  return o;
}

class HostileFixtures : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { g_launch = GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Launch, HostileFixtures, ::testing::Values("exec", "fork"),
                         [](const auto& info) { return info.param; });

TEST_P(HostileFixtures, AHangIgnoringSigtermIsATimeoutAndIsKilled) {
  ExpectConclusion("hang_ignoring_sigterm", "exit-status", kKilledAt, {{"timeout", 2}});
}

TEST_P(HostileFixtures, ADeadlockOnTwoMutexesIsATimeout) {
  ExpectConclusion("deadlock_two_mutexes", "exit-status", kKilledAt, {{"timeout", 2}});
}

TEST_P(HostileFixtures, ExitStatus66WithoutASanitizerReportIsABadExit) {
  ExpectConclusion("exit66_without_report", "exit-status", kHangGuard, {{"bad-exit", 2}});
}

TEST_P(HostileFixtures, KillingItselfWithSigkillIsACrashNotATimeout) {
  ExpectConclusion("kill_self_sigkill", "exit-status", kHangGuard, {{"crash", 2}});
}

TEST_P(HostileFixtures, DyingOfSigsegvOrSigabrtIsACrash) {
  ExpectConclusion("kill_self_sigsegv", "exit-status", kHangGuard, {{"crash", 2}});
  ExpectConclusion("kill_self_sigabrt", "exit-status", kHangGuard, {{"crash", 2}});
}

TEST_P(HostileFixtures, PrintingOneGibIsStoppedAtTheCapAsOutputOverflow) {
  // output-overflow, not ok: racelab stopped reading at the cap and killed the run.
  ExpectConclusion("print_one_gib", "exit-status", kHangGuard, {{"output-overflow", 2}});
}

TEST_P(HostileFixtures, ATenMibLineWithoutNewlineIsOkUnderExitStatus) {
  ExpectConclusion("one_long_line", "exit-status", kHangGuard, {{"ok", 2}});
}

TEST_P(HostileFixtures, ATenMibLineIsTornUnderSumSequenceAndTheReportStaysSmall) {
  Hostile h("one_long_line");
  const Outcome o = RunHostile(h, "sum-sequence", kHangGuard);
  EXPECT_EQ(Classes(o), (std::map<std::string, int>{
                            {"torn-line", 2}, {"missing-step", 2}, {"wrong-result", 2}}));
  EXPECT_LT(fs::file_size(o.report_path), 64u << 10) << "the excerpt must be clipped";
  EXPECT_TRUE(o.survivors.empty());
}

TEST_P(HostileFixtures, NulBytesAndInvalidUtf8AreOkUnderExitStatus) {
  ExpectConclusion("nul_and_invalid_utf8", "exit-status", kHangGuard, {{"ok", 2}});
}

// Every report format stays well-formed and the text report cannot drive a
// terminal, whatever bytes the program printed.
TEST_P(HostileFixtures, NulBytesInvalidUtf8AndEscapesAreTornAndNeverReachAReportRaw) {
  Hostile h("nul_and_invalid_utf8");
  const Outcome o = RunHostile(h, "sum-sequence", kHangGuard);
  ASSERT_TRUE(o.report.is_object()) << o.racelab.err;
  EXPECT_EQ(Classes(o), (std::map<std::string, int>{
                            {"torn-line", 2}, {"missing-step", 2}, {"wrong-result", 2}}));
  const std::string excerpt = o.report["examples"]["torn-line"]["excerpt"].dump();
  EXPECT_NE(excerpt.find("\\\\x1b"), std::string::npos) << excerpt;  // shown, escaped
  const ProcessResult text = Racelab({"report", o.report_path, "--format", "text"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(TerminalSafe(text.out), text.out) << text.out;
  const ProcessResult junit = Racelab({"report", o.report_path, "--format", "junit"});
  EXPECT_EQ(junit.exit_code, 0) << junit.err;
  EXPECT_EQ(junit.out.find("<script>"), std::string::npos);
  EXPECT_EQ(junit.out.find("</system-out><"), std::string::npos);
  EXPECT_EQ(ToValidUtf8(junit.out), junit.out);
  EXPECT_EQ(junit.out.find('\x1b'), std::string::npos);
}

TEST_P(HostileFixtures, EscapesInASanitizerReportNeverReachTheTextReport) {
  Hostile h("escapes_in_tsan_report");
  const Outcome o = RunHostile(h, "exit-status", kHangGuard);
  EXPECT_EQ(Classes(o), (std::map<std::string, int>{{"data-race", 2}, {"sanitizer-other", 2}}))
      << o.report.dump(1);
  const ProcessResult text = Racelab({"report", o.report_path, "--format", "text"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("data race"), std::string::npos) << text.out;
  EXPECT_EQ(TerminalSafe(text.out), text.out) << text.out;
}

TEST_P(HostileFixtures, ASixMibSanitizerKindIsCutSoTheReportStaysSmall) {
  Hostile h("huge_tsan_report_kind");
  const Outcome o = RunHostile(h, "exit-status", kHangGuard);
  EXPECT_EQ(Classes(o), (std::map<std::string, int>{{"sanitizer-other", 2}})) << o.racelab.err;
  EXPECT_LT(fs::file_size(o.report_path), 64u << 10);
  EXPECT_TRUE(o.survivors.empty());
}

TEST_P(HostileFixtures, ClosingStdoutAndRunningOnIsOkAndWaitedFor) {
  Hostile h("close_stdout_keep_running");
  const Outcome o = RunHostile(h, "exit-status", kHangGuard);
  EXPECT_EQ(Classes(o), (std::map<std::string, int>{{"ok", 2}})) << o.report.dump(1);
  // A lower bound only (the fixture sleeps 1 s after closing its output): load can only
  // make it longer.
  EXPECT_GE(o.took.count(), 1000) << "racelab must wait for the exit, not for end of output";
  EXPECT_TRUE(o.survivors.empty());
}

TEST_P(HostileFixtures, WritingOnlyToStderrIsOkUnderExitStatus) {
  ExpectConclusion("stderr_only", "exit-status", kHangGuard, {{"ok", 2}});
}

TEST_P(HostileFixtures, AGrandchildHoldingThePipesNeitherDelaysTheRunNorSurvivesIt) {
  Hostile h("grandchild_holds_pipes");
  const Outcome o = RunHostile(h, "exit-status", kHangGuard);
  EXPECT_EQ(Classes(o), (std::map<std::string, int>{{"ok", 2}})) << o.report.dump(1);
  // It never ends by itself: racelab returned without waiting for it.
  EXPECT_TRUE(o.survivors.empty());
}

TEST_P(HostileFixtures, ASetsidGrandchildIsReapedAsTheChildSubreaper) {
  Hostile h("setsid_grandchild");
  const Outcome o = RunHostile(h, "exit-status", kHangGuard);
  EXPECT_EQ(Classes(o), (std::map<std::string, int>{{"ok", 2}})) << o.report.dump(1);
  // It never ends by itself: racelab returned without waiting for it.
  EXPECT_TRUE(o.survivors.empty());
}

TEST_P(HostileFixtures, ADoubleForkedDaemonDoesNotSurviveTheRun) {
  Hostile h("daemonize_double_fork");
  const Outcome o = RunHostile(h, "exit-status", kHangGuard);
  EXPECT_EQ(Classes(o), (std::map<std::string, int>{{"ok", 2}})) << o.report.dump(1);
  // It never ends by itself: racelab returned without waiting for it.
  EXPECT_TRUE(o.survivors.empty());
}

TEST_P(HostileFixtures, AChildThatLeavesItsProcessGroupStillTimesOut) {
  ExpectConclusion("leave_group_and_hang", "exit-status", kKilledAt, {{"timeout", 2}});
}

TEST_P(HostileFixtures, AStoppedChildIsATimeout) {
  ExpectConclusion("stop_self", "exit-status", kKilledAt, {{"timeout", 2}});
}

TEST_P(HostileFixtures, AThousandThreadsThatExitAreOk) {
  ExpectConclusion("thousand_threads", "exit-status", kHangGuard, {{"ok", 2}});
}

// Security: argv goes to posix_spawn as given, never through a shell, so a path
// full of shell syntax is only a strange file name.
TEST_P(HostileFixtures, APathFullOfShellSyntaxIsRunAsGivenNeverThroughAShell) {
  Hostile h("stderr_only");
  const std::string dir = fs::path(h.program()).parent_path().string();
  const std::string odd = dir + "/a b;touch pwned$(touch pwned2)`touch pwned3`|&'\"";
  fs::create_symlink(h.program(), odd);
  const ProcessResult r =
      Racelab({"run", odd, "--runs", "2", "--format", "json", "--out", h.File("r.json")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"pwned", "pwned2", "pwned3"}) {
    EXPECT_FALSE(fs::exists(dir + "/" + f)) << f;
    EXPECT_FALSE(fs::exists(f)) << f;
  }
}

}  // namespace
}  // namespace racelab
