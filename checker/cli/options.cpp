// The shared command-line pieces: option groups, exact parsing, checked numbers, locations.
#include "cli/options.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <ostream>

#include "util/file_util.hpp"
#include "util/number.hpp"

namespace racelab::cli {

namespace fs = std::filesystem;

std::uint64_t CountOption(const std::string& opt, const std::string& text, std::uint64_t min,
                          std::uint64_t max) {
  const auto v = ParseWholeNumber(text, min, max);
  if (!v)
    throw Usage(
        fmt::format("{}: expected a whole number from {} to {}, got '{}'", opt, min, max, text));
  return *v;
}

std::vector<std::uint64_t> CountListOption(const std::string& opt, const std::string& text,
                                           std::uint64_t min, std::uint64_t max) {
  std::vector<std::uint64_t> out;
  for (const std::string& w : WordListOption(opt, text))
    out.push_back(CountOption(opt, w, min, max));
  return out;
}

double SecondsOption(const std::string& opt, const std::string& text, double max,
                     bool zero_allowed) {
  const auto v = ParseDecimal(text);
  if (!v || (zero_allowed ? *v < 0 : *v <= 0) || *v > max)
    throw Usage(fmt::format("{}: expected a number of seconds {} 0 and at most {}, got '{}'", opt,
                            zero_allowed ? "from" : "more than", max, text));
  return *v;
}

std::vector<std::string> WordListOption(const std::string& opt, const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(text.substr(pos, comma - pos));
    if (out.back().empty()) throw Usage(fmt::format("{}: an empty item in '{}'", opt, text));
    pos = comma + 1;
  }
  return out;
}

void AddHelpOption(po::options_description& d) {
  d.add_options()("help,h", "this help");
}

namespace {
// Where racelab_add_variant() writes a user's manifest, relative to the build directory.
constexpr const char* kUserManifest = "racelab/manifest.json";
}  // namespace

void AddLocationOptions(po::options_description& d) {
  // clang-format off
  d.add_options()
      ("bin-dir", po::value<std::string>()->value_name("DIR"),
       "where the specimens are built (DIR/variants/{plain,tsan}/<id>); default: beside the "
       "manifest")
      ("manifest", po::value<std::string>()->value_name("FILE"),
       "the manifest; default: racelab/manifest.json in the current directory (a build "
       "directory of racelab_add_variant), else DIR/variants/manifest.json");
  // clang-format on
}

void AddRunSetupOptions(po::options_description& d, const char* build_default) {
  // clang-format off
  d.add_options()
      ("build", po::value<std::string>()->default_value(build_default)->value_name("B"),
       "specimen flavour: plain, tsan or both (ignored for a path target)")
      ("iterations", po::value<std::string>()->value_name("N"),
       "RACELAB_ITERATIONS for every target; default: each specimen's check size from the "
       "manifest (100 for a path)")
      ("threads", po::value<std::string>()->value_name("T"),
       "RACELAB_THREADS (Problem 2); default: the manifest's")
      ("timeout", po::value<std::string>()->default_value("30")->value_name("SECONDS"),
       "per-run timeout; a run still going is killed with its process group (class timeout)")
      ("oracle", po::value<std::string>()->default_value("auto")->value_name("O"),
       "how output is judged: auto (the manifest's; exit-status for a path), sum-sequence, "
       "riemann, exit-status")
      ("tsan", po::bool_switch(), "a path target is TSan-instrumented: set TSAN_OPTIONS for it")
      ("output-cap", po::value<std::string>()->default_value("16777216")->value_name("BYTES"),
       "per-stream output cap; beyond it the run is killed (class output-overflow)");
  // clang-format on
  AddLocationOptions(d);
}

void AddReportOutputOptions(po::options_description& d) {
  // clang-format off
  d.add_options()
      ("format", po::value<std::vector<std::string>>()->value_name("F"),
       "text (default), json, junit, html, sarif or markdown; may be repeated, each paired in "
       "order with the --out after it")
      ("out", po::value<std::vector<std::string>>()->value_name("FILE"),
       "write the --format before it to FILE (atomically) instead of stdout; without one, the "
       "format follows FILE's extension (.json, .xml, .html, .sarif, .md, else text)");
  // clang-format on
}

ParsedCommand Parse(const std::vector<std::string>& args, const po::options_description& d,
                    const po::positional_options_description& pos) {
  namespace style = po::command_line_style;
  ParsedCommand p;
  try {
    po::parsed_options parsed = po::command_line_parser(args)
                                    .options(d)
                                    .positional(pos)
                                    .style(style::default_style & ~style::allow_guessing)
                                    .run();
    p.in_order = parsed.options;
    po::store(parsed, p.vm);
    po::notify(p.vm);
  } catch (const po::error& e) {
    throw Usage(e.what());
  }
  return p;
}

bool WantsHelp(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(),
                     [](const std::string& a) { return a == "--help" || a == "-h"; });
}

void PrintHelp(std::ostream& out, const po::options_description& d) {
  out << d << "\n"
      << "exit status: 0 nothing failed, 1 failures found, 2 bad usage or input, 3 racelab\n"
      << "itself failed. The docs/ folder of racelab's source describes every command, the\n"
      << "failure classes and the report formats.\n";
}

Locations Locate(const po::variables_map& vm) {
  Locations loc;
  loc.bin_dir = vm.count("bin-dir") ? vm["bin-dir"].as<std::string>() : SelfDirectory();
  if (vm.count("bin-dir") && loc.bin_dir.empty()) throw Usage("--bin-dir: an empty directory name");
  const std::string beside = loc.bin_dir + "/variants/manifest.json";
  if (vm.count("manifest")) {
    loc.manifest = vm["manifest"].as<std::string>();
    if (loc.manifest.empty()) throw Usage("--manifest: an empty file name");
    loc.manifest_chosen = true;
  } else if (!vm.count("bin-dir") && fs::exists(kUserManifest)) {
    loc.manifest = kUserManifest;
    loc.manifest_chosen = true;
  } else {
    loc.manifest = beside;
    loc.manifest_chosen = fs::exists(beside) || vm.count("bin-dir");
  }
  std::error_code ec;
  loc.variant_dir = vm.count("bin-dir") ? loc.bin_dir + "/variants"
                                        : fs::absolute(loc.manifest, ec).parent_path().string();
  // In a build tree the suppressions are beside racelab; installed, under share/racelab.
  for (const std::string supp :
       {loc.bin_dir + "/sanitize/tsan.supp", loc.bin_dir + "/../share/racelab/tsan.supp"})
    if (fs::exists(supp)) {
      loc.suppressions = fs::weakly_canonical(fs::absolute(supp)).string();
      break;
    }
  return loc;
}

Manifest LoadManifestOrThrow(Locations& loc) {
  if (!loc.manifest_chosen) return Manifest{};
  auto m = LoadManifest(loc.manifest);
  if (!m) throw Usage(m.error().what);
  loc.source_root = m.value().source_root;
  return std::move(m).value();
}

}  // namespace racelab::cli
