// Schedule shrinking: chunked removal, moving deviations earlier, a direct search of
// single preemptions; probes in parallel, accepted in a fixed order.
#include "controlled/shrink.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <future>
#include <map>
#include <tuple>

#include "judge/classify.hpp"
#include "protocol/env.hpp"
#include "protocol/schedule.hpp"
#include "report/aggregate.hpp"

namespace racelab {
namespace {

using protocol::Deviation;
using protocol::Schedule;

// How simple a schedule is, compared lexicographically: fewer preemptions first.
struct Simplicity {
  std::uint64_t preemptions = 0;
  std::uint64_t deviations = 0;
  std::uint64_t step_sum = 0;
  bool operator<(const Simplicity& o) const {
    return std::tie(preemptions, deviations, step_sum) <
           std::tie(o.preemptions, o.deviations, o.step_sum);
  }
};

Simplicity SimplicityOf(const Schedule& s, std::uint64_t preemptions) {
  Simplicity k{preemptions, s.deviations.size(), 0};
  for (const Deviation& d : s.deviations) k.step_sum += d.step;
  return k;
}

class Shrinker {
 public:
  Shrinker(FailureClass cls, const ProbeFn& probe, const ShrinkOptions& o, ShrinkResult& res)
      : cls_(cls), probe_(probe), o_(o), res_(res) {}

  // The schedule a guide-mode run of `s` executed and how simple it is, when that run
  // showed the class; counts one probe (whether or not the result was cached).
  struct Outcome {
    bool shows = false;
    Schedule executed;
    Simplicity key;
  };

  // Starts from `original`; false when its own guide run does not show the class.
  bool Start(const Schedule& original) {
    cur_ = original;
    const std::optional<std::size_t> k = FirstAccepted({original}, /*start=*/true);
    return k.has_value();
  }

  // Tries `cands` in order, o_.parallel at a time; the first (in order) whose run
  // shows the class and executed a schedule simpler than cur_ becomes cur_. Returns
  // its index; nullopt when none did or the search stopped.
  std::optional<std::size_t> FirstAccepted(const std::vector<Schedule>& cands, bool start = false) {
    const std::size_t par = static_cast<std::size_t>(std::max(1, o_.parallel));
    for (std::size_t i = 0; i < cands.size();) {
      if (Stopped()) return std::nullopt;
      const std::size_t n =
          std::min({par, cands.size() - i, static_cast<std::size_t>(o_.max_probes - res_.probes)});
      std::vector<std::string> enc(n);
      for (std::size_t k = 0; k < n; ++k) enc[k] = protocol::EncodeSchedule(cands[i + k]);
      RunAll(enc);
      for (std::size_t k = 0; k < n; ++k) {
        ++res_.probes;
        const Outcome out = Judge(cache_.at(enc[k]), cands[i + k]);
        if (out.shows && (start || out.key < key_)) {
          cur_ = out.executed;
          key_ = out.key;
          if (!start) ++res_.accepted;
          return i + k;
        }
      }
      i += n;
    }
    return std::nullopt;
  }

