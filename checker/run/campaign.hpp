// A campaign: many runs of several targets, J at a time, folded into one report.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "judge/sanitizer_report.hpp"
#include "report/aggregate.hpp"
#include "report/report.hpp"
#include "run/idle_cores.hpp"
#include "run/process.hpp"
#include "run/shard.hpp"
#include "run/target.hpp"
#include "util/fuzz_setting.hpp"

namespace racelab {

// The default probe budget of shrinking one schedule (--shrink-runs); docs/findings.md,
// "Shrinking", gives the measurement it was chosen from.
inline constexpr std::uint64_t kDefaultShrinkRuns = 2000;
// The default wall-clock safety cap of shrinking one schedule (--shrink-seconds).
inline constexpr double kDefaultShrinkSecondsCap = 300;
// A campaign with max_jobs above jobs runs one more at once when the cores were idle at
// least this share of the time since the sampler's last look (docs/benchmarks.md, "--jobs").
inline constexpr double kIdleShareToGrow = 0.10;

struct CampaignOptions {
  std::uint64_t runs = 100;  // per target
  int jobs = 2;
  // Above jobs: after a run ends, while runs remain and fewer than max_jobs run at once,
  // one more starts whenever idle_sampler says the cores were idle kIdleShareToGrow of the
  // time or more (a program whose runs wait, on locks, joins or an exec, leaves its cores
  // idle). The count only grows. Which worker takes which run never changes a verdict:
  // every run is a function of its index.
  int max_jobs = 0;
  std::shared_ptr<IdleSampler> idle_sampler;
  std::vector<FuzzSetting> fuzz{FuzzSetting{}};
  std::uint64_t seed = 1;
  std::chrono::milliseconds timeout{30000};
  std::size_t output_cap = 16u << 20;
  bool until_fail = false;  // stop a target after its first failing run (in this shard)
  // Run only the campaign's runs i with i mod count = index (docs/scale-out.md); every
  // run keeps the seed and fuzz setting it has in the whole campaign.
  Shard shard;
  std::vector<std::string> base_env;
  std::string suppressions_file;
  SanitizerOptions sanitizer;
  // Controlled runs (docs/scheduling.md): the probe runs to shrink each failing
  // class's schedule with (0 = no shrinking), a wall-clock safety cap on one shrink
  // (0 = no shrinking; a result it stopped says so), and whether each first failure is
  // replayed twice.
  std::uint64_t shrink_runs = kDefaultShrinkRuns;
  double shrink_seconds_cap = kDefaultShrinkSecondsCap;
  bool check_determinism = true;
  // A target without racelab's scheduler under a controlled setting: true = Run()
  // stops before any run and uncontrolled_error() says why (one target); false = its
  // report carries a note (several targets).
  bool refuse_uncontrolled = false;
};

// Live counters for a progress line.
struct Progress {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  std::uint64_t failed = 0;
  ClassMap<std::uint64_t> failures_by_class;
  std::string current;  // label of a target in progress
};

// The command that replays run `seed` of target t with fuzz f.
std::string ReplayCommand(const Target& t, std::uint64_t seed, const FuzzSetting& f);
// The command that replays a controlled run of target t from its schedule.
std::string ScheduleReplayCommand(const Target& t, const std::string& schedule);

// The ProcessSpec of one run: argv, explicit environment, limits; with a
// schedule, RACELAB_SCHEDULE and RACELAB_SCHEDULE_MODE (exact or guide).
ProcessSpec MakeSpec(const Target& t, const CampaignOptions& o, const FuzzSetting& f,
                     std::uint64_t seed, const std::string& schedule = "",
                     const std::string& schedule_mode = "");
// What of a run's environment is the same for every run of target t.
std::vector<std::string> TargetEnv(const Target& t, const CampaignOptions& o);
// MakeSpec with target t's TargetEnv, made once for all its runs, as the spec's shared_env.
ProcessSpec MakeRunSpec(const Target& t, const CampaignOptions& o,
                        std::shared_ptr<const std::vector<std::string>> target_env,
                        const FuzzSetting& f, std::uint64_t seed, const std::string& schedule = "",
                        const std::string& schedule_mode = "");

// The settings target t runs with: each `pct:D` without K becomes `pct:D:K`, K the
// steps of one `random` run with the campaign's first seed (1000 when that run
// reports none), so every run is a function of its seed. With `controlled` given and
// a controlled setting in the list, it also says whether the program has racelab's
// scheduler: whether that run (or one with the first controlled setting) wrote a
// racelab-sched trailer. One run at most. K depends
// on the campaign (target, seed), never on the shard: every shard calibrates alike.
std::vector<FuzzSetting> CalibrateFuzz(ProcessRunner& runner, const Target& t,
                                       const CampaignOptions& o, bool* controlled = nullptr);

// After the runs of a controlled campaign: each first failure per class is
// replayed twice from its schedule (Example::reproduced), `jobs` at a time; then
// each failing class's schedule is shrunk (options.shrink_runs probes each), one
// shrink at a time with `jobs` probes at once. Classes whose first failure is the
// same run share one shrink when its result shows them all with one deviation at
// most. The shrunk schedules are a function of the reports, never of `jobs` or
// timing. Updates `reports` (parallel to `targets`); each replay runs with its
// example's own setting (Example::setting). `cancelled` stops it early.
void FollowUpControlledExamples(ProcessRunner& runner, const CampaignOptions& o,
                                const std::vector<Target>& targets,
                                std::vector<TargetReport>& reports,
                                const std::atomic<bool>* cancelled = nullptr,
                                const std::function<void(const std::string&)>& status = {});

class Campaign {
 public:
  Campaign(ProcessRunner& runner, CampaignOptions options, std::vector<Target> targets);
  // Runs everything (blocking) and returns one report per target, in target
  // order. After Cancel(), returns promptly with the finished runs only.
  std::vector<TargetReport> Run();
  // Stops starting runs and kills the running ones. Thread-safe.
  void Cancel();
  bool cancelled() const { return cancelled_.load(); }
  // Non-empty when Run() refused a target without racelab's scheduler
  // (CampaignOptions::refuse_uncontrolled): the one-line reason.
  const std::string& uncontrolled_error() const { return uncontrolled_error_; }
  Progress progress() const;
  // Per target, the fuzz settings its runs used (pct:D calibrated to pct:D:K); set by Run().
  const std::vector<std::vector<FuzzSetting>>& fuzz() const { return fuzz_; }
  // The most runs at once, after Run(): jobs, or more up to max_jobs.
  int jobs_used() const;

