// racelab's subcommands: list, run, replay, report. Options are declared once per table.
#include "cli/cli.hpp"

#include <fmt/core.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "bench.hpp"
#include "controlled/replay.hpp"
#include "controlled/shrink.hpp"
#include "report/expectations.hpp"
#include "report/merge.hpp"
#include "report/renderer.hpp"
#include "report/report_json.hpp"
#include "run/campaign.hpp"
#include "run/child_env.hpp"
#include "run/manifest.hpp"
#include "run/posix_process.hpp"
#include "run/shard.hpp"
#include "run/signal_watch.hpp"
#include "util/file_util.hpp"
#include "util/fuzz_setting.hpp"
#include "util/text_util.hpp"

#ifndef RACELAB_VERSION
#define RACELAB_VERSION "dev"
#endif

namespace racelab {

// Default --jobs per core: measured in docs/benchmarks.md (TSan runs +24% at 2 per core,
// short plain runs unchanged within the noise).
constexpr unsigned kDefaultJobsPerCore = 2;

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// Where racelab_add_variant() writes a user's manifest, relative to the build directory.
constexpr const char* kUserManifest = "racelab/manifest.json";

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
`racelab <command> --help` describes a command's options.

exit status: 0 nothing failed (with --expect: all as expected), 1 failures
found, 2 bad usage or input, 3 racelab itself failed.
)";

struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Messages quote what the user gave (values, file names, a file's schema):
// keep the promised single line, and keep the terminal safe from it.
std::string OneLine(std::string_view message) {
  std::string flat;
  for (char c : message) flat += c == '\n' ? std::string("\\n") : std::string(1, c);
  return TerminalSafe(flat);
}

// Strict number parsing: Boost's lexical_cast accepts "-1" for unsigned
// types (it wraps around), so numbers arrive as strings and are checked here.
std::uint64_t ParseCount(const std::string& opt, const std::string& text, std::uint64_t min,
                         std::uint64_t max) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < min || v > max)
    throw Usage(
        fmt::format("{}: expected a whole number from {} to {}, got '{}'", opt, min, max, text));
  return v;
}

// std::from_chars, unlike stod, takes no leading space, hex or "inf" spelling:
// the whole text must be one plain decimal number.
double ParseSeconds(const std::string& opt, const std::string& text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw Usage(fmt::format("{}: expected a number of seconds, got '{}'", opt, text));
  if (!(v > 0) || v > 86400 * 7)
    throw Usage(fmt::format("{}: must be more than 0 and at most a week, got '{}'", opt, text));
  return v;
}

// Where the specimens and the manifest are. Without --manifest or --bin-dir, racelab
// looks for a user's variants in the current directory (racelab/manifest.json, written by
// racelab_add_variant() in a build directory), then beside itself (its own specimens in a
// build tree). The variants a manifest lists are built beside it, in plain/ and tsan/.
struct Locations {
  std::string bin_dir;
  std::string manifest;
  bool manifest_chosen = false;  // --manifest given, or a default that exists
  std::string variant_dir;       // <variant_dir>/{plain,tsan}/<id>
  std::string suppressions;
  std::string source_root;  // the manifest's, for reports' source paths
};

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

// The manifest, or none when racelab found no default one (an installed racelab run on
// a path target outside any build directory).
Manifest LoadOrThrow(Locations& loc) {
  if (!loc.manifest_chosen) return Manifest{};
  auto m = LoadManifest(loc.manifest);
  if (!m) throw Usage(m.error().what);
  loc.source_root = m.value().source_root;
  return std::move(m).value();
}

// ---- option tables -------------------------------------------------------

void AddLocationOptions(po::options_description& d) {
  d.add_options()("bin-dir", po::value<std::string>()->value_name("DIR"),
                  "where the specimens are built (DIR/variants/{plain,tsan}/<id>); default: "
                  "beside the manifest")(
      "manifest", po::value<std::string>()->value_name("FILE"),
      "the manifest; default: racelab/manifest.json in the current directory (a build "
      "directory of racelab_add_variant), else DIR/variants/manifest.json");
}

