// bench throughput, presented: the measurements as tables (tools, --jobs, racelab's own
// costs, peak memory), findings, JSON data and a bar chart. Runs nothing; the numbers come
// from MeasureThroughput (bench_throughput.cpp).
#include <fmt/core.h>

#include <cmath>
#include <string>
#include <tuple>

#include "bench_svg.hpp"
#include "bench_throughput.hpp"

namespace racelab::throughput {

namespace {

double med(const std::vector<ToolRun>& v, double ToolRun::*f) {
  std::vector<double> x;
  for (const ToolRun& t : v) x.push_back(t.*f);
  return Median(x);
}

// Runs per second of every tool on every workload, against the 2-core limit; the chart.
BarChart ToolTable(const BenchContext& ctx, ThroughputMeasurements& m, ExperimentResult& r,
                   nlohmann::json& data) {
  const int reps = m.reps;
  const std::vector<Workload>& work = m.work;
  const std::vector<Tool>& tools = m.tools;
  auto& results = m.results;
  BarChart chart;
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
    // Paired per repetition: racelab's default against the best peer of the same repetition
    // (xargs, parallel, stress; same machine state), then the median of those ratios.
    std::vector<ToolRun> paired;
    for (std::size_t rep = 0; rep < results[label][tools[0].name].size(); ++rep) {
      double best = 0;
      for (const Tool& tool : tools) {
        if (tool.program.empty() || tool.program == "sh") continue;
        const auto& v = results[label][tool.name];
        if (rep < v.size()) best = std::max(best, v[rep].runs_per_s);
      }
      if (best > 0) {
        ToolRun ratio;
        ratio.runs_per_s = results[label][tools[0].name][rep].runs_per_s / best;
        paired.push_back(ratio);
      }
    }
    const double paired_ratio = paired.empty() ? NAN : med(paired, &ToolRun::runs_per_s);
    wj["racelab_over_best_tool_paired"] =
        paired.empty() ? nlohmann::json() : nlohmann::json(paired_ratio);
    wj["best_tool"] = best_name;
    wj["racelab_jobs_cores_over_best_tool"] =
        best_other > 0 ? nlohmann::json(racelab_cores / best_other) : nlohmann::json();
    wj["racelab_default_jobs"] =
        results[label][tools[0].name].empty() ? 0 : results[label][tools[0].name][0].jobs;
    wj["racelab_of_limit"] = racelab / limit;
    const auto& rl = results[label][tools[0].name];
    double children = 0, self = 0, wall = 0, tree = 0;
    std::uint64_t runs = 0;
    for (const ToolRun& t : rl)
      children += t.children_cpu_s, self += t.self_cpu_s, wall += t.wall_s, runs += t.runs,
          tree += t.tree_cpu_s;
    wj["racelab_self_cpu_per_run_s"] = self / static_cast<double>(runs);
    wj["racelab_children_cpu_per_run_s"] = children / static_cast<double>(runs);
    data[label] = wj;
    table.notes.push_back(fmt::format(
        "{}: one run started by exec costs {} of CPU (its whole process tree, measured apart "
        "with no tool, {} at once in lockstep), so {} cores allow {:.1f} runs/s; racelab's fork "
        "launch makes a run cheaper, and can pass that limit. Alone, a run costs {} ({} wall; "
        "{} runs each). racelab's own CPU (its report's racelab_cpu_s): {} per run, {:.1f}% of "
        "its tree's.",
        label, FormatSeconds(w.cpu_per_run), ctx.cores, ctx.cores, limit,
        FormatSeconds(w.ref_alone_cpu_per_run), FormatSeconds(w.ref_alone_wall_per_run),
        w.ref_count, FormatSeconds(self / static_cast<double>(runs)),
        tree > 0 ? 100 * self / tree : 0.0));
    if (best_other > 0)
      r.findings.push_back(fmt::format(
          "{}: racelab {:.1f} runs/s, the best other tool ({}) {:.1f} runs/s: ratio {:.2f} "
          "(median of per-repetition ratios to that repetition's best peer: {:.2f}); racelab "
          "reaches {:.0f}% of the {}-core limit ({:.1f} runs/s).",
          label, racelab, best_name, best_other, racelab / best_other, paired_ratio,
          100 * racelab / limit, ctx.cores, limit));
  }
  r.tables.push_back(table);
  return chart;
}

// racelab's rate at each --jobs tried, with where the time goes.
void JobsTable(const BenchContext& ctx, ThroughputMeasurements& m, ExperimentResult& r,
               nlohmann::json& data) {
  const int reps = m.reps;
  const std::vector<Workload>& work = m.work;
  const std::vector<Tool>& tools = m.tools;
  auto& results = m.results;
  auto& sweep_results = m.sweep_results;
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
    // The default's jobs may differ between repetitions (it grows while the cores sit idle).
    int jobs_lo = 0, jobs_hi = 0;
    for (const ToolRun& t : defaults) {
      jobs_lo = jobs_lo == 0 ? t.jobs : std::min(jobs_lo, t.jobs);
      jobs_hi = std::max(jobs_hi, t.jobs);
    }
    const std::string default_jobs =
        jobs_lo == jobs_hi ? std::to_string(jobs_hi) : fmt::format("{}-{}", jobs_lo, jobs_hi);
    std::vector<std::pair<std::string, const std::vector<ToolRun>*>> rows = {
        {fmt::format("{} (the number of cores)", ctx.cores), &results[label][tools[1].name]},
        {fmt::format("default ({})", default_jobs), &defaults}};
    for (const auto& [j, v] : sweep_results[label]) rows.push_back({std::to_string(j), &v});
    int best_jobs = 0;
    double best_rate = 0;
    std::string best_name;
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
      if (rate > best_rate) best_rate = rate, best_jobs = v->front().jobs, best_name = name;
    }
    const double default_rate = med(defaults, &ToolRun::runs_per_s);
    if (best_jobs > 0 && best_name.rfind("default", 0) == 0)
      r.findings.push_back(
          fmt::format("{}: the default --jobs ({}) gave the most runs/s ({:.1f}, {:.0f}% of the "
                      "limit).",
                      label, default_jobs, best_rate, 100 * best_rate / limit));
    else if (best_jobs > 0)
      r.findings.push_back(fmt::format(
          "{}: --jobs {} gave the most runs/s ({:.1f}, {:.0f}% of the limit); the default --jobs "
          "({}) gave {:.1f}.",
          label, best_jobs, best_rate, 100 * best_rate / limit, default_jobs, default_rate));
  }
  data["jobs_sweep"] = sweep_json;
  r.tables.push_back(jobs_table);
}

