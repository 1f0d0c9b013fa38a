// Parsing of the RACELAB_* variables; the only place a specimen exits with status 2.
#include "racelab/settings.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <system_error>
#include <utility>

#include "racelab/sched.hpp"

namespace rl {
namespace {

std::string_view g_program = "racelab-variant";

// Echoes a rejected value on one line whatever it contains.
std::string quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isprint(byte) && c != '\\') {
      out += c;
    } else {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02x", byte);
      out += escape;
    }
  }
  return out + "'";
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
  std::exit(2);
}

}  // namespace

Parsed<std::int64_t> parse_count(std::string_view text, std::int64_t minimum) {
  std::uint64_t value = 0;
  const auto error = parse_digits(text, static_cast<std::uint64_t>(minimum), kCountMax, value);
  if (error != NumberError::none) {
    return Parsed<std::int64_t>::failure("expected " + expectation(minimum, error, kCountMax) +
                                         ", got " + quoted(text));
  }
  return Parsed<std::int64_t>::success(static_cast<std::int64_t>(value));
}

Parsed<std::uint64_t> parse_seed(std::string_view text) {
  std::uint64_t value = 0;
  const auto error = parse_digits(text, 0, kSeedMax, value);
  if (error != NumberError::none) {
    return Parsed<std::uint64_t>::failure("expected " + expectation(0, error, kSeedMax) + ", got " +
                                          quoted(text));
  }
  return Parsed<std::uint64_t>::success(value);
}

namespace {

constexpr std::uint64_t kMaxDepth = 10;
constexpr std::uint64_t kDefaultDepth = 3;
constexpr std::uint64_t kDefaultPctSteps = 1000;

// "pct", "pct:D" or "pct:D:K".
Parsed<FuzzSetting> parse_pct(std::string_view text) {
  FuzzSetting setting{FuzzMode::pct, 0, static_cast<int>(kDefaultDepth), kDefaultPctSteps};
  if (text == "pct") return Parsed<FuzzSetting>::success(setting);
  std::string_view rest = text.substr(4);  // after "pct:"
  const std::size_t colon = rest.find(':');
  std::uint64_t depth = 0;
  const auto depth_error = parse_digits(rest.substr(0, colon), 1, kMaxDepth, depth);
  if (depth_error != NumberError::none) {
    return Parsed<FuzzSetting>::failure("expected pct:D or pct:D:K with D an integer from 1 to " +
                                        std::to_string(kMaxDepth) + ", got " + quoted(text));
  }
  setting.depth = static_cast<int>(depth);
  if (colon != std::string_view::npos) {
    std::uint64_t steps = 0;
    const auto steps_error = parse_digits(rest.substr(colon + 1), 1, kCountMax, steps);
    if (steps_error != NumberError::none) {
      return Parsed<FuzzSetting>::failure("expected pct:D:K with K " +
                                          expectation(1, steps_error, kCountMax) + ", got " +
                                          quoted(text));
    }
    setting.steps = steps;
  }
  return Parsed<FuzzSetting>::success(setting);
}

}  // namespace

Parsed<FuzzSetting> parse_fuzz(std::string_view text) {
  if (text == "none") return Parsed<FuzzSetting>::success({FuzzMode::none, 0});
  if (text == "yield") return Parsed<FuzzSetting>::success({FuzzMode::yield, 0});
  if (text == "random") return Parsed<FuzzSetting>::success({FuzzMode::random, 0});
  if (text == "pct" || text.substr(0, 4) == "pct:") return parse_pct(text);
  constexpr std::string_view kSleep = "sleep:";
  if (text.substr(0, kSleep.size()) != kSleep) {
    return Parsed<FuzzSetting>::failure(
        "expected none, yield, sleep:MAX_US, random or pct:D[:K], got " + quoted(text));
  }
  std::uint64_t max_us = 0;
  const auto error = parse_digits(text.substr(kSleep.size()), 0, kCountMax, max_us);
  if (error != NumberError::none) {
    return Parsed<FuzzSetting>::failure("expected sleep:MAX_US with MAX_US " +
                                        expectation(0, error, kCountMax) + ", got " + quoted(text));
  }
  return Parsed<FuzzSetting>::success({FuzzMode::sleep, static_cast<std::int64_t>(max_us)});
}

Parsed<sched::Schedule> parse_schedule(std::string_view text) {
  auto schedule = sched::Decode(text);
  if (!schedule) {
    return Parsed<sched::Schedule>::failure(
        "expected a schedule s1-STEPS-HASH-DEVIATIONS (docs/scheduling.md), got " + quoted(text));
  }
  return Parsed<sched::Schedule>::success(std::move(*schedule));
}

Parsed<bool> parse_schedule_mode(std::string_view text) {
  if (text == "exact") return Parsed<bool>::success(false);
  if (text == "guide") return Parsed<bool>::success(true);
  return Parsed<bool>::failure("expected exact or guide, got " + quoted(text));
}

Parsed<Settings> read_settings(const Defaults& defaults, const EnvLookup& lookup) {
  const std::string default_iterations = std::to_string(defaults.iterations);
  const std::string default_threads = std::to_string(defaults.threads);
  const auto positive = [](std::string_view text) { return parse_count(text, 1); };

  Settings settings;
  const auto iterations =
      read_variable<std::int64_t>(lookup, "RACELAB_ITERATIONS", default_iterations, +positive);
  if (!iterations) return Parsed<Settings>::failure(iterations.error());
  settings.iterations = iterations.value();

  // Problem 1 has no T (its default is 0, "one thread per step"); a set value must still
  // be valid.
  const char* threads_value = lookup("RACELAB_THREADS");
  if (threads_value != nullptr || defaults.threads > 0) {
    const auto threads =
        read_variable<std::int64_t>(lookup, "RACELAB_THREADS", default_threads, +positive);
    if (!threads) return Parsed<Settings>::failure(threads.error());
    settings.threads = threads.value();
  }

  const auto fuzz = read_variable<FuzzSetting>(lookup, "RACELAB_FUZZ", defaults.fuzz, parse_fuzz);
  if (!fuzz) return Parsed<Settings>::failure(fuzz.error());
  settings.fuzz = fuzz.value();

  const auto seed = read_variable<std::uint64_t>(lookup, "RACELAB_SEED", "0", parse_seed);
  if (!seed) return Parsed<Settings>::failure(seed.error());
  settings.seed = seed.value();

  if (lookup("RACELAB_SCHEDULE") != nullptr) {
    const auto schedule =
        read_variable<sched::Schedule>(lookup, "RACELAB_SCHEDULE", "", parse_schedule);
    if (!schedule) return Parsed<Settings>::failure(schedule.error());
    settings.schedule = schedule.value();
  }

  const auto mode =
      read_variable<bool>(lookup, "RACELAB_SCHEDULE_MODE", "exact", parse_schedule_mode);
  if (!mode) return Parsed<Settings>::failure(mode.error());
  settings.guide = mode.value();

  const auto step_limit =
      read_variable<std::int64_t>(lookup, "RACELAB_STEP_LIMIT", "1000000", +positive);
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
