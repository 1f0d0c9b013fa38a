// Parsing and printing of --fuzz settings.
#include "util/fuzz_setting.hpp"

#include <fmt/core.h>

#include "util/number.hpp"

namespace racelab {

std::string FuzzSetting::ToString() const {
  switch (mode) {
    case Mode::kNone: return "none";
    case Mode::kYield: return "yield";
    case Mode::kSleep: return fmt::format("sleep:{}", max_us);
    case Mode::kRandom: return "random";
    case Mode::kPct:
      return k == 0 ? fmt::format("pct:{}", depth) : fmt::format("pct:{}:{}", depth, k);
  }
  return "?";
}

namespace {

// A plain decimal number in [min, max], nothing else.
bool ParseNumber(std::string_view num, std::uint64_t min, std::uint64_t max, std::uint64_t* out) {
  const auto v = ParseWholeNumber(num, min, max);
  if (v) *out = *v;
  return v.has_value();
}

Result<FuzzSetting> ParsePct(std::string_view text) {
  FuzzSetting f{FuzzSetting::Mode::kPct, 0};
  f.depth = kDefaultPctDepth;
  if (text == "pct") return f;
  std::string_view rest = text.substr(4);  // after "pct:"
  const std::size_t colon = rest.find(':');
  if (!ParseNumber(rest.substr(0, colon), 1, kMaxPctDepth, &f.depth))
    return UsageError{fmt::format(
        "--fuzz: '{}': pct takes a depth D from 1 to {} (pct:D or pct:D:K)", text, kMaxPctDepth)};
  if (colon != std::string_view::npos &&
      !ParseNumber(rest.substr(colon + 1), 1, kMaxPctSteps, &f.k))
    return UsageError{
        fmt::format("--fuzz: '{}': pct:D:K takes a step count K from 1 to {}", text, kMaxPctSteps)};
  return f;
}

}  // namespace

Result<FuzzSetting> ParseFuzzSetting(std::string_view text) {
  if (text == "none") return FuzzSetting{FuzzSetting::Mode::kNone, 0};
  if (text == "yield") return FuzzSetting{FuzzSetting::Mode::kYield, 0};
  if (text == "random") return FuzzSetting{FuzzSetting::Mode::kRandom, 0};
  if (text == "pct" || text.substr(0, 4) == "pct:") return ParsePct(text);
  constexpr std::string_view kSleep = "sleep:";
  if (text.substr(0, kSleep.size()) == kSleep) {
    std::uint64_t us = 0;
    if (!ParseNumber(text.substr(kSleep.size()), 0, 10'000'000, &us))
      return UsageError{fmt::format(
          "--fuzz: '{}': sleep takes a whole number of microseconds from 0 to 10000000", text)};
    return FuzzSetting{FuzzSetting::Mode::kSleep, us};
  }
  return UsageError{fmt::format(
      "--fuzz: unknown setting '{}' (use none, yield, sleep:MAX_US, random or pct:D[:K])", text)};
}

Result<std::vector<FuzzSetting>> ParseFuzzList(std::string_view text) {
  std::vector<FuzzSetting> out;
  while (true) {
    const std::size_t comma = text.find(',');
    auto one = ParseFuzzSetting(text.substr(0, comma));
    if (!one) return one.error();
    out.push_back(*one);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::string JoinFuzzList(const std::vector<FuzzSetting>& list) {
  std::string out;
  for (const FuzzSetting& f : list) {
    if (!out.empty()) out += ',';
    out += f.ToString();
  }
  return out;
}

}  // namespace racelab
