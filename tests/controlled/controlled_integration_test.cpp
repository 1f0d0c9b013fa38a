// Controlled scheduling end to end, with the real specimens and the scheduler fixtures
// (tests/variants/fixtures): racelab run/replay with schedules, determinism of recorded
// schedules, shrinking, deadlock, divergence, TSan.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "controlled/shrink.hpp"
#include "racelab_command.hpp"
#include "run/campaign.hpp"
#include "run/child_env.hpp"
#include "run/manifest.hpp"
#include "run/posix_process.hpp"
#include "specimen_target.hpp"

extern char** environ;  // NOLINT: POSIX

namespace racelab {
namespace {

using testing::BinDir;
using testing::Specimen;

using std::chrono::milliseconds;

using testing::RunRacelab;

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "racelab_controlled_" + std::to_string(::getpid()) + "_" + name;
}

nlohmann::json RunJson(std::vector<std::string> args, const std::string& name, int* exit_code) {
  const std::string out = TempPath(name);
  args.insert(args.end(), {"--no-progress", "--format", "json", "--out", out});
  const ProcessResult r = RunRacelab(args);
  *exit_code = r.exit_code;
  std::ifstream in(out);
  if (!in) {
    ADD_FAILURE() << "no report; stderr: " << r.err;
    return {};
  }
  return nlohmann::json::parse(in);
}

std::string Fixture(const std::string& name) {
  return BinDir() + "/fixtures/plain/" + name;
}

CampaignOptions Options() {
  CampaignOptions o;
  o.base_env = CurrentEnvironment();
  o.timeout = milliseconds(60000);
  return o;
}

// The failing schedules of the first `count` failing runs of t under pct:3 (calibrated).
struct Recorded {
  std::string schedule;
  ClassSet classes;
  std::string out;
};
std::vector<Recorded> RecordFailures(ProcessRunner& runner, const Target& t, std::size_t count,
                                     std::uint64_t max_runs) {
  CampaignOptions o = Options();
  o.fuzz = *ParseFuzzList("pct:3");
  const FuzzSetting f = CalibrateFuzz(runner, t, o)[0];
  std::vector<Recorded> out;
  for (std::uint64_t seed = 1; seed <= max_runs && out.size() < count; ++seed) {
    const ProcessResult pr = runner.Run(MakeSpec(t, o, f, seed));
    const RunVerdict v = Classify(pr, t, o.sanitizer);
    if (v.classes.IsOk() || v.sched.schedule.empty()) continue;
    out.push_back({v.sched.schedule, v.classes, pr.out});
  }
  return out;
}

TEST(ControlledCli, BadControlledInputExitsTwoWithOneLine) {
  const std::vector<std::vector<std::string>> cases = {
      {"run", "p1s1", "--fuzz", "pct:0"},
      {"run", "p1s1", "--fuzz", "pct:3:0"},
      {"run", "p1s1", "--fuzz", "random,pct:11"},
      {"run", "p1s1", "--shrink-seconds", "-1"},
      {"run", "p1s1", "--shrink-runs", "-1"},
      {"run", "p1s1", "--shrink-runs", "many"},
      {"replay", "p1s2", "--schedule", "s1-bogus"},
      {"replay", "p1s2", "--schedule", "s1-10-0123456789abcdef-11t1"},  // step beyond the run
      {"replay", "p1s2"},
  };
  for (const auto& args : cases) {
    const ProcessResult r = RunRacelab(args);
    EXPECT_EQ(r.exit_code, 2) << args[3 % args.size()] << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

// (a) A printing class under pct:3, and every example's schedule replays it.
TEST(ControlledCli, P1s2UnderPctShowsPrintingClassesThatReplayFromTheirSchedules) {
  int code = 0;
  const auto j = RunJson({"run", "p1s2", "--build", "plain", "--fuzz", "pct:3", "--runs", "20",
                          "--shrink-runs", "200"},
                         "p1s2.json", &code);
  ASSERT_EQ(code, 1);
  const auto& t = j["targets"][0];
  bool printing = false;
  for (const char* c : {"torn-line", "stale-read", "missing-step", "duplicate-step",
                        "bad-arithmetic", "wrong-result", "out-of-order"})
    printing = printing || t["classes"].contains(c);
  EXPECT_TRUE(printing) << t["classes"].dump();
  ASSERT_FALSE(t["examples"].empty());
  for (const auto& [cls, e] : t["examples"].items()) {
    ASSERT_TRUE(e.contains("schedule")) << cls;
    EXPECT_EQ(e["reproduced"], true) << cls;
    EXPECT_NE(e["replay"].get<std::string>().find("--schedule " + e["schedule"].get<std::string>()),
              std::string::npos);
    EXPECT_NE(e["fuzz"].get<std::string>().rfind("pct:3:", 0), std::string::npos);
    const ProcessResult r = RunRacelab({"replay", "p1s2", "--build", "plain", "--schedule",
                                        e["schedule"].get<std::string>(), "--color", "never"});
    EXPECT_EQ(r.exit_code, 1) << cls;
    const std::string first = r.out.substr(0, r.out.find('\n'));
    EXPECT_NE(first.find(cls), std::string::npos) << first;
    EXPECT_EQ(r.out.find("diverged"), std::string::npos) << r.out;
  }
}

// (b) Recorded failing schedules replay byte for byte with the same classes.
TEST(ControlledReplay, HundredRecordedFailingSchedulesReplayIdentically) {
  PosixProcessRunner runner;
  const CampaignOptions o = Options();
  std::size_t total = 0, identical = 0;
  for (const char* id : {"p1s2", "p1s4", "p1s5"}) {
    const Target t = Specimen(id, Build::kPlain);
    const std::size_t want = id == std::string("p1s5") ? 34 : 33;
    const std::vector<Recorded> recs = RecordFailures(runner, t, want, 2000);
    ASSERT_EQ(recs.size(), want) << id;
    for (const Recorded& r : recs) {
      const ProcessResult pr = runner.Run(MakeSpec(t, o, FuzzSetting{}, 0, r.schedule, "exact"));
      const RunVerdict v = Classify(pr, t, o.sanitizer);
      ++total;
      const bool same = pr.out == r.out && v.classes == r.classes && !v.sched.diverged &&
                        v.sched.schedule == r.schedule;
      identical += same ? 1 : 0;
      EXPECT_TRUE(same) << id << " " << r.schedule << " " << v.sched.DivergedText();
    }
  }
  EXPECT_EQ(total, 100u);
  EXPECT_EQ(identical, 100u);
  std::cout << "[ replay ] " << identical << " of " << total << " identical\n";
}

// (c) The first failing schedule of p1s2 and of p1s4 shrinks to one preemption, minimal,
// naming source lines; bounded by probe runs only, so the verdict is the same on any
// machine under any load.
TEST(ControlledShrink, FirstFailuresOfP1s2AndP1s4ShrinkToOneMinimalPreemption) {
  PosixProcessRunner runner;
  const CampaignOptions o = Options();
  for (const char* id : {"p1s2", "p1s4"}) {
    const Target t = Specimen(id, Build::kPlain);
    const std::vector<Recorded> recs = RecordFailures(runner, t, 1, 200);
    ASSERT_EQ(recs.size(), 1u) << id;
    FailureClass cls = FailureClass::kOk;
    recs[0].classes.ForEach([&](FailureClass c) {
      if (cls == FailureClass::kOk) cls = c;
    });
    ShrinkOptions so;
    so.parallel = 2;
    const ShrinkResult r = ShrinkSchedule(recs[0].schedule, cls,
                                          MakeScheduleProbe(runner, t, o, FuzzSetting{}, 0), so);
    ASSERT_TRUE(r.verified) << id;
    EXPECT_TRUE(r.minimal) << id << " " << r.NotMinimalReason();
    EXPECT_EQ(r.final_run.preemptions, 1u) << id << " " << r.schedule;
    EXPECT_EQ(r.final_run.preemption_lines.size(), r.final_run.preemptions);
    const std::regex site(std::string(id) + R"(\.cpp:\d+ \(\w+\))");
    for (const std::string& l : r.final_run.Explanation()) {
      EXPECT_TRUE(std::regex_search(l, site)) << l;
      std::cout << "[ shrink ] " << id << " " << Name(cls) << " " << r.schedule << ": " << l
                << "\n";
    }
  }
}

// Processes that burn CPU until destroyed (killed and reaped). At the lowest priority: they
// take every cycle the machine leaves idle and preempt racelab whenever the scheduler lets
// them, but inside the test suite they do not slow the tests running beside this one.
class CpuBurners {
 public:
  explicit CpuBurners(int n) {
    for (int i = 0; i < n; ++i) {
      const char* argv[] = {"/usr/bin/nice",       "-n",   "19", "/bin/sh", "-c",
                            "while :; do :; done", nullptr};
      pid_t pid = 0;
      if (posix_spawn(&pid, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) == 0)
        pids_.push_back(pid);
    }
  }
  ~CpuBurners() {
    for (pid_t p : pids_) ::kill(p, SIGKILL);
    for (pid_t p : pids_) ::waitpid(p, nullptr, 0);
  }
  std::size_t size() const { return pids_.size(); }

 private:
  std::vector<pid_t> pids_;
};

// (c2) Shrinking is a function of the runs: beside two CPU burners with --jobs 1, and
// quiet with --jobs 4, every example's schedule is byte-identical.
TEST(ControlledShrink, SchedulesAreTheSameUnderLoadWithOneJobAndQuietWithFour) {
  const std::vector<std::string> args = {"run",    "p1s4",  "p1s3",   "--build", "plain",
                                         "--fuzz", "pct:3", "--runs", "12"};
  nlohmann::json loaded, quiet;
  int code = 0;
  {
    CpuBurners burn(2);
    ASSERT_EQ(burn.size(), 2u);
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--jobs", "1"});
    loaded = RunJson(a, "loaded.json", &code);
  }
  ASSERT_EQ(code, 1);
  std::vector<std::string> a = args;
  a.insert(a.end(), {"--jobs", "4"});
  quiet = RunJson(a, "quiet.json", &code);
  ASSERT_EQ(code, 1);
  ASSERT_EQ(loaded["targets"].size(), 2u);
  ASSERT_EQ(quiet["targets"].size(), 2u);
  std::size_t shrunk = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& l = loaded["targets"][i]["examples"];
    const auto& q = quiet["targets"][i]["examples"];
    ASSERT_EQ(l.size(), q.size());
    ASSERT_FALSE(l.empty());
    for (const auto& [cls, e] : l.items()) {
      ASSERT_TRUE(q.contains(cls)) << cls;
      EXPECT_EQ(e["schedule"], q[cls]["schedule"]) << cls;
      EXPECT_EQ(e["original_schedule"], q[cls]["original_schedule"]) << cls;
      EXPECT_EQ(e["shrink_probes"], q[cls]["shrink_probes"]) << cls;
      EXPECT_EQ(e["minimal"], q[cls]["minimal"]) << cls;
      shrunk += e["schedule"] != e["original_schedule"];
    }
  }
  EXPECT_GT(shrunk, 0u);
}

// (d) lock_inversion deadlocks, named by source lines.
TEST(ControlledCli, LockInversionIsADeadlockNamingSourceLines) {
  int code = 0;
  const auto j = RunJson({"run", Fixture("lock_inversion"), "--fuzz", "pct:3", "--runs", "40",
                          "--oracle", "exit-status"},
                         "lock.json", &code);
  ASSERT_EQ(code, 1);
  const auto& t = j["targets"][0];
  ASSERT_TRUE(t["classes"].contains("deadlock")) << t["classes"].dump();
  EXPECT_FALSE(t["classes"].contains("bad-exit"));
  EXPECT_FALSE(t["classes"].contains("timeout"));
  const auto& e = t["examples"]["deadlock"];
  const auto lines = e["deadlock"].get<std::vector<std::string>>();
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("deadlock at step=", 0), 0u);
  std::size_t named = 0;
  for (const std::string& l : lines)
    named += std::regex_search(l, std::regex(R"(blocked in lock at lock_inversion\.cpp:\d+)"));
  EXPECT_EQ(named, 2u);
}

// (e) one_preemption shrinks to exactly one preemption.
TEST(ControlledCli, OnePreemptionShrinksToExactlyOne) {
  int code = 0;
  const auto j = RunJson({"run", Fixture("one_preemption"), "--fuzz", "random", "--runs", "30",
                          "--oracle", "exit-status"},
                         "one.json", &code);
  ASSERT_EQ(code, 1);
  const auto& e = j["targets"][0]["examples"]["bad-exit"];
  EXPECT_EQ(e["preemptions"], 1) << e.dump();
  ASSERT_EQ(e["explanation"].size(), 1u);
  EXPECT_TRUE(std::regex_search(e["explanation"][0].get<std::string>(),
                                std::regex(R"(one_preemption\.cpp:\d+ \(read\) -> thread)")))
      << e["explanation"][0];
  EXPECT_EQ(e["reproduced"], true);
}

// (f) A schedule replayed on a changed program reports the divergence.
TEST(ControlledCli, ReplayOnTheChangedFixtureReportsDivergence) {
  int code = 0;
  const auto j = RunJson({"run", Fixture("one_preemption"), "--fuzz", "random", "--runs", "30",
                          "--oracle", "exit-status", "--shrink-runs", "0"},
                         "one0.json", &code);
  const std::string schedule = j["targets"][0]["examples"]["bad-exit"]["schedule"];
  const ProcessResult same = RunRacelab({"replay", Fixture("one_preemption"), "--schedule",
                                         schedule, "--oracle", "exit-status", "--color", "never"});
  EXPECT_EQ(same.exit_code, 1);
  EXPECT_EQ(same.out.find("diverged"), std::string::npos) << same.out;
  const ProcessResult changed =
      RunRacelab({"replay", Fixture("one_preemption_changed"), "--schedule", schedule, "--oracle",
                  "exit-status", "--color", "never"});
  EXPECT_TRUE(std::regex_search(changed.out, std::regex(R"(schedule diverged at step \d+: .+)")))
      << changed.out;
}

// (g) TSan still sees p1s2's race under controlled scheduling.
TEST(ControlledCli, P1s2TsanUnderPctShowsDataRace) {
  int code = 0;
  const auto j = RunJson(
      {"run", "p1s2", "--build", "tsan", "--fuzz", "pct:3", "--runs", "6", "--shrink-runs", "0"},
      "tsan.json", &code);
  ASSERT_EQ(code, 1);
  const auto& t = j["targets"][0];
  ASSERT_TRUE(t["classes"].contains("data-race")) << t["classes"].dump();
  EXPECT_EQ(t["classes"]["data-race"], 6);
  EXPECT_TRUE(t["examples"]["data-race"].contains("schedule"));
}

}  // namespace
}  // namespace racelab
