// Rates, class order and example groups shared by the report formats.
#include "report/report_view.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <string_view>

#include "util/number.hpp"
#include "util/text_util.hpp"

namespace racelab {

std::string Percent(double x) {
  if (x <= 0) return "0%";
  if (x >= 0.01) return fmt::format("{:.1f}%", x * 100);
  return fmt::format("{:.2g}%", x * 100);
}

Rate RateOf(std::uint64_t count, std::uint64_t runs) {
  Rate r;
  r.count = count;
  r.runs = runs;
  if (runs == 0) return r;
  r.value = static_cast<double>(count) / static_cast<double>(runs);
  r.ci = FailureRateInterval(count, runs);
  return r;
}

Rate ClassRate(const TargetReport& t, FailureClass cls) {
  auto it = t.classes.find(cls);
  return RateOf(it == t.classes.end() ? 0 : it->second, t.runs);
}

std::string RateText(const Rate& r) {
  if (r.runs == 0) return "no runs";
  if (r.count == 0) return fmt::format("0% (<= {} at 95%)", Percent(r.ci.high));
  return fmt::format("{} [{}, {}]", Percent(r.value), Percent(r.ci.low), Percent(r.ci.high));
}

std::vector<FailureClass> OccurringClasses(const std::vector<const TargetReport*>& targets) {
  std::vector<FailureClass> out;
  for (FailureClass c : kAllFailureClasses) {
    if (std::any_of(targets.begin(), targets.end(), [&](const TargetReport* t) {
          auto it = t->classes.find(c);
          return it != t->classes.end() && it->second > 0;
        }))
      out.push_back(c);
  }
  return out;
}

std::vector<FailureClass> OccurringClasses(const Report& r) {
  std::vector<const TargetReport*> all;
  for (const TargetReport& t : r.targets) all.push_back(&t);
  std::vector<FailureClass> out = OccurringClasses(all);
  out.erase(std::remove(out.begin(), out.end(), FailureClass::kOk), out.end());
  return out;
}

bool IsFailing(const TargetReport& t) {
  return t.expect_checked ? t.verdict != Verdict::kAsExpected : t.failed_runs > 0;
}

bool IsUnexpected(const TargetReport& t, FailureClass cls) {
  if (cls == FailureClass::kOk) return false;
  auto it = t.classes.find(cls);
  if (it == t.classes.end() || it->second == 0) return false;
  return !t.expect_checked ||
         std::find(t.expected.begin(), t.expected.end(), cls) == t.expected.end();
}

bool IsExpected(const TargetReport& t, FailureClass cls) {
  return t.expect_checked &&
         std::find(t.expected.begin(), t.expected.end(), cls) != t.expected.end();
}

std::vector<ExampleGroup> GroupExamples(const TargetReport& t) {
  std::vector<ExampleGroup> groups;
  for (FailureClass c : kAllFailureClasses) {
    auto it = t.examples.find(c);
    if (it == t.examples.end()) continue;
    auto g = std::find_if(groups.begin(), groups.end(), [&](const ExampleGroup& x) {
      return x.example->run == it->second.run && x.example->schedule == it->second.schedule;
    });
    if (g == groups.end())
      groups.push_back({{it->first}, &it->second});
    else
      g->classes.push_back(it->first);
  }
  return groups;
}

std::optional<SourceLocation> ParseLocation(const std::string& location) {
  const std::size_t colon = location.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == location.size()) return std::nullopt;
  SourceLocation l;
  const auto line = ParseWholeNumber(std::string_view(location).substr(colon + 1), 1);
  if (!line) return std::nullopt;
  l.line = *line;
  l.file = location.substr(0, colon);
  return l;
}

std::string TargetSourceFile(const Report& r, const TargetReport& t) {
  if (!t.source.empty()) return t.source;
  for (const TargetReport& other : r.targets) {
    if (other.id != t.id) continue;
    for (const SanitizerSummary& s : other.sanitizer_reports)
      if (auto l = ParseLocation(s.location)) return l->file;
  }
  return "";
}

std::optional<std::string> SumSequenceLine(std::uint64_t n, std::uint64_t j) {
  const auto sum = [](std::uint64_t k) { return k % 2 == 0 ? k / 2 * (k + 1) : (k + 1) / 2 * k; };
  // Beyond 2^32 steps S(k) leaves 64 bits; no view shows such a run anyway.
  if (j == 0 || j > 2 * n + 1 || n > 0xFFFFFFFFULL) return std::nullopt;
  if (j == 2 * n + 1) return fmt::format("DONE: solution = {}", sum(n));
  if (j % 2 == 0) return std::string(20, '-');
  const std::uint64_t k = (j + 1) / 2;
  return fmt::format("{} + {} = {}", sum(k - 1), k, sum(k));
}

std::optional<std::uint64_t> SumSequenceIndex(std::uint64_t n, std::string_view line) {
  std::uint64_t k = 0;
  if (line.rfind("DONE: ", 0) == 0) {
    k = 2 * n + 1;
  } else {
    // "a + k = c": the step is the number after " + ".
    const std::size_t plus = line.find(" + ");
    if (plus == std::string_view::npos) return std::nullopt;
    const char* first = line.data() + plus + 3;
    auto [end, ec] = std::from_chars(first, line.data() + line.size(), k);
    if (ec != std::errc() || k == 0 || k > n) return std::nullopt;
    k = 2 * k - 1;
  }
  if (SumSequenceLine(n, k) != std::string(line)) return std::nullopt;
  return k;
}

bool IsElapsedLine(std::string_view line) {
  constexpr std::string_view kHead = "elapsed: ";
  constexpr std::string_view kTail = " seconds";
  return line.size() > kHead.size() + kTail.size() && line.substr(0, kHead.size()) == kHead &&
         line.substr(line.size() - kTail.size()) == kTail;
}

}  // namespace racelab
