// `racelab bench` as CI runs it: --quick finishes and its JSON and charts are well-formed.
// Timings are never asserted: the machine is shared and noisy.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "racelab_command.hpp"
#include "run/child_env.hpp"
#include "run/posix_process.hpp"

namespace racelab {
namespace {

using testing::RunRacelab;

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "racelab_bench_" + std::to_string(::getpid()) + "_" + name;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int Lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// Every table is rectangular and every experiment has what a reader of the JSON relies on.
void ExpectWellFormedExperiment(const nlohmann::json& e, const std::string& name) {
  SCOPED_TRACE(name);
  for (const char* key : {"question", "seconds", "settings", "data", "tables", "findings"})
    EXPECT_TRUE(e.contains(key)) << key;
  EXPECT_TRUE(e["question"].is_string());
  EXPECT_TRUE(e["seconds"].is_number());
  ASSERT_TRUE(e["tables"].is_array());
  EXPECT_FALSE(e["tables"].empty());
  for (const auto& t : e["tables"]) {
    ASSERT_TRUE(t["columns"].is_array());
    ASSERT_TRUE(t["rows"].is_array());
    EXPECT_FALSE(t["rows"].empty()) << t["title"];
    for (const auto& row : t["rows"]) EXPECT_EQ(row.size(), t["columns"].size()) << t["title"];
  }
  EXPECT_TRUE(e["findings"].is_array());
}

TEST(BenchCommand, HelpNamesEveryExperiment) {
  const ProcessResult r = RunRacelab({"bench", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* e : {"timing", "scaling", "detection", "throughput", "--quick", "--plot"})
    EXPECT_NE(r.out.find(e), std::string::npos) << e;
  const ProcessResult top = RunRacelab({"--help"});
  EXPECT_NE(top.out.find("bench"), std::string::npos);
}

TEST(BenchCommand, BadInputExitsTwoWithOneLine) {
  const std::vector<std::vector<std::string>> cases = {
      {"bench", "bogus"},
      {"bench", "timing", "--reps", "0"},
      {"bench", "--format", "xml"},
      {"bench", "detection", "--fuzz", "sleep:x"},
      {"bench", "detection", "--specimens", "nope"},
      {"bench", "scaling", "--threads", "1,,2"},
      {"bench", "--stress-seconds", "-1"},
      {"bench", "--out", "/nonexistent-dir/x.json"},
      {"bench", "--no-such-option"},
  };
  for (const auto& args : cases) {
    const ProcessResult r = RunRacelab(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.err;
    EXPECT_EQ(Lines(r.err), 1) << args.back() << ": " << r.err;
    EXPECT_EQ(r.err.rfind("racelab: ", 0), 0u) << r.err;
  }
}

TEST(BenchCommand, AllQuickWritesWellFormedJsonAndCharts) {
  const std::string json_path = TempPath("bench.json");
  const std::string plot = TempPath("bench.svg");
  // --quick, made smaller still where a size given on the command line wins: the test checks
  // the shape of the results, not their values.
  const ProcessResult r = RunRacelab(
      {"bench",   "all",         "--quick", "--quiet",       "--format", "json",          "--out",
       json_path, "--plot",      plot,      "--timing-n",    "500",      "--threads",     "1,2,8",
       "--fuzz",  "none",        "--fuzz",  "pct:3",         "--tools",  "racelab,xargs", "--runs",
       "20",      "--tsan-runs", "4",       "--memory-runs", "10,20"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;  // --quiet: no progress lines

  const nlohmann::json j = nlohmann::json::parse(Slurp(json_path));
  EXPECT_EQ(j, nlohmann::json::parse(r.out)) << "stdout and --out hold the same results";
  EXPECT_EQ(j["schema"], "racelab.bench/1");
  EXPECT_TRUE(j["quick"].get<bool>());
  EXPECT_NE(j["command"].get<std::string>().find("bench all --quick"), std::string::npos);
  for (const char* key : {"cores", "cpu_model", "kernel", "load_start", "load_end", "date_utc"})
    EXPECT_TRUE(j["machine"].contains(key)) << key;
  const auto& ex = j["experiments"];
  for (const char* name : {"timing", "scaling", "detection", "throughput"}) {
    ASSERT_TRUE(ex.contains(name)) << name;
    ExpectWellFormedExperiment(ex[name], name);
    const std::string svg = Slurp(plot.substr(0, plot.size() - 4) + "-" + name + ".svg");
    EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u) << name;
    EXPECT_NE(svg.find("</svg>\n"), std::string::npos) << name;
  }

  // The fields docs/findings.md quotes.
  for (const char* build : {"plain", "tsan"}) {
    const auto& t = ex["timing"]["data"][build];
    EXPECT_TRUE(t["p1s7"]["median_elapsed_s"].is_number()) << build;
    EXPECT_TRUE(t["p1s8"]["median_elapsed_s"].is_number()) << build;
    EXPECT_TRUE(t["ratio_elapsed"].is_number()) << build;
    EXPECT_TRUE(ex["timing"]["data"]["seed_structure"][build]["highest_step"].is_number());
  }
  const auto& scaling = ex["scaling"]["data"];
  EXPECT_TRUE(scaling["p2s1"]["median_elapsed_s"].is_number());
  for (const char* k : {"p2s2/T=1", "p2s2/T=8", "p2s3/T=2"}) {
    ASSERT_TRUE(scaling.contains(k)) << k;
    EXPECT_TRUE(scaling[k]["speedup"].is_number()) << k;
    EXPECT_TRUE(scaling[k]["wrong"].is_number()) << k;
  }
  const auto& cells = ex["detection"]["data"]["cells"];
  ASSERT_TRUE(cells.is_array());
  ASSERT_FALSE(cells.empty());
  for (const auto& c : cells) {
    for (const char* key :
         {"id", "build", "fuzz", "ranges", "failed_ranges", "runs", "runs_to_first_failure_median",
          "wall_to_first_failure_p90_s", "seed_ranges"})
      EXPECT_TRUE(c.contains(key)) << key;
    EXPECT_EQ(c["seed_ranges"].size(), c["ranges"].get<std::size_t>());
  }
  EXPECT_TRUE(ex["detection"]["data"]["per_setting"].is_array());
  const auto& tp = ex["throughput"]["data"];
  for (const char* w : {"p1s1/plain", "p1s2/tsan"}) {
    ASSERT_TRUE(tp.contains(w)) << w;
    EXPECT_GT(tp[w]["limit_runs_per_s"].get<double>(), 0) << w;
    const auto& racelab = tp[w]["tools"]["racelab run (default --jobs)"];
    EXPECT_EQ(racelab["status"], "measured");
    EXPECT_GT(racelab["median_runs_per_s"].get<double>(), 0);
    // A tool that is missing is a row saying so, never a failure.
    for (const auto& [name, tool] : tp[w]["tools"].items())
      EXPECT_TRUE(tool["status"] == "measured" || tool["status"] == "not installed" ||
                  tool["status"] == "skipped")
          << name;
  }
  EXPECT_EQ(tp["memory"].size(), 2u);
  std::remove(json_path.c_str());
}

}  // namespace
}  // namespace racelab