  // Removal of chunks of deviations (halves down to single ones), then moves earlier,
  // until nothing changes. True when it converged (the last single-removal pass over
  // the final schedule accepted nothing); false when the search stopped.
  bool Greedy() {
    bool changed = true;
    while (changed) {
      changed = false;
      for (std::size_t size = std::max<std::size_t>(1, cur_.deviations.size() / 2);;
           size = std::max<std::size_t>(1, size / 2)) {
        for (std::size_t i = 0; i < cur_.deviations.size();) {
          std::vector<Schedule> cands;
          for (std::size_t j = i; j < cur_.deviations.size(); j += size) {
            Schedule c = cur_;
            const auto from = c.deviations.begin() + static_cast<std::ptrdiff_t>(j);
            c.deviations.erase(
                from, from + static_cast<std::ptrdiff_t>(std::min(size, c.deviations.size() - j)));
            cands.push_back(std::move(c));
          }
          const std::optional<std::size_t> k = FirstAccepted(cands);
          if (stopped_) return false;
          if (!k) break;
          changed = true;
          i += *k * size;  // the chunk after the removed one now starts there
        }
        if (size == 1) break;
      }
      // Move each deviation earlier: halfway to the one before it, else one step.
      for (std::size_t i = 0; i < cur_.deviations.size();) {
        std::vector<Schedule> cands;
        std::vector<std::size_t> owner;
        for (std::size_t j = i; j < cur_.deviations.size(); ++j) {
          const std::uint64_t prev = j == 0 ? 0 : cur_.deviations[j - 1].step;
          const std::uint64_t step = cur_.deviations[j].step;
          if (step <= prev + 1) continue;
          std::vector<std::uint64_t> targets{prev + 1 + (step - prev - 1) / 2};
          if (targets[0] != step - 1) targets.push_back(step - 1);
          for (std::uint64_t to : targets) {
            Schedule c = cur_;
            c.deviations[j].step = to;
            cands.push_back(std::move(c));
            owner.push_back(j);
          }
        }
        const std::optional<std::size_t> k = FirstAccepted(cands);
        if (stopped_) return false;
        if (!k) break;
        changed = true;
        i = owner[*k];  // try the same deviation again, from where it now is
      }
    }
    return true;
  }

  // Every single deviation, at steps 1..steps, to each thread cur_ switches to.
  std::vector<Schedule> SinglePreemptions(std::uint64_t steps) const {
    std::vector<std::uint32_t> threads;
    for (const Deviation& d : cur_.deviations)
      if (std::find(threads.begin(), threads.end(), d.thread) == threads.end())
        threads.push_back(d.thread);
    std::vector<Schedule> cands;
    for (std::uint64_t s = 1; s <= steps; ++s)
      for (std::uint32_t t : threads) cands.push_back(Schedule{cur_.steps, cur_.hash, {{s, t}}});
    return cands;
  }

  // One probe outside the budget (the run with no deviation, the final exact replay).
  ScheduleProbe Extra(const std::string& s, ScheduleMode mode) {
    ++res_.runs;
    return probe_(s, mode);
  }

  bool Stopped() {
    if (stopped_) return true;
    if (o_.cancelled != nullptr && o_.cancelled->load())
      res_.stop = ShrinkStop::kCancelled;
    else if (o_.time_cap && std::chrono::steady_clock::now() >= *o_.time_cap)
      res_.stop = ShrinkStop::kTimeCap;
    else if (res_.probes >= o_.max_probes)
      res_.stop = ShrinkStop::kProbeBudget;
    stopped_ = res_.stop != ShrinkStop::kNone;
    return stopped_;
  }

  Outcome Judge(const ScheduleProbe& p, const Schedule& candidate) const {
    Outcome out;
    if (!p.ran || !p.classes.Has(cls_)) return out;
    out.shows = true;
    // A run without a readable trailer: continue from the candidate itself.
    std::optional<Schedule> executed = protocol::DecodeSchedule(p.sched.schedule);
    out.executed = executed ? *executed : candidate;
    const std::uint64_t preemptions =
        p.sched.stats_seen ? p.sched.preemptions : out.executed.deviations.size();
    out.key = SimplicityOf(out.executed, preemptions);
    return out;
  }

  const Schedule& cur() const { return cur_; }
  const Simplicity& key() const { return key_; }

 private:
  // Runs the guide probes of `enc` not yet cached, all at once.
  void RunAll(const std::vector<std::string>& enc) {
    std::vector<std::string> todo;
    for (const std::string& s : enc)
      if (!cache_.count(s) && std::find(todo.begin(), todo.end(), s) == todo.end())
        todo.push_back(s);
    std::vector<std::future<ScheduleProbe>> futures;
    for (std::size_t k = 1; k < todo.size(); ++k)
      futures.push_back(std::async(
          std::launch::async, [this, s = todo[k]] { return probe_(s, ScheduleMode::kGuide); }));
    if (!todo.empty()) cache_[todo[0]] = probe_(todo[0], ScheduleMode::kGuide);
    for (std::size_t k = 1; k < todo.size(); ++k) cache_[todo[k]] = futures[k - 1].get();
    res_.runs += todo.size();
  }

