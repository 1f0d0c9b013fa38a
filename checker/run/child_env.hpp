// The environment protocol between racelab and a program it runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/fuzz_setting.hpp"

namespace racelab {

struct RunParams {
  std::uint64_t iterations = 0;  // 0: leave RACELAB_ITERATIONS unset
  std::uint64_t threads = 0;     // 0: leave RACELAB_THREADS unset
  FuzzSetting fuzz;
  std::uint64_t seed = 0;
  // Controlled scheduling: a schedule to replay ("" = none) and how (exact, guide).
  std::string schedule;
  std::string schedule_mode;
};

// The child's complete environment: `base` (racelab's own, "NAME=value")
// minus any RACELAB_* it had, plus the protocol variables, plus TSAN_OPTIONS
// for TSan builds: racelab's required options override the user's, its
// defaults fill in only what the user left unset. `offline_symbols` adds the default
// symbolize=0 (racelab symbolizes the reports itself).
// BuildChildEnv in two parts: what is the same for every run of a target (all but the
// protocol variables), then, appended to it, one run's protocol variables.
std::vector<std::string> BuildTargetEnv(const std::vector<std::string>& base, bool tsan,
                                        const std::string& suppressions_file,
                                        bool offline_symbols = false);
void AppendRunEnv(const RunParams& p, std::vector<std::string>* env);

std::vector<std::string> BuildChildEnv(const std::vector<std::string>& base, const RunParams& p,
                                       bool tsan, const std::string& suppressions_file,
                                       bool offline_symbols = false);

// Merges colon/space separated TSAN_OPTIONS strings (see sanitize/tsan_options.conf).
std::string MergeTsanOptions(const std::string& user, const std::string& required,
                             const std::string& defaults);

// racelab's own environment as a vector.
std::vector<std::string> CurrentEnvironment();

}  // namespace racelab
