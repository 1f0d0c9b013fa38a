// Which targets racelab symbolizes itself (clang TSan builds, llvm-symbolizer on PATH, the
// user not choosing `symbolize`), and the rewriting of their runs' stderr.
#pragma once

#include <string>
#include <vector>

#include "run/campaign.hpp"
#include "run/process.hpp"
#include "run/target.hpp"

namespace racelab {

// Gives every eligible TSan target one shared OfflineSymbolizer (llvm-symbolizer is started
// on the first address to resolve) and its modules (the executable and its libraries, as
// its dynamic loader lists them: `LOADER --list`, else ldd; started by exec, whatever the
// campaign's launch). Returns one note per target ("" = none) saying where its frames get
// resolved when that is not racelab.
std::vector<std::string> SetUpOfflineSymbols(const CampaignOptions& o,
                                             std::vector<Target>& targets);

// Rewrites pr.err into the runtime's symbolized form when t has a symbolizer.
void SymbolizeOutput(ProcessResult& pr, const Target& t);

// After the runs: what stayed unresolved ("" when everything resolved).
std::string OfflineSymbolsNote(const Target& t);

// Whether a TSan build links gcc's libtsan (its modules as ldd lists them).
bool LinksGccTsan(const std::vector<std::string>& modules);

}  // namespace racelab
