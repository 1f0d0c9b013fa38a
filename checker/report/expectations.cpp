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
        r.expected_rates.push_back({std::string(Name(e.cls)), e.rate, e.measured_runs});
    if (auto it = variant->tolerated.find(*build); it != variant->tolerated.end())
      for (FailureClass c : it->second) r.tolerated.emplace_back(Name(c));
  }
  JudgeExpectations(r);
}

void JudgeExpectations(TargetReport& r) {
  r.expect_checked = true;
  r.expected.clear();
  r.notes.clear();
  std::vector<ExpectedClass> expected;
  std::vector<FailureClass> tolerated;
  for (const ExpectedRate& e : r.expected_rates)
    if (auto c = ParseFailureClass(e.cls)) expected.push_back({*c, e.rate, e.measured_runs});
  for (const std::string& t : r.tolerated)
    if (auto c = ParseFailureClass(t)) tolerated.push_back(*c);
  for (const ExpectedClass& e : expected) r.expected.emplace_back(Name(e.cls));

  bool unexpected = false;
  for (const auto& [name, count] : r.classes) {
    if (name == Name(FailureClass::kOk) || count == 0) continue;
    auto cls = ParseFailureClass(name);
    const bool known =
        cls && (std::any_of(expected.begin(), expected.end(),
                            [&](const ExpectedClass& e) { return e.cls == *cls; }) ||
                std::find(tolerated.begin(), tolerated.end(), *cls) != tolerated.end());
    if (!known) {
      unexpected = true;
      r.notes.push_back(fmt::format("unexpected class {} in {} of {} runs", name, count, r.runs));
    }
  }
  bool missing = false;
  for (const ExpectedClass& e : expected) {
    const std::string name(Name(e.cls));
    if (e.cls == FailureClass::kOk || r.classes.count(name) != 0) continue;
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
  r.verdict = unexpected ? "unexpected-failure" : missing ? "not-reproduced" : "as-expected";
}

bool HasFailures(const Report& rep) {
  for (const TargetReport& t : rep.targets) {
    if (t.expect_checked) {
      if (t.verdict != "as-expected") return true;
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