// Options shared by run and replay: how one run is set up.
void AddRunSetupOptions(po::options_description& d, const char* build_default) {
  d.add_options()("build", po::value<std::string>()->default_value(build_default)->value_name("B"),
                  "specimen flavour: plain, tsan or both (ignored for a path target)")(
      "iterations", po::value<std::string>()->value_name("N"),
      "RACELAB_ITERATIONS for every target; default: each specimen's check size from the manifest "
      "(100 for a path)")("threads", po::value<std::string>()->value_name("T"),
                          "RACELAB_THREADS (Problem 2); default: the manifest's")(
      "timeout", po::value<std::string>()->default_value("30")->value_name("SECONDS"),
      "per-run timeout; a run still going is killed with its process group (class timeout)")(
      "oracle", po::value<std::string>()->default_value("auto")->value_name("O"),
      "how output is judged: auto (the manifest's; exit-status for a path), sum-sequence, riemann, "
      "exit-status")("tsan", po::bool_switch(),
                     "a path target is TSan-instrumented: set TSAN_OPTIONS for it")(
      "output-cap", po::value<std::string>()->default_value("16777216")->value_name("BYTES"),
      "per-stream output cap; beyond it the run is killed (class output-overflow)");
  AddLocationOptions(d);
}

bool WantsHelp(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(),
                     [](const std::string& a) { return a == "--help" || a == "-h"; });
}

po::variables_map Parse(const std::vector<std::string>& args, const po::options_description& d,
                        const po::positional_options_description& pos) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(d).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw Usage(e.what());
  }
  return vm;
}

std::vector<Build> ParseBuilds(const std::string& b) {
  if (b == "plain") return {Build::kPlain};
  if (b == "tsan") return {Build::kTsan};
  if (b == "both") return {Build::kPlain, Build::kTsan};
  throw Usage(fmt::format("--build: expected plain, tsan or both, got '{}'", b));
}

// The targets a list of TARGET words names, in order, each build flavour.
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
    iterations = ParseCount("--iterations", vm["iterations"].as<std::string>(), 1, 1'000'000'000);
  std::optional<std::uint64_t> threads;
  if (vm.count("threads"))
    threads = ParseCount("--threads", vm["threads"].as<std::string>(), 1, 4096);

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
      if (fs::is_directory(w, ec)) throw Usage(fmt::format("{}: is a directory, not a program", w));
      if (::access(w.c_str(), X_OK) != 0) throw Usage(fmt::format("{}: not executable", w));
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
  const double timeout = ParseSeconds("--timeout", vm["timeout"].as<std::string>());
  o.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout * 1000));
  o.output_cap = ParseCount("--output-cap", vm["output-cap"].as<std::string>(), 1, 1ull << 32);
  o.base_env = CurrentEnvironment();
  o.suppressions_file = loc.suppressions;
  o.sanitizer.source_root = loc.source_root;
  return o;
}

// ---- signals ---------------------------------------------------------------

// One live line on stderr: runs done, rate, failures by class, time left.
class ProgressLine {
 public:
  ProgressLine(const Campaign& c, bool enabled) : campaign_(c), enabled_(enabled) {
    if (!enabled_) return;
    start_ = std::chrono::steady_clock::now();
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) Draw();
    });
  }
  ~ProgressLine() {
    if (!enabled_) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }

 private:
  void Draw() {
    const Progress p = campaign_.progress();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = secs > 0 ? static_cast<double>(p.done) / secs : 0;
    std::string line = fmt::format("{}/{} runs  {:.1f}/s", p.done, p.total, rate);
    if (rate > 0 && p.total > p.done) {
      const auto left = static_cast<std::uint64_t>(static_cast<double>(p.total - p.done) / rate);
      line += fmt::format("  ~{}:{:02d} left", left / 60, left % 60);
    }
    line += fmt::format("  failed {}", p.failed);
    for (const auto& [cls, n] : p.failures_by_class) line += fmt::format("  {} {}", cls, n);
    line += "  [" + p.current + "]";
    std::fprintf(stderr, "\r\033[K%s", line.substr(0, 200).c_str());
    std::fflush(stderr);
  }

  const Campaign& campaign_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// ---- outputs ---------------------------------------------------------------

struct OutputSpec {
  std::string format;
  std::string path;  // "" = stdout
};

std::string FormatOfFileName(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  return ext == ".json"    ? "json"
         : ext == ".xml"   ? "junit"
         : ext == ".html"  ? "html"
         : ext == ".sarif" ? "sarif"
         : ext == ".md"    ? "markdown"
                           : "text";
}

