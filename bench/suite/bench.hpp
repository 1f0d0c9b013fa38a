// `racelab bench`: measurements that answer the seed's claims (timing, scaling, detection,
// throughput), each printed as tables, written as JSON and drawn as SVG.
#pragma once

#include <string>
#include <vector>

namespace racelab {

// Runs `racelab bench args...` (args exclude "bench"); returns the exit status: 0 done,
// 2 bad usage (one line on stderr), 3 a measurement could not be carried out, 128 + signal
// when interrupted.
int CmdBench(const std::vector<std::string>& args);

}  // namespace racelab
