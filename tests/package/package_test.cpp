// racelab as its users get it: installed into a prefix (`cmake --install`) or unpacked
// from its Debian package (`cpack -G DEB`, `dpkg-deb -x`), then examples/bank-transfer
// configured and built out of tree against it with find_package(racelab), and the
// installed racelab run on it from the example's build directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "run/child_env.hpp"
#include "run/posix_process.hpp"

namespace racelab {
namespace {

namespace fs = std::filesystem;
using std::chrono::minutes;

// A scratch directory of this test process, removed at the end.
class Scratch {
 public:
  explicit Scratch(const std::string& name)
      : root_(fs::path(::testing::TempDir()) /
              ("racelab_package_" + std::to_string(::getpid()) + "_" + name)) {
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  fs::path operator/(const std::string& p) const { return root_ / p; }

 private:
  fs::path root_;
};

// Runs argv (in `dir` when given, through env -C) and returns what it did.
ProcessResult RunCommand(std::vector<std::string> argv, const std::string& dir = "") {
  if (!dir.empty()) argv.insert(argv.begin(), {"env", "-C", dir});
  PosixProcessRunner runner(false);
  ProcessSpec s;
  s.argv = std::move(argv);
  if (s.argv[0] == "env") s.argv[0] = "/usr/bin/env";
  s.env = CurrentEnvironment();
  s.timeout = minutes(10);
  s.output_cap = 64u << 20;
  return runner.Run(s);
}

std::string Describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

bool Succeeded(const ProcessResult& r) {
  return r.termination == Termination::kExited && r.exit_code == 0;
}

// Configures and builds the example against racelab installed under `prefix`.
void BuildExample(const fs::path& prefix, const fs::path& build) {
  const ProcessResult configure = RunCommand(
      {RACELAB_CMAKE, "-S", std::string(RACELAB_SOURCE_DIR) + "/examples/bank-transfer", "-B",
       build.string(), "-G", RACELAB_GENERATOR, "-DCMAKE_MAKE_PROGRAM=" RACELAB_MAKE_PROGRAM,
       "-DCMAKE_CXX_COMPILER=" RACELAB_CXX, "-DCMAKE_PREFIX_PATH=" + prefix.string()});
  ASSERT_TRUE(Succeeded(configure)) << Describe(configure);
  const ProcessResult b = RunCommand({RACELAB_CMAKE, "--build", build.string()});
  ASSERT_TRUE(Succeeded(b)) << Describe(b);
  EXPECT_TRUE(fs::exists(build / "racelab/plain/bank_transfer"));
  EXPECT_TRUE(fs::exists(build / "racelab/tsan/bank_transfer"));
  EXPECT_TRUE(fs::exists(build / "racelab/manifest.json"));
}

// `racelab run bank_transfer --fuzz pct:3 --seed 2` in the example's build directory (the
// manifest found there by default); returns the JSON report. Controlled runs and their
// shrinking are deterministic per seed; the greedy shrinker ends in a local minimum of 2
// preemptions from some seeds' first failure (seed 3), so the seed is fixed.
nlohmann::json RunExample(const fs::path& racelab, const fs::path& build, const fs::path& out,
                          const std::string& runs) {
  const ProcessResult r = RunCommand(
      {racelab.string(), "run", "bank_transfer", "--build", "plain", "--fuzz", "pct:3", "--seed",
       "2", "--runs", runs, "--no-progress", "--format", "json", "--out", out.string()},
      build.string());
  EXPECT_EQ(r.exit_code, 1) << Describe(r);  // failures found
  std::ifstream in(out);
  if (!in) {
    ADD_FAILURE() << "no report: " << Describe(r);
    return {};
  }
  return nlohmann::json::parse(in);
}

// The lost update is found, its schedule replays it (`reproduced`) and shrinks to the one
// preemption it needs, between a teller's read of a balance and its write.
void ExpectLostUpdateFoundReplayedShrunk(const nlohmann::json& report) {
  ASSERT_EQ(report["targets"].size(), 1u) << report.dump();
  const auto& t = report["targets"][0];
  ASSERT_TRUE(t["examples"].contains("bad-exit")) << t["classes"].dump();
  const auto& e = t["examples"]["bad-exit"];
  EXPECT_EQ(e["reproduced"], true) << e.dump();
  EXPECT_EQ(e["preemptions"], 1) << e.dump();
  ASSERT_EQ(e["explanation"].size(), 1u) << e.dump();
  // Preempted between reading a balance and writing it back: the payer's (line 28) or the
  // payee's (line 29); either single preemption loses an update.
  const std::string why = e["explanation"][0].get<std::string>();
  EXPECT_TRUE(why.find("bank_transfer.cpp:28 (write) -> thread") != std::string::npos ||
              why.find("bank_transfer.cpp:29 (write) -> thread") != std::string::npos)
      << why;
}

TEST(Package, InstalledRacelabFindsReplaysAndShrinksTheExamplesLostUpdate) {
  Scratch s("install");
  const ProcessResult install = RunCommand(
      {RACELAB_CMAKE, "--install", RACELAB_BUILD_DIR, "--prefix", (s / "prefix").string()});
  ASSERT_TRUE(Succeeded(install)) << Describe(install);
  for (const char* f :
       {"bin/racelab", "include/racelab/rl.hpp", "share/racelab/tsan.supp",
        "lib/cmake/racelab/racelabConfig.cmake", "lib/cmake/racelab/racelabConfigVersion.cmake",
        "lib/cmake/racelab/RacelabAddVariant.cmake"})
    EXPECT_TRUE(fs::exists(s / "prefix" / f)) << f;

  BuildExample(s / "prefix", s / "build");
  const fs::path racelab = s / "prefix/bin/racelab";

  const ProcessResult list = RunCommand({racelab.string(), "list"}, (s / "build").string());
  ASSERT_TRUE(Succeeded(list)) << Describe(list);
  EXPECT_NE(list.out.find("bank_transfer"), std::string::npos) << list.out;

  ExpectLostUpdateFoundReplayedShrunk(RunExample(racelab, s / "build", s / "pct.json", "30"));

  // --expect: the declared TSan data race shows, the tolerated wrong total is no surprise.
  // Exact, not statistical: each teller reads a balance before its first lock, so in every
  // schedule the two tellers' balance accesses have no happens-before edge and TSan reports
  // the race in every run. --timeout 600: a hang guard, so load cannot add a timeout class.
  const ProcessResult expect = RunCommand({racelab.string(), "run", "all", "--expect", "--runs",
                                           "10", "--timeout", "600", "--no-progress"},
                                          (s / "build").string());
  EXPECT_EQ(expect.exit_code, 0) << Describe(expect);
}

TEST(Package, DebianPackageUnpacksAndBuildsTheExample) {
  Scratch s("deb");
  const ProcessResult pack = RunCommand({RACELAB_CPACK, "-G", "DEB", "--config",
                                         std::string(RACELAB_BUILD_DIR) + "/CPackConfig.cmake",
                                         "-B", (s / "out").string()});
  ASSERT_TRUE(Succeeded(pack)) << Describe(pack);
  const fs::path deb = s / ("out/racelab_" RACELAB_VERSION "_amd64.deb");
  ASSERT_TRUE(fs::exists(deb)) << Describe(pack);

  const ProcessResult depends = RunCommand({"/usr/bin/dpkg-deb", "-f", deb.string(), "Depends"});
  ASSERT_TRUE(Succeeded(depends)) << Describe(depends);
  for (const char* d : {"llvm", "clang", "libboost-program-options", "libfmt", "libstdc++6"})
    EXPECT_NE(depends.out.find(d), std::string::npos) << d << " in " << depends.out;

  const ProcessResult unpack =
      RunCommand({"/usr/bin/dpkg-deb", "-x", deb.string(), (s / "root").string()});
  ASSERT_TRUE(Succeeded(unpack)) << Describe(unpack);

  // No file of the package names the tree it was built in.
  for (const std::string tree : {std::string(RACELAB_SOURCE_DIR), std::string(RACELAB_BUILD_DIR)}) {
    const ProcessResult grep = RunCommand({"/usr/bin/grep", "-rlF", tree, (s / "root").string()});
    EXPECT_EQ(grep.exit_code, 1) << tree << " found in:\n" << grep.out;
  }

  BuildExample(s / "root/usr", s / "build");
  ExpectLostUpdateFoundReplayedShrunk(
      RunExample(s / "root/usr/bin/racelab", s / "build", s / "pct.json", "30"));
}

}  // namespace
}  // namespace racelab
