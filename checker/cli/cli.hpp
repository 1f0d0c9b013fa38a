// The racelab command line: parses options (Boost.Program_options) and calls the library.
#pragma once

#include <string>
#include <vector>

namespace racelab {

// Exit statuses of the contract.
enum ExitStatus : int {
  kExitOk = 0,        // nothing failed (with --expect: everything as expected)
  kExitFailures = 1,  // failures found, or a mismatch with expectations
  kExitUsage = 2,     // bad usage or input; one line on stderr
  kExitInternal = 3,  // racelab itself failed
};

// Runs `racelab args...` (args excludes argv[0]); returns the exit status.
int Main(const std::vector<std::string>& args);

}  // namespace racelab
