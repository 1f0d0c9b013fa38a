// racelab's command line: the usage text, dispatch to the commands, and the one place where
// a failure becomes an exit status and a line on stderr.
#include "cli/cli.hpp"

#include <fmt/core.h>

#include <iostream>

#include "bench.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "util/text_util.hpp"

#ifndef RACELAB_VERSION
#define RACELAB_VERSION "dev"
#endif

namespace racelab {

namespace {

constexpr const char* kUsage = R"(usage: racelab <command> [options]

commands:
  list                      the specimens of the manifest and what they are expected to show
  run [TARGET...]           run targets many times in parallel and classify every failure
  replay TARGET --seed S    run one run again, exactly as a report's replay line says
  report FILE.json          render a saved JSON report (text, json, junit, html, sarif, markdown)
  merge SHARD.json...       merge the reports of a campaign's shards (run --shard K/N) into one
  bench [EXPERIMENT]        measure: timing, scaling, detection, throughput or all

A TARGET is a manifest id (see `racelab list`), `all` (every correctness
specimen, the default), or the path of any executable.
`racelab <command> --help` describes a command's options; the docs/ folder of
racelab's source describes the commands, the failure classes and the reports.

exit status: 0 nothing failed (with --expect: all as expected), 1 failures
found, 2 bad usage or input, 3 racelab itself failed.
)";

int Dispatch(const std::string& cmd, const std::vector<std::string>& rest) {
  if (cmd == "list") return cli::CmdList(rest);
  if (cmd == "run") return cli::CmdRun(rest);
  if (cmd == "replay") return cli::CmdReplay(rest);
  if (cmd == "report") return cli::CmdReport(rest);
  if (cmd == "merge") return cli::CmdMerge(rest);
  if (cmd == "bench") return CmdBench(rest);
  throw cli::Usage(fmt::format(
      "unknown command '{}' (use list, run, replay, report, merge or bench; see --help)", cmd));
}

}  // namespace

int Main(const std::vector<std::string>& args) {
  try {
    if (args.empty()) {
      std::cerr << kUsage;
      return kExitUsage;
    }
    const std::string& cmd = args[0];
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::cout << kUsage;
      return kExitOk;
    }
    if (cmd == "--version") {
      std::cout << "racelab " << RACELAB_VERSION << "\n";
      return kExitOk;
    }
    return Dispatch(cmd, std::vector<std::string>(args.begin() + 1, args.end()));
  } catch (const cli::Usage& e) {
    std::cerr << "racelab: " << OneLine(e.what()) << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "racelab: internal error: " << OneLine(e.what()) << "\n";
    return kExitInternal;
  }
}

}  // namespace racelab
