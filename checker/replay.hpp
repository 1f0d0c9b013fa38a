// Replaying one run: same target, build, seed and fuzz setting as a report's example.
#pragma once

#include <string>

#include "campaign.hpp"
#include "classify.hpp"

namespace racelab {

struct ReplayResult {
  Target target;
  FuzzSetting fuzz;
  std::uint64_t seed = 0;
  ProcessResult process;
  RunVerdict verdict;
  std::string expected_output;  // "" when the oracle has no expected text
};

ReplayResult Replay(ProcessRunner& runner, const Target& t, const CampaignOptions& o,
                    const FuzzSetting& f, std::uint64_t seed);

// The replay view: the run's classes, its output with the first divergence
// marked (the whole output when short, else the lines around it), and its
// sanitizer reports. Untrusted output is made printable.
std::string RenderReplay(const ReplayResult& r, bool color);

}  // namespace racelab
