// --fuzz lists over the protocol's one fuzz-setting parser.
#include "util/fuzz_setting.hpp"

namespace racelab {

Result<FuzzSetting> ParseFuzzSetting(std::string_view text) {
  FuzzSetting::Parsed parsed = FuzzSetting::Parse(text);
  if (!parsed) return UsageError{"--fuzz: " + parsed.error};
  return *parsed.setting;
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
