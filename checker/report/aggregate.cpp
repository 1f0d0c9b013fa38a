// Aggregation of run verdicts: counts, first examples, deduplicated sanitizer reports.
#include "report/aggregate.hpp"

#include <algorithm>

#include "report/report_view.hpp"
#include "report/stats.hpp"
#include "util/fnv1a.hpp"

namespace racelab {
namespace {

constexpr int kExcerptRadius = 3;
constexpr std::size_t kReportLines = 40;
// A torn line can be megabytes long; a report keeps its start.
constexpr std::size_t kMaxLineBytes = 400;

std::string Clip(std::string s) {
  if (s.size() > kMaxLineBytes) {
    const std::size_t extra = s.size() - kMaxLineBytes;
    s.resize(kMaxLineBytes);
    s += "... (+" + std::to_string(extra) + " bytes)";
  }
  return s;
}

// Lines of text that are not stdout's own numbered lines.
std::vector<ExcerptLine> Unnumbered(const std::vector<std::string>& lines) {
  std::vector<ExcerptLine> out;
  for (const std::string& l : lines) out.push_back(ExcerptLine{0, false, l});
  return out;
}

// The last max_lines lines of text.
std::vector<std::string> Tail(std::string_view text, std::size_t max_lines) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t start = text.size();
  for (std::size_t seen = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++seen == max_lines) break;
  }
  return PrintableLines(text.substr(start), max_lines);
}

}  // namespace

std::vector<ExcerptLine> ExampleExcerpt(const RunVerdict& v, const ProcessResult& p) {
  if (v.divergence && v.divergence->line > 0)
    return ExcerptLinesAround(p.out, v.divergence->line, kExcerptRadius);
  if (!v.reports.empty()) return Unnumbered(PrintableLines(v.reports.front().text, 12));
  // The scheduler's trailer is shown by the example's own fields.
  const std::string err = protocol::StripSchedLines(p.err);
  if (!err.empty()) return Unnumbered(Tail(err, 6));
  return Unnumbered(Tail(p.out, 6));
}

std::uint64_t StdoutFingerprint(std::string_view out) {
  Fnv1a64 h;
  std::size_t pos = 0;
  while (pos < out.size()) {
    std::size_t nl = out.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? out.size() : nl + 1;
    const std::string_view line = out.substr(pos, end - pos);
    pos = end;
    if (IsElapsedLine(line.substr(0, line.size() - (line.back() == '\n' ? 1 : 0)))) continue;
    h.Add(line);
  }
  return h.value();
}

DivergenceInfo MakeDivergenceInfo(const Divergence& d) {
  return DivergenceInfo{d.line, Clip(Printable(d.expected)), Clip(Printable(d.actual)),
                        d.missing_actual, d.missing_expected};
}

TargetAggregator::TargetAggregator(const Target& target, std::size_t max_signatures)
    : max_signatures_(max_signatures) {
  report_.id = target.id;
  report_.build = target.build;
  report_.executable = target.executable;
  if (target.variant != nullptr) report_.source = "variants/" + target.variant->source;
  report_.oracle = target.oracle;
  report_.iterations = target.iterations;
}

TargetReport TargetAggregator::Snapshot() const {
  TargetReport r = report_;
  r.wall_seconds = static_cast<double>(wall_us_) / 1e6;
  r.cpu_seconds = static_cast<double>(cpu_us_) / 1e6;
  for (const auto& [fuzz, us] : wall_us_by_fuzz_)
    r.wall_seconds_by_fuzz[fuzz] = static_cast<double>(us) / 1e6;
  // Most frequent first; ties by the run that first showed it, so the order
  // does not depend on the order in which runs finished.
  std::sort(r.sanitizer_reports.begin(), r.sanitizer_reports.end(),
            [](const SanitizerSummary& a, const SanitizerSummary& b) {
              if (a.runs != b.runs) return a.runs > b.runs;
              if (a.first_run != b.first_run) return a.first_run < b.first_run;
              return a.signature < b.signature;
            });
  r.pct_bound = PctBoundOf(r.pct_tallies);
  return r;
}

std::optional<PctBound> PctBoundOf(const std::map<std::uint64_t, PctTally>& tallies) {
  if (tallies.empty()) return std::nullopt;
  const auto& [depth, tally] = *tallies.rbegin();
  if (tally.runs > 0 && tally.failed == 0 && tally.threads > 0 && tally.steps > 0)
    return PctBound{depth, tally.runs, tally.threads, tally.steps,
                    PctFindProbability(depth, tally.runs, tally.threads, tally.steps)};
  return std::nullopt;
}

