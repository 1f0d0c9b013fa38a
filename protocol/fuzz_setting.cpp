// Parsing and printing of fuzz settings.
#include "protocol/fuzz_setting.hpp"

#include <cstdio>

namespace racelab::protocol {
namespace {

// Decimal digits only (no sign, no space), the value within [min, max].
bool ParseNumber(std::string_view text, std::uint64_t min, std::uint64_t max, std::uint64_t* out) {
  if (text.empty()) return false;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (max - digit) / 10) return false;  // past max (and so no overflow)
    value = value * 10 + digit;
  }
  if (value < min) return false;
  *out = value;
  return true;
}

FuzzSetting::Parsed Fail(std::string what, std::string_view text) {
  return {std::nullopt, "expected " + what + ", got " + Quoted(text)};
}

FuzzSetting::Parsed ParsePct(std::string_view text) {
  FuzzSetting f;
  f.mode = FuzzSetting::Mode::kPct;
  f.depth = kDefaultPctDepth;
  if (text == "pct") return {f, ""};
  const std::string_view rest = text.substr(4);  // after "pct:"
  const std::size_t colon = rest.find(':');
  if (!ParseNumber(rest.substr(0, colon), 1, kMaxPctDepth, &f.depth))
    return Fail("pct:D or pct:D:K with D from 1 to " + std::to_string(kMaxPctDepth), text);
  if (colon != std::string_view::npos &&
      !ParseNumber(rest.substr(colon + 1), 1, kMaxPctSteps, &f.k))
    return Fail("pct:D:K with K from 1 to " + std::to_string(kMaxPctSteps), text);
  return {f, ""};
}

}  // namespace

std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\\') {
      out += c;
    } else {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02x", byte);
      out += escape;
    }
  }
  return out + "'";
}

FuzzSetting::Parsed FuzzSetting::Parse(std::string_view text) {
  FuzzSetting f;
  if (text == "none") return {f, ""};
  if (text == "yield") {
    f.mode = Mode::kYield;
    return {f, ""};
  }
  if (text == "random") {
    f.mode = Mode::kRandom;
    return {f, ""};
  }
  if (text == "pct" || text.substr(0, 4) == "pct:") return ParsePct(text);
  constexpr std::string_view kSleep = "sleep:";
  if (text.substr(0, kSleep.size()) == kSleep) {
    f.mode = Mode::kSleep;
    if (!ParseNumber(text.substr(kSleep.size()), 0, kMaxSleepUs, &f.max_us))
      return Fail("sleep:MAX_US with MAX_US a whole number of microseconds from 0 to " +
                      std::to_string(kMaxSleepUs),
                  text);
    return {f, ""};
  }
  return Fail("none, yield, sleep:MAX_US, random or pct:D[:K]", text);
}

std::string FuzzSetting::ToString() const {
  switch (mode) {
    case Mode::kNone: return "none";
    case Mode::kYield: return "yield";
    case Mode::kSleep: return "sleep:" + std::to_string(max_us);
    case Mode::kRandom: return "random";
    case Mode::kPct:
      return "pct:" + std::to_string(depth) + (k == 0 ? "" : ":" + std::to_string(k));
  }
  return "?";
}

}  // namespace racelab::protocol
