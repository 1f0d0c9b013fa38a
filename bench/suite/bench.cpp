// The `racelab bench` command: one options table, the experiments in order, the outputs.
#include "bench.hpp"

#include <fmt/core.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bench_context.hpp"
#include "cli/cli.hpp"
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

struct BenchUsage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Messages quote what the user typed, or what a program printed: one line, and harmless
// to the terminal they are shown on.
std::string OneLine(const std::string& message) {
  std::string flat;
  for (const char c : message) flat += c == '\n' ? std::string("\\n") : std::string(1, c);
  return TerminalSafe(flat);
}

std::uint64_t Count(const std::string& opt, const std::string& text, std::uint64_t min,
                    std::uint64_t max) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < min || v > max)
    throw BenchUsage(
        fmt::format("{}: expected a whole number from {} to {}, got '{}'", opt, min, max, text));
  return v;
}

std::vector<std::uint64_t> CountList(const std::string& opt, const std::string& text,
                                     std::uint64_t min, std::uint64_t max) {
  std::vector<std::uint64_t> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(Count(opt, text.substr(pos, comma - pos), min, max));
    pos = comma + 1;
  }
  return out;
}

// A comma-separated list of non-empty words.
std::vector<std::string> Words(const std::string& opt, const std::string& list) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t comma = list.find(',', pos);
    if (comma == std::string::npos) comma = list.size();
    out.push_back(list.substr(pos, comma - pos));
    if (out.back().empty()) throw BenchUsage(fmt::format("{}: an empty item in '{}'", opt, list));
    pos = comma + 1;
  }
  return out;
}

double PositiveSeconds(const std::string& opt, const std::string& text) {
  double v = 0;
  try {
    std::size_t used = 0;
    v = std::stod(text, &used);
    if (used != text.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw BenchUsage(fmt::format("{}: expected a number of seconds, got '{}'", opt, text));
  }
  if (!(v > 0) || v > 3600)
    throw BenchUsage(fmt::format("{}: must be more than 0 and at most 3600, got '{}'", opt, text));
  return v;
}

// The one options table: each option declared once with its default and help.
po::options_description Options() {
  po::options_description d(
      "racelab bench [EXPERIMENT] [options]: measurements behind docs/findings.md\n\n"
      "EXPERIMENT is timing (p1s7 against p1s8), scaling (Problem 2 with T threads), detection\n"
      "(runs and time to the first failure per fuzz setting), throughput (runs/s against xargs,\n"
      "GNU parallel, Go's stress and a shell loop; --jobs; peak memory) or all (the default).\n\n"
      "options");
  // clang-format off
  d.add_options()
      ("help,h", "this help")
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
       "timing: steps of p1s7 and p1s8 (the seed's 100,000; --quick: 5000)")
      ("no-seed-structure", po::bool_switch(),
       "timing: skip p1s8 as the seed wrote it (RACELAB_WAVE=0)")
      ("scaling-n", po::value<std::string>()->value_name("N"),
       "scaling: rectangles; default the manifest's timing size (--quick: 20,000,000)")
      ("threads", po::value<std::string>()->default_value("1,2,4,8")->value_name("LIST"),
       "scaling: thread counts T")
      ("loss-runs", po::value<std::string>()->default_value("40")->value_name("N"),
       "scaling: p2s2 runs per T, for how often results are lost (--quick: 3)")
      ("ranges", po::value<std::string>()->default_value("20")->value_name("R"),
       "detection: independent seed ranges per cell (--quick: 3)")
      ("cap", po::value<std::string>()->default_value("25")->value_name("C"),
       "detection: most runs per seed range (--quick: 4)")
      ("fuzz", po::value<std::vector<std::string>>()->value_name("F"),
       "detection: a fuzz setting or comma-separated mix, repeatable; default none, yield, "
       "sleep:10, sleep:100, sleep:1000, racelab run's default mix, random, pct:1, pct:2 "
       "and pct:3")
      ("specimens", po::value<std::string>()->value_name("LIST"),
       "detection: comma-separated ids; default those expected to fail")
      ("jobs", po::value<std::string>()->value_name("J"),
       "detection: seed ranges run at once; default the number of cores")
      ("runs", po::value<std::string>()->default_value("2000")->value_name("N"),
       "throughput: runs of the plain workload, p1s1 (--quick: 40)")
      ("tsan-runs", po::value<std::string>()->default_value("60")->value_name("N"),
       "throughput: runs of the TSan workload, p1s2 (--quick: 8)")
      ("jobs-sweep", po::value<std::string>()->default_value("3,6")->value_name("LIST"),
       "throughput: racelab --jobs values tried on the TSan workload, beside the default")
      ("tools", po::value<std::string>()->default_value("racelab,xargs,parallel,stress,sh")
                    ->value_name("LIST"),
       "throughput: the tools compared (racelab always runs)")
      ("stress-seconds", po::value<std::string>()->default_value("5.5")->value_name("S"),
       "throughput: how long Go's stress runs (it prints its count every 5 s)")
      ("memory-runs", po::value<std::string>()->default_value("1000,10000")->value_name("A,B"),
       "throughput: run counts compared for racelab's peak memory (--quick: 100,1000)")
      ("bin-dir", po::value<std::string>()->value_name("DIR"),
       "where the specimens are built; default: racelab's own directory")
      ("manifest", po::value<std::string>()->value_name("FILE"),
       "the specimen manifest; default: DIR/variants/manifest.json");
  // clang-format on
  return d;
}

