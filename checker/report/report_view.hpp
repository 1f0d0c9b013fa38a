// What the report formats derive alike from the model: rates, class order, example groups.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/report.hpp"
#include "report/stats.hpp"
#include "util/text_util.hpp"  // DisplaySafe

namespace racelab {

// "0%", "87.0%", "4.0%", "0.35%": short, and never "0.0%" for a rate above zero.
std::string Percent(double x);

// A class's share of a target's runs, with its 95% interval.
struct Rate {
  std::uint64_t count = 0;
  std::uint64_t runs = 0;
  double value = 0;  // count / runs, 0 without runs
  Interval ci;
};
Rate RateOf(std::uint64_t count, std::uint64_t runs);
Rate ClassRate(const TargetReport& t, FailureClass cls);
// "87.0% [79.0%, 92.2%]", "0% (<= 9.5% at 95%)", "no runs".
std::string RateText(const Rate& r);

// Failure classes that occurred in any target, in vocabulary order.
std::vector<FailureClass> OccurringClasses(const Report& r);
// Classes (ok included) that occurred in any of `targets`, in vocabulary order.
std::vector<FailureClass> OccurringClasses(const std::vector<const TargetReport*>& targets);

// Whether a target counts as failing: with --expect, a verdict other than
// as-expected; without, any failed run.
bool IsFailing(const TargetReport& t);
// Whether a class occurred and counts against the target: every failure class
// without --expect, only those the manifest does not expect with it.
bool IsUnexpected(const TargetReport& t, FailureClass cls);

// Whether --expect was checked and the manifest expects `cls` of the target.
bool IsExpected(const TargetReport& t, FailureClass cls);

// Classes first shown by the same run share one example, in vocabulary order.
struct ExampleGroup {
  std::vector<FailureClass> classes;
  const Example* example = nullptr;
};
// (Classes of one run whose shrunk schedules differ get an example each.)
std::vector<ExampleGroup> GroupExamples(const TargetReport& t);

// "a bug of depth ≤ 3 would have been found with probability ≥ 0.0951 (R = 10000 pct:3
// runs, n = 101 threads, k = 2004 steps: 1-(1-1/(n·k^(D-1)))^R)"
std::string PctBoundText(const PctBound& b);
// "0.0951", "2.5e-05", "1 - 3.1e-07": a probability readable near 0 and near 1.
std::string ProbabilityText(double p);

// A controlled example's schedule facts, one line each: "schedule: S (1 preemption)",
// "shrunk from: S0 (3 preemptions)", "reproduced: yes (...)". Empty for other runs.
std::vector<std::string> ScheduleFacts(const Example& e);

// "variants/p1s2.cpp:31" -> {"variants/p1s2.cpp", 31}; nullopt without a line.
struct SourceLocation {
  std::string file;
  std::uint64_t line = 0;
};
std::optional<SourceLocation> ParseLocation(const std::string& location);

// The source file findings of `t` without a location of their own point to:
// t.source, else the file of a sanitizer location of the same target id (any
// build), else "".
std::string TargetSourceFile(const Report& r, const TargetReport& t);

// The j-th line (1-based) of ExpectedSumSequence(n), without building the
// whole text; nullopt past its end. Lets a view show the expected side of a
// diff for any n.
std::optional<std::string> SumSequenceLine(std::uint64_t n, std::uint64_t j);
// The index j at which `line` occurs in ExpectedSumSequence(n), for its
// equation and DONE lines (a dash line occurs n times: nullopt).
std::optional<std::uint64_t> SumSequenceIndex(std::uint64_t n, std::string_view line);
// Where a sharded report's runs came from, one line: "shard 2 of 4, host n1", "4 of 4
// shards from 2 hosts (n1, n2)", "3 of 4 shards from 1 host (n1); partial: shard 2
// missing". "" for an unsharded run.
std::string ShardsText(const Report& r);
// An `elapsed: x seconds` line: timing, which the oracles skip.
bool IsElapsedLine(std::string_view line);

}  // namespace racelab