// Pairs each --out with the --format right before it, in command-line order
// (`--format text --format json --out r.json` writes text to stdout and JSON to
// r.json); an --out with no unpaired --format before it takes its format from
// the file name. Without either: text on stdout.
std::vector<OutputSpec> PlanOutputs(const std::vector<std::string>& args) {
  std::vector<OutputSpec> plan;
  bool last_is_open_format = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string value;
    bool is_format = false;
    bool is_out = false;
    for (const char* name : {"--format", "--out"}) {
      const std::string n(name);
      if (args[i] == n && i + 1 < args.size()) {
        value = args[++i];
      } else if (args[i].rfind(n + "=", 0) == 0) {
        value = args[i].substr(n.size() + 1);
      } else {
        continue;
      }
      (n == "--format" ? is_format : is_out) = true;
      break;
    }
    if (is_format) {
      plan.push_back({value, ""});
      last_is_open_format = true;
    } else if (is_out) {
      if (value.empty()) throw Usage("--out: an empty file name");
      if (last_is_open_format)
        plan.back().path = value;
      else
        plan.push_back({FormatOfFileName(value), value});
      last_is_open_format = false;
    }
  }
  if (plan.empty()) plan.push_back({"text", ""});
  for (const OutputSpec& o : plan) {
    auto r = MakeRenderer(o.format);
    if (!r) throw Usage(r.error().what);
  }
  for (const OutputSpec& o : plan)
    if (!o.path.empty()) {
      std::string why = CheckWritable(o.path);
      if (!why.empty()) throw Usage("--out: " + why);
    }
  return plan;
}

// Writes every planned output. A file that cannot be written is not lost:
// its report goes to stdout instead and the call returns false, as it does
// when stdout itself cannot be written (then stderr says why).
bool WriteOutputs(const Report& report, const std::vector<OutputSpec>& plan) {
  bool ok = true;
  for (const OutputSpec& o : plan) {
    const std::string text = (*MakeRenderer(o.format))->Render(report);
    if (o.path.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      continue;
    }
    std::string why = WriteFileAtomically(o.path, text);
    if (!why.empty()) {
      std::fprintf(stderr, "racelab: cannot write the report: %s; writing it to stdout instead\n",
                   TerminalSafe(why).c_str());
      std::fwrite(text.data(), 1, text.size(), stdout);
      ok = false;
    }
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "racelab: cannot write the report to stdout: %s\n", std::strerror(errno));
    ok = false;
  }
  return ok;
}

// ---- subcommands -------------------------------------------------------------

int CmdList(const std::vector<std::string>& args) {
  po::options_description d("racelab list: the specimens of the manifest\n\noptions");
  d.add_options()("help,h", "this help");
  AddLocationOptions(d);
  if (WantsHelp(args)) {
    std::cout << d << "\n";
    return kExitOk;
  }
  auto vm = Parse(args, d, {});
  Locations loc = Locate(vm);
  const Manifest m = LoadOrThrow(loc);
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
    std::cout << fmt::format("{:<{}}  seed's verdict: {}\n", "", w, v.verdict);
    if (!expected.empty()) std::cout << fmt::format("{:<{}}  expected: {}\n", "", w, expected);
  }
  return kExitOk;
}

// What makes this campaign this campaign: for `racelab merge` to recognise its shards.
CampaignIdentity IdentityOf(const ReportSettings& s, double shrink_seconds,
                            std::uint64_t shrink_runs, const std::vector<Target>& targets,
                            const std::vector<std::vector<FuzzSetting>>& fuzz) {
  CampaignIdentity c;
  c.racelab_version = RACELAB_VERSION;
  c.runs = s.runs;
  c.seed = s.seed;
  c.fuzz = s.fuzz;
  c.timeout_s = s.timeout_s;
  c.build = s.build;
  c.expect = s.expect;
  c.until_fail = s.until_fail;
  c.shrink_seconds = shrink_seconds;
  c.shrink_runs = shrink_runs;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    CampaignTarget ct;
    ct.id = t.id;
    ct.build = t.BuildName();
    ct.binary = FileFingerprint(t.executable);
    ct.oracle = std::string(Name(t.oracle));
    ct.iterations = t.iterations;
    ct.threads = t.threads;
    ct.fuzz = JoinFuzzList(i < fuzz.size() ? fuzz[i] : std::vector<FuzzSetting>{});
    c.targets.push_back(std::move(ct));
  }
  return c;
}