BenchSettings ParseSettings(const po::variables_map& vm) {
  BenchSettings s;
  s.quick = vm["quick"].as<bool>();
  if (vm.count("reps"))
    s.reps = static_cast<int>(Count("--reps", vm["reps"].as<std::string>(), 1, 1000));
  s.seed = Count("--seed", vm["seed"].as<std::string>(), 0, UINT64_MAX / 4);
  s.timing_n = Count("--timing-n", vm["timing-n"].as<std::string>(), 1, 10'000'000);
  s.seed_structure = !vm["no-seed-structure"].as<bool>();
  if (vm.count("scaling-n"))
    s.scaling_n = Count("--scaling-n", vm["scaling-n"].as<std::string>(), 1, 100'000'000'000);
  s.threads = CountList("--threads", vm["threads"].as<std::string>(), 1, 256);
  s.loss_runs = Count("--loss-runs", vm["loss-runs"].as<std::string>(), 1, 100000);
  s.ranges = Count("--ranges", vm["ranges"].as<std::string>(), 1, 10000);
  s.cap = Count("--cap", vm["cap"].as<std::string>(), 1, 1'000'000);
  if (vm.count("fuzz")) {
    s.fuzz = vm["fuzz"].as<std::vector<std::string>>();
    for (const std::string& f : s.fuzz) {
      auto parsed = ParseFuzzList(f);
      if (!parsed) throw BenchUsage("--fuzz: " + parsed.error().what);
    }
  }
  if (vm.count("specimens")) s.specimens = Words("--specimens", vm["specimens"].as<std::string>());
  if (vm.count("jobs"))
    s.jobs = static_cast<int>(Count("--jobs", vm["jobs"].as<std::string>(), 1, 256));
  s.runs = Count("--runs", vm["runs"].as<std::string>(), 1, 10'000'000);
  s.tsan_runs = Count("--tsan-runs", vm["tsan-runs"].as<std::string>(), 1, 10'000'000);
  s.jobs_sweep.clear();
  for (std::uint64_t j : CountList("--jobs-sweep", vm["jobs-sweep"].as<std::string>(), 1, 256))
    s.jobs_sweep.push_back(static_cast<int>(j));
  for (const std::string& t : Words("--tools", vm["tools"].as<std::string>())) {
    static const char* const known[] = {"racelab", "xargs", "parallel", "stress", "sh"};
    if (std::find(std::begin(known), std::end(known), t) == std::end(known))
      throw BenchUsage(
          fmt::format("--tools: expected racelab, xargs, parallel, stress or sh, got '{}'", t));
    s.tools.push_back(t);
  }
  s.stress_seconds = PositiveSeconds("--stress-seconds", vm["stress-seconds"].as<std::string>());
  const auto mem = CountList("--memory-runs", vm["memory-runs"].as<std::string>(), 1, 10'000'000);
  if (mem.size() != 2) throw BenchUsage("--memory-runs: expected two counts A,B");
  s.memory_small = mem[0];
  s.memory_large = mem[1];
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
  if (std::any_of(args.begin(), args.end(),
                  [](const std::string& a) { return a == "--help" || a == "-h"; })) {
    std::cout << d << "\n";
    return kExitOk;
  }
  po::positional_options_description pos;
  pos.add("experiment", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(d).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw BenchUsage(e.what());
  }
  const std::string experiment = vm["experiment"].as<std::string>();
  std::vector<std::string> chosen;
  if (experiment == "all") {
    chosen.assign(std::begin(kExperiments), std::end(kExperiments));
  } else if (std::find(std::begin(kExperiments), std::end(kExperiments), experiment) !=
             std::end(kExperiments)) {
    chosen.push_back(experiment);
  } else {
    throw BenchUsage(fmt::format(
        "unknown experiment '{}' (use timing, scaling, detection, throughput or all)", experiment));
  }
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json")
    throw BenchUsage(fmt::format("--format: expected text or json, got '{}'", format));

  BenchContext ctx;
  ctx.settings = ParseSettings(vm);
  ctx.verbose = !vm["quiet"].as<bool>();
  const std::string out = vm.count("out") ? vm["out"].as<std::string>() : "";
  const std::string plot = vm.count("plot") ? vm["plot"].as<std::string>() : "";
  if (!out.empty())
    if (std::string why = CheckWritable(out); !why.empty()) throw BenchUsage("--out: " + why);
  for (const std::string& e : chosen)
    if (!plot.empty())
      if (std::string why = CheckWritable(PlotPath(plot, e, chosen.size() > 1)); !why.empty())
        throw BenchUsage("--plot: " + why);

  ctx.bin_dir = vm.count("bin-dir") ? vm["bin-dir"].as<std::string>() : SelfDirectory();
  if (vm.count("manifest")) {
    ctx.manifest_path = vm["manifest"].as<std::string>();
  } else {
    ctx.manifest_path = ctx.bin_dir + "/variants/manifest.json";
  }
  auto manifest = LoadManifest(ctx.manifest_path);
  if (!manifest) throw BenchUsage(manifest.error().what);
  ctx.manifest = std::move(manifest).value();
  for (const std::string& id : ctx.settings.specimens)
    if (ctx.manifest.Find(id) == nullptr)
      throw BenchUsage(fmt::format("--specimens: '{}' is not in the manifest", id));
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
    throw BenchUsage(e.what());
  }
  const std::string supp = ctx.bin_dir + "/sanitize/tsan.supp";
  if (fs::exists(supp)) ctx.suppressions = fs::absolute(supp).string();
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
  } catch (const BenchUsage& e) {
    std::cerr << "racelab: " << OneLine(e.what()) << "\n";
    return kExitUsage;
  }
}

}  // namespace racelab
