// `racelab replay`: one run again, exactly as a report's replay line gives it, with its
// output diffed against the expected text around the first divergence.
#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/run_setup.hpp"
#include "controlled/replay.hpp"
#include "controlled/shrink.hpp"
#include "run/posix_process.hpp"
#include "util/text_util.hpp"

namespace racelab::cli {

int CmdReplay(const std::vector<std::string>& args) {
  po::options_description d(
      "racelab replay TARGET --seed S | --schedule S: run one run again with exactly the\n"
      "settings of a report's replay line; prints its output with the first divergence "
      "marked\n\noptions");
  AddHelpOption(d);
  d.add_options()("target", po::value<std::string>()->value_name("TARGET"),
                  "the target (positional)")(
      "seed", po::value<std::string>()->value_name("S"),
      "RACELAB_SEED of the run (required without --schedule)")(
      "schedule", po::value<std::string>()->value_name("S"),
      "replay a controlled run's schedule exactly (RACELAB_SCHEDULE; docs/scheduling.md)")(
      "fuzz", po::value<std::string>()->default_value("none")->value_name("F"),
      "the run's fuzz setting: none, yield, sleep:MAX_US, random or pct:D[:K]")(
      "color", po::value<std::string>()->default_value("auto")->value_name("WHEN"),
      "never, auto (on a terminal, unless NO_COLOR is set) or always");
  AddRunSetupOptions(d, "tsan");
  po::positional_options_description pos;
  pos.add("target", 1);
  if (WantsHelp(args)) {
    PrintHelp(std::cout, d);
    return kExitOk;
  }
  const po::variables_map vm = Parse(args, d, pos).vm;
  if (!vm.count("target")) throw Usage("replay: a TARGET is required");
  if (!vm.count("seed") && !vm.count("schedule"))
    throw Usage("replay: --seed or --schedule is required");
  std::string schedule;
  if (vm.count("schedule")) {
    schedule = vm["schedule"].as<std::string>();
    if (!IsValidSchedule(schedule))
      throw Usage(fmt::format(
          "--schedule: '{}' is not a schedule (s1-STEPS-HASH-DEVIATIONS, as a report's replay "
          "line gives it)",
          schedule.substr(0, 200)));
  }
  Locations loc = Locate(vm);
  const Manifest m = LoadManifestOrThrow(loc);
  if (vm["build"].as<std::string>() == "both") throw Usage("replay: --build must be plain or tsan");
  std::vector<Target> targets = ResolveTargets({vm["target"].as<std::string>()}, m, loc, vm);
  if (targets.size() != 1) throw Usage("replay: TARGET must name one specimen, not `all`");
  CampaignOptions o = BaseCampaignOptions(vm, loc);
  auto fuzz = ParseFuzzSetting(vm["fuzz"].as<std::string>());
  if (!fuzz) throw Usage(fuzz.error().what);
  const std::uint64_t seed =
      vm.count("seed") ? CountOption("--seed", vm["seed"].as<std::string>(), 0, UINT64_MAX / 2) : 0;
  auto color = ParseColorMode(vm["color"].as<std::string>());
  if (!color) throw Usage(color.error().what);
  PosixProcessRunner runner;
  const ReplayResult rr = Replay(runner, targets[0], o, *fuzz, seed, schedule);
  std::cout << RenderReplay(rr, UseColor(*color, ::isatty(1) != 0, std::getenv("NO_COLOR")));
  if (rr.verdict.harness_error) {
    std::cerr << "racelab: the replay could not be carried out: "
              << OneLine(rr.verdict.harness_error_text) << "\n";
    return kExitInternal;
  }
  return rr.verdict.classes.Has(FailureClass::kOk) ? kExitOk : kExitFailures;
}

}  // namespace racelab::cli
