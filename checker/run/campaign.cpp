// The campaign scheduler: a pool of workers pulling (target, run) pairs in order.
#include "run/campaign.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <thread>

#include "controlled/shrink.hpp"
#include "protocol/schedule.hpp"
#include "run/child_env.hpp"
#include "run/offline_symbols.hpp"

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

std::vector<std::string> TargetEnv(const Target& t, const CampaignOptions& o) {
  return BuildTargetEnv(o.base_env, t.tsan, o.suppressions_file, t.symbolizer != nullptr);
}

ProcessSpec MakeSpec(const Target& t, const CampaignOptions& o, const FuzzSetting& f,
                     std::uint64_t seed, const std::string& schedule,
                     const std::string& schedule_mode) {
  ProcessSpec spec = MakeRunSpec(t, o, nullptr, f, seed, schedule, schedule_mode);
  std::vector<std::string> env = TargetEnv(t, o);
  env.insert(env.end(), spec.env.begin(), spec.env.end());
  spec.env = std::move(env);
  return spec;
}

ProcessSpec MakeRunSpec(const Target& t, const CampaignOptions& o,
                        std::shared_ptr<const std::vector<std::string>> target_env,
                        const FuzzSetting& f, std::uint64_t seed, const std::string& schedule,
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
  spec.shared_env = target_env;
  AppendRunEnv(p, &spec.env);
  spec.timeout = o.timeout;
  spec.output_cap = o.output_cap;
  return spec;
}

