// Encoding and strict decoding of schedule strings.
#include "protocol/schedule.hpp"

#include <limits>

namespace racelab::protocol {
namespace {

// Canonical decimal digits (no sign, no leading zero unless the value is 0) that fit in
// `maximum`; advances `text` past them.
bool take_decimal(std::string_view& text, std::uint64_t maximum, std::uint64_t& value) {
  std::size_t length = 0;
  while (length < text.size() && text[length] >= '0' && text[length] <= '9') ++length;
  if (length == 0) return false;
  if (length > 1 && text[0] == '0') return false;
  value = 0;
  for (std::size_t i = 0; i < length; ++i) {
    const auto digit = static_cast<std::uint64_t>(text[i] - '0');
    if (value > (maximum - digit) / 10) return false;
    value = value * 10 + digit;
  }
  text.remove_prefix(length);
  return true;
}

bool take_char(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

void fold_byte(std::uint64_t& hash, std::uint8_t byte) {
  hash ^= byte;
  hash *= 0x100000001b3ULL;
}

void fold_u32(std::uint64_t& hash, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    fold_byte(hash, static_cast<std::uint8_t>(value >> shift));
  }
}

}  // namespace

std::string EncodeSchedule(const Schedule& schedule) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(kScheduleVersionPrefix);
  out += std::to_string(schedule.steps);
  out += '-';
  for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(schedule.hash >> shift) & 0xF];
  out += '-';
  std::uint64_t previous = 0;
  bool first = true;
  for (const Deviation& deviation : schedule.deviations) {
    if (!first) out += '.';
    first = false;
    out += std::to_string(deviation.step - previous);
    out += 't';
    out += std::to_string(deviation.thread);
    previous = deviation.step;
  }
  return out;
}

std::optional<Schedule> DecodeSchedule(std::string_view text) {
  constexpr auto kMax64 = std::numeric_limits<std::uint64_t>::max();
  constexpr auto kMax32 = std::numeric_limits<std::uint32_t>::max();
  if (text.substr(0, kScheduleVersionPrefix.size()) != kScheduleVersionPrefix) return std::nullopt;
  text.remove_prefix(kScheduleVersionPrefix.size());

  Schedule schedule;
  if (!take_decimal(text, kMax64, schedule.steps) || !take_char(text, '-')) return std::nullopt;

  if (text.size() < 16) return std::nullopt;
  for (int i = 0; i < 16; ++i) {
    const char c = text[static_cast<std::size_t>(i)];
    std::uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    schedule.hash = (schedule.hash << 4) | digit;
  }
  text.remove_prefix(16);
  if (!take_char(text, '-')) return std::nullopt;

  std::uint64_t step = 0;
  while (!text.empty()) {
    if (!schedule.deviations.empty() && !take_char(text, '.')) return std::nullopt;
    std::uint64_t delta = 0;
    std::uint64_t thread = 0;
    if (!take_decimal(text, kMax64, delta) || delta == 0) return std::nullopt;
    if (step > kMax64 - delta) return std::nullopt;
    step += delta;
    if (step > schedule.steps) return std::nullopt;
    if (!take_char(text, 't') || !take_decimal(text, kMax32, thread)) return std::nullopt;
    schedule.deviations.push_back({step, static_cast<std::uint32_t>(thread)});
  }
  return schedule;
}

std::uint64_t HashStep(std::uint64_t hash, std::uint32_t thread, std::uint32_t kind,
                       std::uint32_t line) {
  fold_u32(hash, thread);
  fold_u32(hash, kind);
  fold_u32(hash, line);
  return hash;
}

}  // namespace racelab::protocol
