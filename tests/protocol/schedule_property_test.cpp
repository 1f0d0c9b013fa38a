// Laws of the schedule string: EncodeSchedule and DecodeSchedule are inverse, and Decode accepts
// only the canonical spelling (anything it accepts re-encodes to the same text).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/schedule.hpp"

namespace {

using racelab::protocol::DecodeSchedule;
using racelab::protocol::Deviation;
using racelab::protocol::EncodeSchedule;
using racelab::protocol::Schedule;

// A valid schedule: strictly increasing deviation steps from 1, steps >= the last one.
Schedule GenSchedule() {
  const auto count = *rc::gen::inRange<std::size_t>(0, 40).as("deviations");
  Schedule schedule;
  std::uint64_t step = 0;
  for (std::size_t i = 0; i < count; ++i) {
    // Mostly small deltas, sometimes huge ones (without overflowing 64 bits).
    const std::uint64_t room = UINT64_MAX - step;
    if (room == 0) break;
    const std::uint64_t delta = *rc::gen::oneOf(rc::gen::inRange<std::uint64_t>(1, 50),
                                                rc::gen::inRange<std::uint64_t>(1, room / 2 + 1));
    step += delta;
    schedule.deviations.push_back({step, *rc::gen::arbitrary<std::uint32_t>()});
  }
  schedule.steps = step + *rc::gen::oneOf(rc::gen::just<std::uint64_t>(0),
                                          rc::gen::inRange<std::uint64_t>(0, 10000));
  if (schedule.steps < step) schedule.steps = step;
  schedule.hash = *rc::gen::arbitrary<std::uint64_t>();
  return schedule;
}

RC_GTEST_PROP(ScheduleStringProperty, DecodeInvertsEncode, ()) {
  const Schedule schedule = GenSchedule();
  const std::string text = EncodeSchedule(schedule);
  const auto decoded = DecodeSchedule(text);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == schedule);
}

RC_GTEST_PROP(ScheduleStringProperty, UsesOnlyShellSafeCharacters, ()) {
  const std::string text = EncodeSchedule(GenSchedule());
  for (const char c : text) {
    RC_ASSERT(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '-'));
  }
}

RC_GTEST_PROP(ScheduleStringProperty, AnythingAcceptedIsCanonical, ()) {
  // Damage a valid string: replace, insert or delete one character.
  std::string text = EncodeSchedule(GenSchedule());
  const auto position = *rc::gen::inRange<std::size_t>(0, text.size());
  const char c = *rc::gen::elementOf(std::string("0123456789abcdefgtz.-_ "));
  switch (*rc::gen::inRange(0, 3)) {
    case 0: text[position] = c; break;
    case 1: text.insert(position, 1, c); break;
    default: text.erase(position, 1); break;
  }
  const auto decoded = DecodeSchedule(text);
  if (decoded) RC_ASSERT(EncodeSchedule(*decoded) == text);
}

RC_GTEST_PROP(ScheduleStringProperty, RemovingADeviationKeepsItValid, ()) {
  Schedule schedule = GenSchedule();
  RC_PRE(!schedule.deviations.empty());
  const auto index = *rc::gen::inRange<std::size_t>(0, schedule.deviations.size());
  schedule.deviations.erase(schedule.deviations.begin() + static_cast<std::ptrdiff_t>(index));
  const auto decoded = DecodeSchedule(EncodeSchedule(schedule));
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == schedule);
}

}  // namespace
