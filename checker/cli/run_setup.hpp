// From the run-setup options (run, replay) to targets and campaign options.
#pragma once

#include <string>
#include <vector>

#include "cli/options.hpp"
#include "run/campaign.hpp"
#include "run/manifest.hpp"
#include "run/target.hpp"

namespace racelab::cli {

// The targets a list of TARGET words names, in order, in each --build flavour: manifest ids,
// `all` (every correctness specimen), or paths of executables. A word that names nothing, a
// specimen not built, or a file the system cannot execute is a Usage.
std::vector<Target> ResolveTargets(const std::vector<std::string>& words, const Manifest& m,
                                   const Locations& loc, const po::variables_map& vm);

// --timeout and --output-cap, the environment, suppressions and the source root.
CampaignOptions BaseCampaignOptions(const po::variables_map& vm, const Locations& loc);

}  // namespace racelab::cli
