// Schedule shrinking: chunked removal, moving deviations earlier, a direct search of
// single preemptions; probes in parallel, accepted in a fixed order.
#include "controlled/shrink.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "judge/classify.hpp"
#include "protocol/env.hpp"
#include "protocol/schedule.hpp"
#include "report/aggregate.hpp"
#include "run/offline_symbols.hpp"

namespace racelab {
namespace {

using protocol::Deviation;
using protocol::Schedule;

// At most this many likely single preemptions are tried before the greedy search.
constexpr std::size_t kLikelyPreemptions = 96;

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

  // Starts from `original`; false when its own guide run does not show the class. Runs
  // the schedule with no deviation at the same time (outside the budget, with its
  // `choice` lines) and returns it in `none_run`.
  bool Start(const Schedule& original, ScheduleProbe& none_run) {
    cur_ = original;
    Schedule none = original;
    none.deviations.clear();
    const std::string none_enc = protocol::EncodeSchedule(none);
    ++res_.runs;
    std::future<ScheduleProbe> none_future = std::async(std::launch::async, [this, none_enc] {
      return probe_(none_enc, ScheduleMode::kGuideChoices);
    });
    const std::optional<std::size_t> k = FirstAccepted({original}, /*start=*/true);
    none_run = none_future.get();
    // A guide run of its own: later candidates with no deviation reuse it.
    cache_.emplace(none_enc, none_run);
    if (k) original_run_ = cache_.at(protocol::EncodeSchedule(original)).sched;
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

  // Single preemptions the original run makes likely, most likely first, at most
  // `limit`. Around each step of the run with no deviation (`choices`) where the current
  // thread waits at a point where the original run preempted a thread (and at the same
  // thread's choices just before and after it: the race may sit a point earlier), a
  // switch to the thread the original switched to there, then to the next runnable
  // thread after the current one (one that has not run yet, under the default policy).
  // The points and offsets take turns, the latest preemption's point first, so one
  // point's many steps do not hide another's.
  std::vector<Schedule> LikelyPreemptions(const std::vector<protocol::SchedChoice>& choices,
                                          std::size_t limit) const {
    const std::vector<protocol::SchedPreemption>& lines = original_run_.preemption_lines;
    std::vector<std::string> points;  // distinct from-points, latest preemption first
    for (auto p = lines.rbegin(); p != lines.rend(); ++p)
      if (std::find(points.begin(), points.end(), p->from_at) == points.end())
        points.push_back(p->from_at);
    // Each thread's choices in step order, and where each choice is in its thread's list.
    std::map<std::uint64_t, std::vector<std::size_t>> of_thread;
    std::vector<std::size_t> rank(choices.size());
    for (std::size_t k = 0; k < choices.size(); ++k) {
      std::vector<std::size_t>& mine = of_thread[choices[k].thread];
      rank[k] = mine.size();
      mine.push_back(k);
    }
    std::vector<std::vector<std::size_t>> at(points.size());  // matching choices, step order
    for (std::size_t k = 0; k < choices.size(); ++k) {
      const auto it = std::find(points.begin(), points.end(), choices[k].at);
      if (it != points.end()) at[static_cast<std::size_t>(it - points.begin())].push_back(k);
    }
    static constexpr int kOffsets[] = {0, -1, 1, -2, 2, -3};
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;  // (step, thread)
    std::vector<Schedule> cands;
    const auto push = [&](std::uint64_t step, std::uint64_t t) {
      if (cands.size() < limit && seen.insert({step, t}).second) cands.push_back(Single(step, t));
    };
    for (std::size_t round = 0; cands.size() < limit; ++round) {
      bool any = false;
      for (const int offset : kOffsets)
        for (std::size_t i = 0; i < points.size(); ++i) {
          if (round >= at[i].size()) continue;
          any = true;
          const std::size_t k = at[i][round];
          const std::vector<std::size_t>& mine = of_thread[choices[k].thread];
          const auto r = static_cast<std::ptrdiff_t>(rank[k]) + offset;
          if (r < 0 || r >= static_cast<std::ptrdiff_t>(mine.size())) continue;
          const protocol::SchedChoice& c = choices[mine[static_cast<std::size_t>(r)]];
          for (auto p = lines.rbegin(); p != lines.rend(); ++p)
            if (p->from_at == points[i] && p->to != c.thread && c.Runnable(p->to)) {
              push(c.step, p->to);
              break;
            }
          if (const auto next = NextRunnable(c)) push(c.step, *next);
        }
      if (!any) break;
    }
    return cands;
  }

  // Every single preemption: at each step where one was possible (`choices`; without
  // them every step 1..steps), to each thread the original run or cur_ switches to that
  // is runnable there, and to the next runnable thread after the current one. Leaves
  // out the candidates in `tried`.
  std::vector<Schedule> SinglePreemptions(const std::vector<protocol::SchedChoice>& choices,
                                          std::uint64_t steps,
                                          const std::vector<Schedule>& tried) const {
    std::vector<std::uint64_t> threads;
    const auto add = [&threads](std::uint64_t t) {
      if (std::find(threads.begin(), threads.end(), t) == threads.end()) threads.push_back(t);
    };
    for (const protocol::SchedPreemption& p : original_run_.preemption_lines) add(p.to);
    for (const Deviation& d : cur_.deviations) add(d.thread);
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;  // (step, thread)
    for (const Schedule& s : tried)
      for (const Deviation& d : s.deviations) seen.insert({d.step, d.thread});
    std::vector<Schedule> cands;
    const auto push = [&](std::uint64_t step, std::uint64_t t) {
      if (seen.insert({step, t}).second) cands.push_back(Single(step, t));
    };
    if (choices.empty()) {
      for (std::uint64_t s = 1; s <= steps; ++s)
        for (std::uint64_t t : threads) push(s, t);
      return cands;
    }
    for (const protocol::SchedChoice& c : choices) {
      for (std::uint64_t t : threads)
        if (t != c.thread && c.Runnable(t)) push(c.step, t);
      if (const auto next = NextRunnable(c)) push(c.step, *next);
    }
    return cands;
  }

  Schedule Single(std::uint64_t step, std::uint64_t thread) const {
    return Schedule{cur_.steps, cur_.hash, {{step, static_cast<std::uint32_t>(thread)}}};
  }

  // The lowest runnable thread above the current one, else the lowest one below it.
  static std::optional<std::uint64_t> NextRunnable(const protocol::SchedChoice& c) {
    std::optional<std::uint64_t> lowest;
    for (const auto& [first, last] : c.runnable) {
      if (last > c.thread) return std::max(first, c.thread + 1);
      if (!lowest && first != c.thread) lowest = first;
    }
    return lowest;
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
  protocol::SchedTrailer original_run_;         // the original's guide run
};

std::string_view ModeName(ScheduleMode mode) {
  switch (mode) {
    case ScheduleMode::kExact: return protocol::kScheduleModeExact;
    case ScheduleMode::kGuide: return protocol::kScheduleModeGuide;
    case ScheduleMode::kGuideChoices: return protocol::kScheduleModeGuideChoices;
  }
  return protocol::kScheduleModeExact;
}

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
  // The run with no deviation: the simplest of all; its `choice` lines are where a
  // single preemption can be.
  ScheduleProbe empty;
  if (sh.Start(*decoded, empty)) {
    Schedule none = *decoded;
    none.deviations.clear();
    std::vector<Schedule> likely;
    if (sh.Judge(empty, none).shows) {
      sh.FirstAccepted({none});
    } else if (sh.key().preemptions > 1) {
      // The likely single preemptions first: after a hit the greedy search only moves
      // that one deviation earlier (the run with no deviation does not show the class).
      likely = sh.LikelyPreemptions(empty.sched.choices, kLikelyPreemptions);
      sh.FirstAccepted(likely);
    }
    bool converged = sh.Greedy();
    if (converged && sh.key().preemptions > 1) {
      const std::uint64_t steps = empty.sched.stats_seen ? empty.sched.steps : decoded->steps;
      if (sh.FirstAccepted(sh.SinglePreemptions(empty.sched.choices, steps, likely)))
        converged = sh.Greedy();
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
    ProcessResult pr = runner.Run(MakeSpec(t, o, f, seed, schedule, std::string(ModeName(mode))));
    SymbolizeOutput(pr, t);
    ScheduleProbe p;
    const RunVerdict v = Classify(pr, t, o.sanitizer);
    if (v.harness_error) {
      p.error = v.harness_error_text;
      return p;
    }
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
