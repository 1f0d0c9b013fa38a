// The campaign scheduler: a pool of workers pulling (target, run) pairs in order.
#include "campaign.hpp"

#include <fmt/core.h>

#include <thread>

#include "child_env.hpp"

namespace racelab {

std::string ReplayCommand(const Target& t, std::uint64_t seed, const FuzzSetting& f) {
  std::string cmd = "racelab replay " + ShellQuote(t.id);
  if (t.build) cmd += fmt::format(" --build {}", Name(*t.build));
  cmd += fmt::format(" --seed {} --fuzz {}", seed, f.ToString());
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

ProcessSpec MakeSpec(const Target& t, const CampaignOptions& o, const FuzzSetting& f,
                     std::uint64_t seed) {
  ProcessSpec spec;
  spec.argv = {t.executable};
  RunParams p;
  p.iterations = t.iterations;
  p.threads = t.threads;
  p.fuzz = f;
  p.seed = seed;
  spec.env = BuildChildEnv(o.base_env, p, t.tsan, o.suppressions_file);
  spec.timeout = o.timeout;
  spec.output_cap = o.output_cap;
  return spec;
}

Campaign::Campaign(ProcessRunner& runner, CampaignOptions options, std::vector<Target> targets)
    : runner_(runner),
      options_(std::move(options)),
      targets_(std::move(targets)),
      target_done_(targets_.size()) {
  for (const Target& t : targets_) aggregators_.push_back(std::make_unique<TargetAggregator>(t));
  for (auto& d : target_done_) d.store(false);
  progress_.total = options_.runs * targets_.size();
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
  const std::uint64_t total = options_.runs * targets_.size();
  while (!cancelled_.load()) {
    const std::uint64_t n = next_.fetch_add(1);
    if (n >= total) return;
    const std::size_t ti = n / options_.runs;
    const std::uint64_t i = n % options_.runs;
    if (target_done_[ti].load()) {
      std::lock_guard<std::mutex> lock(mu_);
      ++progress_.done;  // skipped after --until-fail: counts as handled
      continue;
    }
    const Target& t = targets_[ti];
    const FuzzSetting& f = options_.fuzz[i % options_.fuzz.size()];
    const std::uint64_t seed = options_.seed + i;
    {
      std::lock_guard<std::mutex> lock(mu_);
      progress_.current = t.Label();
    }
    ProcessResult pr = runner_.Run(MakeSpec(t, options_, f, seed));
    if (pr.termination == Termination::kCancelled) return;
    RunVerdict v = Classify(pr, t, options_.sanitizer);
    RunInfo info{i, seed, f.ToString(), ReplayCommand(t, seed, f), &pr};

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
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(jobs));
  for (int j = 0; j < jobs; ++j) workers.emplace_back([this] { Worker(); });
  for (std::thread& w : workers) w.join();
  std::vector<TargetReport> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& a : aggregators_) out.push_back(a->Snapshot());
  return out;
}

}  // namespace racelab