  FailureClass cls_;
  const ProbeFn& probe_;
  const ShrinkOptions& o_;
  ShrinkResult& res_;
  Schedule cur_;
  Simplicity key_;
  bool stopped_ = false;
  std::map<std::string, ScheduleProbe> cache_;  // guide-mode runs by schedule
};

}  // namespace

std::string ShrinkResult::NotMinimalReason() const {
  if (!verified) return "the shrunk schedule did not replay; the original is shown";
  switch (stop) {
    case ShrinkStop::kNone:
      return minimal ? "" : "the failing run's schedule did not fail again when guided";
    case ShrinkStop::kProbeBudget:
      return fmt::format("stopped at the probe budget ({} runs, --shrink-runs)", probes);
    case ShrinkStop::kTimeCap: return "stopped at the time cap";
    case ShrinkStop::kCancelled: return "cancelled";
  }
  return "";
}

bool IsValidSchedule(const std::string& schedule) {
  return protocol::DecodeSchedule(schedule).has_value();
}

ShrinkResult ShrinkSchedule(const std::string& original, FailureClass cls, const ProbeFn& probe,
                            const ShrinkOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  ShrinkResult res;
  res.schedule = original;
  const std::optional<Schedule> decoded = protocol::DecodeSchedule(original);
  if (!decoded) return res;
  Shrinker sh(cls, probe, options, res);
  if (sh.Start(*decoded)) {
    // The run with no deviation: the simplest of all, and the single-preemption
    // search's range of steps.
    Schedule none = *decoded;
    none.deviations.clear();
    const ScheduleProbe empty = sh.Extra(protocol::EncodeSchedule(none), ScheduleMode::kGuide);
    if (sh.Judge(empty, none).shows) sh.FirstAccepted({none});
    bool converged = sh.Greedy();
    if (converged && sh.key().preemptions > 1) {
      const std::uint64_t steps = empty.sched.stats_seen ? empty.sched.steps : decoded->steps;
      if (sh.FirstAccepted(sh.SinglePreemptions(steps))) converged = sh.Greedy();
    }
    res.minimal = converged && res.stop == ShrinkStop::kNone;
  }
  const bool cancelled = options.cancelled != nullptr && options.cancelled->load();
  if (!cancelled) {
    const std::string shrunk = protocol::EncodeSchedule(sh.cur());
    const ScheduleProbe fin = sh.Extra(shrunk, ScheduleMode::kExact);
    if (fin.ran && fin.classes.Has(cls) && !fin.sched.diverged) {
      res.verified = true;
      res.schedule = shrunk;
      res.final_run = fin.sched;
      res.final_probe = fin;
    }
  }
  if (!res.verified) res.minimal = false;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

ProbeFn MakeScheduleProbe(ProcessRunner& runner, const Target& t, const CampaignOptions& o,
                          const FuzzSetting& f, std::uint64_t seed) {
  return [&runner, t, o, f, seed](const std::string& schedule, ScheduleMode mode) {
    const ProcessResult pr = runner.Run(
        MakeSpec(t, o, f, seed, schedule,
                 std::string(mode == ScheduleMode::kExact ? protocol::kScheduleModeExact
                                                          : protocol::kScheduleModeGuide)));
    ScheduleProbe p;
    const RunVerdict v = Classify(pr, t, o.sanitizer);
    if (v.harness_error) return p;
    p.ran = true;
    p.classes = v.classes;
    p.sched = v.sched;
    p.stdout_hash = StdoutFingerprint(pr.out);
    p.excerpt = ExampleExcerpt(v, pr);
    if (v.divergence) p.divergence = MakeDivergenceInfo(*v.divergence);
    return p;
  };
}

}  // namespace racelab
