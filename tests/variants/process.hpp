// Runs a specimen binary with an argv and a controlled environment, capturing its output.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace racelab_test {

struct ProcessResult {
  bool exited = false;  // false: killed by a signal (see signal) or by the timeout
  int exit_status = -1;
  int signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
};

// The child gets the test's environment minus every RACELAB_* variable, plus `env`, so a
// developer's own RACELAB_FUZZ cannot change what a test sees. No shell is involved.
ProcessResult run_process(const std::string& path, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env,
                          std::chrono::seconds timeout = std::chrono::seconds(60));

// <RACELAB_BIN_DIR>/variants/<flavour>/<id>; throws when RACELAB_BIN_DIR is unset.
std::string specimen_path(const std::string& flavour, const std::string& id);

// <RACELAB_BIN_DIR>/fixtures/<flavour>/<name>: the scheduler fixtures (fixtures/*.cpp).
std::string fixture_path(const std::string& flavour, const std::string& name);

// The reference output of Problem 1 (variants.md): `S(k-1) + k = S(k)` and a dash line per
// step, then `DONE: solution = S(n)`.
std::string sum_sequence(std::int64_t n);

// Printable summary for assertion messages.
std::string describe(const ProcessResult& result);

}  // namespace racelab_test
