// Folds run verdicts into a TargetReport as they arrive, in constant memory.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "judge/classify.hpp"
#include "report/report.hpp"
#include "run/target.hpp"
#include "util/fuzz_setting.hpp"

namespace racelab {

// What the campaign knows about one run besides its verdict.
struct RunInfo {
  std::uint64_t index = 0;  // run i of the target: seed = base seed + i
  std::uint64_t seed = 0;
  std::string fuzz;
  std::string replay;
  const ProcessResult* process = nullptr;
  const FuzzSetting* setting = nullptr;  // the run's setting (nullptr: unknown, uncontrolled)
};

// Not thread-safe: the campaign serialises Add calls. The result does not
// depend on the order in which runs are added: counts commute, and every
// example kept is the one with the lowest run index.
class TargetAggregator {
 public:
  explicit TargetAggregator(const Target& target, std::size_t max_signatures = 256);
  void Add(const RunInfo& run, const RunVerdict& verdict);
  // The report so far, in a canonical order.
  TargetReport Snapshot() const;
  std::uint64_t failed_runs() const { return report_.failed_runs; }

 private:
  TargetReport report_;
  std::size_t max_signatures_;
  std::uint64_t wall_us_ = 0;
  std::uint64_t cpu_us_ = 0;
  std::map<std::string, std::uint64_t> wall_us_by_fuzz_;
  std::map<std::string, std::size_t> signature_index_;  // signature -> sanitizer_reports slot
};

// The PCT guarantee of the deepest pct setting, when its runs found nothing and
// measured their threads and steps.
std::optional<PctBound> PctBoundOf(const std::map<std::uint64_t, PctTally>& tallies);

// FNV-1a 64 of a run's stdout without its `elapsed:` timing lines: equal for two
// runs that printed the same thing.
std::uint64_t StdoutFingerprint(std::string_view out);

// Builds the example excerpt for a run: lines around the first divergence of
// stdout, else the head of the first sanitizer report, else the tail of stderr.
std::vector<ExcerptLine> ExampleExcerpt(const RunVerdict& v, const ProcessResult& p);
// A divergence as a report keeps it: printable, long lines cut.
DivergenceInfo MakeDivergenceInfo(const Divergence& d);

}  // namespace racelab