 private:
  // A run a worker took and started.
  struct Taken {
    std::size_t ti = 0;   // its target
    std::uint64_t i = 0;  // its index among the target's runs
    const FuzzSetting* fuzz = nullptr;
    std::unique_ptr<StartedRun> run;
  };
  // Takes the next run to do and starts it (queued behind `after`, a run this worker
  // started and has not waited for, if not null); nullopt when none is left or on Cancel.
  std::optional<Taken> TakeAndStart(StartedRun* after);
  // Judges a finished run and adds it to its target's report.
  void Judge(const Taken& taken, ProcessResult& pr);
  void Worker();
  // After a run: starts one more worker if CampaignOptions::max_jobs allows and the
  // sampler says the cores sat idle.
  void MaybeAddWorker();

  ProcessRunner& runner_;
  CampaignOptions options_;
  std::vector<Target> targets_;
  std::vector<std::unique_ptr<TargetAggregator>> aggregators_;
  std::vector<std::vector<FuzzSetting>> fuzz_;  // per target, calibrated
  std::vector<std::shared_ptr<const std::vector<std::string>>> target_env_;  // TargetEnv each
  std::size_t label_target_ = SIZE_MAX;         // the target progress_.current names (under mu_)
  std::vector<std::atomic<bool>> target_done_;  // --until-fail reached
  std::vector<std::size_t> uncontrolled_;       // targets without racelab's scheduler
  std::string uncontrolled_error_;
  std::atomic<std::uint64_t> next_{0};
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;  // guards aggregators_ and progress_
  Progress progress_;
  mutable std::mutex workers_mu_;    // guards workers_ and the sampler
  std::deque<std::thread> workers_;  // a deque: joining one while another is added is safe
};

}  // namespace racelab