int CmdRun(const std::vector<std::string>& args) {
  po::options_description d(
      "racelab run [TARGET...]: run each target many times in parallel under schedule fuzzing\n"
      "and classify every run (see racelab.md for the classes)\n\noptions");
  d.add_options()("help,h", "this help")(
      "target", po::value<std::vector<std::string>>()->value_name("TARGET"),
      "targets (positional)")(
      "runs", po::value<std::string>()->default_value("100")->value_name("N"), "runs per target")(
      "jobs", po::value<std::string>()->value_name("J"),
      "runs at once; default: 2 x the number of cores (TSan runs leave cores idle part of the "
      "time; docs/benchmarks.md)")(
      "fuzz",
      po::value<std::string>()->default_value(std::string(kDefaultFuzz))->value_name("LIST"),
      "comma-separated fuzz settings, each none, yield, sleep:MAX_US, or controlled scheduling: "
      "random, pct:D (depth 1..10; pct = pct:3; K is calibrated per target) or pct:D:K; run i "
      "uses setting i mod k")("seed", po::value<std::string>()->default_value("1")->value_name("S"),
                              "run i gets RACELAB_SEED S+i, so every run can be replayed")(
      "format", po::value<std::vector<std::string>>()->value_name("F"),
      "text (default), json, junit, html, sarif or markdown; may be repeated, each paired in order "
      "with an --out")("out", po::value<std::vector<std::string>>()->value_name("FILE"),
                       "write the matching --format to FILE (atomically) instead of stdout")(
      "expect", po::bool_switch(),
      "compare with the manifest's expected classes; exit 1 on a mismatch")(
      "until-fail", po::bool_switch(),
      "stop each target at its first failing run (--runs is then the most it will try)")(
      "no-progress", po::bool_switch(), "no live progress line on stderr")(
      "shrink-runs",
      po::value<std::string>()->default_value(std::to_string(kDefaultShrinkRuns))->value_name("N"),
      "controlled runs: probe runs to shrink the schedule of each failing class's first run to "
      "the fewest preemptions with (0 = no shrinking); the result depends on N, never on time, "
      "load or --jobs")(
      "shrink-seconds",
      po::value<std::string>()
          ->default_value(fmt::format("{:g}", kDefaultShrinkSecondsCap))
          ->value_name("N"),
      "controlled runs: a safety cap on the wall-clock time of one shrink (0 = no "
      "shrinking); a result it stops is reported as not minimal")(
      "shard", po::value<std::string>()->value_name("K/N|auto"),
      "run only the runs i with i mod N = K, each with its seed and fuzz setting of the whole "
      "campaign, and write a shard report for `racelab merge`; auto: K and N from a Slurm job "
      "array or a Kubernetes Indexed Job (docs/scale-out.md)")(
      "shards", po::value<std::string>()->value_name("N"),
      "the number of shards, for --shard auto in a Kubernetes Indexed Job (its completions)");
  AddRunSetupOptions(d, "both");
  po::positional_options_description pos;
  pos.add("target", -1);
  if (WantsHelp(args)) {
    std::cout << d << "\n";
    return kExitOk;
  }
  auto vm = Parse(args, d, pos);
  Locations loc = Locate(vm);
  const Manifest m = LoadOrThrow(loc);
  std::vector<std::string> words =
      vm.count("target") ? vm["target"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (words.empty()) words.push_back("all");

  CampaignOptions o = BaseCampaignOptions(vm, loc);
  o.runs = ParseCount("--runs", vm["runs"].as<std::string>(), 1, 100'000'000);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  o.jobs = vm.count("jobs")
               ? static_cast<int>(ParseCount("--jobs", vm["jobs"].as<std::string>(), 1, 1024))
               : static_cast<int>(kDefaultJobsPerCore * cores);
  auto fuzz = ParseFuzzList(vm["fuzz"].as<std::string>());
  if (!fuzz) throw Usage(fuzz.error().what);
  o.fuzz = *fuzz;
  o.seed = ParseCount("--seed", vm["seed"].as<std::string>(), 0, UINT64_MAX / 2);
  o.until_fail = vm["until-fail"].as<bool>();
  {
    const std::string text = vm["shrink-seconds"].as<std::string>();
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !(v >= 0) ||
        v > 86400)
      throw Usage(fmt::format(
          "--shrink-seconds: expected a number of seconds from 0 to 86400, got '{}'", text));
    o.shrink_seconds_cap = v;
  }
  if (vm.count("shards") && !vm.count("shard")) throw Usage("--shards: only with --shard");
  if (vm.count("shard")) {
    std::optional<std::uint64_t> shards;
    if (vm.count("shards"))
      shards = ParseCount("--shards", vm["shards"].as<std::string>(), 1, kMaxShards);
    auto shard = ParseShard(vm["shard"].as<std::string>(), shards, [](const char* name) {
      return static_cast<const char*>(std::getenv(name));
    });
    if (!shard) throw Usage(shard.error().what);
    o.shard = *shard;
  }
  o.shrink_runs = ParseCount("--shrink-runs", vm["shrink-runs"].as<std::string>(), 0, 100'000'000);
  std::vector<Target> targets = ResolveTargets(words, m, loc, vm);
  const std::vector<OutputSpec> outputs = PlanOutputs(args);

  Report report;
  report.racelab_version = RACELAB_VERSION;
  report.settings.runs = o.runs;
  report.settings.jobs = o.jobs;
  report.settings.fuzz = JoinFuzzList(o.fuzz);
  report.settings.seed = o.seed;
  report.settings.timeout_s = static_cast<double>(o.timeout.count()) / 1000.0;
  report.settings.build = vm["build"].as<std::string>();
  report.settings.expect = vm["expect"].as<bool>();
  report.settings.until_fail = o.until_fail;
  report.source_root = loc.source_root;

  // One target that cannot be scheduled is a usage error; among several, a note.
  o.refuse_uncontrolled = targets.size() == 1;
  PosixProcessRunner runner;
  Campaign campaign(runner, o, targets);
  const auto start = std::chrono::steady_clock::now();
  int signal_seen = 0;
  {
    SignalWatch watch([&campaign](int) { campaign.Cancel(); });
    ProgressLine progress(campaign, !vm["no-progress"].as<bool>() && ::isatty(2) != 0);
    report.targets = campaign.Run();
    signal_seen = watch.received();
  }
  if (!campaign.uncontrolled_error().empty()) throw Usage(campaign.uncontrolled_error());
  report.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.interrupted = signal_seen != 0;
  if (report.settings.expect)
    for (std::size_t i = 0; i < targets.size(); ++i)
      ApplyExpectations(report.targets[i], targets[i].variant, targets[i].build);
  report.campaign =
      IdentityOf(report.settings, o.shrink_seconds_cap, o.shrink_runs, targets, campaign.fuzz());
  if (vm.count("shard")) {
    ShardCoverage c;
    c.count = o.shard.count;
    c.indices = {o.shard.index};
    if (std::string host = HostName(); !host.empty()) c.hosts = {host};
    report.shards = c;
  }

  const bool written = WriteOutputs(report, outputs);
  if (signal_seen != 0) {
    std::fprintf(stderr, "racelab: interrupted by %s; the report covers the finished runs\n",
                 signal_seen == SIGINT ? "SIGINT" : "SIGTERM");
    return 128 + signal_seen;
  }
  if (!written || HasHarnessErrors(report)) return kExitInternal;
  return HasFailures(report) ? kExitFailures : kExitOk;
}

