// The report model: plain data that every output format is rendered from.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "judge/failure_class.hpp"
#include "protocol/fuzz_setting.hpp"
#include "run/manifest.hpp"
#include "util/excerpt_line.hpp"

namespace racelab {

inline constexpr std::string_view kReportSchema = "racelab.report/1";

// With --expect: how a target's classes compare with the manifest's.
enum class Verdict {
  // Every class seen is expected or tolerated, and every expected class was seen
  // (or too few runs were made to conclude that it is missing).
  kAsExpected,
  // A failure class that the manifest neither expects nor tolerates.
  kUnexpectedFailure,
  // An expected class not seen in enough runs to say it should have been.
  kNotReproduced,
};
// "as-expected", "unexpected-failure", "not-reproduced".
std::string_view Name(Verdict v);
std::optional<Verdict> ParseVerdict(std::string_view s);

// The --build option: which flavours of each manifest target run.
enum class BuildChoice { kPlain, kTsan, kBoth };
// "plain", "tsan", "both".
std::string_view Name(BuildChoice b);
std::optional<BuildChoice> ParseBuildChoice(std::string_view s);

// A target's build as reports name it: "plain", "tsan", or "path" (no build).
std::string_view BuildName(const std::optional<Build>& b);

// The first line where a run's output left the expected one.
struct DivergenceInfo {
  std::uint64_t line = 0;  // 1-based
  std::string expected;
  std::string actual;
  bool missing_actual = false;    // output ended before this line
  bool missing_expected = false;  // a line where nothing more was expected
};

// One run that shows a class: the first (lowest run index) that did.
struct Example {
  std::uint64_t run = 0;  // run index within its target
  std::uint64_t seed = 0;
  std::string fuzz;
  // Not reported: the run's setting as a value, for the follow-up replays (unset in a
  // report read back from JSON).
  std::optional<protocol::FuzzSetting> setting;
  std::string replay;                 // the exact command that replays this run
  std::vector<FailureClass> classes;  // every class of that run
  std::vector<ExcerptLine> excerpt;   // lines around the first divergence
  std::optional<DivergenceInfo> divergence;
  // Controlled scheduling (docs/scheduling.md); `schedule` is empty for an
  // uncontrolled run, and then none of these is reported.
  std::string schedule;           // the shrunk schedule if shrinking ran, else the run's own
  std::string original_schedule;  // the failing run's own schedule
  std::optional<std::uint64_t> preemptions;           // of `schedule`
  std::optional<std::uint64_t> original_preemptions;  // of `original_schedule`
  // Two exact replays of original_schedule: identical stdout and classes, no divergence.
  // Unset when they were not tried, or when racelab could not carry one out: then
  // reproduce_error says why, and the report says "unknown", never blaming the program.
  std::optional<bool> reproduced;
  std::string reproduce_error;
  // Shrinking, when it ran: whether `schedule` is minimal (1-minimal: removing any one
  // of its deviations loses the class or needs more preemptions; docs/scheduling.md),
  // else why not; and what it cost (probe runs as a one-at-a-time search counts them,
  // and seconds).
  std::optional<bool> minimal;
  std::string not_minimal_reason;
  std::optional<std::uint64_t> shrink_probes;
  std::optional<double> shrink_seconds;
  // The preemptions of `schedule`, e.g. "step 12: thread 2 at p1s4.cpp:41 (read) ->
  // thread 3 runs p1s4.cpp:38 (write)".
  std::vector<std::string> explanation;
  // A deadlock: "deadlock at step=88", "thread 1 blocked in lock at lock_inversion.cpp:20".
  std::vector<std::string> deadlock;
  // Not reported: the run's stdout fingerprint (elapsed lines left out), for the
  // determinism check.
  std::uint64_t stdout_hash = 0;
};

// "a bug of depth <= D would have been found with probability >= p": the PCT
// guarantee 1/(n k^(D-1)) per run, over the R runs of pct:D that found nothing.
struct PctBound {
  std::uint64_t depth = 0;
  std::uint64_t runs = 0;
  std::uint64_t threads = 0;  // n: the most threads a run had
  std::uint64_t steps = 0;    // k: the most steps a run took
  double probability = 0;
};

// What the PCT bound of a target is computed from: its runs of one pct:D setting.
// Kept in the report so that merged shards recompute the bound on the total.
struct PctTally {
  std::uint64_t runs = 0;
  std::uint64_t failed = 0;
  std::uint64_t threads = 0;  // the most threads a run had
  std::uint64_t steps = 0;    // the most steps a run took
  bool operator==(const PctTally& o) const {
    return runs == o.runs && failed == o.failed && threads == o.threads && steps == o.steps;
  }
};

// One class the manifest expects, with the rate it was measured at: kept in the
// report so that a merge re-judges --expect from the JSON alone.
struct ExpectedRate {
  FailureClass cls = FailureClass::kOk;
  double rate = 0;
  std::uint64_t measured_runs = 0;
};

// A deduplicated sanitizer report: one signature, however many runs showed it.
struct SanitizerSummary {
  std::string kind;
  FailureClass cls = FailureClass::kSanitizerOther;
  std::string signature;
  std::string location;  // file:line of the first frame in the program's own source
  std::uint64_t runs = 0;
  std::uint64_t first_seed = 0;
  std::uint64_t first_run = 0;
  std::vector<std::string> text;  // the report of the first run that showed it
};

struct TargetReport {
  std::string id;
  std::optional<Build> build;  // none: a path target
  std::string executable;
  // How its runs were started (--launch; docs/launch.md): "fork", "exec" or "fork, then
  // exec"; "" = not recorded.
  std::string launch;
  // The program's source file relative to Report::source_root ("" = unknown):
  // where findings without a sanitizer location point (SARIF needs one).
  std::string source;
  std::optional<OracleKind> oracle;  // none: not recorded
  std::uint64_t iterations = 0;
  std::uint64_t runs = 0;
  std::uint64_t failed_runs = 0;
  ClassMap<std::uint64_t> classes;  // class -> runs
  std::map<std::string, ClassMap<std::uint64_t>> classes_by_fuzz;
  std::map<std::string, std::uint64_t> runs_by_fuzz;
  std::map<std::string, double> wall_seconds_by_fuzz;  // summed run wall time per setting
  ClassMap<Example> examples;                          // failing class -> example
  std::vector<SanitizerSummary> sanitizer_reports;
  std::uint64_t distinct_signatures_dropped = 0;  // beyond the kept maximum
  // --expect: what the manifest expects, and the verdict.
  bool expect_checked = false;
  std::vector<FailureClass> expected;
  Verdict verdict = Verdict::kAsExpected;
  std::vector<std::string> notes;  // e.g. "expected class X not seen in N runs (not enough runs)"
  std::vector<ExpectedRate> expected_rates;  // --expect: the manifest's expectations
  std::vector<FailureClass> tolerated;       // --expect: classes neither expected nor unexpected
  double wall_seconds = 0;                   // sum of run wall times
  double cpu_seconds = 0;                    // sum of child CPU times
  std::uint64_t harness_errors = 0;          // runs racelab itself failed to carry out
  std::vector<std::string> harness_error_examples;
  std::optional<PctBound> pct_bound;              // pct runs that found nothing
  std::map<std::uint64_t, PctTally> pct_tallies;  // by depth D, over every pct:D run
};

struct ReportSettings {
  std::uint64_t runs = 0;
  int jobs = 0;
  std::string fuzz;
  std::uint64_t seed = 0;
  double timeout_s = 0;
  std::optional<BuildChoice> build;  // none: not recorded
  bool expect = false;
  bool until_fail = false;
};

// What makes two reports parts of one campaign (docs/scale-out.md): every input
// that decides a run's outcome, nothing about the machine (jobs, paths, hosts).
struct CampaignTarget {
  std::string id;
  std::string build;
  std::string binary;  // FileFingerprint of the executable
  std::string oracle;
  std::uint64_t iterations = 0;
  std::uint64_t threads = 0;
  std::string fuzz;  // the settings its runs used, pct:D calibrated to pct:D:K
  bool operator==(const CampaignTarget& o) const {
    return id == o.id && build == o.build && binary == o.binary && oracle == o.oracle &&
           iterations == o.iterations && threads == o.threads && fuzz == o.fuzz;
  }
};
struct CampaignIdentity {
  std::string racelab_version;
  std::uint64_t runs = 0;
  std::uint64_t seed = 0;
  std::string fuzz;
  double timeout_s = 0;
  std::string build;
  bool expect = false;
  bool until_fail = false;
  double shrink_seconds = 0;  // the wall-clock cap of one shrink
  std::uint64_t shrink_runs = 0;
  std::vector<CampaignTarget> targets;
  bool operator==(const CampaignIdentity& o) const {
    return racelab_version == o.racelab_version && runs == o.runs && seed == o.seed &&
           fuzz == o.fuzz && timeout_s == o.timeout_s && build == o.build && expect == o.expect &&
           until_fail == o.until_fail && shrink_seconds == o.shrink_seconds &&
           shrink_runs == o.shrink_runs && targets == o.targets;
  }
};

// Which shards of a campaign a report covers: one for `racelab run --shard K/N`,
// several after `racelab merge`.
struct ShardCoverage {
  std::uint64_t count = 1;             // N
  std::vector<std::uint64_t> indices;  // sorted, distinct
  std::vector<std::string> hosts;      // the machines that ran them, sorted, distinct
  // The indices below count not covered.
  std::vector<std::uint64_t> Missing() const;
  bool Partial() const { return indices.size() < count; }
};

struct Report {
  std::string schema = std::string(kReportSchema);
  std::string racelab_version;
  ReportSettings settings;
  std::optional<CampaignIdentity> campaign;  // absent in reports of older racelab versions
  std::optional<ShardCoverage> shards;       // absent for an unsharded run
  std::vector<TargetReport> targets;
  // The directory sanitizer locations and TargetReport::source are relative
  // to ("" = unknown: renderers that read sources fall back to their own).
  std::string source_root;
  bool interrupted = false;
  double elapsed_s = 0;
  // CPU time (user + system) racelab itself used: its runs and fork servers not included.
  double racelab_cpu_s = 0;
};

// Whether a report shows anything that makes `racelab run` exit 1.
bool HasFailures(const Report& r);
// Whether racelab itself failed to carry out some run (exit 3).
bool HasHarnessErrors(const Report& r);

}  // namespace racelab
