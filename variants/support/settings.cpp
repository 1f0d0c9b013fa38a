// Parsing of the RACELAB_* variables; the only place a specimen exits with status 2.
#include "racelab/settings.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <system_error>
#include <utility>

#include "protocol/exit_status.hpp"
#include "protocol/fork_server.hpp"
#include "racelab/sched.hpp"

namespace rl {
namespace {

namespace protocol = racelab::protocol;
using protocol::Quoted;

std::string_view g_program = "racelab-variant";

// When racelab asks for a fork server (docs/launch.md), this process serves before any
// specimen code runs; each child returns here and goes on into main, where start() reads
// the settings its request carried. In this file because every specimen links it. The
// only fork handlers registered by then are a sanitizer runtime's: they need not run.
__attribute__((constructor)) void serve_forks_if_asked() {
  racelab::protocol::fork::ServeIfAsked(racelab::protocol::fork::ForkCall::kSkipHandlers);
}

enum class NumberError { none, malformed, too_small, too_large };

// Digits only (std::from_chars alone would accept a leading '-'), within [minimum, maximum].
NumberError parse_digits(std::string_view text, std::uint64_t minimum, std::uint64_t maximum,
                         std::uint64_t& value) {
  if (text.empty()) return NumberError::malformed;
  for (const char c : text) {
    if (c < '0' || c > '9') return NumberError::malformed;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) return NumberError::too_large;
  if (error != std::errc() || end != text.data() + text.size()) return NumberError::malformed;
  if (value > maximum) return NumberError::too_large;
  if (value < minimum) return NumberError::too_small;
  return NumberError::none;
}

// "a positive integer", plus the bound when that is what the value broke.
std::string expectation(std::int64_t minimum, NumberError error, std::uint64_t maximum) {
  std::string what = minimum > 0 ? "a positive integer" : "a non-negative integer";
  if (error == NumberError::too_large) what += " no larger than " + std::to_string(maximum);
  return what;
}

constexpr auto kCountMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
constexpr auto kSeedMax = std::numeric_limits<std::uint64_t>::max();

template <class T>
Parsed<T> read_variable(const EnvLookup& lookup, const char* variable, std::string_view fallback,
                        Parsed<T> (*parse)(std::string_view)) {
  const char* value = lookup(variable);
  Parsed<T> parsed = parse(value != nullptr ? std::string_view(value) : fallback);
  if (parsed) return parsed;
  // A bad fallback is a bug in the manifest, reported the same way so it cannot hide.
  return Parsed<T>::failure(std::string(variable) + ": " + parsed.error() +
                            (value != nullptr ? "" : " (the specimen's default)"));
}

[[noreturn]] void fail(std::string_view message) {
  std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(g_program.size()), g_program.data(),
               static_cast<int>(message.size()), message.data());
  std::exit(protocol::kBadSettingExitStatus);
}

}  // namespace

Parsed<std::int64_t> parse_count(std::string_view text, std::int64_t minimum) {
  std::uint64_t value = 0;
  const auto error = parse_digits(text, static_cast<std::uint64_t>(minimum), kCountMax, value);
  if (error != NumberError::none) {
    return Parsed<std::int64_t>::failure("expected " + expectation(minimum, error, kCountMax) +
                                         ", got " + Quoted(text));
  }
  return Parsed<std::int64_t>::success(static_cast<std::int64_t>(value));
}

Parsed<std::uint64_t> parse_seed(std::string_view text) {
  std::uint64_t value = 0;
  const auto error = parse_digits(text, 0, kSeedMax, value);
  if (error != NumberError::none) {
    return Parsed<std::uint64_t>::failure("expected " + expectation(0, error, kSeedMax) + ", got " +
                                          Quoted(text));
  }
  return Parsed<std::uint64_t>::success(value);
}

namespace {

// RACELAB_FUZZ: the protocol's one parser, its reason as this library reports errors.
Parsed<FuzzSetting> parse_fuzz(std::string_view text) {
  FuzzSetting::Parsed parsed = FuzzSetting::Parse(text);
  if (!parsed) return Parsed<FuzzSetting>::failure(std::move(parsed.error));
  return Parsed<FuzzSetting>::success(*parsed.setting);
}

}  // namespace

