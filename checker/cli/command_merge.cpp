// `racelab merge SHARD.json...`: the reports of a campaign's shards (racelab run --shard K/N)
// merged into the report of the whole campaign, from the JSON alone.
#include <iostream>

#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/report_outputs.hpp"
#include "report/expectations.hpp"
#include "report/merge.hpp"
#include "report/report_json.hpp"
#include "util/file_util.hpp"

namespace racelab::cli {

int CmdMerge(const std::vector<std::string>& args) {
  po::options_description d(
      "racelab merge SHARD.json... [--format F [--out FILE]]...: merge the JSON reports of a\n"
      "campaign's shards (racelab run --shard K/N) into the report of the whole campaign\n"
      "(docs/scale-out.md)\n\noptions");
  AddHelpOption(d);
  d.add_options()("file", po::value<std::vector<std::string>>()->value_name("SHARD.json"),
                  "the shard reports (positional)")(
      "allow-partial", po::bool_switch(),
      "merge even when some shards are missing; the report names them and is marked partial");
  AddReportOutputOptions(d);
  po::positional_options_description pos;
  pos.add("file", -1);
  if (WantsHelp(args)) {
    PrintHelp(std::cout, d);
    return kExitOk;
  }
  const ParsedCommand p = Parse(args, d, pos);
  if (!p.vm.count("file")) throw Usage("merge: at least one SHARD.json is required");
  const std::vector<OutputSpec> outputs = PlanOutputs(p.in_order);
  std::vector<ShardFile> files;
  for (const std::string& path : p.vm["file"].as<std::vector<std::string>>()) {
    if (path.empty()) throw Usage("merge: an empty file name");
    auto text = ReadTextFile(path, 1u << 30);
    if (!text) throw Usage(text.error().what);
    auto report = ParseReportJson(*text, path);
    if (!report) throw Usage(report.error().what);
    files.push_back({path, std::move(report).value()});
  }
  auto merged = MergeShardFiles(files, p.vm["allow-partial"].as<bool>());
  if (!merged) throw Usage(merged.error().what);
  if (!WriteOutputs(*merged, outputs) || HasHarnessErrors(*merged)) return kExitInternal;
  return HasFailures(*merged) ? kExitFailures : kExitOk;
}

}  // namespace racelab::cli
