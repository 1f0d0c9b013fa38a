// Where `racelab run` and `racelab report` write a report: --format/--out pairs, in order.
#pragma once

#include <string>
#include <vector>

#include "cli/options.hpp"
#include "report/report.hpp"

namespace racelab::cli {

struct OutputSpec {
  std::string format;
  std::string path;  // "" = stdout
};

// Pairs each --out with the --format right before it, in command-line order as Boost parsed
// them (`--format text --format json --out r.json` writes text to stdout and JSON to r.json);
// an --out with no unpaired --format before it takes its format from the file name. Without
// either: text on stdout. An unknown format or an --out that cannot be written is a Usage.
std::vector<OutputSpec> PlanOutputs(const std::vector<po::option>& in_order);

// Writes every planned output. A file that cannot be written is not lost: its report goes to
// stdout instead and the call returns false, as it does when stdout itself cannot be written
// (then stderr says why).
bool WriteOutputs(const Report& report, const std::vector<OutputSpec>& plan);

}  // namespace racelab::cli