Parsed<protocol::Schedule> parse_schedule(std::string_view text) {
  auto schedule = protocol::DecodeSchedule(text);
  if (!schedule) {
    return Parsed<protocol::Schedule>::failure(
        "expected a schedule s1-STEPS-HASH-DEVIATIONS (docs/scheduling.md), got " + Quoted(text));
  }
  return Parsed<protocol::Schedule>::success(std::move(*schedule));
}

Parsed<ScheduleMode> parse_schedule_mode(std::string_view text) {
  if (text == protocol::kScheduleModeExact)
    return Parsed<ScheduleMode>::success(ScheduleMode::exact);
  if (text == protocol::kScheduleModeGuide)
    return Parsed<ScheduleMode>::success(ScheduleMode::guide);
  if (text == protocol::kScheduleModeGuideChoices)
    return Parsed<ScheduleMode>::success(ScheduleMode::guide_choices);
  return Parsed<ScheduleMode>::failure("expected exact, guide or guide-choices, got " +
                                       Quoted(text));
}

Parsed<Settings> read_settings(const Defaults& defaults, const EnvLookup& lookup) {
  const std::string default_iterations = std::to_string(defaults.iterations);
  const std::string default_threads = std::to_string(defaults.threads);
  const std::string default_step_limit = std::to_string(protocol::kDefaultStepLimit);
  const auto positive = [](std::string_view text) { return parse_count(text, 1); };

  Settings settings;
  const auto iterations =
      read_variable<std::int64_t>(lookup, protocol::kEnvIterations, default_iterations, +positive);
  if (!iterations) return Parsed<Settings>::failure(iterations.error());
  settings.iterations = iterations.value();

  // Problem 1 has no T (its default is 0, "one thread per step"); a set value must still
  // be valid.
  const char* threads_value = lookup(protocol::kEnvThreads);
  if (threads_value != nullptr || defaults.threads > 0) {
    const auto threads =
        read_variable<std::int64_t>(lookup, protocol::kEnvThreads, default_threads, +positive);
    if (!threads) return Parsed<Settings>::failure(threads.error());
    settings.threads = threads.value();
  }

  const auto fuzz =
      read_variable<FuzzSetting>(lookup, protocol::kEnvFuzz, defaults.fuzz, parse_fuzz);
  if (!fuzz) return Parsed<Settings>::failure(fuzz.error());
  settings.fuzz = fuzz.value();

  const auto seed = read_variable<std::uint64_t>(lookup, protocol::kEnvSeed, "0", parse_seed);
  if (!seed) return Parsed<Settings>::failure(seed.error());
  settings.seed = seed.value();

  if (lookup(protocol::kEnvSchedule) != nullptr) {
    const auto schedule =
        read_variable<protocol::Schedule>(lookup, protocol::kEnvSchedule, "", parse_schedule);
    if (!schedule) return Parsed<Settings>::failure(schedule.error());
    settings.schedule = schedule.value();
  }

  const auto mode = read_variable<ScheduleMode>(lookup, protocol::kEnvScheduleMode,
                                                protocol::kScheduleModeExact, parse_schedule_mode);
  if (!mode) return Parsed<Settings>::failure(mode.error());
  settings.guide = mode.value() != ScheduleMode::exact;
  settings.choices = mode.value() == ScheduleMode::guide_choices;

  const auto step_limit =
      read_variable<std::int64_t>(lookup, protocol::kEnvStepLimit, default_step_limit, +positive);
  if (!step_limit) return Parsed<Settings>::failure(step_limit.error());
  settings.step_limit = step_limit.value();

  return Parsed<Settings>::success(settings);
}

Settings start(const Defaults& defaults) {
  g_program = defaults.program;
  const auto settings = read_settings(defaults, [](const char* name) { return std::getenv(name); });
  if (!settings) fail(settings.error());
  const Settings& s = settings.value();
  install_fuzz(s.fuzz, s.seed);
  if (s.controlled()) {
    ControlSettings control;
    control.fuzz = s.fuzz;
    control.seed = s.seed;
    control.schedule = s.schedule;
    control.guide = s.guide;
    control.choices = s.choices;
    control.step_limit = static_cast<std::uint64_t>(s.step_limit);
    install_scheduler(control);
  }
  return s;
}

std::int64_t env_count(const char* variable, std::int64_t fallback, std::int64_t minimum) {
  const char* value = std::getenv(variable);
  if (value == nullptr) return fallback;
  const auto parsed = parse_count(value, minimum);
  if (!parsed) fail(std::string(variable) + ": " + parsed.error());
  return parsed.value();
}

}  // namespace rl
