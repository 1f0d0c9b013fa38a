// Greedy schedule shrinking: remove deviations, then move them earlier.
#include "controlled/shrink.hpp"

#include "protocol/env.hpp"
#include "protocol/schedule.hpp"

#include "judge/classify.hpp"
#include "report/aggregate.hpp"

namespace racelab {
namespace {

using protocol::Schedule;

bool TimeLeft(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancelled) {
  if (cancelled != nullptr && cancelled->load()) return false;
  return std::chrono::steady_clock::now() < deadline;
}

std::uint64_t StepSum(const Schedule& s) {
  std::uint64_t sum = 0;
  for (const auto& d : s.deviations) sum += d.step;
  return sum;
}

// Whether `next` is simpler than `cur`: fewer deviations, or as many at earlier
// steps. Every accepted candidate must be, or shrinking could go round in circles.
bool Simpler(const Schedule& next, const Schedule& cur) {
  if (next.deviations.size() != cur.deviations.size())
    return next.deviations.size() < cur.deviations.size();
  return StepSum(next) < StepSum(cur);
}

}  // namespace

bool IsValidSchedule(const std::string& schedule) {
  return protocol::DecodeSchedule(schedule).has_value();
}

ShrinkResult ShrinkSchedule(const std::string& original, FailureClass cls, const ProbeFn& probe,
                            std::chrono::steady_clock::time_point deadline,
                            const std::atomic<bool>* cancelled) {
  ShrinkResult res;
  res.schedule = original;
  std::optional<Schedule> decoded = protocol::DecodeSchedule(original);
  if (!decoded) return res;
  Schedule cur = *decoded;

  // Runs candidate `c` in guide mode; on success `cur` becomes what the run executed.
  auto attempt = [&](const Schedule& c) {
    ++res.attempts;
    const ScheduleProbe p = probe(protocol::EncodeSchedule(c), ScheduleMode::kGuide);
    if (!p.ran || !p.classes.Has(cls)) return false;
    std::optional<Schedule> executed = protocol::DecodeSchedule(p.sched.schedule);
    // A run without a readable trailer: continue from the candidate itself.
    const Schedule next = executed ? *executed : c;
    if (!Simpler(next, cur)) return false;
    cur = next;
    ++res.accepted;
    return true;
  };

  bool changed = true;
  while (changed && TimeLeft(deadline, cancelled)) {
    changed = false;
    // 1. Remove each deviation.
    for (std::size_t i = 0; i < cur.deviations.size() && TimeLeft(deadline, cancelled);) {
      Schedule c = cur;
      c.deviations.erase(c.deviations.begin() + static_cast<std::ptrdiff_t>(i));
      if (attempt(c))
        changed = true;  // the next deviation now has index i (or fewer applied)
      else
        ++i;
    }
    // 2. Move each remaining deviation earlier: halfway to the one before it, else a step.
    for (std::size_t i = 0; i < cur.deviations.size() && TimeLeft(deadline, cancelled);) {
      const std::uint64_t prev = i == 0 ? 0 : cur.deviations[i - 1].step;
      const std::uint64_t step = cur.deviations[i].step;
      bool moved = false;
      if (step > prev + 1) {
        std::vector<std::uint64_t> targets{prev + 1 + (step - prev - 1) / 2};
        if (targets[0] != step - 1) targets.push_back(step - 1);
        for (std::uint64_t to : targets) {
          if (!TimeLeft(deadline, cancelled)) break;
          Schedule c = cur;
          c.deviations[i].step = to;
          if (attempt(c)) {
            moved = true;
            break;
          }
        }
      }
      if (moved)
        changed = true;  // try the same index again, from where it now is
      else
        ++i;
    }
  }
  res.out_of_time = !TimeLeft(deadline, cancelled);
  if (cancelled != nullptr && cancelled->load()) return res;

  const std::string shrunk = protocol::EncodeSchedule(cur);
  const ScheduleProbe fin = probe(shrunk, ScheduleMode::kExact);
  if (fin.ran && fin.classes.Has(cls) && !fin.sched.diverged) {
    res.verified = true;
    res.schedule = shrunk;
    res.final_run = fin.sched;
    res.final_probe = fin;
  }
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
