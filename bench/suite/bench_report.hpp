// The results of `racelab bench` as plain data, and their text (Markdown tables) and JSON forms.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace racelab {

inline constexpr const char* kBenchSchema = "racelab.bench/1";

// A table as printed: every cell already formatted.
struct BenchTable {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;  // printed under the table
};

// One experiment's outcome. `data` holds every measurement as numbers (the tables are a
// view of it); `findings` are the sentences the data supports, each with its figure.
struct ExperimentResult {
  std::string name;  // timing | scaling | detection | throughput
  std::string question;
  double seconds = 0;  // how long the experiment took
  nlohmann::json settings = nlohmann::json::object();
  nlohmann::json data = nlohmann::json::object();
  std::vector<BenchTable> tables;
  std::vector<std::string> findings;
  std::string svg;  // the chart; "" = none
};

// Where the numbers were measured.
struct MachineInfo {
  unsigned cores = 0;
  std::string cpu_model;
  std::string kernel;
  std::string os;
  long mem_total_mib = 0;
  long max_map_count = 0;
  std::string load_start;  // /proc/loadavg's three averages
  std::string load_end;
  std::string date_utc;
  std::string compiler;  // the compiler racelab (and, by the presets, the specimens) was built with
};

MachineInfo DescribeMachine();
// Refreshes load_end (and nothing else).
void FinishMachine(MachineInfo& m);

struct BenchReport {
  std::string schema = kBenchSchema;
  std::string racelab_version;
  std::string command;  // the command line that produced it
  bool quick = false;
  MachineInfo machine;
  std::vector<ExperimentResult> experiments;
  double seconds = 0;
};

std::string RenderBenchText(const BenchReport& r);
std::string RenderBenchJson(const BenchReport& r);
// One table as Markdown (pipe table, columns padded).
std::string RenderTable(const BenchTable& t);

}  // namespace racelab
