// racelab as a user runs it: help, bad input, path targets, timeouts, interruption, --expect.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "proc_util.hpp"
#include "racelab_command.hpp"
#include "run/child_env.hpp"
#include "run/posix_process.hpp"

namespace racelab {
namespace {

using std::chrono::milliseconds;

using testing::RunRacelab;

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "racelab_cli_" + std::to_string(::getpid()) + "_" + name;
}

// The fixture under a name unique to this test process, so that a survivor
// check cannot see the fixture runs of other tests running in parallel.
std::string UniqueFixture(const std::string& name) {
  const std::string path = TempPath(name);
  std::filesystem::remove(path);
  std::filesystem::create_symlink(FIXTURE_PROGRAM, path);
  return path;
}

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

int Lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(RacelabCli, EveryCommandHasHelp) {
  for (const char* cmd : {"list", "run", "replay", "report"}) {
    ProcessResult r = RunRacelab({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("options"), std::string::npos) << cmd << r.out;
  }
  ProcessResult top = RunRacelab({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("replay TARGET"), std::string::npos);
}

TEST(RacelabCli, BadInputExitsTwoWithOneLineNamingTheProblem) {
  const std::string not_exec = TempPath("not_executable");
  std::ofstream(not_exec) << "data";
  struct Case {
    std::vector<std::string> args;
    std::string mentions;
  };
  const Case cases[] = {
      {{"run", "p9s9"}, "p9s9"},
      {{"run", "p1s1", "--runs", "0"}, "--runs"},
      {{"run", "p1s1", "--runs", "abc"}, "--runs"},
      {{"run", "p1s1", "--runs", "-5"}, "--runs"},
      {{"run", "p1s1", "--jobs", "0"}, "--jobs"},
      {{"run", "p1s1", "--fuzz", "bogus"}, "bogus"},
      {{"run", "p1s1", "--timeout", "0"}, "--timeout"},
      {{"run", "/nonexistent/prog"}, "/nonexistent/prog"},
      {{"run", not_exec}, "not executable"},
      {{"run", "p1s1", "--frobnicate"}, "frobnicate"},
      {{"run", "p1s1", "--build", "debug"}, "--build"},
      {{"run", "p1s1", "--oracle", "psychic"}, "--oracle"},
      {{"run", "p1s1", "--format", "pdf"}, "pdf"},
      {{"run", "p1s1", "--out", "/nonexistent-dir/r.json"}, "/nonexistent-dir"},
      {{"replay", "p1s1"}, "--seed"},
      {{"report", "/nonexistent.json"}, "/nonexistent.json"},
      {{"report", "/"}, "directory"},
      {{"frob"}, "frob"},
  };
  for (const Case& c : cases) {
    ProcessResult r = RunRacelab(c.args);
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << r.err;
    EXPECT_EQ(Lines(r.err), 1) << joined << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << joined << r.err;
    EXPECT_EQ(r.out, "") << joined;
  }
}

TEST(RacelabCli, JudgesAPathWithTheSumSequenceOracle) {
  const std::string out = TempPath("sum.json");
  ProcessResult r = RunRacelab({"run", FIXTURE_PROGRAM, "--oracle", "sum-sequence", "--runs", "20",
                                "--iterations", "37", "--format", "json", "--out", out},
                               {"FIXTURE_MODE=sum"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(out);
  EXPECT_EQ(j["targets"][0]["classes"]["ok"], 20);
  EXPECT_EQ(j["targets"][0]["build"], "path");
}

TEST(RacelabCli, JudgesAPathWithTheExitStatusOracleAndGivesAReplayLine) {
  const std::string out = TempPath("exit.json");
  ProcessResult r = RunRacelab({"run", FIXTURE_PROGRAM, "--oracle", "exit-status", "--runs", "6",
                                "--format", "json", "--out", out, "--format", "text"},
                               {"FIXTURE_MODE=exit1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = ReadJson(out);
  EXPECT_EQ(j["targets"][0]["classes"]["bad-exit"], 6);
  const std::string replay = j["targets"][0]["examples"]["bad-exit"]["replay"];
  EXPECT_NE(replay.find("--seed 1 "), std::string::npos) << replay;
  EXPECT_NE(r.out.find(replay), std::string::npos) << r.out;  // the text report shows it
}

TEST(RacelabCli, ReportsAHangAsTimeoutWithinASecondAndLeavesNothingBehind) {
  const std::string out = TempPath("hang.json");
  const auto start = std::chrono::steady_clock::now();
  const std::string prog = UniqueFixture("hang_fixture");
  ProcessResult r = RunRacelab({"run", prog, "--runs", "2", "--jobs", "2", "--timeout", "0.5",
                                "--format", "json", "--out", out},
                               {"FIXTURE_MODE=hang"});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_LT(took, milliseconds(1500));
  EXPECT_EQ(ReadJson(out)["targets"][0]["classes"]["timeout"], 2);
  EXPECT_EQ(testing::CountProcessesRunning(prog), 0);
}

TEST(RacelabCli, ReportsEndlessOutputAsOutputOverflow) {
  const std::string out = TempPath("flood.json");
  ProcessResult r = RunRacelab({"run", FIXTURE_PROGRAM, "--runs", "2", "--output-cap", "100000",
                                "--format", "json", "--out", out},
                               {"FIXTURE_MODE=flood"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReadJson(out)["targets"][0]["classes"]["output-overflow"], 2);
}

TEST(RacelabCli, SigintWritesThePartialReportAndExits130) {
  const std::string out = TempPath("interrupted.json");
  PosixProcessRunner runner(false);
  ProcessSpec s;
  const std::string prog = UniqueFixture("sigint_fixture");
  s.argv = {RACELAB_EXE, "run", prog, "--runs", "10000", "--format", "json", "--out", out};
  s.env = CurrentEnvironment();
  s.env.push_back("FIXTURE_MODE=ok");
  s.timeout = milliseconds(60000);
  ProcessResult r;
  std::thread t([&] { r = runner.Run(s); });
  std::this_thread::sleep_for(milliseconds(700));
  const auto start = std::chrono::steady_clock::now();
  // racelab itself, the child of this test; its own children that are being spawned show
  // its command line until their exec.
  const std::vector<int> pids = testing::FindChildProcesses(out);
  ASSERT_EQ(pids.size(), 1u);
  ASSERT_EQ(::kill(pids[0], SIGINT), 0);
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  EXPECT_EQ(r.exit_code, 130) << r.err;
  auto j = ReadJson(out);
  EXPECT_EQ(j["interrupted"], true);
  const std::uint64_t runs = j["targets"][0]["runs"];
  EXPECT_GT(runs, 0u);
  EXPECT_LT(runs, 10000u);
  EXPECT_EQ(j["targets"][0]["classes"]["ok"], runs);
  EXPECT_EQ(testing::CountProcessesRunning(prog), 0);
}

}  // namespace
}  // namespace racelab

namespace racelab {
namespace {

std::uint64_t ClassCount(const nlohmann::json& target, const std::string& cls) {
  return target["classes"].contains(cls) ? target["classes"][cls].get<std::uint64_t>() : 0;
}

// Issue 3's acceptance run: every specimen as the manifest expects, and the seed's
// failures really shown.
TEST(RacelabCli, AllSpecimensBehaveAsTheManifestExpectsOver200Runs) {
  const std::string out = TempPath("all.json");
  ProcessResult r = RunRacelab({"run", "all", "--runs", "200", "--expect", "--no-progress",
                                "--format", "json", "--out", out, "--format", "text"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = ReadJson(out);
  std::map<std::string, nlohmann::json> t;
  for (const auto& target : j["targets"])
    t[target["id"].get<std::string>() + "/" + target["build"].get<std::string>()] = target;
  for (const char* clean : {"p1s1", "p1s6", "p2s1", "p2s3"})
    for (const char* build : {"plain", "tsan"})
      EXPECT_EQ(t.at(std::string(clean) + "/" + build)["failed_runs"], 0) << clean << build;
  for (const char* racy : {"p1s2", "p1s3", "p1s3a", "p1s4", "p2s2"})
    EXPECT_GT(ClassCount(t.at(std::string(racy) + "/tsan"), "data-race"), 0u) << racy;
  EXPECT_GT(ClassCount(t.at("p1s2/plain"), "torn-line") +
                ClassCount(t.at("p1s2/plain"), "misplaced-separator") +
                ClassCount(t.at("p1s2/tsan"), "torn-line") +
                ClassCount(t.at("p1s2/tsan"), "misplaced-separator"),
            0u);
  EXPECT_GT(ClassCount(t.at("p1s5/plain"), "out-of-order") +
                ClassCount(t.at("p1s5/tsan"), "out-of-order"),
            0u);
  for (const auto& [label, target] : t) EXPECT_EQ(target["verdict"], "as-expected") << label;
}

}  // namespace
}  // namespace racelab
