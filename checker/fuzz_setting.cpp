// Parsing and printing of --fuzz settings.
#include "fuzz_setting.hpp"

#include <fmt/core.h>

#include <charconv>

namespace racelab {

std::string FuzzSetting::ToString() const {
  switch (mode) {
    case Mode::kNone: return "none";
    case Mode::kYield: return "yield";
    case Mode::kSleep: return fmt::format("sleep:{}", max_us);
  }
  return "?";
}

Result<FuzzSetting> ParseFuzzSetting(std::string_view text) {
  if (text == "none") return FuzzSetting{FuzzSetting::Mode::kNone, 0};
  if (text == "yield") return FuzzSetting{FuzzSetting::Mode::kYield, 0};
  constexpr std::string_view kSleep = "sleep:";
  if (text.substr(0, kSleep.size()) == kSleep) {
    std::string_view num = text.substr(kSleep.size());
    std::uint64_t us = 0;
    auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), us);
    if (num.empty() || ec != std::errc() || end != num.data() + num.size() || us > 10'000'000)
      return UsageError{fmt::format(
          "--fuzz: '{}': sleep takes a whole number of microseconds from 0 to 10000000", text)};
    return FuzzSetting{FuzzSetting::Mode::kSleep, us};
  }
  return UsageError{
      fmt::format("--fuzz: unknown setting '{}' (use none, yield or sleep:MAX_US)", text)};
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
