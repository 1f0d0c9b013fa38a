// Shard reports -> one campaign report: every figure as if one machine had run every run.
#include "report/merge.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "report/aggregate.hpp"
#include "report/expectations.hpp"

namespace racelab {

ShardCoverage CoverageOf(const Report& r) {
  if (r.shards) return *r.shards;
  ShardCoverage c;
  c.indices = {0};
  return c;
}

namespace {

// Seconds kept as whole microseconds, so that sums do not depend on their order.
std::int64_t Micros(double s) {
  return std::llround(s * 1e6);
}
double Seconds(std::int64_t us) {
  return static_cast<double>(us) / 1e6;
}
double SumSeconds(double a, double b) {
  return Seconds(Micros(a) + Micros(b));
}

template <typename Map>
void AddCounts(Map& into, const Map& from) {
  for (const auto& [k, v] : from) into[k] += v;
}

// Which of two examples of one class a single machine would have kept: the lower run
// index (ties, which only hand-made reports have, by the rest of the example).
bool ExampleBefore(const Example& a, const Example& b) {
  return std::tie(a.run, a.seed, a.replay, a.schedule) <
         std::tie(b.run, b.seed, b.replay, b.schedule);
}

bool SummaryBefore(const SanitizerSummary& a, const SanitizerSummary& b) {
  return std::tie(a.first_run, a.first_seed, a.location, a.text) <
         std::tie(b.first_run, b.first_seed, b.location, b.text);
}

// The order TargetAggregator::Snapshot gives: most runs first, then first run, signature.
void SortSummaries(std::vector<SanitizerSummary>& v) {
  std::sort(v.begin(), v.end(), [](const SanitizerSummary& a, const SanitizerSummary& b) {
    if (a.runs != b.runs) return a.runs > b.runs;
    if (a.first_run != b.first_run) return a.first_run < b.first_run;
    return a.signature < b.signature;
  });
}

// `lo` is the part whose lowest shard index is lower: it gives what a merge
// cannot sum (the executable's path on its machine).
TargetReport MergeTarget(const TargetReport& lo, const TargetReport& hi) {
  TargetReport r = lo;
  r.runs += hi.runs;
  r.failed_runs += hi.failed_runs;
  AddCounts(r.classes, hi.classes);
  for (const auto& [fuzz, m] : hi.classes_by_fuzz) AddCounts(r.classes_by_fuzz[fuzz], m);
  AddCounts(r.runs_by_fuzz, hi.runs_by_fuzz);
  for (const auto& [fuzz, s] : hi.wall_seconds_by_fuzz)
    r.wall_seconds_by_fuzz[fuzz] = SumSeconds(r.wall_seconds_by_fuzz[fuzz], s);
  r.wall_seconds = SumSeconds(lo.wall_seconds, hi.wall_seconds);
  r.cpu_seconds = SumSeconds(lo.cpu_seconds, hi.cpu_seconds);
  for (const auto& [cls, e] : hi.examples) {
    auto it = r.examples.find(cls);
    if (it == r.examples.end() || ExampleBefore(e, it->second)) r.examples[cls] = e;
  }
  std::map<std::string, std::size_t> by_signature;
  for (std::size_t i = 0; i < r.sanitizer_reports.size(); ++i)
    by_signature[r.sanitizer_reports[i].signature] = i;
  for (const SanitizerSummary& s : hi.sanitizer_reports) {
    auto it = by_signature.find(s.signature);
    if (it == by_signature.end()) {
      by_signature[s.signature] = r.sanitizer_reports.size();
      r.sanitizer_reports.push_back(s);
      continue;
    }
    SanitizerSummary& into = r.sanitizer_reports[it->second];
    const std::uint64_t runs = into.runs + s.runs;
    if (SummaryBefore(s, into)) into = s;
    into.runs = runs;
  }
  SortSummaries(r.sanitizer_reports);
  r.distinct_signatures_dropped += hi.distinct_signatures_dropped;
  r.harness_errors += hi.harness_errors;
  r.harness_error_examples.insert(r.harness_error_examples.end(), hi.harness_error_examples.begin(),
                                  hi.harness_error_examples.end());
  std::sort(r.harness_error_examples.begin(), r.harness_error_examples.end());
  if (r.harness_error_examples.size() > 3) r.harness_error_examples.resize(3);
  for (const auto& [depth, t] : hi.pct_tallies) {
    PctTally& into = r.pct_tallies[depth];
    into.runs += t.runs;
    into.failed += t.failed;
    into.threads = std::max(into.threads, t.threads);
    into.steps = std::max(into.steps, t.steps);
  }
  r.pct_bound = PctBoundOf(r.pct_tallies);
  if (r.expect_checked) JudgeExpectations(r);
  return r;
}

std::string Indices(const std::vector<std::uint64_t>& v) {
  return fmt::format("{}", fmt::join(v, ", "));
}

}  // namespace

std::string CampaignDifference(const CampaignIdentity& a, const CampaignIdentity& b) {
  auto differ = [](const char* what, const auto& x, const auto& y) -> std::string {
    if (x == y) return "";
    return fmt::format("{} {} vs {}", what, x, y);
  };
  for (const std::string& d :
       {differ("racelab version", a.racelab_version, b.racelab_version),
        differ("runs", a.runs, b.runs), differ("seed", a.seed, b.seed),
        differ("fuzz", a.fuzz, b.fuzz), differ("timeout", a.timeout_s, b.timeout_s),
        differ("build", a.build, b.build), differ("expect", a.expect, b.expect),
        differ("until-fail", a.until_fail, b.until_fail),
        differ("shrink-seconds", a.shrink_seconds, b.shrink_seconds),
        differ("shrink-runs", a.shrink_runs, b.shrink_runs),
        differ("number of targets", a.targets.size(), b.targets.size())})
    if (!d.empty()) return d;
  for (std::size_t i = 0; i < a.targets.size(); ++i) {
    const CampaignTarget& x = a.targets[i];
    const CampaignTarget& y = b.targets[i];
    const std::string label = x.id + "/" + x.build;
    for (const std::string& d :
         {differ("target", label, y.id + "/" + y.build), differ("binary", x.binary, y.binary),
          differ("oracle", x.oracle, y.oracle), differ("iterations", x.iterations, y.iterations),
          differ("threads", x.threads, y.threads), differ("fuzz", x.fuzz, y.fuzz)})
      if (!d.empty()) return d.rfind("target ", 0) == 0 ? d : label + ": " + d;
  }
  return "";
}

Result<Report> MergeReports(const Report& a, const Report& b) {
  if (!a.campaign || !b.campaign)
    return UsageError{"a report without a campaign identity (written before racelab had shards)"};
  if (std::string d = CampaignDifference(*a.campaign, *b.campaign); !d.empty())
    return UsageError{"not shards of one campaign: " + d};
  const ShardCoverage ca = CoverageOf(a);
  const ShardCoverage cb = CoverageOf(b);
  if (ca.count != cb.count)
    return UsageError{
        fmt::format("not shards of one campaign: {} shards vs {} shards", ca.count, cb.count)};
  std::vector<std::uint64_t> both;
  std::set_intersection(ca.indices.begin(), ca.indices.end(), cb.indices.begin(), cb.indices.end(),
                        std::back_inserter(both));
  if (!both.empty()) return UsageError{fmt::format("shard {} given twice", Indices(both))};
  if (a.targets.size() != b.targets.size())
    return UsageError{"not shards of one campaign: different targets"};
  const bool a_first =
      ca.indices.empty() || (!cb.indices.empty() && cb.indices.front() < ca.indices.front());
  const Report& lo = a_first ? b : a;
  const Report& hi = a_first ? a : b;
  Report r = lo;
  ShardCoverage c;
  c.count = ca.count;
  std::set_union(ca.indices.begin(), ca.indices.end(), cb.indices.begin(), cb.indices.end(),
                 std::back_inserter(c.indices));
  std::set_union(ca.hosts.begin(), ca.hosts.end(), cb.hosts.begin(), cb.hosts.end(),
                 std::back_inserter(c.hosts));
  r.shards = c;
  r.interrupted = a.interrupted || b.interrupted;
  r.elapsed_s = std::max(a.elapsed_s, b.elapsed_s);
  r.racelab_cpu_s = a.racelab_cpu_s + b.racelab_cpu_s;
  for (std::size_t i = 0; i < r.targets.size(); ++i) {
    if (lo.targets[i].id != hi.targets[i].id || lo.targets[i].build != hi.targets[i].build)
      return UsageError{fmt::format("not shards of one campaign: target {} is {}/{} vs {}/{}", i,
                                    lo.targets[i].id, BuildName(lo.targets[i].build),
                                    hi.targets[i].id, BuildName(hi.targets[i].build))};
    r.targets[i] = MergeTarget(lo.targets[i], hi.targets[i]);
  }
  return r;
}

Result<Report> MergeShardFiles(const std::vector<ShardFile>& files, bool allow_partial) {
  if (files.empty()) return UsageError{"merge: no shard reports given"};
  const ShardFile& first = files.front();
  if (!first.report.campaign)
    return UsageError{first.origin +
                      ": no campaign identity (a report of an older racelab, or not a shard)"};
  const std::uint64_t count = CoverageOf(first.report).count;
  std::map<std::uint64_t, std::vector<std::string>> seen;  // shard index -> files
  for (const ShardFile& f : files) {
    if (!f.report.campaign)
      return UsageError{f.origin +
                        ": no campaign identity (a report of an older racelab, or not a shard)"};
    if (std::string d = CampaignDifference(*first.report.campaign, *f.report.campaign); !d.empty())
      return UsageError{
          fmt::format("{} and {} are not shards of one campaign: {}", first.origin, f.origin, d)};
    const ShardCoverage c = CoverageOf(f.report);
    if (c.count != count)
      return UsageError{fmt::format("{} and {} are not shards of one campaign: {} vs {} shards",
                                    first.origin, f.origin, count, c.count)};
    for (std::uint64_t i : c.indices) seen[i].push_back(f.origin);
  }
  std::vector<std::string> duplicated;
  for (const auto& [i, origins] : seen)
    if (origins.size() > 1)
      duplicated.push_back(fmt::format("{} ({})", i, fmt::join(origins, ", ")));
  std::vector<std::uint64_t> missing;
  for (std::uint64_t i = 0; i < count; ++i)
    if (seen.count(i) == 0) missing.push_back(i);
  if (!duplicated.empty()) {
    std::string msg =
        fmt::format("merge: shard {} given more than once", fmt::join(duplicated, "; "));
    if (!missing.empty()) msg += fmt::format("; missing: {} of {}", Indices(missing), count);
    return UsageError{msg};
  }
  if (!missing.empty() && !allow_partial)
    return UsageError{
        fmt::format("merge: shard {} of {} missing (give every shard's report, or --allow-partial)",
                    Indices(missing), count)};
  Report merged = first.report;
  if (!merged.shards) merged.shards = CoverageOf(merged);
  for (std::size_t i = 1; i < files.size(); ++i) {
    auto m = MergeReports(merged, files[i].report);
    if (!m) return UsageError{files[i].origin + ": " + m.error().what};
    merged = std::move(m).value();
  }
  return merged;
}

}  // namespace racelab