std::vector<FuzzSetting> CalibrateFuzz(ProcessRunner& runner, const Target& t,
                                       const CampaignOptions& o, bool* controlled) {
  std::vector<FuzzSetting> out = o.fuzz;
  std::optional<protocol::SchedTrailer> first;  // of the one run
  bool ran = false;
  auto run_once = [&](const FuzzSetting& f) {
    if (first) return;
    const ProcessResult pr = runner.Run(MakeSpec(t, o, f, o.seed));
    // Only a run that exited by itself vouches for a missing trailer (a crash may
    // have prevented writing one).
    ran = pr.termination == Termination::kExited;
    first = protocol::ParseSchedTrailer(pr.err);
  };
  for (FuzzSetting& f : out) {
    if (f.mode != FuzzSetting::Mode::kPct || f.k != 0) continue;
    run_once(FuzzSetting{FuzzSetting::Mode::kRandom, 0});
    f.k = first->stats_seen && first->steps > 0 ? std::min(first->steps, protocol::kMaxPctSteps)
                                                : protocol::kDefaultPctSteps;
  }
  if (controlled != nullptr) {
    *controlled = true;
    for (const FuzzSetting& f : out)
      if (f.IsControlled()) {
        run_once(f);
        // A program that ran under a controlled setting and wrote no trailer has no
        // scheduler of racelab's (docs/scheduling.md, "Which programs").
        *controlled = !ran || first->present;
        break;
      }
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

std::optional<Campaign::Taken> Campaign::TakeAndStart(StartedRun* after) {
  const std::uint64_t per_target = ShardRunCount(options_.runs, options_.shard);
  const std::uint64_t total = per_target * targets_.size();
  while (!cancelled_.load()) {
    const std::uint64_t n = next_.fetch_add(1);
    if (n >= total) return std::nullopt;
    Taken taken;
    taken.ti = n / per_target;
    taken.i = ShardRunIndex(options_.shard, n % per_target);
    if (target_done_[taken.ti].load()) {
      std::lock_guard<std::mutex> lock(mu_);
      ++progress_.done;  // skipped after --until-fail: counts as handled
      continue;
    }
    const Target& t = targets_[taken.ti];
    const std::vector<FuzzSetting>& mix = fuzz_.empty() ? options_.fuzz : fuzz_[taken.ti];
    taken.fuzz = &mix[taken.i % mix.size()];
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (label_target_ != taken.ti) {
        progress_.current = t.Label();
        label_target_ = taken.ti;
      }
    }
    taken.run = runner_.Start(
        MakeRunSpec(t, options_, target_env_[taken.ti], *taken.fuzz, options_.seed + taken.i),
        after);
    return taken;
  }
  return std::nullopt;
}

void Campaign::Judge(const Taken& taken, ProcessResult& pr) {
  const Target& t = targets_[taken.ti];
  const FuzzSetting& f = *taken.fuzz;
  const std::uint64_t seed = options_.seed + taken.i;
  SymbolizeOutput(pr, t);
  RunVerdict v = Classify(pr, t, options_.sanitizer);
  const bool failed = !v.harness_error && !v.classes.Has(FailureClass::kOk);
  // Only a failing run can be an example with a replay line. A controlled run replays
  // from its schedule, whatever its seed.
  std::string replay;
  if (failed)
    replay = f.IsControlled() && !v.sched.schedule.empty()
                 ? ScheduleReplayCommand(t, v.sched.schedule)
                 : ReplayCommand(t, seed, f);
  RunInfo info{taken.i, seed, f.ToString(), std::move(replay), &pr, &f};
  std::lock_guard<std::mutex> lock(mu_);
  aggregators_[taken.ti]->Add(info, v);
  ++progress_.done;
  if (failed) {
    ++progress_.failed;
    v.classes.ForEach([&](FailureClass c) { ++progress_.failures_by_class[c]; });
    if (options_.until_fail) target_done_[taken.ti].store(true);
  }
}

void Campaign::Worker() {
  // A worker keeps runs started ahead: while one runs, the next ones are queued behind it
  // (a fork server forks each the moment the one before ends), and a run is judged while
  // the next one runs, so racelab's work per run overlaps the program's. Not with
  // --until-fail, whose target must stop at its first failure: there a run is judged
  // before the next starts.
  const std::size_t ahead =
      options_.until_fail ? 0 : static_cast<std::size_t>(std::max(0, runner_.RunsAhead()));
  std::deque<Taken> started;
  auto fill = [&] {
    while (started.size() <= ahead) {
      std::optional<Taken> t = TakeAndStart(started.empty() ? nullptr : started.back().run.get());
      if (!t) return;
      started.push_back(std::move(*t));
    }
  };
  fill();
  while (!started.empty()) {
    Taken current = std::move(started.front());
    started.pop_front();
    ProcessResult pr = runner_.Wait(std::move(current.run));
    if (pr.termination == Termination::kCancelled) {
      for (Taken& t : started) runner_.Wait(std::move(t.run));  // every started run is waited for
      return;
    }
    // Refilled before judging, so the server has its next request at once; with
    // --until-fail after, so that the run just judged can stop its target.
    if (ahead > 0) fill();
    Judge(current, pr);
    MaybeAddWorker();
    if (ahead == 0) fill();
  }
}

void Campaign::MaybeAddWorker() {
  if (options_.max_jobs <= options_.jobs || !options_.idle_sampler) return;
  const std::uint64_t total = ShardRunCount(options_.runs, options_.shard) * targets_.size();
  std::lock_guard<std::mutex> lock(workers_mu_);
  if (static_cast<int>(workers_.size()) >= options_.max_jobs || cancelled_.load() ||
      next_.load() >= total)
    return;
  const std::optional<double> idle = options_.idle_sampler->IdleShare();
  if (!idle || *idle < kIdleShareToGrow) return;
  workers_.emplace_back([this] { Worker(); });
}

int Campaign::jobs_used() const {
  std::lock_guard<std::mutex> lock(workers_mu_);
  return static_cast<int>(workers_.size());
}

std::vector<TargetReport> Campaign::Run() {
  const int jobs = std::max(1, options_.jobs);
  const std::vector<std::string> symbol_notes = SetUpOfflineSymbols(options_, targets_);
  target_env_.clear();
  for (const Target& t : targets_)
    target_env_.push_back(std::make_shared<const std::vector<std::string>>(TargetEnv(t, options_)));
  fuzz_.clear();
  for (const Target& t : targets_) {
    if (cancelled_.load()) break;
    {
      std::lock_guard<std::mutex> lock(mu_);
      progress_.current = "calibrating " + t.Label();
    }
    bool controlled = true;
    fuzz_.push_back(CalibrateFuzz(runner_, t, options_, &controlled));
    if (!controlled) {
      uncontrolled_.push_back(fuzz_.size() - 1);
      if (options_.refuse_uncontrolled) {
        uncontrolled_error_ = fmt::format(
            "{}: controlled scheduling (--fuzz random, pct) does not apply: the program has no "
            "racelab scheduler (a run under it wrote no racelab-sched trailer)",
            t.Label());
        return {};
      }
    }
  }
  if (fuzz_.size() != targets_.size()) fuzz_.assign(targets_.size(), options_.fuzz);
  {
    std::lock_guard<std::mutex> lock(workers_mu_);
    for (int j = 0; j < jobs; ++j) workers_.emplace_back([this] { Worker(); });
  }
  // A worker may add another until it ends; once every listed one is joined, none can.
  for (std::size_t i = 0;; ++i) {
    std::thread* w = nullptr;
    {
      std::lock_guard<std::mutex> lock(workers_mu_);
      if (i >= workers_.size()) break;
      w = &workers_[i];
    }
    w->join();
  }
  std::vector<TargetReport> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& a : aggregators_) out.push_back(a->Snapshot());
  }
  for (std::size_t ti = 0; ti < out.size() && ti < targets_.size(); ++ti) {
    if (!symbol_notes[ti].empty()) out[ti].notes.push_back(symbol_notes[ti]);
    if (std::string n = OfflineSymbolsNote(targets_[ti]); !n.empty()) out[ti].notes.push_back(n);
  }
  for (std::size_t ti : uncontrolled_)
    if (ti < out.size())
      out[ti].notes.push_back(
          "controlled scheduling does not apply: the program has no racelab scheduler (a run "
          "under --fuzz random/pct wrote no racelab-sched trailer), so those runs ran "
          "uncontrolled: no schedules, no schedule replay, no shrinking");
  if (!cancelled_.load())
    FollowUpControlledExamples(runner_, options_, targets_, out, &cancelled_,
                               [this](const std::string& what) {
                                 std::lock_guard<std::mutex> lock(mu_);
                                 progress_.current = what;
                               });
  return out;
}

