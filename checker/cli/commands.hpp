// The racelab commands Main dispatches to (bench is in the bench suite: bench.hpp). Each
// takes the arguments after its name, returns the exit status, and throws Usage for bad
// usage or input.
#pragma once

#include <string>
#include <vector>

namespace racelab::cli {

int CmdList(const std::vector<std::string>& args);
int CmdRun(const std::vector<std::string>& args);
int CmdReplay(const std::vector<std::string>& args);
int CmdReport(const std::vector<std::string>& args);
int CmdMerge(const std::vector<std::string>& args);

}  // namespace racelab::cli
