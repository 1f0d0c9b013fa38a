// What every racelab command shares on its command line: the option groups, parsing with
// Boost.Program_options (no abbreviations), checked numbers, help, and where the specimens
// and the manifest are. racelab run, replay, report, list and bench all use it; a new option
// group goes here, declared once with its default and help.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "run/manifest.hpp"

namespace racelab::cli {

namespace po = boost::program_options;

// Bad usage or input: Main prints "racelab: " + what() on one line and exits 2.
struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- checked numbers ---------------------------------------------------------
// Values arrive as strings (Boost's lexical_cast takes "-1" for an unsigned and wraps it)
// and are checked here; a bad one is a Usage naming the option.

// A whole number from min to max.
std::uint64_t CountOption(const std::string& opt, const std::string& text, std::uint64_t min,
                          std::uint64_t max);
// Comma-separated whole numbers, each from min to max.
std::vector<std::uint64_t> CountListOption(const std::string& opt, const std::string& text,
                                           std::uint64_t min, std::uint64_t max);
// A number of seconds, at most max; more than 0, or from 0 when zero_allowed.
double SecondsOption(const std::string& opt, const std::string& text, double max,
                     bool zero_allowed = false);
// Comma-separated non-empty words.
std::vector<std::string> WordListOption(const std::string& opt, const std::string& text);

// ---- option groups -----------------------------------------------------------

// -h/--help.
void AddHelpOption(po::options_description& d);
// --bin-dir and --manifest: where the specimens and their manifest are.
void AddLocationOptions(po::options_description& d);
// How one run is set up (run, replay): --build, --iterations, --threads, --timeout, --oracle,
// --tsan, --output-cap, and the location options.
void AddRunSetupOptions(po::options_description& d, const char* build_default);
// --format and --out, each repeatable; PlanOutputs pairs them.
void AddReportOutputOptions(po::options_description& d);

// ---- parsing -----------------------------------------------------------------

struct ParsedCommand {
  po::variables_map vm;
  // Every option as given, in command-line order (PlanOutputs pairs --format and --out).
  std::vector<po::option> in_order;
};

// Parses exactly: an abbreviation of a long option is an unknown option, never guessed.
ParsedCommand Parse(const std::vector<std::string>& args, const po::options_description& d,
                    const po::positional_options_description& pos = {});

// Whether args ask for help (-h or --help anywhere).
bool WantsHelp(const std::vector<std::string>& args);
// The command's help: its options table, then where the documentation is.
void PrintHelp(std::ostream& out, const po::options_description& d);

// ---- where things are --------------------------------------------------------

// Where the specimens and the manifest are. Without --manifest or --bin-dir, racelab looks
// for a user's variants in the current directory (racelab/manifest.json, written by
// racelab_add_variant() in a build directory), then beside itself (its own specimens in a
// build tree). The variants a manifest lists are built beside it, in plain/ and tsan/.
struct Locations {
  std::string bin_dir;           // --bin-dir, else racelab's own directory
  std::string manifest;          // the manifest file
  bool manifest_chosen = false;  // --manifest given, or a default that exists
  std::string variant_dir;       // <variant_dir>/{plain,tsan}/<id>
  std::string suppressions;      // TSan suppressions when found, absolute; else ""
  std::string source_root;       // the manifest's, for reports' source paths
};
Locations Locate(const po::variables_map& vm);

// The manifest, or none when racelab found no default one (an installed racelab run on a
// path target outside any build directory); a Usage saying what is wrong with a bad one.
// Sets loc.source_root from the manifest.
Manifest LoadManifestOrThrow(Locations& loc);

}  // namespace racelab::cli
