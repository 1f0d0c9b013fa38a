// Targets and campaign options from the run-setup options.
#include "cli/run_setup.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include "run/child_env.hpp"

namespace racelab::cli {

namespace fs = std::filesystem;

namespace {

std::vector<Build> ParseBuilds(const std::string& b) {
  if (b == "plain") return {Build::kPlain};
  if (b == "tsan") return {Build::kTsan};
  if (b == "both") return {Build::kPlain, Build::kTsan};
  throw Usage(fmt::format("--build: expected plain, tsan or both, got '{}'", b));
}

}  // namespace

std::vector<Target> ResolveTargets(const std::vector<std::string>& words, const Manifest& m,
                                   const Locations& loc, const po::variables_map& vm) {
  const std::vector<Build> builds = ParseBuilds(vm["build"].as<std::string>());
  const std::string oracle_word = vm["oracle"].as<std::string>();
  std::optional<OracleKind> oracle;
  if (oracle_word != "auto") {
    oracle = ParseOracleKind(oracle_word);
    if (!oracle)
      throw Usage(fmt::format(
          "--oracle: expected auto, sum-sequence, riemann or exit-status, got '{}'", oracle_word));
  }
  std::optional<std::uint64_t> iterations;
  if (vm.count("iterations"))
    iterations = CountOption("--iterations", vm["iterations"].as<std::string>(), 1, 1'000'000'000);
  std::optional<std::uint64_t> threads;
  if (vm.count("threads"))
    threads = CountOption("--threads", vm["threads"].as<std::string>(), 1, 4096);

  std::vector<Target> out;
  auto add_variant = [&](const Variant& v) {
    for (Build b : builds) {
      Target t;
      t.id = v.id;
      t.build = b;
      t.variant = &v;
      t.executable = fmt::format("{}/{}/{}", loc.variant_dir, Name(b), v.id);
      t.oracle = oracle.value_or(v.oracle);
      t.iterations = iterations.value_or(v.check_iterations);
      t.threads = threads.value_or(v.problem != 1 ? v.threads : 0);  // Problem 1 takes no T
      t.exact = v.exact;
      t.tolerance = v.tolerance;
      t.tsan = b == Build::kTsan;
      if (::access(t.executable.c_str(), X_OK) != 0)
        throw Usage(
            fmt::format("specimen {} is not built: {} is missing (build with `cmake "
                        "--build build`, or point --bin-dir at a build's bin/)",
                        t.Label(), t.executable));
      if (t.oracle == OracleKind::kRiemann && !(t.tolerance > 0))
        throw Usage(fmt::format("{}: the riemann oracle needs a manifest tolerance", v.id));
      out.push_back(std::move(t));
    }
  };
  for (const std::string& w : words) {
    if (w == "all") {
      for (const Variant& v : m.variants)
        if (!v.timing) add_variant(v);
    } else if (const Variant* v = m.Find(w)) {
      add_variant(*v);
    } else if (w.find('/') != std::string::npos || fs::exists(w)) {
      std::error_code ec;
      if (!fs::exists(w, ec)) throw Usage(fmt::format("{}: no such file", w));
      if (const std::string why = WhyNotExecutable(w); !why.empty())
        throw Usage(fmt::format("{}: {}", w, why));
      Target t;
      t.id = w;
      t.executable = fs::absolute(w).string();
      t.oracle = oracle.value_or(OracleKind::kExitStatus);
      t.iterations = iterations.value_or(100);
      t.threads = threads.value_or(0);
      t.tsan = vm["tsan"].as<bool>();
      if (t.oracle == OracleKind::kRiemann)
        throw Usage(
            fmt::format("{}: the riemann oracle needs a manifest entry's tolerance; use "
                        "sum-sequence or exit-status for a path",
                        w));
      out.push_back(std::move(t));
    } else {
      throw Usage(
          fmt::format("unknown target '{}' (not a manifest id, not `all`, no such file; "
                      "see `racelab list`)",
                      w));
    }
  }
  return out;
}

CampaignOptions BaseCampaignOptions(const po::variables_map& vm, const Locations& loc) {
  CampaignOptions o;
  const double timeout = SecondsOption("--timeout", vm["timeout"].as<std::string>(), 7 * 86400.0);
  o.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout * 1000));
  o.output_cap = CountOption("--output-cap", vm["output-cap"].as<std::string>(), 1, 1ull << 32);
  o.base_env = CurrentEnvironment();
  o.suppressions_file = loc.suppressions;
  o.sanitizer.source_root = loc.source_root;
  return o;
}

}  // namespace racelab::cli
