// The terminal report: a table of targets x classes, then one example per failing class.
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "judge/failure_class.hpp"
#include "report/renderer.hpp"
#include "report/stats.hpp"
#include "util/text_util.hpp"

namespace racelab {

// Declared in report_view.hpp (not included: its Percent and OccurringClasses
// would clash with this file's own), defined here so that everything linking the
// text renderer (the parser fuzzers link it alone) has them.
std::string ProbabilityText(double p);
std::string PctBoundText(const PctBound& b);
std::vector<std::string> ScheduleFacts(const Example& e);
std::string ShardsText(const Report& r);

std::string ShardsText(const Report& r) {
  if (!r.shards) return "";
  const ShardCoverage& c = *r.shards;
  const std::string hosts =
      c.hosts.empty() ? "host unknown"
                      : fmt::format("{} host{} ({})", c.hosts.size(),
                                    c.hosts.size() == 1 ? "" : "s", fmt::join(c.hosts, ", "));
  if (c.indices.size() == 1 && c.count > 1)
    return fmt::format("shard {} of {}, {}", c.indices.front(), c.count, hosts);
  std::string out = fmt::format("{} of {} shard{} from {}", c.indices.size(), c.count,
                                c.count == 1 ? "" : "s", hosts);
  if (c.Partial()) {
    const std::vector<std::uint64_t> missing = c.Missing();
    out += fmt::format("; partial: shard{} {} missing", missing.size() == 1 ? "" : "s",
                       fmt::join(missing, ", "));
  }
  return out;
}

std::string ProbabilityText(double p) {
  if (p >= 0.999) return fmt::format("1 - {:.2g}", 1 - p);
  if (p >= 0.001) return fmt::format("{:.3g}", p);
  return fmt::format("{:.2e}", p);
}

std::string PctBoundText(const PctBound& b) {
  return fmt::format(
      "a bug of depth ≤ {} would have been found with probability ≥ {} (R = {} pct:{} run{}, "
      "n = {} thread{}, k = {} steps: 1-(1-1/(n·k^(D-1)))^R)",
      b.depth, ProbabilityText(b.probability), b.runs, b.depth, b.runs == 1 ? "" : "s", b.threads,
      b.threads == 1 ? "" : "s", b.steps);
}

std::vector<std::string> ScheduleFacts(const Example& e) {
  std::vector<std::string> out;
  if (e.schedule.empty()) return out;
  auto count = [](const std::optional<std::uint64_t>& n) {
    return n ? fmt::format(" ({} preemption{})", *n, *n == 1 ? "" : "s") : std::string();
  };
  out.push_back("schedule: " + e.schedule + count(e.preemptions));
  if (e.original_schedule != e.schedule) {
    // A long schedule is in the JSON report; a reader needs its size here.
    constexpr std::size_t kShown = 80;
    const std::string& o = e.original_schedule;
    std::string shown = o;
    if (o.size() > kShown) {
      const auto deviations = std::count(o.begin(), o.end(), 't');
      shown = fmt::format("{}... ({} deviations; the JSON report has it whole)",
                          o.substr(0, kShown), deviations);
    }
    out.push_back("shrunk from: " + shown + count(e.original_preemptions));
  }
  if (e.minimal) {
    const std::string cost = fmt::format("{} probe runs, {:.1f} s", e.shrink_probes.value_or(0),
                                         e.shrink_seconds.value_or(0.0));
    out.push_back(*e.minimal
                      ? fmt::format("shrunk: minimal ({})", cost)
                      : fmt::format("shrunk: not minimal: {} ({})", e.not_minimal_reason, cost));
  }
  if (!e.reproduce_error.empty())
    out.push_back("reproduced: unknown (racelab could not replay it: " + e.reproduce_error + ")");
  else if (e.reproduced)
    out.push_back(*e.reproduced
                      ? "reproduced: yes (two exact replays, identical output and classes)"
                      : "reproduced: NO (an exact replay differed)");
  return out;
}

namespace {

std::string Percent(double x) {
  if (x == 0) return "0%";
  if (x >= 0.1) return fmt::format("{:.1f}%", x * 100);
  return fmt::format("{:.2g}%", x * 100);
}

std::string RateCell(const TargetReport& t) {
  if (t.runs == 0) return "no runs";
  const Interval ci = FailureRateInterval(t.failed_runs, t.runs);
  if (t.failed_runs == 0) return fmt::format("0% (<= {} at 95%)", Percent(ci.high));
  return fmt::format("{} [{}, {}]", Percent(static_cast<double>(t.failed_runs) / t.runs),
                     Percent(ci.low), Percent(ci.high));
}

// Classes that occurred anywhere, in vocabulary order, failures only.
std::vector<FailureClass> OccurringClasses(const Report& r) {
  std::vector<FailureClass> out;
  for (FailureClass c : kAllFailureClasses) {
    if (c == FailureClass::kOk) continue;
    for (const TargetReport& t : r.targets)
      if (t.classes.count(c) && t.classes.at(c) > 0) {
        out.push_back(c);
        break;
      }
  }
  return out;
}

// Program output can hold very long torn lines: keep rows readable.
std::string Clip(const std::string& s, std::size_t max = 150) {
  if (s.size() <= max) return s;
  return s.substr(0, max) + fmt::format("... (+{} bytes)", s.size() - max);
}

// A controlled run's example: its schedule, preemptions and determinism.
std::string ScheduleLines(const Example& e) {
  std::string out;
  for (const std::string& l : ScheduleFacts(e)) out += "    " + l + "\n";
  for (const std::string& l : e.explanation) out += "    preemption " + Clip(l) + "\n";
  for (const std::string& l : e.deadlock) out += "    " + Clip(l) + "\n";
  return out;
}

class TextRenderer final : public Renderer {
 public:
  std::string Render(const Report& r) const override {
    std::string out;
    std::uint64_t total_runs = 0;
    for (const TargetReport& t : r.targets) total_runs += t.runs;
    out += fmt::format(
        "racelab: {} target{}, {} runs (up to {} each), jobs {}, fuzz {}, seed {}, {:.1f} s{}\n\n",
        r.targets.size(), r.targets.size() == 1 ? "" : "s", total_runs, r.settings.runs,
        r.settings.jobs, r.settings.fuzz, r.settings.seed, r.elapsed_s,
        r.interrupted ? "  [INTERRUPTED: partial results]" : "");
    if (const std::string shards = ShardsText(r); !shards.empty())
      out.insert(out.size() - 1, "shards: " + shards + "\n");

    const std::vector<FailureClass> cols = OccurringClasses(r);
    std::size_t id_w = 6;
    std::size_t rate_w = 12;
    for (const TargetReport& t : r.targets) {
      id_w = std::max(id_w, t.id.size());
      rate_w = std::max(rate_w, RateCell(t).size());
    }
    const bool expect = std::any_of(r.targets.begin(), r.targets.end(),
                                    [](const TargetReport& t) { return t.expect_checked; });
    out += fmt::format("{:<{}}  {:<5}  {:>6}  {:>6}  {:<{}}", "target", id_w, "build", "runs",
                       "failed", "failure rate [95% CI]", rate_w);
    for (FailureClass c : cols) out += fmt::format("  {}", Name(c));
    if (expect) out += "  verdict";
    out += "\n";
    for (const TargetReport& t : r.targets) {
      out += fmt::format("{:<{}}  {:<5}  {:>6}  {:>6}  {:<{}}", t.id, id_w, BuildName(t.build),
                         t.runs, t.failed_runs, RateCell(t), rate_w);
      for (FailureClass c : cols) {
        auto it = t.classes.find(c);
        const std::string cell = it == t.classes.end() ? "." : std::to_string(it->second);
        out += fmt::format("  {:>{}}", cell, Name(c).size());
      }
      if (expect) out += fmt::format("  {}", t.expect_checked ? Name(t.verdict) : "-");
      out += "\n";
    }

    for (const TargetReport& t : r.targets) {
      if (t.examples.empty() && t.sanitizer_reports.empty() && t.notes.empty() &&
          t.harness_errors == 0 && !t.pct_bound)
        continue;
      out += fmt::format("\n== {} / {}", t.id, BuildName(t.build));
      if (t.expect_checked) out += fmt::format("  (verdict: {})", Name(t.verdict));
      out += "\n";
      if (!t.launch.empty()) out += "  launch: " + t.launch + "\n";
      for (const std::string& n : t.notes) out += "  note: " + n + "\n";
      if (t.harness_errors > 0)
        out += fmt::format("  racelab could not carry out {} run(s): {}\n", t.harness_errors,
                           t.harness_error_examples.empty() ? "" : t.harness_error_examples[0]);
      // Classes first shown by the same run share one example.
      std::vector<std::pair<std::vector<FailureClass>, const Example*>> groups;
      for (FailureClass c : kAllFailureClasses) {
        auto it = t.examples.find(c);
        if (it == t.examples.end()) continue;
        // Shrinking is per class: classes of one run share an example only
        // while their schedules agree.
        auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) {
          return x.second->run == it->second.run && x.second->schedule == it->second.schedule;
        });
        if (g == groups.end())
          groups.push_back({{it->first}, &it->second});
        else
          g->first.push_back(it->first);
      }
      for (const auto& [names, example] : groups) {
        const Example& e = *example;
        std::string counts;
        for (FailureClass n : names)
          counts += fmt::format("{}{} {}/{}", counts.empty() ? "" : ", ", Name(n),
                                t.classes.count(n) ? t.classes.at(n) : 0, t.runs);
        out += fmt::format("  {}\n    first in run {} (seed {}, fuzz {})\n", counts, e.run, e.seed,
                           e.fuzz);
        out += "    replay: " + e.replay + "\n";
        if (e.divergence) {
          if (e.divergence->missing_expected)
            out += fmt::format("    line {}: nothing more expected, got \"{}\"\n",
                               e.divergence->line, Clip(e.divergence->actual));
          else if (e.divergence->missing_actual)
            out += fmt::format("    output ends before line {} (expected \"{}\")\n",
                               e.divergence->line, Clip(e.divergence->expected));
          else
            out += fmt::format("    line {}: expected \"{}\", got \"{}\"\n", e.divergence->line,
                               Clip(e.divergence->expected), Clip(e.divergence->actual));
        }
        for (const ExcerptLine& l : e.excerpt) out += "      " + Clip(FormatExcerptLine(l)) + "\n";
        if (!e.schedule.empty()) out += ScheduleLines(e);
      }
      if (t.pct_bound) out += "  " + PctBoundText(*t.pct_bound) + "\n";
      if (!t.sanitizer_reports.empty()) {
        out += fmt::format("  sanitizer reports ({} distinct):\n", t.sanitizer_reports.size());
        for (const SanitizerSummary& s : t.sanitizer_reports)
          out += fmt::format("    {:<10} {:<28} {} of {} runs  ({})\n", s.kind,
                             s.location.empty() ? "(no source frame)" : s.location, s.runs, t.runs,
                             s.signature);
      }
    }

    std::size_t failing = 0;
    for (const TargetReport& t : r.targets)
      if (t.expect_checked ? t.verdict != Verdict::kAsExpected : t.failed_runs > 0) ++failing;
    out += fmt::format("\n{} of {} target{} {}.\n", failing, r.targets.size(),
                       r.targets.size() == 1 ? "" : "s",
                       expect ? "differ from expectations" : "failed");
    // Ids, paths, sanitizer kinds and function names come from programs and
    // saved reports, not only the excerpts (escaped when captured): make the
    // whole text safe for a terminal in one place.
    return TerminalSafe(out);
  }
};

}  // namespace

std::unique_ptr<Renderer> MakeTextRenderer() {
  return std::make_unique<TextRenderer>();
}

}  // namespace racelab
