// `racelab report FILE.json`: a saved JSON report rendered again, in any format.
#include <iostream>

#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/report_outputs.hpp"
#include "report/report_json.hpp"
#include "util/file_util.hpp"

namespace racelab::cli {

int CmdReport(const std::vector<std::string>& args) {
  po::options_description d(
      "racelab report FILE.json [--format F [--out FILE]]...: render a saved JSON report\n"
      "(schema racelab.report/1) as text, json, junit, html, sarif or markdown\n\noptions");
  AddHelpOption(d);
  d.add_options()("file", po::value<std::string>()->value_name("FILE"),
                  "the JSON report (positional)");
  AddReportOutputOptions(d);
  po::positional_options_description pos;
  pos.add("file", 1);
  if (WantsHelp(args)) {
    PrintHelp(std::cout, d);
    return kExitOk;
  }
  const ParsedCommand p = Parse(args, d, pos);
  if (!p.vm.count("file")) throw Usage("report: a FILE.json is required");
  const std::string path = p.vm["file"].as<std::string>();
  if (path.empty()) throw Usage("report: an empty file name");
  const std::vector<OutputSpec> outputs = PlanOutputs(p.in_order);
  auto text = ReadTextFile(path, 1u << 30);
  if (!text) throw Usage(text.error().what);
  auto report = ParseReportJson(*text, path);
  if (!report) throw Usage(report.error().what);
  return WriteOutputs(*report, outputs) ? kExitOk : kExitInternal;
}

}  // namespace racelab::cli
