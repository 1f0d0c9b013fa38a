// A campaign: many runs of several targets, J at a time, folded into one report.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aggregate.hpp"
#include "fuzz_setting.hpp"
#include "process.hpp"
#include "report.hpp"
#include "sanitizer_report.hpp"
#include "target.hpp"

namespace racelab {

struct CampaignOptions {
  std::uint64_t runs = 100;  // per target
  int jobs = 2;
  std::vector<FuzzSetting> fuzz{FuzzSetting{}};
  std::uint64_t seed = 1;
  std::chrono::milliseconds timeout{30000};
  std::size_t output_cap = 16u << 20;
  bool until_fail = false;  // stop a target after its first failing run
  std::vector<std::string> base_env;
  std::string suppressions_file;
  SanitizerOptions sanitizer;
};

// Live counters for a progress line.
struct Progress {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  std::uint64_t failed = 0;
  std::map<std::string, std::uint64_t> failures_by_class;
  std::string current;  // label of a target in progress
};

// The command that replays run `seed` of target t with fuzz f.
std::string ReplayCommand(const Target& t, std::uint64_t seed, const FuzzSetting& f);

// The ProcessSpec of one run: argv, explicit environment, limits.
ProcessSpec MakeSpec(const Target& t, const CampaignOptions& o, const FuzzSetting& f,
                     std::uint64_t seed);

class Campaign {
 public:
  Campaign(ProcessRunner& runner, CampaignOptions options, std::vector<Target> targets);
  // Runs everything (blocking) and returns one report per target, in target
  // order. After Cancel(), returns promptly with the finished runs only.
  std::vector<TargetReport> Run();
  // Stops starting runs and kills the running ones. Thread-safe.
  void Cancel();
  bool cancelled() const { return cancelled_.load(); }
  Progress progress() const;

 private:
  void Worker();

  ProcessRunner& runner_;
  CampaignOptions options_;
  std::vector<Target> targets_;
  std::vector<std::unique_ptr<TargetAggregator>> aggregators_;
  std::vector<std::atomic<bool>> target_done_;  // --until-fail reached
  std::atomic<std::uint64_t> next_{0};
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;  // guards aggregators_ and progress_
  Progress progress_;
};

}  // namespace racelab
