// The `racelab bench` command: one options table, the experiments in order, the outputs.
#include "bench.hpp"

#include <fmt/core.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bench_context.hpp"
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "run/child_env.hpp"
#include "run/signal_watch.hpp"
#include "util/file_util.hpp"
#include "util/fuzz_setting.hpp"
#include "util/text_util.hpp"

#ifndef RACELAB_VERSION
#define RACELAB_VERSION "dev"
#endif

namespace racelab {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kExperiments[] = {"timing", "scaling", "detection", "throughput"};

using cli::CountListOption;
using cli::CountOption;
using cli::SecondsOption;
using cli::Usage;
using cli::WordListOption;

// The one options table: each option declared once with its default and help.
po::options_description Options() {
  po::options_description d(
      "racelab bench [EXPERIMENT] [options]: measurements behind docs/findings.md\n\n"
      "EXPERIMENT is timing (p1s7 against p1s8), scaling (Problem 2 with T threads), detection\n"
      "(runs and time to the first failure per fuzz setting), throughput (runs/s against xargs,\n"
      "GNU parallel, Go's stress and a shell loop; --jobs; peak memory) or all (the default).\n\n"
      "options");
  cli::AddHelpOption(d);
  // clang-format off
  d.add_options()
      ("experiment", po::value<std::string>()->default_value("all")->value_name("E"),
       "the experiment (positional)")
      ("quick", po::bool_switch(), "a smoke test: small sizes, one repetition, under a minute in all")
      ("reps", po::value<std::string>()->value_name("N"),
       "repetitions of timing, scaling and throughput; default 3, 5, 3 (1 with --quick)")
      ("format", po::value<std::string>()->default_value("text")->value_name("F"),
       "stdout: text (Markdown tables) or json")
      ("out", po::value<std::string>()->value_name("FILE"), "also write the JSON results to FILE")
      ("plot", po::value<std::string>()->value_name("FILE"),
       "write the SVG chart to FILE; with several experiments, FILE-<experiment>.svg each")
      ("quiet", po::bool_switch(), "no progress lines on stderr")
      ("seed", po::value<std::string>()->default_value("1")->value_name("S"),
       "first RACELAB_SEED; detection's range r uses seeds S + r*cap ...")
      ("timing-n", po::value<std::string>()->default_value("100000")->value_name("N"),
       "timing: steps of p1s7 and p1s8 (the seed's 100,000; --quick: 5000 unless given)")
      ("no-seed-structure", po::bool_switch(),
       "timing: skip p1s8 as the seed wrote it (RACELAB_WAVE=0)")
      ("scaling-n", po::value<std::string>()->value_name("N"),
       "scaling: rectangles; default the manifest's timing size (--quick: 20,000,000 unless given)")
      ("threads", po::value<std::string>()->default_value("1,2,4,8")->value_name("LIST"),
       "scaling: thread counts T")
      ("loss-runs", po::value<std::string>()->default_value("40")->value_name("N"),
       "scaling: p2s2 runs per T, for how often results are lost (--quick: 3 unless given)")
      ("ranges", po::value<std::string>()->default_value("20")->value_name("R"),
       "detection: independent seed ranges per cell (--quick: 2 unless given)")
      ("cap", po::value<std::string>()->default_value("25")->value_name("C"),
       "detection: most runs per seed range (--quick: 3 unless given)")
      ("fuzz", po::value<std::vector<std::string>>()->value_name("F"),
       "detection: a fuzz setting or comma-separated mix, repeatable; default none, yield, "
       "sleep:10, sleep:100, sleep:1000, racelab run's default mix, random, pct:1, pct:2 "
       "and pct:3")
      ("specimens", po::value<std::string>()->value_name("LIST"),
       "detection: comma-separated ids; default those expected to fail")
      ("jobs", po::value<std::string>()->value_name("J"),
       "detection: seed ranges run at once; default the number of cores")
      ("runs", po::value<std::string>()->default_value("2000")->value_name("N"),
       "throughput: runs of the plain workload, p1s1 (--quick: 40 unless given)")
      ("tsan-runs", po::value<std::string>()->default_value("60")->value_name("N"),
       "throughput: runs of each TSan workload, p1s1 and p1s2 (--quick: 8 unless given)")
      ("jobs-sweep", po::value<std::string>()->default_value("3,6")->value_name("LIST"),
       "throughput: racelab --jobs values tried on the TSan workload, beside the default")
      ("tools", po::value<std::string>()->default_value("racelab,xargs,parallel,stress,sh")
                    ->value_name("LIST"),
       "throughput: the tools compared (racelab always runs)")
      ("stress-seconds", po::value<std::string>()->default_value("5.5")->value_name("S"),
       "throughput: how long Go's stress runs (it prints its count every 5 s)")
      ("memory-runs", po::value<std::string>()->default_value("1000,10000")->value_name("A,B"),
       "throughput: run counts compared for racelab's peak memory (--quick: 100,1000 unless given)");
  // clang-format on
  cli::AddLocationOptions(d);
  return d;
}

BenchSettings ParseSettings(const po::variables_map& vm) {
  BenchSettings s;
  s.quick = vm["quick"].as<bool>();
  if (vm.count("reps"))
    s.reps = static_cast<int>(CountOption("--reps", vm["reps"].as<std::string>(), 1, 1000));
  s.seed = CountOption("--seed", vm["seed"].as<std::string>(), 0, UINT64_MAX / 4);
  s.timing_n = CountOption("--timing-n", vm["timing-n"].as<std::string>(), 1, 10'000'000);
  s.seed_structure = !vm["no-seed-structure"].as<bool>();
  if (vm.count("scaling-n"))
    s.scaling_n = CountOption("--scaling-n", vm["scaling-n"].as<std::string>(), 1, 100'000'000'000);
  s.threads = CountListOption("--threads", vm["threads"].as<std::string>(), 1, 256);
  s.loss_runs = CountOption("--loss-runs", vm["loss-runs"].as<std::string>(), 1, 100000);
  s.ranges = CountOption("--ranges", vm["ranges"].as<std::string>(), 1, 10000);
  s.cap = CountOption("--cap", vm["cap"].as<std::string>(), 1, 1'000'000);
  if (vm.count("fuzz")) {
    s.fuzz = vm["fuzz"].as<std::vector<std::string>>();
    for (const std::string& f : s.fuzz) {
      auto parsed = ParseFuzzList(f);
      if (!parsed) throw Usage("--fuzz: " + parsed.error().what);
    }
  }
  if (vm.count("specimens"))
    s.specimens = WordListOption("--specimens", vm["specimens"].as<std::string>());
  if (vm.count("jobs"))
    s.jobs = static_cast<int>(CountOption("--jobs", vm["jobs"].as<std::string>(), 1, 256));
  s.runs = CountOption("--runs", vm["runs"].as<std::string>(), 1, 10'000'000);
  s.tsan_runs = CountOption("--tsan-runs", vm["tsan-runs"].as<std::string>(), 1, 10'000'000);
  s.jobs_sweep.clear();
  for (std::uint64_t j :
       CountListOption("--jobs-sweep", vm["jobs-sweep"].as<std::string>(), 1, 256))
    s.jobs_sweep.push_back(static_cast<int>(j));
  for (const std::string& t : WordListOption("--tools", vm["tools"].as<std::string>())) {
    static const char* const known[] = {"racelab", "xargs", "parallel", "stress", "sh"};
    if (std::find(std::begin(known), std::end(known), t) == std::end(known))
      throw Usage(
          fmt::format("--tools: expected racelab, xargs, parallel, stress or sh, got '{}'", t));
    s.tools.push_back(t);
  }
  s.stress_seconds =
      SecondsOption("--stress-seconds", vm["stress-seconds"].as<std::string>(), 3600);
  const auto mem =
      CountListOption("--memory-runs", vm["memory-runs"].as<std::string>(), 1, 10'000'000);
  if (mem.size() != 2) throw Usage("--memory-runs: expected two counts A,B");
  s.memory_small = mem[0];
  s.memory_large = mem[1];
  // --quick shrinks the sizes nobody gave; a size given on the command line wins.
  if (s.quick) {
    if (vm["timing-n"].defaulted()) s.timing_n = 5000;
    if (vm["runs"].defaulted()) s.runs = 40;
    if (vm["tsan-runs"].defaulted()) s.tsan_runs = 8;
    if (vm["ranges"].defaulted()) s.ranges = 2;
    if (vm["cap"].defaulted()) s.cap = 3;
    if (vm["loss-runs"].defaulted()) s.loss_runs = 3;
    if (!vm.count("scaling-n")) s.scaling_n = 20'000'000;
    if (vm["memory-runs"].defaulted()) {
      s.memory_small = 100;
      s.memory_large = 1000;
    }
  }
  return s;
}

std::string PlotPath(const std::string& plot, const std::string& experiment, bool several) {
  if (!several) return plot;
  fs::path p(plot);
  const std::string ext = p.has_extension() ? p.extension().string() : ".svg";
  p.replace_extension();
  return p.string() + "-" + experiment + ext;
}

int Run(const std::vector<std::string>& args) {
  const po::options_description d = Options();
  if (cli::WantsHelp(args)) {
    cli::PrintHelp(std::cout, d);
    return kExitOk;
  }
  po::positional_options_description pos;
  pos.add("experiment", 1);
  const po::variables_map vm = cli::Parse(args, d, pos).vm;
  const std::string experiment = vm["experiment"].as<std::string>();
  std::vector<std::string> chosen;
  if (experiment == "all") {
    chosen.assign(std::begin(kExperiments), std::end(kExperiments));
  } else if (std::find(std::begin(kExperiments), std::end(kExperiments), experiment) !=
             std::end(kExperiments)) {
    chosen.push_back(experiment);
  } else {
    throw Usage(fmt::format(
        "unknown experiment '{}' (use timing, scaling, detection, throughput or all)", experiment));
  }
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json")
    throw Usage(fmt::format("--format: expected text or json, got '{}'", format));

  BenchContext ctx;
  ctx.settings = ParseSettings(vm);
  ctx.verbose = !vm["quiet"].as<bool>();
  const std::string out = vm.count("out") ? vm["out"].as<std::string>() : "";
  const std::string plot = vm.count("plot") ? vm["plot"].as<std::string>() : "";
  if (!out.empty())
    if (std::string why = CheckWritable(out); !why.empty()) throw Usage("--out: " + why);
  for (const std::string& e : chosen)
    if (!plot.empty())
      if (std::string why = CheckWritable(PlotPath(plot, e, chosen.size() > 1)); !why.empty())
        throw Usage("--plot: " + why);

  cli::Locations loc = cli::Locate(vm);
  ctx.bin_dir = loc.bin_dir;
  ctx.manifest_path = loc.manifest;
  ctx.suppressions = loc.suppressions;
  ctx.manifest = cli::LoadManifestOrThrow(loc);
  for (const std::string& id : ctx.settings.specimens)
    if (ctx.manifest.Find(id) == nullptr)
      throw Usage(fmt::format("--specimens: '{}' is not in the manifest", id));
  // Every specimen an experiment needs must be built: a missing one is bad input, found now
  // rather than minutes into the run.
  try {
    for (const std::string& e : chosen) {
      std::vector<std::pair<std::string, Build>> need;
      if (e == "timing")
        need = {{"p1s7", Build::kPlain},
                {"p1s8", Build::kPlain},
                {"p1s7", Build::kTsan},
                {"p1s8", Build::kTsan}};
      if (e == "scaling")
        need = {{"p2s1", Build::kPlain}, {"p2s2", Build::kPlain}, {"p2s3", Build::kPlain}};
      if (e == "throughput") need = {{"p1s1", Build::kPlain}, {"p1s2", Build::kTsan}};
      if (e == "detection")
        for (const std::string& id : ctx.settings.specimens)
          need.insert(need.end(), {{id, Build::kPlain}, {id, Build::kTsan}});
      for (const auto& [id, b] : need) ctx.MakeTarget(id, b, 0, 0);
    }
  } catch (const BenchError& e) {
    throw Usage(e.what());
  }
  ctx.self_exe = fs::read_symlink("/proc/self/exe").string();
  ctx.base_env = CurrentEnvironment();
  ctx.cores = std::max(1u, std::thread::hardware_concurrency());
  ctx.sanitizer.source_root = ctx.manifest.source_root;

  BenchReport report;
  report.racelab_version = RACELAB_VERSION;
  report.quick = ctx.settings.quick;
  report.command = "racelab bench";
  for (const std::string& a : args) report.command += " " + ShellQuote(a);
  report.machine = DescribeMachine();

  std::atomic<bool> cancelled{false};
  ctx.cancelled = &cancelled;
  const auto start = std::chrono::steady_clock::now();
  int signal_seen = 0;
  std::string failure;
  {
    SignalWatch watch([&cancelled](int) {
      cancelled.store(true);
      CancelActiveWork();
    });
    try {
      for (const std::string& e : chosen) {
        ctx.Status(fmt::format("{} starts", e));
        ExperimentResult r = e == "timing"      ? RunTimingExperiment(ctx)
                             : e == "scaling"   ? RunScalingExperiment(ctx)
                             : e == "detection" ? RunDetectionExperiment(ctx)
                                                : RunThroughputExperiment(ctx);
        ctx.Status(fmt::format("{} done in {:.0f} s", e, r.seconds));
        report.experiments.push_back(std::move(r));
      }
    } catch (const BenchCancelled&) {
    } catch (const BenchError& e) {
      failure = e.what();
    }
    signal_seen = watch.received();
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  FinishMachine(report.machine);

  // What was measured is written even when a later experiment failed or was interrupted.
  bool written = true;
  if (!out.empty())
    if (std::string why = WriteFileAtomically(out, RenderBenchJson(report)); !why.empty()) {
      std::cerr << "racelab: cannot write the results: " << why << "\n";
      written = false;
    }
  if (!plot.empty())
    for (const ExperimentResult& e : report.experiments)
      if (!e.svg.empty())
        if (std::string why = WriteFileAtomically(PlotPath(plot, e.name, chosen.size() > 1), e.svg);
            !why.empty()) {
          std::cerr << "racelab: cannot write the chart: " << why << "\n";
          written = false;
        }
  const std::string text = format == "json" ? RenderBenchJson(report) : RenderBenchText(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (signal_seen != 0) {
    std::cerr << "racelab: interrupted; the results cover the finished experiments\n";
    return 128 + signal_seen;
  }
  if (!failure.empty()) {
    std::cerr << "racelab: bench: " << OneLine(failure) << "\n";
    return kExitInternal;
  }
  return written ? kExitOk : kExitInternal;
}

}  // namespace

int CmdBench(const std::vector<std::string>& args) {
  try {
    return Run(args);
  } catch (const Usage& e) {
    std::cerr << "racelab: " << OneLine(e.what()) << "\n";
    return kExitUsage;
  }
}

}  // namespace racelab
