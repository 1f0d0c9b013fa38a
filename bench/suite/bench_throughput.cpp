// bench throughput: runs per second of `racelab run` against xargs, GNU parallel, Go's stress
// and a shell loop running the same binary the same number of times, next to the 2-core
// limit; then --jobs on the TSan workload, and racelab's peak memory against its run count.
#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <tuple>

#include "bench_context.hpp"
#include "bench_svg.hpp"
#include "report/report_json.hpp"
#include "run/posix_process.hpp"
#include "util/file_util.hpp"

namespace racelab {
namespace {

struct Workload {
  std::string id;
  Build build;
  std::uint64_t runs;
  Target target;
  // The environment racelab gives each run; it also carries racelab's own PATH and HOME,
  // which the other tools need.
  std::vector<std::string> env;
  // The basis of the limit: the CPU one run costs, its whole process tree (orphaned
  // symbolizers included) without the tool's own, as measured during the comparison itself
  // (the median over every repetition of the tools that count their runs exactly), so that
  // the limit and the rates share the machine's conditions of the moment.
  double cpu_per_run = 0;
  // The same measured apart, with no tool: `cores` runs at once in lockstep, and alone.
  std::uint64_t ref_count = 0;
  double ref_cpu_per_run = 0;
  double ref_alone_cpu_per_run = 0;
  double ref_alone_wall_per_run = 0;
};

// One measurement of one tool on one workload.
struct ToolRun {
  double runs_per_s = 0;
  double wall_s = 0;
  std::uint64_t runs = 0;
  double self_cpu_s = 0;      // the tool process itself
  double tree_cpu_s = 0;      // the tool, the runs and their orphans
  double children_cpu_s = 0;  // racelab only: the runs' CPU as racelab measured it
  // racelab only: the runs' wall times summed, as racelab measured them, and its --jobs. Their
  // ratio to jobs x wall is how busy racelab kept its run slots.
  double run_wall_s = 0;
  int jobs = 0;
  long max_rss_kb = 0;
  std::string note;
};

struct Tool {
  std::string name;     // row label
  std::string program;  // what must be installed ("" = racelab itself)
  bool installed = true;
  std::optional<int> jobs;  // racelab only: an explicit --jobs (none: its default)
};

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
  auto self_cpu = [] {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  };
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
      last_runs = std::stoull(m[1].str());
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

nlohmann::json ToolRunJson(const ToolRun& t) {
  return {{"runs_per_s", t.runs_per_s},
          {"wall_s", t.wall_s},
          {"runs", t.runs},
          {"self_cpu_s", t.self_cpu_s},
          {"tree_cpu_s", t.tree_cpu_s},
          {"children_cpu_s", t.children_cpu_s},
          {"run_wall_s", t.run_wall_s},
          {"jobs", t.jobs},
          {"max_rss_kb", t.max_rss_kb},
          {"note", t.note}};
}

}  // namespace

ExperimentResult RunThroughputExperiment(BenchContext& ctx) {
  const auto start = std::chrono::steady_clock::now();
  const BenchSettings& st = ctx.settings;
  const int reps = ctx.Reps(3, 1);
  ExperimentResult r;
  r.name = "throughput";
  r.question = fmt::format(
      "How fast does racelab run a program many times, against the usual tools running the same "
      "binary the same number of times with {} at once and output discarded (racelab reads and "
      "classifies all of it)? The 2-core limit is {} divided by the CPU seconds one run costs "
      "(its whole process tree, orphaned symbolizers included, measured with that many runs at "
      "once and no tool).",
      ctx.cores, ctx.cores);

  std::vector<Workload> work;
  for (const auto& [id, build, runs] :
       {std::make_tuple(std::string("p1s1"), Build::kPlain, st.quick ? std::uint64_t{40} : st.runs),
        std::make_tuple(std::string("p1s2"), Build::kTsan,
                        st.quick ? std::uint64_t{8} : st.tsan_runs)}) {
    Workload w;
    w.id = id;
    w.build = build;
    w.runs = runs;
    w.target = ctx.MakeTarget(id, build, 0, 0);
    w.env = MakeSpec(w.target, ctx.RunOptions(std::chrono::seconds(30)), FuzzSetting{}, 1).env;
    work.push_back(std::move(w));
  }
  // racelab twice: with its default --jobs (2 x cores), and with as many at once as the other
  // tools (the xargs comparison runs racelab --jobs <cores> with xargs -P<cores>).
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
  r.settings = {{"reps", reps},
                {"runs", {{"p1s1/plain", work[0].runs}, {"p1s2/tsan", work[1].runs}}},
                {"jobs_sweep", sweep},
                {"stress_seconds", st.stress_seconds},
                {"cores", ctx.cores}};

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
  TempFile lines0(".txt"), lines1(".txt");
  WriteLines(lines0.path(), work[0].runs);
  WriteLines(lines1.path(), work[1].runs);
  for (int rep = 0; rep < reps; ++rep) {
    for (std::size_t wi = 0; wi < work.size(); ++wi) {
      const Workload& w = work[wi];
      const std::string& lines = wi == 0 ? lines0.path() : lines1.path();
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
    for (std::uint64_t n : {st.quick ? std::uint64_t{100} : st.memory_small,
                            st.quick ? std::uint64_t{1000} : st.memory_large}) {
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

  // The limit's basis, from the comparison itself (Go's stress is left out: stopped at a
  // fixed time, its tree's CPU includes runs it had not finished counting).
  for (Workload& w : work) {
    std::vector<double> per_run;
    for (const Tool& tool : tools) {
      if (tool.program == "golang-stress") continue;
      for (const ToolRun& t : results[w.target.Label()][tool.name])
        if (t.runs > 0)
          per_run.push_back((t.tree_cpu_s - t.self_cpu_s) / static_cast<double>(t.runs));
    }
    w.cpu_per_run = per_run.empty() ? w.ref_cpu_per_run : Median(per_run);
  }

  // ---- tables ----
  auto med = [](const std::vector<ToolRun>& v, double ToolRun::*f) {
    std::vector<double> x;
    for (const ToolRun& t : v) x.push_back(t.*f);
    return Median(x);
  };
  BenchTable table;
  table.title =
      fmt::format("Runs per second, median of {} repetitions (tools in rotating order), {} cores",
                  reps, ctx.cores);
  table.columns = {"workload",
                   "tool",
                   "runs/s",
                   "each repetition",
                   "of the 2-core limit",
                   "racelab (default) / tool",
                   fmt::format("racelab -j{} / tool", ctx.cores),
                   "tool's own CPU per run",
                   "tree CPU per run",
                   "cores busy"};
  nlohmann::json data = nlohmann::json::object();
  BarChart chart;
  chart.title = "Runs per second: racelab against other ways of running a program many times";
  chart.subtitle =
      fmt::format("median of {} repetitions, as a fraction of the {}-core limit (labels: runs/s)",
                  reps, ctx.cores);
  chart.axis_label = fmt::format("runs per second / the {}-core limit", ctx.cores);
  for (const Tool& t : tools) chart.series.push_back(t.name);
  for (const Workload& w : work) {
    const std::string label = w.target.Label();
    const double limit = static_cast<double>(ctx.cores) / w.cpu_per_run;
    const double racelab = med(results[label][tools[0].name], &ToolRun::runs_per_s);
    const double racelab_cores = med(results[label][tools[1].name], &ToolRun::runs_per_s);
    nlohmann::json wj = {{"runs", w.runs},
                         {"cpu_per_run_s", w.cpu_per_run},
                         {"reference_runs", w.ref_count},
                         {"reference_cpu_per_run_s", w.ref_cpu_per_run},
                         {"reference_alone_cpu_per_run_s", w.ref_alone_cpu_per_run},
                         {"reference_alone_wall_per_run_s", w.ref_alone_wall_per_run},
                         {"limit_runs_per_s", limit},
                         {"tools", nlohmann::json::object()}};
    BarGroup g;
    g.label = label + fmt::format(" ({} runs)", w.runs);
    g.markers.push_back({1.0, fmt::format("limit {:.1f}/s", limit)});
    double best_other = 0;
    std::string best_name;
    for (const Tool& tool : tools) {
      const auto& v = results[label][tool.name];
      if (!tool.installed || v.empty()) {
        const std::string why =
            !tool.installed ? "not installed" : "skipped (--quick: its first line comes after 5 s)";
        table.rows.push_back({label, tool.name, why, "", "", "", "", "", "", ""});
        wj["tools"][tool.name] = {{"status", !tool.installed ? "not installed" : "skipped"}};
        g.values.push_back(std::nullopt);
        g.texts.push_back(why);
        continue;
      }
      const double rate = med(v, &ToolRun::runs_per_s);
      std::string each;
      for (const ToolRun& t : v) each += (each.empty() ? "" : ", ") + Fixed(t.runs_per_s, 1);
      double self = 0, tree = 0, wall = 0;
      std::uint64_t runs = 0;
      for (const ToolRun& t : v)
        self += t.self_cpu_s, tree += t.tree_cpu_s, wall += t.wall_s, runs += t.runs;
      const double self_per = runs ? self / static_cast<double>(runs) : NAN;
      const double tree_per = runs ? tree / static_cast<double>(runs) : NAN;
      // The share of the cores the whole tree used while the tool ran: what is left is time
      // nobody in the tree was on a CPU (runs blocked, or the cores were busy with others).
      const double busy = wall > 0 ? tree / (wall * static_cast<double>(ctx.cores)) : NAN;
      table.rows.push_back(
          {label, tool.name, Fixed(rate, 1), each, fmt::format("{:.0f}%", 100 * rate / limit),
           tool.program.empty() ? "" : Fixed(racelab / rate, 2),
           tool.program.empty() ? "" : Fixed(racelab_cores / rate, 2), FormatSeconds(self_per),
           FormatSeconds(tree_per), fmt::format("{:.0f}%", 100 * busy)});
      nlohmann::json reps_json = nlohmann::json::array();
      for (const ToolRun& t : v) reps_json.push_back(ToolRunJson(t));
      wj["tools"][tool.name] = {{"status", "measured"},           {"median_runs_per_s", rate},
                                {"of_limit", rate / limit},       {"self_cpu_per_run_s", self_per},
                                {"tree_cpu_per_run_s", tree_per}, {"cores_busy", busy},
                                {"repetitions", reps_json}};
      if (!tool.program.empty() && tool.program != "sh" && rate > best_other)
        best_other = rate, best_name = tool.name;
      g.values.push_back(rate / limit);
      g.texts.push_back(Fixed(rate, 1) + "/s");
    }
    chart.groups.push_back(g);
    wj["racelab_over_best_tool"] =
        best_other > 0 ? nlohmann::json(racelab / best_other) : nlohmann::json();
    wj["best_tool"] = best_name;
    wj["racelab_jobs_cores_over_best_tool"] =
        best_other > 0 ? nlohmann::json(racelab_cores / best_other) : nlohmann::json();
    wj["racelab_default_jobs"] =
        results[label][tools[0].name].empty() ? 0 : results[label][tools[0].name][0].jobs;
    wj["racelab_of_limit"] = racelab / limit;
    const auto& rl = results[label][tools[0].name];
    double children = 0, self = 0, wall = 0;
    std::uint64_t runs = 0;
    for (const ToolRun& t : rl)
      children += t.children_cpu_s, self += t.self_cpu_s, wall += t.wall_s, runs += t.runs;
    wj["racelab_self_cpu_per_run_s"] = self / static_cast<double>(runs);
    wj["racelab_children_cpu_per_run_s"] = children / static_cast<double>(runs);
    data[label] = wj;
    table.notes.push_back(fmt::format(
        "{}: one run costs {} of CPU (its whole process tree without the tool: the median over "
        "the repetitions of racelab, xargs, parallel and the shell loop), so {} cores allow "
        "{:.1f} runs/s. Measured apart with no tool: {} per run with {} at once in lockstep, {} "
        "alone ({} wall; {} runs each). racelab's own CPU: {} per run.",
        label, FormatSeconds(w.cpu_per_run), ctx.cores, limit, FormatSeconds(w.ref_cpu_per_run),
        ctx.cores, FormatSeconds(w.ref_alone_cpu_per_run), FormatSeconds(w.ref_alone_wall_per_run),
        w.ref_count, FormatSeconds(self / static_cast<double>(runs))));
    if (best_other > 0)
      r.findings.push_back(fmt::format(
          "{}: racelab {:.1f} runs/s, the best other tool ({}) {:.1f} runs/s: ratio {:.2f}; "
          "racelab reaches {:.0f}% of the {}-core limit ({:.1f} runs/s).",
          label, racelab, best_name, best_other, racelab / best_other, 100 * racelab / limit,
          ctx.cores, limit));
  }
  r.tables.push_back(table);

  BenchTable jobs_table;
  jobs_table.title = fmt::format("racelab run --jobs J (median of {})", reps);
  jobs_table.columns = {"workload",
                        "--jobs",
                        "runs/s",
                        "each repetition",
                        "of the 2-core limit",
                        "slots busy",
                        "mean run wall",
                        "cores busy",
                        "racelab's own CPU per run"};
  jobs_table.notes.push_back(
      "Where the time goes: `slots busy` is the runs' wall time summed over J x the campaign's "
      "wall (below 100%: racelab between runs); `mean run wall` is one run's wall while J run "
      "together; `cores busy` is the tree's CPU over cores x wall (below `slots busy`: the runs "
      "themselves wait, or the cores serve other processes).");
  // racelab's own account of its slots (from its report) next to the tree's CPU.
  auto breakdown = [&](const std::vector<ToolRun>& v) {
    double run_wall = 0, slot_time = 0, tree = 0, wall = 0, self = 0;
    std::uint64_t runs = 0;
    for (const ToolRun& t : v) {
      run_wall += t.run_wall_s, slot_time += t.jobs * t.wall_s, tree += t.tree_cpu_s;
      wall += t.wall_s, self += t.self_cpu_s, runs += t.runs;
    }
    return std::make_tuple(run_wall / slot_time, run_wall / static_cast<double>(runs),
                           tree / (wall * static_cast<double>(ctx.cores)),
                           self / static_cast<double>(runs));
  };
  nlohmann::json sweep_json = nlohmann::json::object();
  for (const Workload& w : work) {
    const std::string label = w.target.Label();
    const double limit = static_cast<double>(ctx.cores) / w.cpu_per_run;
    const auto& defaults = results[label][tools[0].name];
    const int default_jobs = defaults.empty() ? 0 : defaults.front().jobs;
    std::vector<std::pair<std::string, const std::vector<ToolRun>*>> rows = {
        {fmt::format("{} (the number of cores)", ctx.cores), &results[label][tools[1].name]},
        {fmt::format("default ({})", default_jobs), &defaults}};
    for (const auto& [j, v] : sweep_results[label]) rows.push_back({std::to_string(j), &v});
    int best_jobs = 0;
    double best_rate = 0;
    for (const auto& [name, v] : rows) {
      if (v->empty()) continue;
      const double rate = med(*v, &ToolRun::runs_per_s);
      std::string each;
      for (const ToolRun& t : *v) each += (each.empty() ? "" : ", ") + Fixed(t.runs_per_s, 1);
      const auto [slots, run_wall, busy, self] = breakdown(*v);
      jobs_table.rows.push_back({label, name, Fixed(rate, 1), each,
                                 fmt::format("{:.0f}%", 100 * rate / limit),
                                 fmt::format("{:.0f}%", 100 * slots), FormatSeconds(run_wall),
                                 fmt::format("{:.0f}%", 100 * busy), FormatSeconds(self)});
      nlohmann::json reps_json = nlohmann::json::array();
      for (const ToolRun& t : *v) reps_json.push_back(ToolRunJson(t));
      sweep_json[label][name] = {{"jobs", v->front().jobs},
                                 {"median_runs_per_s", rate},
                                 {"of_limit", rate / limit},
                                 {"slots_busy", slots},
                                 {"mean_run_wall_s", run_wall},
                                 {"cores_busy", busy},
                                 {"racelab_self_cpu_per_run_s", self},
                                 {"repetitions", reps_json}};
      if (rate > best_rate) best_rate = rate, best_jobs = v->front().jobs;
    }
    if (best_jobs > 0)
      r.findings.push_back(fmt::format(
          "{}: --jobs {} gave the most runs/s ({:.1f}, {:.0f}% of the limit); the default --jobs "
          "{} gave {:.1f}.",
          label, best_jobs, best_rate, 100 * best_rate / limit, default_jobs,
          med(defaults, &ToolRun::runs_per_s)));
  }
  data["jobs_sweep"] = sweep_json;
  r.tables.push_back(jobs_table);

  {
    const Workload& w = work[0];
    const double limit = static_cast<double>(ctx.cores) / w.cpu_per_run;
    BenchTable own;
    own.title = fmt::format("racelab's own costs on {} ({} runs, --jobs {}, median of {})",
                            w.target.Label(), w.runs, ctx.cores, reps);
    own.columns = {"what runs",           "runs/s",     "each repetition",
                   "of the 2-core limit", "slots busy", "racelab's own CPU per run"};
    nlohmann::json own_json = nlohmann::json::object();
    auto add = [&](const std::string& name, const std::vector<ToolRun>& v) {
      const double rate = med(v, &ToolRun::runs_per_s);
      std::string each;
      double self = 0, run_wall = 0, slot_time = 0;
      std::uint64_t runs = 0;
      for (const ToolRun& t : v) {
        each += (each.empty() ? "" : ", ") + Fixed(t.runs_per_s, 1);
        self += t.self_cpu_s, run_wall += t.run_wall_s, slot_time += t.jobs * t.wall_s;
        runs += t.runs;
      }
      own.rows.push_back({name, Fixed(rate, 1), each, fmt::format("{:.0f}%", 100 * rate / limit),
                          fmt::format("{:.0f}%", 100 * run_wall / slot_time),
                          FormatSeconds(self / static_cast<double>(runs))});
      own_json[name] = {{"median_runs_per_s", rate},
                        {"of_limit", rate / limit},
                        {"slots_busy", run_wall / slot_time},
                        {"self_cpu_per_run_s", self / static_cast<double>(runs)}};
    };
    add("racelab run (the command)", results[w.target.Label()][tools[1].name]);
    add("library campaign, orphan reaping on", diagnosis["library, orphan reaping on"]);
    add("library campaign, orphan reaping off", diagnosis["library, orphan reaping off"]);
    std::vector<double> fixed;
    for (const ToolRun& t : diagnosis["racelab run --runs 1"]) fixed.push_back(t.wall_s);
    const double fixed_s = Median(fixed);
    own_json["racelab_run_one_run_wall_s"] = fixed_s;
    own.notes.push_back(fmt::format(
        "`racelab run` with a single run takes {} of wall (median): what the command adds to "
        "any campaign, whatever its size. The library rows run the same campaign inside this "
        "process (report rendering included), with the runner's per-run scan for orphans on "
        "(as `racelab run` does) and off.",
        FormatSeconds(fixed_s)));
    data["racelab_own_costs"] = own_json;
    r.tables.push_back(own);
  }

  BenchTable mem;
  mem.title = fmt::format("Peak memory (max RSS) of racelab run on {}", work[0].target.Label());
  mem.columns = {"runs", "max RSS", "against the smaller run"};
  nlohmann::json mem_json = nlohmann::json::array();
  if (!have_gnu_time) {
    mem.rows.push_back({"-", "not measured: GNU time (/usr/bin/time) is not installed", ""});
  } else {
    for (const auto& [n, kb] : memory) {
      const double change =
          100.0 * (static_cast<double>(kb) / static_cast<double>(memory[0].second) - 1);
      mem.rows.push_back({std::to_string(n), fmt::format("{:.1f} MiB", kb / 1024.0),
                          fmt::format("{:+.1f}%", change)});
      mem_json.push_back({{"runs", n}, {"max_rss_kb", kb}});
    }
    mem.notes.push_back(fmt::format(
        "GNU time's %M for `racelab run`: the largest resident set of racelab or of any run it "
        "waited for; one run of {} alone peaks at {:.1f} MiB. (wait4 on a child started with "
        "posix_spawn would report this process's own peak instead.)",
        work[0].target.Label(), one_run_kb / 1024.0));
    r.findings.push_back(fmt::format(
        "Peak memory: {:.1f} MiB for {} runs, {:.1f} MiB for {} runs ({:+.1f}%).",
        memory[0].second / 1024.0, memory[0].first, memory[1].second / 1024.0, memory[1].first,
        100.0 *
            (static_cast<double>(memory[1].second) / static_cast<double>(memory[0].second) - 1)));
  }
  data["memory"] = mem_json;
  data["memory_one_run_kb"] = one_run_kb;
  r.tables.push_back(mem);
  r.data = data;
  r.svg = RenderBarChart(chart);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace racelab
