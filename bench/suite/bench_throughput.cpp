// bench throughput, measured: runs per second of `racelab run` against xargs, GNU parallel,
// Go's stress and a shell loop running the same binary the same number of times; --jobs on
// both workloads; racelab's own costs; its peak memory against its run count. Presenting the
// numbers is bench_throughput_report.cpp's.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <tuple>

#include "bench_throughput.hpp"
#include "report/report_json.hpp"
#include "run/posix_process.hpp"
#include "util/file_util.hpp"
#include "util/number.hpp"

namespace racelab {
namespace throughput {
namespace {

// A temporary file, removed on destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& suffix) {
    const char* dir = std::getenv("TMPDIR");
    std::string templ =
        std::string(dir != nullptr && *dir ? dir : "/tmp") + "/racelab-bench-XXXXXX" + suffix;
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    const int fd = ::mkstemps(buf.data(), static_cast<int>(suffix.size()));
    if (fd < 0) throw BenchError("cannot create a temporary file in " + templ);
    ::close(fd);
    path_ = buf.data();
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

ToolRun Finish(const SpawnOutcome& s, std::uint64_t runs) {
  ToolRun t;
  t.wall_s = s.wall_s;
  t.runs = runs;
  t.runs_per_s = s.wall_s > 0 ? static_cast<double>(runs) / s.wall_s : 0;
  t.self_cpu_s = s.self_cpu_s;
  t.tree_cpu_s = s.tree_cpu_s;
  t.max_rss_kb = s.max_rss_kb;
  return t;
}

// Peak memory: a child started with posix_spawn (vfork, then exec) inherits its parent's
// high-water RSS in its ru_maxrss (the kernel records the old mm's peak at exec, and the old
// mm is the parent's), so wait4 would report this bench process's size. GNU time forks a
// fresh child and reports that child's own peak (%M), which is racelab's or one of its runs'.
constexpr const char* kGnuTime = "/usr/bin/time";

ToolRun RunRacelab(const BenchContext& ctx, const Workload& w, std::optional<int> jobs,
                   std::uint64_t runs, bool measure_rss = false) {
  TempFile json(".json");
  TempFile rss(".txt");
  SpawnRequest req;
  req.argv = {ctx.self_exe,
              "run",
              w.id,
              "--build",
              std::string(Name(w.build)),
              "--runs",
              std::to_string(runs),
              "--fuzz",
              "none",
              "--seed",
              "1",
              "--no-progress",
              "--format",
              "json",
              "--out",
              json.path(),
              "--bin-dir",
              ctx.bin_dir,
              "--manifest",
              ctx.manifest_path};
  if (jobs) {
    req.argv.push_back("--jobs");
    req.argv.push_back(std::to_string(*jobs));
  }
  req.env = ctx.base_env;
  req.capture_err = true;
  if (measure_rss) req.argv.insert(req.argv.begin(), {kGnuTime, "-f", "%M", "-o", rss.path()});
  const SpawnOutcome s = SpawnAndWait(req);
  if (!s.started || !s.exited || (s.exit_code != 0 && s.exit_code != 1))
    throw BenchError(fmt::format(
        "racelab run {} failed ({}): {}", w.id,
        s.exited ? fmt::format("exit {}", s.exit_code) : fmt::format("signal {}", s.signal),
        s.err.substr(0, 300)));
  ToolRun t = Finish(s, runs);
  auto text = ReadTextFile(json.path(), 1u << 30);
  if (!text) throw BenchError("racelab run wrote no report: " + text.error().what);
  auto report = ParseReportJson(*text, json.path());
  if (!report || report->targets.size() != 1)
    throw BenchError("racelab run wrote an unreadable report");
  const TargetReport& tr = report->targets[0];
  if (tr.runs != runs)
    throw BenchError(fmt::format("racelab run classified {} of {} runs", tr.runs, runs));
  t.children_cpu_s = tr.cpu_seconds;
  // racelab's own account is exact; the zombie's /proc figure is in clock ticks.
  if (report->racelab_cpu_s > 0) t.self_cpu_s = report->racelab_cpu_s;
  t.run_wall_s = tr.wall_seconds;
  t.jobs = report->settings.jobs;
  std::string classes;
  for (const auto& [c, k] : tr.classes)
    classes += fmt::format("{}{} {}", classes.empty() ? "" : ", ", Name(c), k);
  t.note = "classified: " + classes;
  t.max_rss_kb = 0;  // wait4's figure would be this process's own (see kGnuTime)
  if (measure_rss) {
    std::ifstream in(rss.path());
    in >> t.max_rss_kb;
  }
  return t;
}

// racelab's library in this process, without the command line around it: the campaign
// alone, with the runner's per-run orphan reaping on or off. Separates what the runner costs
// from what `racelab run` adds.
ToolRun RunLibraryCampaign(const BenchContext& ctx, const Workload& w, bool reap_orphans) {
  CampaignOptions o = ctx.RunOptions(std::chrono::seconds(30));
  o.runs = w.runs;
  o.jobs = static_cast<int>(ctx.cores);
  o.seed = 1;
  auto self_cpu = [] { return std::chrono::duration<double>(SelfCpu()).count(); };
  PosixProcessRunner runner(reap_orphans);
  SetActiveRunner(&runner);
  const double cpu0 = self_cpu();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<TargetReport> reports;
  {
    Campaign campaign(runner, o, {w.target});
    reports = campaign.Run();
    // Rendering is part of the work, as in `racelab run`.
    Report report;
    report.targets = reports;
    const std::string json = RenderJson(report);
    (void)json;
  }
  ToolRun t;
  t.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t.self_cpu_s = self_cpu() - cpu0;
  SetActiveRunner(nullptr);
  ctx.CheckCancelled();
  if (reports.size() != 1 || reports[0].runs != w.runs)
    throw BenchError("the in-process campaign did not classify every run");
  t.runs = w.runs;
  t.runs_per_s = static_cast<double>(w.runs) / t.wall_s;
  t.run_wall_s = reports[0].wall_seconds;
  t.jobs = o.jobs;
  return t;
}

// What one `racelab run` costs whatever its runs: a single run of the workload.
double CliFixedSeconds(const BenchContext& ctx, const Workload& w) {
  return RunRacelab(ctx, w, std::nullopt, 1).wall_s;
}

// A file of `runs` lines, one per run, for xargs and parallel to read.
void WriteLines(const std::string& path, std::uint64_t runs) {
  std::ofstream out(path);
  for (std::uint64_t i = 1; i <= runs; ++i) out << i << '\n';
}

ToolRun RunXargs(const BenchContext& ctx, const Workload& w, const std::string& lines) {
  SpawnRequest req;
  // -I with no {} in the command: one run per input line, the binary called without arguments.
  req.argv = {"xargs", "-P", std::to_string(ctx.cores), "-I{}", w.target.executable};
  req.env = w.env;
  req.stdin_path = lines;
  return Finish(SpawnAndWait(req), w.runs);
}

ToolRun RunParallel(const BenchContext& ctx, const Workload& w, const std::string& lines) {
  SpawnRequest req;
  // -N0: one job per input line, no argument; -u: no output grouping through temporary files
  // (its fastest mode, output is discarded anyway).
  req.argv = {"parallel", "--will-cite",      "-j", std::to_string(ctx.cores), "-N0",
              "-u",       w.target.executable};
  req.env = w.env;
  req.stdin_path = lines;
  return Finish(SpawnAndWait(req), w.runs);
}

ToolRun RunShellLoop(const BenchContext& ctx, const Workload& w) {
  SpawnRequest req;
  // The loop is the tool measured: one run at a time. The binary and the count are arguments.
  req.argv = {"sh", "-c", "i=0; while [ \"$i\" -lt \"$1\" ]; do \"$0\"; i=$((i+1)); done",
              w.target.executable, std::to_string(w.runs)};
  req.env = w.env;
  return Finish(SpawnAndWait(req), w.runs);
}

// Go's stress has no run count: it prints "5s: 123 runs so far, 0 failures" every five
// seconds. It runs for a fixed time; the rate is the last line's count over the time that
// line arrived (racelab's clock, from the spawn).
ToolRun RunStress(const BenchContext& ctx, const Workload& w, double seconds) {
  SpawnRequest req;
  // -ignore .: a TSan run's exit status 66 is not a failure to collect (stress would write a
  // file per run); the runs are what is timed.
  req.argv = {"golang-stress", "-p", std::to_string(ctx.cores),
              "-ignore",       ".",  w.target.executable};
  req.env = w.env;
  req.capture_out = true;
  req.deadline = std::chrono::milliseconds(static_cast<long>(seconds * 1000));
  static const std::regex progress(R"(^\S+: (\d+) runs so far, (\d+) failures)");
  std::uint64_t last_runs = 0;
  double last_t = 0;
  req.on_line = [&](std::string_view line, double t) {
    std::cmatch m;
    if (std::regex_search(line.data(), line.data() + line.size(), m, progress)) {
      last_runs = ParseWholeNumber(m[1].str()).value_or(last_runs);
      last_t = t;
    }
  };
  const SpawnOutcome s = SpawnAndWait(req);
  ToolRun t = Finish(s, last_runs);
  t.wall_s = last_t;
  t.runs_per_s = last_t > 0 ? static_cast<double>(last_runs) / last_t : 0;
  t.note = last_runs == 0 ? "no progress line within the time" : "";
  return t;
}

// The work a run costs, whoever runs it: `count` runs `cores` at a time with no tool of any
// kind, and `count` runs one at a time (also their wall time), output discarded.
void MeasureReference(const BenchContext& ctx, Workload& w, std::uint64_t count) {
  SpawnRequest req;
  req.argv = {w.target.executable};
  req.env = w.env;
  w.ref_count = count;
  w.ref_cpu_per_run = MeasureCpuPerRun(req, static_cast<int>(count), static_cast<int>(ctx.cores));
  if (std::isnan(w.ref_cpu_per_run)) throw BenchError("cannot start " + w.target.executable);
  double cpu = 0, wall = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    ctx.CheckCancelled();
    const SpawnOutcome s = SpawnAndWait(req);
    if (!s.started) throw BenchError("cannot start " + w.target.executable);
    cpu += s.tree_cpu_s;
    wall += s.wall_s;
  }
  w.ref_alone_cpu_per_run = cpu / static_cast<double>(count);
  w.ref_alone_wall_per_run = wall / static_cast<double>(count);
}

}  // namespace

ThroughputMeasurements MeasureThroughput(BenchContext& ctx) {
  const BenchSettings& st = ctx.settings;
  const int reps = ctx.Reps(3, 1);
  std::vector<Workload> work;
  for (const auto& [id, build, runs] :
       {std::make_tuple(std::string("p1s1"), Build::kPlain, st.runs),
        std::make_tuple(std::string("p1s1"), Build::kTsan, st.tsan_runs),
        std::make_tuple(std::string("p1s2"), Build::kTsan, st.tsan_runs)}) {
    Workload w;
    w.id = id;
    w.build = build;
    w.runs = runs;
    w.target = ctx.MakeTarget(id, build, 0, 0);
    w.env = MakeSpec(w.target, ctx.RunOptions(std::chrono::seconds(30)), FuzzSetting{}, 1).env;
    work.push_back(std::move(w));
  }
  // racelab twice: with its default --jobs (the number of cores, growing up to 2 x cores
  // while they sit idle), and with as many at once as the other tools (xargs -P<cores>).
  std::vector<Tool> tools = {
      {"racelab run (default --jobs)", ""},
      {fmt::format("racelab run --jobs {}", ctx.cores), "", true, static_cast<int>(ctx.cores)},
      {fmt::format("xargs -P{}", ctx.cores), "xargs"},
      {fmt::format("parallel -j{}", ctx.cores), "parallel"},
      {fmt::format("golang-stress -p {}", ctx.cores), "golang-stress"},
      {"sh loop (one at a time)", "sh"}};
  if (!st.tools.empty())
    tools.erase(std::remove_if(
                    tools.begin() + 2, tools.end(),
                    [&](const Tool& t) {
                      const std::string word = t.program == "golang-stress" ? "stress" : t.program;
                      return std::find(st.tools.begin(), st.tools.end(), word) == st.tools.end();
                    }),
                tools.end());
  for (Tool& t : tools)
    if (!t.program.empty()) t.installed = !FindInPath(t.program).empty();
  const bool stress_skipped = st.quick;  // its first progress line comes after 5 s
  std::vector<int> sweep = st.jobs_sweep;
  if (st.quick) sweep = {static_cast<int>(ctx.cores) + 1};

  for (Workload& w : work) {
    const std::uint64_t count = st.quick ? 4 : (w.build == Build::kTsan ? 30 : 200);
    ctx.Status(fmt::format("throughput: CPU per run of {}, {} runs {} at a time and alone",
                           w.target.Label(), count, ctx.cores));
    MeasureReference(ctx, w, count);
  }

  // results[workload][tool] -> repetitions
  std::map<std::string, std::map<std::string, std::vector<ToolRun>>> results;
  std::map<std::string, std::map<int, std::vector<ToolRun>>> sweep_results;  // label -> jobs
  std::map<std::string, std::vector<ToolRun>> diagnosis;  // p1s1/plain: racelab's own costs
  std::vector<std::unique_ptr<TempFile>> line_files;
  for (const Workload& w : work) {
    line_files.push_back(std::make_unique<TempFile>(".txt"));
    WriteLines(line_files.back()->path(), w.runs);
  }
  for (int rep = 0; rep < reps; ++rep) {
    for (std::size_t wi = 0; wi < work.size(); ++wi) {
      const Workload& w = work[wi];
      const std::string& lines = line_files[wi]->path();
      // Rotate the order each repetition: no tool always runs first or last.
      for (std::size_t k = 0; k < tools.size(); ++k) {
        const Tool& tool = tools[(k + static_cast<std::size_t>(rep)) % tools.size()];
        if (!tool.installed) continue;
        if (tool.program == "golang-stress" && stress_skipped) continue;
        ctx.CheckCancelled();
        ctx.Status(fmt::format("throughput: repetition {}/{}: {} on {} ({} runs)", rep + 1, reps,
                               tool.name, w.target.Label(), w.runs));
        ToolRun t;
        if (tool.program.empty())
          t = RunRacelab(ctx, w, tool.jobs, w.runs);
        else if (tool.program == "xargs")
          t = RunXargs(ctx, w, lines);
        else if (tool.program == "parallel")
          t = RunParallel(ctx, w, lines);
        else if (tool.program == "golang-stress")
          t = RunStress(ctx, w, st.stress_seconds);
        else
          t = RunShellLoop(ctx, w);
        results[w.target.Label()][tool.name].push_back(t);
      }
      if (wi == 0) {
        // Where racelab's time goes on short runs (see the table "racelab's own costs").
        ctx.CheckCancelled();
        ctx.Status(fmt::format("throughput: repetition {}/{}: racelab's library in-process on {}",
                               rep + 1, reps, w.target.Label()));
        diagnosis["library, orphan reaping on"].push_back(RunLibraryCampaign(ctx, w, true));
        diagnosis["library, orphan reaping off"].push_back(RunLibraryCampaign(ctx, w, false));
        ToolRun fixed;
        fixed.wall_s = CliFixedSeconds(ctx, w);
        diagnosis["racelab run --runs 1"].push_back(fixed);
      }
      for (int j : sweep) {
        ctx.CheckCancelled();
        ctx.Status(fmt::format("throughput: repetition {}/{}: racelab run --jobs {} on {}", rep + 1,
                               reps, j, w.target.Label()));
        sweep_results[w.target.Label()][j].push_back(RunRacelab(ctx, w, j, w.runs));
      }
    }
  }

  // Peak memory against the number of runs, and of one run of the specimen alone.
  std::vector<std::pair<std::uint64_t, long>> memory;
  long one_run_kb = 0;
  const bool have_gnu_time = ::access(kGnuTime, X_OK) == 0;
  if (have_gnu_time) {
    for (std::uint64_t n : {st.memory_small, st.memory_large}) {
      ctx.CheckCancelled();
      ctx.Status(fmt::format("throughput: peak memory of racelab run, {} runs of {}", n,
                             work[0].target.Label()));
      const ToolRun t = RunRacelab(ctx, work[0], std::nullopt, n, true);
      memory.push_back({n, t.max_rss_kb});
    }
    TempFile rss(".txt");
    SpawnRequest req;
    req.argv = {kGnuTime, "-f", "%M", "-o", rss.path(), work[0].target.executable};
    req.env = work[0].env;
    SpawnAndWait(req);
    std::ifstream in(rss.path());
    in >> one_run_kb;
  }

  // The limit's basis: what a run started by exec costs, measured apart with no tool (the
  // peers' trees hold more than the run: GNU parallel's shell per job), as many at once as
  // cores. racelab's fork launch makes a run cheaper, and can pass it.
  for (Workload& w : work) w.cpu_per_run = w.ref_cpu_per_run;

  ThroughputMeasurements m;
  m.reps = reps;
  m.work = std::move(work);
  m.tools = std::move(tools);
  m.sweep = std::move(sweep);
  m.results = std::move(results);
  m.sweep_results = std::move(sweep_results);
  m.diagnosis = std::move(diagnosis);
  m.have_gnu_time = have_gnu_time;
  m.memory = std::move(memory);
  m.one_run_kb = one_run_kb;
  return m;
}

}  // namespace throughput

// Measure, then present.
ExperimentResult RunThroughputExperiment(BenchContext& ctx) {
  const auto start = std::chrono::steady_clock::now();
  const throughput::ThroughputMeasurements m = throughput::MeasureThroughput(ctx);
  ExperimentResult r = throughput::PresentThroughput(ctx, m);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace racelab
