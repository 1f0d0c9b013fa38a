// Helpers of the scale-out integration tests: racelab runs into JSON, and the comparison
// of two reports in every field but timings and host names.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "racelab_command.hpp"

namespace racelab::testing {

// `/bin/sh -c script` in directory `dir` with this process's environment plus `extra_env`,
// racelab's own directory first on PATH; killed after `timeout` (a hang guard only).
inline ProcessResult RunShell(const std::string& dir, const std::string& script,
                              std::vector<std::string> extra_env = {},
                              std::chrono::milliseconds timeout = std::chrono::minutes(10)) {
  PosixProcessRunner runner(false);
  ProcessSpec s;
  const std::string exe = RACELAB_EXE;
  const std::string bin = exe.substr(0, exe.rfind('/'));
  s.argv = {"/bin/sh", "-c", "cd '" + dir + "' && " + script};
  for (const std::string& kv : CurrentEnvironment())
    if (kv.rfind("PATH=", 0) != 0) s.env.push_back(kv);
  const char* path = std::getenv("PATH");
  s.env.push_back("PATH=" + bin + ":" + (path != nullptr ? path : "/usr/bin:/bin"));
  s.env.insert(s.env.end(), extra_env.begin(), extra_env.end());
  s.timeout = timeout;
  return runner.Run(s);
}

// The scratch paths of this test process, removed when it exits if every test passed (a
// failure keeps them for a look).
class ScratchPaths {
 public:
  static std::string Add(const std::string& path) {
    static ScratchPaths paths;
    paths.paths_.push_back(path);
    return path;
  }
  ~ScratchPaths() {
    if (!::testing::UnitTest::GetInstance()->Passed()) return;
    std::error_code ec;
    for (const std::string& p : paths_) std::filesystem::remove_all(p, ec);
  }

 private:
  std::vector<std::string> paths_;
};

inline std::string ScaleTemp(const std::string& name) {
  return ScratchPaths::Add(::testing::TempDir() + "racelab_scale_" + std::to_string(::getpid()) +
                           "_" + name);
}

// A fresh empty directory for one test.
inline std::string ScaleDir(const std::string& name) {
  const std::string d = ScaleTemp(name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

// The text of a file ("" when it cannot be read).
inline std::string SourceFileAt(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The text of a file of the source tree.
inline std::string SourceFile(const std::string& rel) {
  return SourceFileAt(std::string(RACELAB_SOURCE_DIR) + "/" + rel);
}

inline nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "no report at " << path;
    return {};
  }
  return nlohmann::json::parse(in, nullptr, false);
}

// A report's JSON without what may differ between one machine and many: timings
// (elapsed, wall and CPU seconds, each example's shrink seconds) and where the runs ran (the shards
// section). What differs between any two runs of one TSan program, its pids, thread ids, addresses
// (ASLR) and whether a thread had yet exited when TSan reported ("tid=N, running" or
// "finished": the OS ends a thread after the scheduler let it go), is scrubbed from
// every text as the golden tests scrub it.
inline nlohmann::json WithoutTimingsAndHosts(nlohmann::json j) {
  static const std::regex kNoise(R"((pid|tid)=[0-9]+(, (running|finished))?|0x[0-9a-f]+)");
  j = nlohmann::json::parse(std::regex_replace(j.dump(), kNoise, "$1=N"));
  j.erase("elapsed_s");
  j.erase("racelab_cpu_s");
  j.erase("shards");
  if (j.contains("targets"))
    for (auto& t : j["targets"]) {
      t.erase("wall_seconds");
      t.erase("cpu_seconds");
      t.erase("wall_seconds_by_fuzz");
      if (t.contains("examples"))
        for (auto& [cls, e] : t["examples"].items()) e.erase("shrink_seconds");
    }
  return j;
}

// Asserts the law: `merged` is `whole` but for timings and hosts; prints the differences.
inline void ExpectSameCampaignReport(const nlohmann::json& whole, const nlohmann::json& merged,
                                     const std::string& what) {
  const nlohmann::json a = WithoutTimingsAndHosts(whole), b = WithoutTimingsAndHosts(merged);
  EXPECT_TRUE(a == b) << what << ": the merged report differs from the unsharded one:\n"
                      << nlohmann::json::diff(a, b).dump(1).substr(0, 6000);
}

}  // namespace racelab::testing
