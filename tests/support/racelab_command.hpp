// Runs the built racelab program (RACELAB_EXE, set by the test target) as a user would.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "run/child_env.hpp"
#include "run/posix_process.hpp"

namespace racelab::testing {

// `racelab ARGS...` with this process's environment plus `extra_env`, stdout and stderr
// captured; racelab is killed (and the result says so) after `timeout`.
inline ProcessResult RunRacelab(std::vector<std::string> args,
                                std::vector<std::string> extra_env = {},
                                std::chrono::milliseconds timeout = std::chrono::minutes(15)) {
  PosixProcessRunner runner(false);
  ProcessSpec s;
  s.argv = {RACELAB_EXE};
  s.argv.insert(s.argv.end(), args.begin(), args.end());
  s.env = CurrentEnvironment();
  s.env.insert(s.env.end(), extra_env.begin(), extra_env.end());
  s.timeout = timeout;
  return runner.Run(s);
}

}  // namespace racelab::testing
