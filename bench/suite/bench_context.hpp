// What every bench experiment shares: settings, where the specimens are, one measured run,
// and the small statistics (medians, percentiles) the tables quote.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_report.hpp"
#include "bench_spawn.hpp"
#include "judge/classify.hpp"
#include "run/campaign.hpp"
#include "run/manifest.hpp"
#include "run/target.hpp"

namespace racelab {

// Every knob of every experiment. The defaults live in one place, the options table of
// `racelab bench` (bench.cpp), which also documents each field; --quick shrinks sizes inside
// the experiments.
struct BenchSettings {
  bool quick = false;
  std::optional<int> reps;  // overrides each experiment's default repetitions
  int jobs = 0;             // detection's parallel seed ranges; 0 = the number of cores
  std::uint64_t seed = 1;
  // timing
  std::uint64_t timing_n = 0;
  bool seed_structure = true;  // also run p1s8 as the seed wrote it (RACELAB_WAVE=0)
  // scaling
  std::uint64_t scaling_n = 0;  // 0 = the manifest's timing size
  std::vector<std::uint64_t> threads;
  std::uint64_t loss_runs = 0;  // p2s2 runs per T for the lost-result rate
  // detection
  std::uint64_t ranges = 0;
  std::uint64_t cap = 0;
  std::vector<std::string> fuzz;       // entries (a setting or a comma-separated mix)
  std::vector<std::string> specimens;  // empty = those expected to fail
  // throughput
  std::uint64_t runs = 0;       // plain workload (p1s1)
  std::uint64_t tsan_runs = 0;  // TSan workload (p1s2)
  std::vector<int> jobs_sweep;
  std::vector<std::string> tools;  // racelab, xargs, parallel, stress, sh
  double stress_seconds = 0;       // Go's stress has no run count: it runs this long
  std::uint64_t memory_small = 0;
  std::uint64_t memory_large = 0;
};

// Thrown when SIGINT/SIGTERM arrives; the command then exits 128 + signal.
struct BenchCancelled : std::runtime_error {
  BenchCancelled() : std::runtime_error("interrupted") {}
};

// A bench experiment could not be carried out (a specimen is missing, a tool failed).
struct BenchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct BenchContext {
  BenchSettings settings;
  std::string bin_dir;
  std::string manifest_path;
  std::string suppressions;
  std::string self_exe;  // racelab itself, for timing `racelab run` like any other tool
  Manifest manifest;
  std::vector<std::string> base_env;
  unsigned cores = 2;
  SanitizerOptions sanitizer;
  bool verbose = true;  // one progress line per step on stderr
  std::atomic<bool>* cancelled = nullptr;

  void Status(const std::string& line) const;
  void CheckCancelled() const;
  int Reps(int normal, int quick) const;
  // A manifest specimen as `racelab run` would build it; throws BenchError if not built.
  Target MakeTarget(const std::string& id, Build b, std::uint64_t iterations,
                    std::uint64_t threads) const;
  // Options for MakeSpec: the child environment racelab gives every run.
  CampaignOptions RunOptions(std::chrono::milliseconds timeout) const;
};

// One run of a specimen, measured: the spawn's figures and racelab's verdict on it.
struct MeasuredRun {
  SpawnOutcome spawn;
  RunVerdict verdict;
  std::optional<double> elapsed;  // the program's own `elapsed: X seconds` line
  std::string classes;            // "ok" or the failure classes, comma-separated
};

// Runs t once (fuzz none unless given, output captured) and classifies it.
// `extra_env` is appended to the environment racelab builds (e.g. RACELAB_WAVE=0).
MeasuredRun MeasureRun(const BenchContext& ctx, const Target& t, std::uint64_t seed,
                       const std::vector<std::string>& extra_env = {},
                       std::chrono::milliseconds timeout = std::chrono::minutes(10));

std::string ClassNames(const ClassSet& c);

// Statistics over samples; +inf marks a censored sample (e.g. no failure within the cap).
double Median(std::vector<double> v);
// Nearest-rank percentile, p in (0, 100].
double Percentile(std::vector<double> v, double p);

// "0.0275 s", "5.70 s", "312 ms": three significant digits.
std::string FormatSeconds(double s);
std::string FormatRatio(double r);  // "13.3x"
std::string Fixed(double v, int decimals);

// The campaign runner in use, so that a signal can stop its runs (null when none).
void SetActiveRunner(ProcessRunner* runner);
// Stops the active runner and every SpawnAndWait in progress (the signal watcher calls it).
void CancelActiveWork();

ExperimentResult RunTimingExperiment(BenchContext& ctx);
ExperimentResult RunScalingExperiment(BenchContext& ctx);
ExperimentResult RunDetectionExperiment(BenchContext& ctx);
ExperimentResult RunThroughputExperiment(BenchContext& ctx);

}  // namespace racelab
