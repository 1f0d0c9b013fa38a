// --fuzz on racelab's command line: a list of the protocol's fuzz settings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "judge/result.hpp"
#include "protocol/fuzz_setting.hpp"

namespace racelab {

using protocol::FuzzSetting;

// One setting, e.g. "sleep:200" or "pct:3", as FuzzSetting::Parse reads it; the reason
// of a rejection starts with "--fuzz: ".
Result<FuzzSetting> ParseFuzzSetting(std::string_view text);
// A comma-separated list, e.g. "none,yield,sleep:100" (at least one).
Result<std::vector<FuzzSetting>> ParseFuzzList(std::string_view text);
std::string JoinFuzzList(const std::vector<FuzzSetting>& list);

// The default mix of `racelab run` (chosen by measurement: docs/findings.md).
inline constexpr std::string_view kDefaultFuzz = "none,yield,sleep:10";

}  // namespace racelab