// The command against the library campaign in-process, orphan reaping on and off.
void OwnCostsTable(const BenchContext& ctx, ThroughputMeasurements& m, ExperimentResult& r,
                   nlohmann::json& data) {
  const int reps = m.reps;
  const std::vector<Workload>& work = m.work;
  const std::vector<Tool>& tools = m.tools;
  auto& results = m.results;
  auto& diagnosis = m.diagnosis;
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
}

// Peak memory against the number of runs.
void MemoryTable(ThroughputMeasurements& m, ExperimentResult& r, nlohmann::json& data) {
  const std::vector<Workload>& work = m.work;
  const std::vector<std::pair<std::uint64_t, long>>& memory = m.memory;
  const long one_run_kb = m.one_run_kb;
  const bool have_gnu_time = m.have_gnu_time;
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
}

}  // namespace

ExperimentResult PresentThroughput(const BenchContext& ctx,
                                   const ThroughputMeasurements& measured) {
  ThroughputMeasurements m = measured;  // the tables look up by label and name with []
  ExperimentResult r;
  r.name = "throughput";
  r.question = fmt::format(
      "How fast does racelab run a program many times, against the usual tools running the same "
      "binary the same number of times with {} at once and output discarded (racelab reads and "
      "classifies all of it)? The {}-core limit is {} divided by the CPU seconds one run started "
      "by exec costs (its whole process tree, orphaned symbolizers included, measured with that "
      "many runs at once and no tool); racelab's fork launch makes a run cheaper and can pass "
      "it.",
      ctx.cores, ctx.cores, ctx.cores);
  r.settings = {{"reps", m.reps},
                {"runs", {{"p1s1/plain", m.work[0].runs}, {"p1s2/tsan", m.work[1].runs}}},
                {"jobs_sweep", m.sweep},
                {"stress_seconds", ctx.settings.stress_seconds},
                {"cores", ctx.cores}};
  nlohmann::json data = nlohmann::json::object();
  const BarChart chart = ToolTable(ctx, m, r, data);
  JobsTable(ctx, m, r, data);
  OwnCostsTable(ctx, m, r, data);
  MemoryTable(m, r, data);
  r.data = data;
  r.svg = RenderBarChart(chart);
  return r;
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

}  // namespace racelab::throughput