int CmdReplay(const std::vector<std::string>& args) {
  po::options_description d(
      "racelab replay TARGET --seed S | --schedule S: run one run again with exactly the\n"
      "settings of a report's replay line; prints its output with the first divergence "
      "marked\n\noptions");
  d.add_options()("help,h", "this help")("target", po::value<std::string>()->value_name("TARGET"),
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
    std::cout << d << "\n";
    return kExitOk;
  }
  auto vm = Parse(args, d, pos);
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
  const Manifest m = LoadOrThrow(loc);
  if (vm["build"].as<std::string>() == "both") throw Usage("replay: --build must be plain or tsan");
  std::vector<Target> targets = ResolveTargets({vm["target"].as<std::string>()}, m, loc, vm);
  if (targets.size() != 1) throw Usage("replay: TARGET must name one specimen, not `all`");
  CampaignOptions o = BaseCampaignOptions(vm, loc);
  auto fuzz = ParseFuzzSetting(vm["fuzz"].as<std::string>());
  if (!fuzz) throw Usage(fuzz.error().what);
  const std::uint64_t seed =
      vm.count("seed") ? ParseCount("--seed", vm["seed"].as<std::string>(), 0, UINT64_MAX / 2) : 0;
  auto color = ParseColorMode(vm["color"].as<std::string>());
  if (!color) throw Usage(color.error().what);
  PosixProcessRunner runner;
  const ReplayResult rr = Replay(runner, targets[0], o, *fuzz, seed, schedule);
  std::cout << RenderReplay(rr, UseColor(*color, ::isatty(1) != 0, std::getenv("NO_COLOR")));
  if (rr.verdict.harness_error) return kExitInternal;
  return rr.verdict.classes.Has(FailureClass::kOk) ? kExitOk : kExitFailures;
}

