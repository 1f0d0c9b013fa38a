// Names of the report model's enumerations, as reports and options spell them.
#include "report/report.hpp"

namespace racelab {

std::string_view Name(Verdict v) {
  switch (v) {
    case Verdict::kAsExpected: return "as-expected";
    case Verdict::kUnexpectedFailure: return "unexpected-failure";
    case Verdict::kNotReproduced: return "not-reproduced";
  }
  return "?";  // unreachable: the switch is exhaustive
}

std::optional<Verdict> ParseVerdict(std::string_view s) {
  for (Verdict v : {Verdict::kAsExpected, Verdict::kUnexpectedFailure, Verdict::kNotReproduced})
    if (Name(v) == s) return v;
  return std::nullopt;
}

std::string_view Name(BuildChoice b) {
  switch (b) {
    case BuildChoice::kPlain: return "plain";
    case BuildChoice::kTsan: return "tsan";
    case BuildChoice::kBoth: return "both";
  }
  return "?";  // unreachable: the switch is exhaustive
}

std::optional<BuildChoice> ParseBuildChoice(std::string_view s) {
  for (BuildChoice b : {BuildChoice::kPlain, BuildChoice::kTsan, BuildChoice::kBoth})
    if (Name(b) == s) return b;
  return std::nullopt;
}

std::string_view BuildName(const std::optional<Build>& b) {
  return b ? Name(*b) : "path";
}

std::vector<std::uint64_t> ShardCoverage::Missing() const {
  std::vector<std::uint64_t> out;
  std::size_t at = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    while (at < indices.size() && indices[at] < i) ++at;
    if (at < indices.size() && indices[at] == i) continue;
    out.push_back(i);
  }
  return out;
}

}  // namespace racelab
