// `racelab run`: each target many times in parallel, every run classified, one report.
#include <fmt/core.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "cli/report_outputs.hpp"
#include "cli/run_setup.hpp"
#include "report/expectations.hpp"
#include "run/fork_server_runner.hpp"
#include "run/idle_cores.hpp"
#include "run/posix_process.hpp"
#include "run/shard.hpp"
#include "run/signal_watch.hpp"
#include "util/fuzz_setting.hpp"
#include "util/text_util.hpp"

#ifndef RACELAB_VERSION
#define RACELAB_VERSION "dev"
#endif

namespace racelab::cli {

namespace {

// The default --jobs, measured in docs/benchmarks.md ("--jobs"): one run per core to start
// with, and more, up to two per core, while the cores sit idle. A run that waits (to start
// by exec, on its own threads' locks and joins) leaves its core idle, and a second run per
// core fills the gap (p1s2's TSan build: 26% faster at 2 per core than at 1); where runs
// keep their cores busy, one per core is as fast or faster (p1s1's TSan build: 10%).
constexpr unsigned kMostJobsPerCore = 2;

// The run command's own options; the run-setup and output groups are shared.
po::options_description RunOptions() {
  po::options_description d(
      "racelab run [TARGET...] [options]: run each target many times in parallel under\n"
      "schedule fuzzing or controlled scheduling and classify every run. A TARGET is a\n"
      "manifest id (racelab list), `all` (every correctness specimen, the default) or the\n"
      "path of any executable\n\noptions");
  AddHelpOption(d);
  // clang-format off
  d.add_options()
      ("target", po::value<std::vector<std::string>>()->value_name("TARGET"),
       "targets (positional)")
      ("runs", po::value<std::string>()->default_value("100")->value_name("N"), "runs per target")
      ("jobs", po::value<std::string>()->value_name("J"),
       "runs at once; default: the number of cores, and one more at a time, up to 2 x cores, "
       "while the cores sit idle 10% of the time or more (docs/benchmarks.md)")
      ("fuzz", po::value<std::string>()->default_value(std::string(kDefaultFuzz))
                   ->value_name("LIST"),
       "comma-separated fuzz settings, each none, yield, sleep:MAX_US, or controlled "
       "scheduling: random, pct:D (depth 1..10; pct = pct:3; K is calibrated per target) or "
       "pct:D:K; run i uses setting i mod k")
      ("seed", po::value<std::string>()->default_value("1")->value_name("S"),
       "run i gets RACELAB_SEED S+i, so every run can be replayed")
      ("expect", po::bool_switch(),
       "compare with the manifest's expected classes; exit 1 on a mismatch")
      ("until-fail", po::bool_switch(),
       "stop each target at its first failing run (--runs is then the most it will try)")
      ("no-progress", po::bool_switch(), "no live progress line on stderr")
      ("shrink-runs",
       po::value<std::string>()->default_value(std::to_string(kDefaultShrinkRuns))
                   ->value_name("N"),
       "controlled runs: probe runs to shrink the schedule of each failing class's first run to "
       "the fewest preemptions with (0 = no shrinking); the result depends on N, never on time, "
       "load or --jobs")
      ("shrink-seconds",
       po::value<std::string>()->default_value(fmt::format("{:g}", kDefaultShrinkSecondsCap))
                   ->value_name("N"),
       "controlled runs: a safety cap on the wall-clock time of one shrink (0 = no "
       "shrinking); a result it stops is reported as not minimal")
      ("shard", po::value<std::string>()->value_name("K/N|auto"),
       "run only the runs i with i mod N = K, each with its seed and fuzz setting of the whole "
       "campaign, and write a shard report for `racelab merge`; auto: K and N from a Slurm job "
       "array or a Kubernetes Indexed Job (docs/scale-out.md)")
      ("shards", po::value<std::string>()->value_name("N"),
       "the number of shards, for --shard auto in a Kubernetes Indexed Job (its completions)")
      ("launch", po::value<std::string>()->default_value("auto")->value_name("exec|fork|auto"),
       "how runs start: exec (a new process per run), fork (the program starts once per worker "
       "and forks each run from a fork server; exec where it cannot, with a note) or auto (fork); "
       "docs/launch.md");
  // clang-format on
  AddReportOutputOptions(d);
  AddRunSetupOptions(d, "both");
  return d;
}

// --launch, or a one-line usage error.
Launch LaunchOption(const po::variables_map& vm) {
  Launch launch = Launch::kAuto;
  if (!ParseLaunch(vm["launch"].as<std::string>(), &launch))
    throw Usage("--launch: expected exec, fork or auto, got '" + vm["launch"].as<std::string>() +
                "'");
  return launch;
}

// --runs, --jobs, --fuzz, --seed, --until-fail and --shrink-seconds over the base options.
CampaignOptions RunCampaignOptions(const po::variables_map& vm, const Locations& loc) {
  CampaignOptions o = BaseCampaignOptions(vm, loc);
  o.runs = CountOption("--runs", vm["runs"].as<std::string>(), 1, 100'000'000);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (vm.count("jobs")) {
    o.jobs = static_cast<int>(CountOption("--jobs", vm["jobs"].as<std::string>(), 1, 1024));
  } else {
    o.jobs = static_cast<int>(cores);
    o.max_jobs = static_cast<int>(kMostJobsPerCore * cores);
    o.idle_sampler = std::make_shared<ProcStatIdleSampler>();
  }
  auto fuzz = ParseFuzzList(vm["fuzz"].as<std::string>());
  if (!fuzz) throw Usage(fuzz.error().what);
  o.fuzz = *fuzz;
  o.seed = CountOption("--seed", vm["seed"].as<std::string>(), 0, UINT64_MAX / 2);
  o.until_fail = vm["until-fail"].as<bool>();
  o.shrink_seconds_cap =
      SecondsOption("--shrink-seconds", vm["shrink-seconds"].as<std::string>(), 86400, true);
  o.shrink_runs = CountOption("--shrink-runs", vm["shrink-runs"].as<std::string>(), 0, 100'000'000);
  if (vm.count("shards") && !vm.count("shard")) throw Usage("--shards: only with --shard");
  if (vm.count("shard")) {
    std::optional<std::uint64_t> shards;
    if (vm.count("shards"))
      shards = CountOption("--shards", vm["shards"].as<std::string>(), 1, kMaxShards);
    auto shard = ParseShard(vm["shard"].as<std::string>(), shards, [](const char* name) {
      return static_cast<const char*>(std::getenv(name));
    });
    if (!shard) throw Usage(shard.error().what);
    o.shard = *shard;
  }
  return o;
}

}  // namespace

// What makes this campaign this campaign: for `racelab merge` to recognise its shards.
static CampaignIdentity IdentityOf(const ReportSettings& s, double shrink_seconds,
                                   std::uint64_t shrink_runs, const std::vector<Target>& targets,
                                   const std::vector<std::vector<FuzzSetting>>& fuzz) {
  CampaignIdentity c;
  c.racelab_version = RACELAB_VERSION;
  c.runs = s.runs;
  c.seed = s.seed;
  c.fuzz = s.fuzz;
  c.timeout_s = s.timeout_s;
  c.build = s.build ? std::string(Name(*s.build)) : std::string();
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
  const po::options_description d = RunOptions();
  po::positional_options_description pos;
  pos.add("target", -1);
  if (WantsHelp(args)) {
    PrintHelp(std::cout, d);
    return kExitOk;
  }
  const ParsedCommand p = Parse(args, d, pos);
  const po::variables_map& vm = p.vm;
  Locations loc = Locate(vm);
  const Manifest m = LoadManifestOrThrow(loc);
  std::vector<std::string> words =
      vm.count("target") ? vm["target"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (words.empty()) words.push_back("all");

  CampaignOptions o = RunCampaignOptions(vm, loc);
  std::vector<Target> targets = ResolveTargets(words, m, loc, vm);
  const std::vector<OutputSpec> outputs = PlanOutputs(p.in_order);

  Report report;
  report.racelab_version = RACELAB_VERSION;
  report.settings.runs = o.runs;
  report.settings.jobs = o.jobs;
  report.settings.fuzz = JoinFuzzList(o.fuzz);
  report.settings.seed = o.seed;
  report.settings.timeout_s = static_cast<double>(o.timeout.count()) / 1000.0;
  report.settings.build = ParseBuildChoice(vm["build"].as<std::string>());
  report.settings.expect = vm["expect"].as<bool>();
  report.settings.until_fail = o.until_fail;
  report.source_root = loc.source_root;

  // One target that cannot be scheduled is a usage error; among several, a note.
  o.refuse_uncontrolled = targets.size() == 1;
  ForkServerRunner runner(LaunchOption(vm), FindPreloadLibrary());
  Campaign campaign(runner, o, targets);
  const auto start = std::chrono::steady_clock::now();
  int signal_seen = 0;
  {
    SignalWatch watch([&campaign](int) { campaign.Cancel(); });
    ProgressLine progress(campaign, !vm["no-progress"].as<bool>() && ::isatty(2) != 0);
    report.targets = campaign.Run();
    signal_seen = watch.received();
  }
  report.settings.jobs = campaign.jobs_used();
  if (!campaign.uncontrolled_error().empty()) throw Usage(campaign.uncontrolled_error());
  for (std::size_t i = 0; i < targets.size() && i < report.targets.size(); ++i) {
    const LaunchUse use = runner.UseFor(targets[i].executable);
    report.targets[i].launch = use.launch;
    if (!use.note.empty()) report.targets[i].notes.push_back(use.note);
  }
  report.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.racelab_cpu_s = std::chrono::duration<double>(SelfCpu()).count();
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
  if (HasHarnessErrors(report)) {
    // Exit 3 says racelab failed; stderr says at what (the report lists every such run).
    std::uint64_t runs = 0;
    std::string first;
    for (const TargetReport& t : report.targets) {
      runs += t.harness_errors;
      if (first.empty() && !t.harness_error_examples.empty())
        first = t.harness_error_examples.front();
    }
    std::cerr << fmt::format("racelab: {} run{} could not be carried out{}{}\n", runs,
                             runs == 1 ? "" : "s", first.empty() ? "" : ": ", OneLine(first));
  }
  if (!written || HasHarnessErrors(report)) return kExitInternal;
  return HasFailures(report) ? kExitFailures : kExitOk;
}

}  // namespace racelab::cli