namespace {

// Writes shrink result `sr` (of target t) into example `ex`.
void ApplyShrink(const Target& t, const ShrinkResult& sr, Example& ex) {
  ex.minimal = sr.minimal;
  ex.not_minimal_reason = sr.NotMinimalReason();
  ex.shrink_probes = sr.probes;
  ex.shrink_seconds = sr.seconds;
  if (!sr.verified) return;
  // Never report a schedule with more preemptions than the run it came from.
  if (sr.final_run.stats_seen && ex.original_preemptions &&
      sr.final_run.preemptions > *ex.original_preemptions) {
    ex.minimal = false;
    ex.not_minimal_reason = "the shrunk schedule had more preemptions; the original is shown";
    return;
  }
  ex.schedule = sr.schedule;
  ex.replay = ScheduleReplayCommand(t, sr.schedule);
  if (sr.final_run.stats_seen) ex.preemptions = sr.final_run.preemptions;
  ex.explanation.clear();
  for (const std::string& l : sr.final_run.Explanation()) ex.explanation.push_back(Printable(l));
  ex.deadlock.clear();
  for (const std::string& l : sr.final_run.deadlock_lines) ex.deadlock.push_back(Printable(l));
  // What the replay line now shows: the shrunk run's output and classes.
  ex.excerpt = sr.final_probe.excerpt;
  ex.divergence = sr.final_probe.divergence;
  ex.classes.clear();
  sr.final_probe.classes.ForEach([&](FailureClass c) { ex.classes.push_back(c); });
}

}  // namespace

