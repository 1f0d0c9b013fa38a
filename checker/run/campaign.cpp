// The campaign scheduler: a pool of workers pulling (target, run) pairs in order.
#include "run/campaign.hpp"

#include <fmt/core.h>

#include <algorithm>

#include <set>
#include <thread>

#include "controlled/shrink.hpp"
#include "run/child_env.hpp"

namespace racelab {

namespace {

// What every replay line names after its run selection: the settings that differ
// from the manifest's, and how a path target is judged.
std::string ReplaySuffix(const Target& t) {
  std::string cmd;
  const bool default_iterations =
      t.variant != nullptr && t.iterations == t.variant->check_iterations;
  if (t.iterations != 0 && !default_iterations)
    cmd += fmt::format(" --iterations {}", t.iterations);
  const bool default_threads = t.variant != nullptr && t.threads == t.variant->threads;
  if (t.threads != 0 && !default_threads) cmd += fmt::format(" --threads {}", t.threads);
  if (t.variant == nullptr) {
    cmd += fmt::format(" --oracle {}", Name(t.oracle));
    if (t.tsan) cmd += " --tsan";
  }
  return cmd;
}

std::string ReplayPrefix(const Target& t) {
  std::string cmd = "racelab replay " + ShellQuote(t.id);
  if (t.build) cmd += fmt::format(" --build {}", Name(*t.build));
  return cmd;
}

}  // namespace

std::string ReplayCommand(const Target& t, std::uint64_t seed, const FuzzSetting& f) {
  return ReplayPrefix(t) + fmt::format(" --seed {} --fuzz {}", seed, f.ToString()) +
         ReplaySuffix(t);
}

std::string ScheduleReplayCommand(const Target& t, const std::string& schedule) {
  // A schedule is [0-9a-z.-] only: safe unquoted, but quote anything else.
  return ReplayPrefix(t) + " --schedule " + ShellQuote(schedule) + ReplaySuffix(t);
}

ProcessSpec MakeSpec(const Target& t, const CampaignOptions& o, const FuzzSetting& f,
                     std::uint64_t seed, const std::string& schedule,
                     const std::string& schedule_mode) {
  ProcessSpec spec;
  spec.argv = {t.executable};
  RunParams p;
  p.iterations = t.iterations;
  p.threads = t.threads;
  p.fuzz = f;
  p.seed = seed;
  p.schedule = schedule;
  p.schedule_mode = schedule_mode;
  spec.env = BuildChildEnv(o.base_env, p, t.tsan, o.suppressions_file);
  spec.timeout = o.timeout;
  spec.output_cap = o.output_cap;
  return spec;
}

std::vector<FuzzSetting> CalibrateFuzz(ProcessRunner& runner, const Target& t,
                                       const CampaignOptions& o) {
  std::vector<FuzzSetting> out = o.fuzz;
  std::optional<std::uint64_t> k;
  for (FuzzSetting& f : out) {
    if (f.mode != FuzzSetting::Mode::kPct || f.k != 0) continue;
    if (!k) {
      const ProcessResult pr =
          runner.Run(MakeSpec(t, o, FuzzSetting{FuzzSetting::Mode::kRandom, 0}, o.seed));
      const protocol::SchedTrailer tr = protocol::ParseSchedTrailer(pr.err);
      k = tr.stats_seen && tr.steps > 0 ? std::min(tr.steps, protocol::kMaxPctSteps)
                                        : protocol::kDefaultPctSteps;
    }
    f.k = *k;
  }
  return out;
}

Campaign::Campaign(ProcessRunner& runner, CampaignOptions options, std::vector<Target> targets)
    : runner_(runner),
      options_(std::move(options)),
      targets_(std::move(targets)),
      target_done_(targets_.size()) {
  for (const Target& t : targets_) aggregators_.push_back(std::make_unique<TargetAggregator>(t));
  for (auto& d : target_done_) d.store(false);
  progress_.total = ShardRunCount(options_.runs, options_.shard) * targets_.size();
}

void Campaign::Cancel() {
  cancelled_.store(true);
  runner_.CancelAll();
}

Progress Campaign::progress() const {
  std::lock_guard<std::mutex> lock(mu_);
  return progress_;
}

void Campaign::Worker() {
  const std::uint64_t per_target = ShardRunCount(options_.runs, options_.shard);
  const std::uint64_t total = per_target * targets_.size();
  while (!cancelled_.load()) {
    const std::uint64_t n = next_.fetch_add(1);
    if (n >= total) return;
    const std::size_t ti = n / per_target;
    const std::uint64_t i = ShardRunIndex(options_.shard, n % per_target);
    if (target_done_[ti].load()) {
      std::lock_guard<std::mutex> lock(mu_);
      ++progress_.done;  // skipped after --until-fail: counts as handled
      continue;
    }
    const Target& t = targets_[ti];
    const std::vector<FuzzSetting>& mix = fuzz_.empty() ? options_.fuzz : fuzz_[ti];
    const FuzzSetting& f = mix[i % mix.size()];
    const std::uint64_t seed = options_.seed + i;
    {
      std::lock_guard<std::mutex> lock(mu_);
      progress_.current = t.Label();
    }
    ProcessResult pr = runner_.Run(MakeSpec(t, options_, f, seed));
    if (pr.termination == Termination::kCancelled) return;
    RunVerdict v = Classify(pr, t, options_.sanitizer);
    // A controlled run replays from its schedule, whatever its seed.
    const bool by_schedule = f.IsControlled() && !v.sched.schedule.empty();
    RunInfo info{
        i,
        seed,
        f.ToString(),
        by_schedule ? ScheduleReplayCommand(t, v.sched.schedule) : ReplayCommand(t, seed, f),
        &pr,
        &f};

    std::lock_guard<std::mutex> lock(mu_);
    aggregators_[ti]->Add(info, v);
    ++progress_.done;
    if (!v.harness_error && !v.classes.Has(FailureClass::kOk)) {
      ++progress_.failed;
      v.classes.ForEach(
          [&](FailureClass c) { ++progress_.failures_by_class[std::string(Name(c))]; });
      if (options_.until_fail) target_done_[ti].store(true);
    }
  }
}

std::vector<TargetReport> Campaign::Run() {
  const int jobs = std::max(1, options_.jobs);
  fuzz_.clear();
  for (const Target& t : targets_) {
    if (cancelled_.load()) break;
    {
      std::lock_guard<std::mutex> lock(mu_);
      progress_.current = "calibrating " + t.Label();
    }
    fuzz_.push_back(CalibrateFuzz(runner_, t, options_));
  }
  if (fuzz_.size() != targets_.size()) fuzz_.assign(targets_.size(), options_.fuzz);
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(jobs));
  for (int j = 0; j < jobs; ++j) workers.emplace_back([this] { Worker(); });
  for (std::thread& w : workers) w.join();
  std::vector<TargetReport> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& a : aggregators_) out.push_back(a->Snapshot());
  }
  if (!cancelled_.load())
    FollowUpControlledExamples(runner_, options_, targets_, out, &cancelled_,
                               [this](const std::string& what) {
                                 std::lock_guard<std::mutex> lock(mu_);
                                 progress_.current = what;
                               });
  return out;
}

