// The soak: 100,000 runs of a tiny specimen in one racelab process, in each launch
// (docs/launch.md): exec, and fork through fork servers. Descriptors, memory, zombies and
// threads must not grow. The run rate is printed, never asserted: it measures the machine
// as much as racelab.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "proc_util.hpp"
#include "run/campaign.hpp"
#include "run/child_env.hpp"
#include "run/fork_server_runner.hpp"
#include "run/posix_process.hpp"

namespace racelab {
namespace {

// A field of /proc/self/status, e.g. "VmRSS" (in kB) or "Threads".
long StatusField(const std::string& name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, name.size() + 1, name + ":") == 0)
      return std::atol(line.c_str() + name.size() + 1);
  return -1;
}

struct Sample {
  std::uint64_t runs = 0;  // finished so far
  int fds = 0;
  long rss_kb = 0;
  int zombies = 0;
  long threads = 0;
  double runs_per_s = 0;  // of the chunk that ended here
};

Sample Measure(std::uint64_t runs, double runs_per_s) {
  return {runs,
          testing::CountOpenFds(),
          StatusField("VmRSS"),
          testing::CountZombieChildren(),
          StatusField("Threads"),
          runs_per_s};
}

class Soak : public ::testing::TestWithParam<Launch> {};

// The fixture program does not link racelab's support library: in the fork launch it
// serves through racelab_preload.so, as a user's program does under `--launch fork`.
TEST_P(Soak, HundredThousandRunsGrowNeitherDescriptorsNorMemoryNorZombies) {
  const Launch launch = GetParam();
  const char* env_runs = std::getenv("RACELAB_SOAK_RUNS");
  const std::uint64_t total = env_runs ? std::strtoull(env_runs, nullptr, 10) : 100'000;
  constexpr std::uint64_t kChunks = 10;
  ASSERT_GE(total, kChunks);
  const std::uint64_t chunk = total / kChunks;

  Target t;
  t.id = FIXTURE_PROGRAM;
  t.executable = FIXTURE_PROGRAM;
  t.oracle = OracleKind::kSumSequence;  // the oracle is part of every run's cost
  t.iterations = 10;
  CampaignOptions o;
  o.runs = chunk;
  o.jobs = 2;
  o.timeout = std::chrono::minutes(10);  // a hang guard: a loaded machine is no timeout
  o.base_env = {"PATH=/usr/bin:/bin", "FIXTURE_MODE=sum"};

  // One runner for the whole soak, as one racelab process has; a campaign per
  // chunk so that the process can be measured between chunks.
  PosixProcessRunner exec;
  ForkServerRunner fork(Launch::kFork, RACELAB_PRELOAD);
  ProcessRunner& runner = launch == Launch::kExec ? static_cast<ProcessRunner&>(exec) : fork;
  std::vector<Sample> samples{Measure(0, 0)};
  for (std::uint64_t c = 0; c < kChunks; ++c) {
    o.seed = 1 + c * chunk;
    Campaign campaign(runner, o, {t});
    const auto start = std::chrono::steady_clock::now();
    const std::vector<TargetReport> reports = campaign.Run();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].runs, chunk);
    EXPECT_EQ(
        reports[0].classes.count(FailureClass::kOk) ? reports[0].classes.at(FailureClass::kOk) : 0,
        chunk)
        << "every run of the tiny specimen is ok";
    EXPECT_EQ(reports[0].harness_errors, 0u);
    samples.push_back(Measure((c + 1) * chunk, static_cast<double>(chunk) / secs));
  }

  std::printf("soak: %llu runs of %s (sum-sequence, N=10), jobs 2, launch %s\n",
              static_cast<unsigned long long>(kChunks * chunk), FIXTURE_PROGRAM, Name(launch));
  std::printf("%10s %6s %10s %8s %8s %10s\n", "runs", "fds", "rss_kB", "zombies", "threads",
              "runs/s");
  for (const Sample& s : samples)
    std::printf("%10llu %6d %10ld %8d %8ld %10.0f\n", static_cast<unsigned long long>(s.runs),
                s.fds, s.rss_kb, s.zombies, s.threads, s.runs_per_s);

  // "Start" is after the first chunk: the allocator and the runtime have warmed
  // up by then, and in the fork launch each worker's server is up (its socket is one
  // descriptor of racelab's, held while the server idles). Nothing may grow from there
  // to the end.
  const Sample& warm = samples[1];
  const Sample& end = samples.back();
  if (launch == Launch::kExec) {
    EXPECT_EQ(end.fds, samples[0].fds);
  } else {
    // Every run was a fork: no server failed and left the runs to exec.
    const LaunchUse use = fork.UseFor(FIXTURE_PROGRAM);
    EXPECT_EQ(use.launch, "fork") << use.note;
    // One idle server per worker, one socket each, beside the descriptors at the start.
    const std::size_t servers = fork.IdleServerPids().size();
    EXPECT_GE(servers, 1u);
    EXPECT_LE(servers, static_cast<std::size_t>(o.jobs));
    EXPECT_EQ(end.fds, samples[0].fds + static_cast<int>(servers));
    EXPECT_EQ(end.fds, warm.fds);
  }
  EXPECT_EQ(end.zombies, 0);
  EXPECT_EQ(end.threads, samples[0].threads);
  EXPECT_LE(end.rss_kb - warm.rss_kb, 2048) << "resident memory grew";
}

INSTANTIATE_TEST_SUITE_P(Launches, Soak, ::testing::Values(Launch::kExec, Launch::kFork),
                         [](const auto& info) { return std::string(Name(info.param)); });

}  // namespace
}  // namespace racelab