void FollowUpControlledExamples(ProcessRunner& runner, const CampaignOptions& o,
                                const std::vector<Target>& targets,
                                std::vector<TargetReport>& reports,
                                const std::atomic<bool>* cancelled,
                                const std::function<void(const std::string&)>& status) {
  auto stop = [&] { return cancelled != nullptr && cancelled->load(); };
  // The examples as the runs left them: every step reads these, never what a shrink
  // has already changed (a shrunk example has other classes).
  const std::vector<TargetReport> before = reports;
  auto setting = [](std::size_t, const Example& e) { return e.setting.value_or(FuzzSetting{}); };

  // 1. The determinism check: each distinct failing schedule replayed twice, exactly,
  // with the same stdout and classes as the run itself and no divergence.
  struct Check {
    std::size_t target;
    const Example* example;
  };
  std::vector<Check> checks;
  // 2. Shrinking: per target, per distinct original schedule, its classes in order.
  struct Group {
    std::size_t target;
    std::vector<FailureClass> classes;
  };
  std::vector<Group> groups;
  for (std::size_t ti = 0; ti < before.size() && ti < targets.size(); ++ti) {
    std::map<std::string, std::size_t> group_of;  // original schedule -> index in groups
    for (const auto& [cls, e] : before[ti].examples) {
      if (e.original_schedule.empty()) continue;
      const bool first = !group_of.count(e.original_schedule);
      if (first && o.check_determinism) checks.push_back({ti, &e});
      if (o.shrink_runs == 0 || o.shrink_seconds_cap <= 0) continue;
      if (first) {
        group_of[e.original_schedule] = groups.size();
        groups.push_back({ti, {}});
      }
      groups[group_of[e.original_schedule]].classes.push_back(cls);
    }
  }

  std::mutex mu;  // guards reports
  std::atomic<std::size_t> next{0};
  auto check_worker = [&] {
    while (!stop()) {
      const std::size_t k = next.fetch_add(1);
      if (k >= checks.size()) return;
      const Check& c = checks[k];
      const Example& e = *c.example;
      if (status) status(fmt::format("replaying {}", targets[c.target].Label()));
      const ProbeFn probe =
          MakeScheduleProbe(runner, targets[c.target], o, setting(c.target, e), e.seed);
      ClassSet original;
      for (FailureClass cl : e.classes) original.Add(cl);
      bool same = true;
      std::string error;  // racelab's, when it could not carry out a replay
      for (int n = 0; n < 2 && same && !stop(); ++n) {
        const ScheduleProbe p = probe(e.original_schedule, ScheduleMode::kExact);
        if (!p.ran) {
          error = p.error.empty() ? "racelab could not carry out the replay" : p.error;
          break;
        }
        same = !p.sched.diverged && p.classes == original &&
               (e.stdout_hash == 0 || p.stdout_hash == e.stdout_hash);
      }
      if (stop()) return;
      std::lock_guard<std::mutex> lock(mu);
      for (auto& [cls, ex] : reports[c.target].examples) {
        if (ex.original_schedule != e.original_schedule) continue;
        if (error.empty())
          ex.reproduced = same;
        else
          ex.reproduce_error = Printable(error);
      }
    }
  };
  const int jobs = std::max(1, o.jobs);
  {
    std::vector<std::thread> workers;
    for (int j = 0; j < jobs && static_cast<std::size_t>(j) < checks.size(); ++j)
      workers.emplace_back(check_worker);
    for (std::thread& w : workers) w.join();
  }

  // Groups shrink at once, the campaign's jobs shared between them; each result is a
  // function of its inputs, never of how many probes ran at once.
  const std::size_t shrinkers =
      std::min<std::size_t>(static_cast<std::size_t>(jobs), groups.size());
  const int parallel = std::max(1, jobs / static_cast<int>(std::max<std::size_t>(1, shrinkers)));
  std::atomic<std::size_t> next_group{0};
  auto shrink_worker = [&] {
    while (true) {
      const std::size_t gi = next_group.fetch_add(1);
      if (gi >= groups.size()) return;
      const Group& g = groups[gi];
      const Target& t = targets[g.target];
      // Results of this group so far, to share with a later class they also show.
      std::vector<ShrinkResult> done;
      for (const FailureClass cls : g.classes) {
        if (stop()) return;
        const Example& e = before[g.target].examples.at(cls);
        const ShrinkResult* shared = nullptr;
        for (const ShrinkResult& r : done)
          if (r.verified && r.minimal && r.final_probe.classes.Has(cls) &&
              protocol::DecodeSchedule(r.schedule)
                      .value_or(protocol::Schedule{})
                      .deviations.size() <= 1)
            shared = &r;
        if (shared == nullptr) {
          if (status) status(fmt::format("shrinking {} {}", t.Label(), Name(cls)));
          const ProbeFn probe = MakeScheduleProbe(runner, t, o, setting(g.target, e), e.seed);
          ShrinkOptions so;
          so.max_probes = o.shrink_runs;
          so.parallel = parallel;
          so.cancelled = cancelled;
          so.time_cap =
              std::chrono::steady_clock::now() +
              std::chrono::microseconds(static_cast<std::int64_t>(o.shrink_seconds_cap * 1e6));
          done.push_back(ShrinkSchedule(e.original_schedule, cls, probe, so));
          if (stop()) return;
          shared = &done.back();
        }
        std::lock_guard<std::mutex> lock(mu);
        auto at = reports[g.target].examples.find(cls);
        if (at != reports[g.target].examples.end()) ApplyShrink(t, *shared, at->second);
      }
    }
  };
  std::vector<std::thread> workers;
  for (std::size_t j = 0; j < shrinkers; ++j) workers.emplace_back(shrink_worker);
  for (std::thread& w : workers) w.join();
}

}  // namespace racelab
