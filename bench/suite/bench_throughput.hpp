// bench throughput, shared by its two steps: what is measured (bench_throughput.cpp runs the
// tools and fills ThroughputMeasurements) and how it is presented (bench_throughput_report.cpp
// turns the measurements into tables, findings, JSON and a chart, running nothing).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench_context.hpp"
#include "run/target.hpp"

namespace racelab::throughput {

struct Workload {
  std::string id;
  Build build;
  std::uint64_t runs;
  Target target;
  // The environment racelab gives each run; it also carries racelab's own PATH and HOME,
  // which the other tools need.
  std::vector<std::string> env;
  // The basis of the limit: the CPU one run started by exec costs, its whole process tree
  // (orphaned symbolizers included), measured apart with no tool (ref_cpu_per_run). The
  // peers' trees hold more than the run (GNU parallel's shell per job), and racelab's forked
  // runs cost less.
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

// Everything the experiment measured, before any of it is summarised.
struct ThroughputMeasurements {
  int reps = 0;
  std::vector<Workload> work;  // p1s1/plain, then p1s2/tsan
  std::vector<Tool> tools;     // tools[0]: racelab, default --jobs; tools[1]: --jobs <cores>
  std::vector<int> sweep;      // the extra --jobs values tried
  // workload label -> tool name -> one ToolRun per repetition
  std::map<std::string, std::map<std::string, std::vector<ToolRun>>> results;
  // workload label -> --jobs -> repetitions
  std::map<std::string, std::map<int, std::vector<ToolRun>>> sweep_results;
  // p1s1/plain: racelab's own costs (library campaigns, one-run command)
  std::map<std::string, std::vector<ToolRun>> diagnosis;
  bool have_gnu_time = false;
  std::vector<std::pair<std::uint64_t, long>> memory;  // (runs, peak RSS in KiB)
  long one_run_kb = 0;                                 // one run of the specimen alone
};

// Runs every tool on every workload, the --jobs sweep, the diagnosis and the memory runs.
ThroughputMeasurements MeasureThroughput(BenchContext& ctx);

// The tables, findings, JSON data, settings and chart of the measurements (name, question,
// seconds left to the caller). Pure: starts no process.
ExperimentResult PresentThroughput(const BenchContext& ctx, const ThroughputMeasurements& m);

nlohmann::json ToolRunJson(const ToolRun& t);

}  // namespace racelab::throughput