void FollowUpControlledExamples(ProcessRunner& runner, const CampaignOptions& o,
                                const std::vector<Target>& targets,
                                std::vector<TargetReport>& reports,
                                const std::atomic<bool>* cancelled,
                                const std::function<void(const std::string&)>& status) {
  // One task per distinct failing schedule (the determinism check) and per
  // failing class (shrinking).
  struct Task {
    std::size_t target;
    std::string cls;       // shrink this class's example; "" = determinism check
    std::string schedule;  // the original schedule
  };
  std::vector<Task> tasks;
  for (std::size_t ti = 0; ti < reports.size() && ti < targets.size(); ++ti) {
    std::set<std::string> checked;
    for (const auto& [cls, e] : reports[ti].examples) {
      if (e.original_schedule.empty()) continue;
      if (o.check_determinism && checked.insert(e.original_schedule).second)
        tasks.push_back({ti, "", e.original_schedule});
      if (o.shrink_seconds > 0 && ParseFailureClass(cls))
        tasks.push_back({ti, cls, e.original_schedule});
    }
  }
  if (tasks.empty()) return;

  // The examples as the runs left them: tasks read these, never what another
  // task has already changed (a shrunk example has other classes).
  const std::vector<TargetReport> before = reports;
  std::mutex mu;  // guards reports
  std::atomic<std::size_t> next{0};
  auto stop = [&] { return cancelled != nullptr && cancelled->load(); };
  auto worker = [&] {
    while (!stop()) {
      const std::size_t k = next.fetch_add(1);
      if (k >= tasks.size()) return;
      const Task& task = tasks[k];
      const Target& t = targets[task.target];
      const TargetReport& r = before[task.target];
      auto it = task.cls.empty()
                    ? std::find_if(r.examples.begin(), r.examples.end(),
                                   [&](const auto& x) {
                                     return x.second.original_schedule == task.schedule;
                                   })
                    : r.examples.find(task.cls);
      if (it == r.examples.end()) continue;
      const Example& e = it->second;
      const FuzzSetting f = e.setting.value_or(FuzzSetting{});
      if (status)
        status(fmt::format("{} {}{}", task.cls.empty() ? "replaying" : "shrinking", t.Label(),
                           task.cls.empty() ? "" : " " + task.cls));
      const ProbeFn probe = MakeScheduleProbe(runner, t, o, f, e.seed);
      if (task.cls.empty()) {
        // Twice, exactly: the same stdout and classes as the run itself, no divergence.
        ClassSet original;
        for (const std::string& c : e.classes)
          if (auto fc = ParseFailureClass(c)) original.Add(*fc);
        bool same = true;
        for (int n = 0; n < 2 && same && !stop(); ++n) {
          const ScheduleProbe p = probe(task.schedule, ScheduleMode::kExact);
          same = p.ran && !p.sched.diverged && p.classes == original &&
                 (e.stdout_hash == 0 || p.stdout_hash == e.stdout_hash);
        }
        if (stop()) return;
        std::lock_guard<std::mutex> lock(mu);
        for (auto& [cls, ex] : reports[task.target].examples)
          if (ex.original_schedule == task.schedule) ex.reproduced = same;
        continue;
      }
      const FailureClass cls = *ParseFailureClass(task.cls);
      const auto deadline =
          std::chrono::steady_clock::now() +
          std::chrono::microseconds(static_cast<std::int64_t>(o.shrink_seconds * 1e6));
      const ShrinkResult sr = ShrinkSchedule(task.schedule, cls, probe, deadline, cancelled);
      if (stop()) return;
      if (!sr.verified) continue;
      std::lock_guard<std::mutex> lock(mu);
      auto at = reports[task.target].examples.find(task.cls);
      if (at == reports[task.target].examples.end()) continue;
      Example& ex = at->second;
      ex.schedule = sr.schedule;
      ex.replay = ScheduleReplayCommand(t, sr.schedule);
      if (sr.final_run.stats_seen) ex.preemptions = sr.final_run.preemptions;
      ex.explanation.clear();
      for (const std::string& l : sr.final_run.Explanation())
        ex.explanation.push_back(Printable(l));
      ex.deadlock.clear();
      for (const std::string& l : sr.final_run.deadlock_lines) ex.deadlock.push_back(Printable(l));
      // What the replay line now shows: the shrunk run's output and classes.
      ex.excerpt = sr.final_probe.excerpt;
      ex.divergence = sr.final_probe.divergence;
      ex.classes.clear();
      sr.final_probe.classes.ForEach([&](FailureClass c) { ex.classes.emplace_back(Name(c)); });
    }
  };
  const int jobs = std::max(1, o.jobs);
  std::vector<std::thread> workers;
  for (int j = 0; j < jobs && static_cast<std::size_t>(j) < tasks.size(); ++j)
    workers.emplace_back(worker);
  for (std::thread& w : workers) w.join();
}

}  // namespace racelab