int CmdReport(const std::vector<std::string>& args) {
  po::options_description d(
      "racelab report FILE.json: render a saved JSON report (schema racelab.report/1)\n\noptions");
  d.add_options()("help,h", "this help")("file", po::value<std::string>()->value_name("FILE"),
                                         "the JSON report (positional)")(
      "format", po::value<std::vector<std::string>>()->value_name("F"),
      "text (default), json, junit, html, sarif or markdown")(
      "out", po::value<std::vector<std::string>>()->value_name("FILE"),
      "write to FILE instead of stdout");
  po::positional_options_description pos;
  pos.add("file", 1);
  if (WantsHelp(args)) {
    std::cout << d << "\n";
    return kExitOk;
  }
  auto vm = Parse(args, d, pos);
  if (!vm.count("file")) throw Usage("report: a FILE.json is required");
  if (vm["file"].as<std::string>().empty()) throw Usage("report: an empty file name");
  const std::vector<OutputSpec> outputs = PlanOutputs(args);
  const std::string path = vm["file"].as<std::string>();
  auto text = ReadTextFile(path, 1u << 30);
  if (!text) throw Usage(text.error().what);
  auto report = ParseReportJson(*text, path);
  if (!report) throw Usage(report.error().what);
  return WriteOutputs(*report, outputs) ? kExitOk : kExitInternal;
}

int CmdMerge(const std::vector<std::string>& args) {
  po::options_description d(
      "racelab merge SHARD.json...: merge the JSON reports of a campaign's shards (racelab run\n"
      "--shard K/N) into the report of the whole campaign (docs/scale-out.md)\n\noptions");
  d.add_options()("help,h", "this help")(
      "file", po::value<std::vector<std::string>>()->value_name("SHARD.json"),
      "the shard reports (positional)")(
      "allow-partial", po::bool_switch(),
      "merge even when some shards are missing; the report names them and is marked partial")(
      "format", po::value<std::vector<std::string>>()->value_name("F"),
      "text (default), json, junit, html, sarif or markdown; may be repeated, each paired in order "
      "with an --out")("out", po::value<std::vector<std::string>>()->value_name("FILE"),
                       "write the matching --format to FILE (atomically) instead of stdout");
  po::positional_options_description pos;
  pos.add("file", -1);
  if (WantsHelp(args)) {
    std::cout << d << "\n";
    return kExitOk;
  }
  auto vm = Parse(args, d, pos);
  if (!vm.count("file")) throw Usage("merge: at least one SHARD.json is required");
  const std::vector<OutputSpec> outputs = PlanOutputs(args);
  std::vector<ShardFile> files;
  for (const std::string& path : vm["file"].as<std::vector<std::string>>()) {
    if (path.empty()) throw Usage("merge: an empty file name");
    auto text = ReadTextFile(path, 1u << 30);
    if (!text) throw Usage(text.error().what);
    auto report = ParseReportJson(*text, path);
    if (!report) throw Usage(report.error().what);
    files.push_back({path, std::move(report).value()});
  }
  auto merged = MergeShardFiles(files, vm["allow-partial"].as<bool>());
  if (!merged) throw Usage(merged.error().what);
  if (!WriteOutputs(*merged, outputs) || HasHarnessErrors(*merged)) return kExitInternal;
  return HasFailures(*merged) ? kExitFailures : kExitOk;
}

}  // namespace

int Main(const std::vector<std::string>& args) {
  try {
    if (args.empty()) {
      std::cerr << kUsage;
      return kExitUsage;
    }
    const std::string& cmd = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::cout << kUsage;
      return kExitOk;
    }
    if (cmd == "--version") {
      std::cout << "racelab " << RACELAB_VERSION << "\n";
      return kExitOk;
    }
    if (cmd == "list") return CmdList(rest);
    if (cmd == "run") return CmdRun(rest);
    if (cmd == "replay") return CmdReplay(rest);
    if (cmd == "report") return CmdReport(rest);
    if (cmd == "merge") return CmdMerge(rest);
    if (cmd == "bench") return CmdBench(rest);
    throw Usage(fmt::format(
        "unknown command '{}' (use list, run, replay, report, merge or bench; see --help)", cmd));
  } catch (const Usage& e) {
    std::cerr << "racelab: " << OneLine(e.what()) << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "racelab: internal error: " << OneLine(e.what()) << "\n";
    return kExitInternal;
  }
}

}  // namespace racelab
