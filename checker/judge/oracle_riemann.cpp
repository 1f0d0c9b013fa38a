// The Problem 2 oracle: judges the `result:` line of a Riemann-sum output (rules in oracle.hpp).
#include <charconv>
#include <cmath>
#include <system_error>

#include <fmt/format.h>

#include "judge/oracle.hpp"

namespace racelab {
namespace {

constexpr std::string_view kResultPrefix = "result:";

// The value of a result line, or nullopt for garbage, nan or inf.
std::optional<double> ParseResult(std::string_view line) {
  std::size_t pos = kResultPrefix.size();
  while (pos < line.size() && line[pos] == ' ') ++pos;
  const char* first = line.data() + pos;
  const char* last = line.data() + line.size();
  double v = 0;
  auto r = std::from_chars(first, last, v);
  if (first == last || r.ec != std::errc() || r.ptr != last || !std::isfinite(v))
    return std::nullopt;
  return v;
}

}  // namespace

OracleVerdict CheckRiemann(std::string_view out, double exact, double tolerance) {
  OracleVerdict verdict;
  const std::string expected = fmt::format("result: {} ± {}", exact, tolerance);
  std::size_t results = 0;
  std::size_t line_no = 0;

  std::size_t pos = 0;
  while (pos < out.size()) {
    const std::size_t nl = out.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? out.size() : nl;
    const std::string_view text = out.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (text.compare(0, kResultPrefix.size(), kResultPrefix) != 0) continue;

    ++results;
    const std::optional<double> v = ParseResult(text);
    // Written so that a nan exact or tolerance fails the comparison.
    const bool within = v && std::fabs(*v - exact) <= tolerance;
    if (within && results == 1) continue;
    verdict.classes.Add(FailureClass::kWrongResult);
    if (!verdict.first_divergence) {
      Divergence d;
      d.line = line_no;
      d.actual = std::string(text);
      if (results == 1) {
        d.expected = expected;
      } else {
        d.missing_expected = true;
      }
      verdict.first_divergence = std::move(d);
    }
  }

  if (results == 0) {
    verdict.classes.Add(FailureClass::kWrongResult);
    Divergence d;
    d.line = line_no + 1;
    d.expected = expected;
    d.missing_actual = true;
    verdict.first_divergence = std::move(d);
  }
  return verdict;
}

}  // namespace racelab
