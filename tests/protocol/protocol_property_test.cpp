// Laws of the protocol between racelab and a specimen: every fuzz setting survives print
// and parse (schedules: schedule_property_test.cpp), and what racelab's real child-environment code
// writes is exactly what the specimen runtime's real reader reads; the trailer's hand-written
// schedule line (signal-safe) spells what the encoder spells.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "protocol/env.hpp"
#include "protocol/fuzz_setting.hpp"
#include "protocol/schedule.hpp"
#include "protocol/trailer.hpp"
#include "racelab/sched.hpp"
#include "racelab/settings.hpp"
#include "run/child_env.hpp"

namespace {

namespace protocol = racelab::protocol;
using protocol::FuzzSetting;
using protocol::Schedule;
using Mode = FuzzSetting::Mode;

// Any valid setting, bounds included.
FuzzSetting GenSetting() {
  FuzzSetting f;
  f.mode = *rc::gen::element(Mode::kNone, Mode::kYield, Mode::kSleep, Mode::kRandom, Mode::kPct)
                .as("mode");
  if (f.mode == Mode::kSleep) {
    f.max_us = *rc::gen::oneOf(rc::gen::element<std::uint64_t>(0, protocol::kMaxSleepUs),
                               rc::gen::inRange<std::uint64_t>(0, protocol::kMaxSleepUs + 1))
                    .as("max_us");
  } else if (f.mode == Mode::kPct) {
    f.depth = *rc::gen::inRange<std::uint64_t>(1, protocol::kMaxPctDepth + 1).as("depth");
    f.k = *rc::gen::oneOf(rc::gen::element<std::uint64_t>(0, 1, protocol::kMaxPctSteps),
                          rc::gen::inRange<std::uint64_t>(1, protocol::kMaxPctSteps + 1))
               .as("k");
  }
  return f;
}

// A valid schedule: strictly increasing deviation steps from 1, steps >= the last one.
Schedule GenSchedule() {
  Schedule s;
  const auto count = *rc::gen::inRange<std::size_t>(0, 30).as("deviations");
  std::uint64_t step = 0;
  for (std::size_t i = 0; i < count; ++i) {
    step += *rc::gen::oneOf(rc::gen::inRange<std::uint64_t>(1, 50),
                            rc::gen::inRange<std::uint64_t>(1, std::uint64_t{1} << 40));
    s.deviations.push_back({step, *rc::gen::arbitrary<std::uint32_t>()});
  }
  s.steps = step + *rc::gen::inRange<std::uint64_t>(0, 10000);
  s.hash = *rc::gen::arbitrary<std::uint64_t>();
  return s;
}

RC_GTEST_PROP(FuzzSettingProtocol, ParseInvertsToString, ()) {
  const FuzzSetting f = GenSetting();
  const FuzzSetting::Parsed parsed = FuzzSetting::Parse(f.ToString());
  RC_ASSERT(parsed);
  RC_ASSERT(*parsed.setting == f);
}

RC_GTEST_PROP(FuzzSettingProtocol, AnythingAcceptedPrintsBackToItself, ()) {
  // Damage a valid spelling: replace, insert or delete one character.
  std::string text = GenSetting().ToString();
  const auto position = *rc::gen::inRange<std::size_t>(0, text.size());
  const char c = *rc::gen::elementOf(std::string("0123456789:pctsleyiaondmr-+ "));
  switch (*rc::gen::inRange(0, 3)) {
    case 0: text[position] = c; break;
    case 1: text.insert(position, 1, c); break;
    default: text.erase(position, 1); break;
  }
  const FuzzSetting::Parsed parsed = FuzzSetting::Parse(text);
  if (parsed) {
    RC_ASSERT(parsed.setting->ToString() == text);
  } else {
    RC_ASSERT(parsed.error.find('\n') == std::string::npos);
  }
}

// The variables racelab's BuildChildEnv writes, read back by the specimen runtime's
// rl::read_settings through the same lookup a specimen's getenv gives.
RC_GTEST_PROP(EnvironmentProtocol, WhatRacelabWritesIsWhatASpecimenReads, ()) {
  racelab::RunParams p;
  constexpr auto kCountMax = static_cast<std::uint64_t>(INT64_MAX);
  p.iterations =
      *rc::gen::oneOf(rc::gen::just<std::uint64_t>(0),
                      rc::gen::inRange<std::uint64_t>(1, 1'000'000), rc::gen::just(kCountMax))
           .as("iterations");
  p.threads =
      *rc::gen::oneOf(rc::gen::just<std::uint64_t>(0), rc::gen::inRange<std::uint64_t>(1, 1000))
           .as("threads");
  p.fuzz = GenSetting();
  p.seed = *rc::gen::arbitrary<std::uint64_t>().as("seed");
  std::optional<Schedule> schedule;
  if (*rc::gen::arbitrary<bool>().as("with schedule")) {
    schedule = GenSchedule();
    p.schedule = protocol::EncodeSchedule(*schedule);
    p.schedule_mode = std::string(
        *rc::gen::element(protocol::kScheduleModeExact, protocol::kScheduleModeGuide, "")
             .as("mode"));
  }
  // Stale protocol variables in racelab's own environment must not reach the child.
  const std::vector<std::string> base{"PATH=/usr/bin", "RACELAB_FUZZ=bogus",
                                      "RACELAB_SCHEDULE=s1-x", "RACELAB_STEP_LIMIT=0"};
  const std::vector<std::string> env = racelab::BuildChildEnv(base, p, false, "");

  std::map<std::string, std::string> vars;
  for (const std::string& kv : env) {
    const std::size_t eq = kv.find('=');
    RC_ASSERT(eq != std::string::npos);
    RC_ASSERT(vars.emplace(kv.substr(0, eq), kv.substr(eq + 1)).second);  // no duplicates
  }
  const rl::Defaults defaults{"spec", 7, 3, "sleep:100"};
  const auto read = rl::read_settings(defaults, [&vars](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
  RC_ASSERT(read.ok());
  const rl::Settings& s = read.value();
  RC_ASSERT(s.fuzz == p.fuzz);
  RC_ASSERT(s.seed == p.seed);
  RC_ASSERT(static_cast<std::uint64_t>(s.iterations) == (p.iterations != 0 ? p.iterations : 7u));
  RC_ASSERT(static_cast<std::uint64_t>(s.threads) == (p.threads != 0 ? p.threads : 3u));
  RC_ASSERT(s.schedule == schedule);
  RC_ASSERT(s.guide == (schedule && p.schedule_mode == protocol::kScheduleModeGuide));
  RC_ASSERT(static_cast<std::uint64_t>(s.step_limit) == protocol::kDefaultStepLimit);
  RC_ASSERT(s.controlled() == (schedule.has_value() || p.fuzz.IsControlled()));
}

// What rl::detail::write_schedule_line writes to `fd`, read back.
std::string WrittenScheduleLine(const Schedule& s) {
  std::FILE* file = std::tmpfile();
  if (file == nullptr) return "(no temporary file)";
  rl::detail::write_schedule_line(fileno(file), s.steps, s.hash, s.deviations.data(),
                                  s.deviations.size());
  std::rewind(file);
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) out.append(buffer, n);
  std::fclose(file);
  return out;
}

RC_GTEST_PROP(TrailerProtocol, HandWrittenScheduleLineIsTheEncoders, ()) {
  const Schedule s = GenSchedule();
  const std::string line = WrittenScheduleLine(s);
  RC_ASSERT(line == std::string(protocol::kSchedPrefix) +
                        std::string(protocol::trailer::kSchedule) + " " +
                        protocol::EncodeSchedule(s) + "\n");
  // And racelab's trailer parser hands the same schedule on.
  const protocol::SchedTrailer t = protocol::ParseSchedTrailer("program output\n" + line);
  RC_ASSERT(t.present);
  RC_ASSERT(protocol::DecodeSchedule(t.schedule) == std::optional<Schedule>(s));
}

TEST(TrailerProtocol, HandWrittenScheduleLineAtTheExtremes) {
  const Schedule huge{UINT64_MAX, UINT64_MAX, {{1, 0}, {UINT64_MAX, UINT32_MAX}}};
  const Schedule empty{0, 0, {}};
  for (const Schedule& s : {huge, empty}) {
    EXPECT_EQ(WrittenScheduleLine(s),
              "racelab-sched: schedule " + protocol::EncodeSchedule(s) + "\n");
  }
}

}  // namespace
