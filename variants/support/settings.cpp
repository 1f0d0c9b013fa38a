// Parsing of the RACELAB_* variables; the only place a specimen exits with status 2.
#include "support/settings.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <system_error>

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

Parsed<FuzzSetting> parse_fuzz(std::string_view text) {
  if (text == "none") return Parsed<FuzzSetting>::success({FuzzMode::none, 0});
  if (text == "yield") return Parsed<FuzzSetting>::success({FuzzMode::yield, 0});
  constexpr std::string_view kSleep = "sleep:";
  if (text.substr(0, kSleep.size()) != kSleep) {
    return Parsed<FuzzSetting>::failure("expected none, yield or sleep:MAX_US, got " +
                                        quoted(text));
  }
  std::uint64_t max_us = 0;
  const auto error = parse_digits(text.substr(kSleep.size()), 0, kCountMax, max_us);
  if (error != NumberError::none) {
    return Parsed<FuzzSetting>::failure("expected sleep:MAX_US with MAX_US " +
                                        expectation(0, error, kCountMax) + ", got " + quoted(text));
  }
  return Parsed<FuzzSetting>::success({FuzzMode::sleep, static_cast<std::int64_t>(max_us)});
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

  return Parsed<Settings>::success(settings);
}

Settings start(const Defaults& defaults) {
  g_program = defaults.program;
  const auto settings = read_settings(defaults, [](const char* name) { return std::getenv(name); });
  if (!settings) fail(settings.error());
  install_fuzz(settings.value().fuzz, settings.value().seed);
  return settings.value();
}

std::int64_t env_count(const char* variable, std::int64_t fallback, std::int64_t minimum) {
  const char* value = std::getenv(variable);
  if (value == nullptr) return fallback;
  const auto parsed = parse_count(value, minimum);
  if (!parsed) fail(std::string(variable) + ": " + parsed.error());
  return parsed.value();
}

}  // namespace rl