void TargetAggregator::Add(const RunInfo& run, const RunVerdict& v) {
  if (v.harness_error) {
    ++report_.harness_errors;
    if (report_.harness_error_examples.size() < 3)
      report_.harness_error_examples.push_back(v.harness_error_text);
    return;
  }
  ++report_.runs;
  ++report_.runs_by_fuzz[run.fuzz];
  const bool failed = !v.classes.Has(FailureClass::kOk);
  if (failed) ++report_.failed_runs;
  const bool controlled = run.setting != nullptr && run.setting->IsControlled();
  if (run.setting != nullptr && run.setting->mode == FuzzSetting::Mode::kPct) {
    PctTally& p = report_.pct_tallies[run.setting->depth];
    ++p.runs;
    if (failed) ++p.failed;
    if (v.sched.stats_seen) {
      p.threads = std::max(p.threads, v.sched.threads);
      p.steps = std::max(p.steps, v.sched.steps);
    }
  }
  if (run.process != nullptr) {
    // Integer sums: a float sum would depend on the order runs finish in.
    wall_us_ += static_cast<std::uint64_t>(run.process->wall.count());
    wall_us_by_fuzz_[run.fuzz] += static_cast<std::uint64_t>(run.process->wall.count());
    cpu_us_ += static_cast<std::uint64_t>(run.process->cpu.count());
  }

  std::vector<FailureClass> names;
  v.classes.ForEach([&](FailureClass c) { names.push_back(c); });
  std::vector<ExcerptLine> excerpt;
  bool excerpt_made = false;
  for (const FailureClass name : names) {
    ++report_.classes[name];
    ++report_.classes_by_fuzz[run.fuzz][name];
    if (!failed) continue;
    auto it = report_.examples.find(name);
    if (it != report_.examples.end() && it->second.run <= run.index) continue;
    if (!excerpt_made && run.process != nullptr) {
      excerpt = ExampleExcerpt(v, *run.process);
      excerpt_made = true;
    }
    Example e;
    e.run = run.index;
    e.seed = run.seed;
    e.fuzz = run.fuzz;
    if (run.setting != nullptr) e.setting = *run.setting;
    e.replay = run.replay;
    e.classes = names;
    e.excerpt = excerpt;
    if (v.divergence) e.divergence = MakeDivergenceInfo(*v.divergence);
    if (controlled && v.sched.present && !v.sched.schedule.empty()) {
      e.schedule = e.original_schedule = v.sched.schedule;
      if (v.sched.stats_seen) e.preemptions = e.original_preemptions = v.sched.preemptions;
      e.explanation = v.sched.Explanation();
      for (std::string& l : e.explanation) l = Clip(Printable(l));
      for (const std::string& l : v.sched.deadlock_lines) e.deadlock.push_back(Clip(Printable(l)));
      if (run.process != nullptr) e.stdout_hash = StdoutFingerprint(run.process->out);
    }
    report_.examples[name] = std::move(e);
  }

  // A run counts once per distinct signature, however often it repeats it.
  std::vector<const SanitizerReport*> distinct;
  for (const SanitizerReport& r : v.reports) {
    if (std::none_of(distinct.begin(), distinct.end(),
                     [&](const SanitizerReport* d) { return d->signature == r.signature; }))
      distinct.push_back(&r);
  }
  for (const SanitizerReport* r : distinct) {
    auto it = signature_index_.find(r->signature);
    if (it == signature_index_.end()) {
      if (signature_index_.size() >= max_signatures_) {
        ++report_.distinct_signatures_dropped;
        continue;
      }
      it = signature_index_.emplace(r->signature, report_.sanitizer_reports.size()).first;
      SanitizerSummary s;
      s.kind = r->kind;
      s.cls = r->cls;
      s.signature = r->signature;
      s.location = r->location;
      s.first_run = run.index;
      s.first_seed = run.seed;
      s.text = PrintableLines(r->text, kReportLines);
      report_.sanitizer_reports.push_back(std::move(s));
    }
    SanitizerSummary& s = report_.sanitizer_reports[it->second];
    ++s.runs;
    if (run.index < s.first_run) {
      s.first_run = run.index;
      s.first_seed = run.seed;
      s.location = r->location;
      s.text = PrintableLines(r->text, kReportLines);
    }
  }
}

}  // namespace racelab
