// Verdicts as-expected / unexpected-failure / not-reproduced, without flakiness.
#include "report/expectations.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "report/stats.hpp"

namespace racelab {

void ApplyExpectations(TargetReport& r, const Variant* variant, const std::optional<Build>& build) {
  r.expected_rates.clear();
  r.tolerated.clear();
  if (variant != nullptr && build) {
    if (auto it = variant->expected.find(*build); it != variant->expected.end())
      for (const ExpectedClass& e : it->second)
        r.expected_rates.push_back({e.cls, e.rate, e.measured_runs});
    if (auto it = variant->tolerated.find(*build); it != variant->tolerated.end())
      for (FailureClass c : it->second) r.tolerated.push_back(c);
  }
  JudgeExpectations(r);
}

void JudgeExpectations(TargetReport& r) {
  r.expect_checked = true;
  r.expected.clear();
  r.notes.clear();
  std::vector<ExpectedClass> expected;
  for (const ExpectedRate& e : r.expected_rates)
    expected.push_back({e.cls, e.rate, e.measured_runs});
  const std::vector<FailureClass>& tolerated = r.tolerated;
  for (const ExpectedClass& e : expected) r.expected.push_back(e.cls);

  bool unexpected = false;
  for (const auto& [seen, count] : r.classes) {
    const FailureClass cls = seen;  // a lambda cannot capture a structured binding in C++17
    if (cls == FailureClass::kOk || count == 0) continue;
    const bool known = std::any_of(expected.begin(), expected.end(),
                                   [&](const ExpectedClass& e) { return e.cls == cls; }) ||
                       std::find(tolerated.begin(), tolerated.end(), cls) != tolerated.end();
    if (!known) {
      unexpected = true;
      r.notes.push_back(
          fmt::format("unexpected class {} in {} of {} runs", Name(cls), count, r.runs));
    }
  }
  bool missing = false;
  for (const ExpectedClass& e : expected) {
    const std::string_view name = Name(e.cls);
    if (e.cls == FailureClass::kOk || r.classes.count(e.cls) != 0) continue;
    // Judge with the lower end of the rate's 95% interval: a rate measured on a busy
    // machine may be higher than on a quiet one, and CI must not fail on that.
    const double rate =
        e.measured_runs > 0
            ? Wilson(
                  static_cast<std::uint64_t>(e.rate * static_cast<double>(e.measured_runs) + 0.5),
                  e.measured_runs)
                  .low
            : e.rate;
    const double miss = MissProbability(rate, r.runs);
    if (miss < kNotReproducedProbability) {
      missing = true;
      r.notes.push_back(fmt::format(
          "expected class {} (measured rate {:.3g}) not seen in {} runs: P(miss) = {:.2g}", name,
          e.rate, r.runs, miss));
    } else {
      r.notes.push_back(fmt::format(
          "expected class {} (measured rate {:.3g}) not seen in {} runs; too few runs to "
          "conclude (P(miss) = {:.2g})",
          name, e.rate, r.runs, miss));
    }
  }
  r.verdict = unexpected ? Verdict::kUnexpectedFailure
              : missing  ? Verdict::kNotReproduced
                         : Verdict::kAsExpected;
}

bool HasFailures(const Report& rep) {
  for (const TargetReport& t : rep.targets) {
    if (t.expect_checked) {
      if (t.verdict != Verdict::kAsExpected) return true;
    } else if (t.failed_runs > 0) {
      return true;
    }
  }
  return false;
}
bool HasHarnessErrors(const Report& rep) {
  return std::any_of(rep.targets.begin(), rep.targets.end(),
                     [](const TargetReport& t) { return t.harness_errors > 0; });
}

}  // namespace racelab
