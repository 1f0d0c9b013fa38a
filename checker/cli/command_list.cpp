// `racelab list`: the specimens of the manifest, their oracle, check size and expectations.
#include <fmt/core.h>

#include <algorithm>
#include <iostream>

#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"

namespace racelab::cli {

int CmdList(const std::vector<std::string>& args) {
  po::options_description d(
      "racelab list: the specimens of the manifest, what each does and what it is expected to\n"
      "show; their ids are TARGETs of run and replay\n\noptions");
  AddHelpOption(d);
  AddLocationOptions(d);
  if (WantsHelp(args)) {
    PrintHelp(std::cout, d);
    return kExitOk;
  }
  const po::variables_map vm = Parse(args, d).vm;
  Locations loc = Locate(vm);
  const Manifest m = LoadManifestOrThrow(loc);
  std::size_t w = 4;
  for (const Variant& v : m.variants) w = std::max(w, v.id.size());
  std::cout << fmt::format("{:<{}}  {:<11}  {:<12}  {:>9}  {}\n", "id", w, "kind", "oracle",
                           "check N", "what it does (expected under the default fuzz)");
  for (const Variant& v : m.variants) {
    std::string expected;
    for (const auto& [b, classes] : v.expected)
      for (const ExpectedClass& e : classes)
        expected += fmt::format("{}{}:{}", expected.empty() ? "" : ", ", Name(b), Name(e.cls));
    std::cout << fmt::format("{:<{}}  {:<11}  {:<12}  {:>9}  {}: {}\n", v.id, w,
                             v.timing ? "timing" : "correctness", Name(v.oracle),
                             v.check_iterations, v.section, v.title);
    std::cout << fmt::format("{:<{}}  the tutorial's verdict: {}\n", "", w, v.verdict);
    if (!expected.empty()) std::cout << fmt::format("{:<{}}  expected: {}\n", "", w, expected);
  }
  return kExitOk;
}

}  // namespace racelab::cli
