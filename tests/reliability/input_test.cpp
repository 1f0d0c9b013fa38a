// Bad values for every option and every file racelab reads: exit 2 with one line naming
// the problem. An output that fails at the end loses nothing: stdout, exit 3.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "run/child_env.hpp"
#include "run/posix_process.hpp"

extern char** environ;

namespace racelab {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

ProcessResult Racelab(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
  PosixProcessRunner runner(false);
  ProcessSpec s;
  s.argv = {RACELAB_EXE};
  s.argv.insert(s.argv.end(), args.begin(), args.end());
  s.env = CurrentEnvironment();
  s.env.insert(s.env.end(), env.begin(), env.end());
  s.timeout = milliseconds(60'000);
  return runner.Run(s);
}

// A scratch directory of this test process, with the fixture under a name of
// its own (so no survivor check of a parallel test can mistake our runs).
class Scratch {
 public:
  Scratch() : dir_(::testing::TempDir() + "racelab_input_" + std::to_string(::getpid())) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::create_symlink(FIXTURE_PROGRAM, program());
  }
  ~Scratch() { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string program() const { return Path("input_fixture"); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name), std::ios::binary) << text;
    return Path(name);
  }

 private:
  std::string dir_;
};

int Lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

struct BadInput {
  std::vector<std::string> args;
  std::string mentions;  // the option or file the one line must name
};

void ExpectRejected(const std::vector<BadInput>& cases) {
  for (const BadInput& c : cases) {
    std::string joined;
    for (const std::string& a : c.args) joined += "[" + a + "] ";
    const ProcessResult r = Racelab(c.args, {"FIXTURE_MODE=ok"});
    EXPECT_EQ(r.termination, Termination::kExited) << joined;
    EXPECT_EQ(r.exit_code, 2) << joined << r.err;
    EXPECT_EQ(Lines(r.err), 1) << joined << r.err;
    EXPECT_EQ(r.err.rfind("racelab: ", 0), 0u) << joined << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << joined << r.err;
    EXPECT_EQ(r.out, "") << joined;
  }
}

TEST(InputHardening, EveryNumericOptionRejectsEmptyNegativeHugeAndWrongTypedValues) {
  Scratch s;
  const std::string p = s.program();
  std::vector<BadInput> cases;
  for (const char* opt :
       {"--runs", "--jobs", "--seed", "--iterations", "--threads", "--output-cap", "--timeout"})
    for (const char* bad :
         {"", "-1", "abc", "1x", "99999999999999999999999999", "0x10", " 5", "1\n2"})
      cases.push_back({{"run", p, opt, bad}, opt});
  for (const char* bad : {"0", "1e400", "nan", "inf", "-inf", "604801"})
    cases.push_back({{"run", p, "--timeout", bad}, "--timeout"});
  for (const char* opt : {"--runs", "--jobs", "--iterations", "--threads", "--output-cap"})
    cases.push_back({{"run", p, opt, "0"}, opt});
  cases.push_back({{"run", p, "--runs", "1.5"}, "--runs"});
  cases.push_back({{"run", p, "--jobs", "100000"}, "--jobs"});
  cases.push_back({{"run", p, "--threads", "5000"}, "--threads"});
  cases.push_back({{"run", p, "--runs", "1", "--runs", "2"}, "runs"});
  cases.push_back({{"run", p, "--runs"}, "runs"});
  ExpectRejected(cases);
}

TEST(InputHardening, EveryWordOptionRejectsUnknownAndEmptyValues) {
  Scratch s;
  const std::string p = s.program();
  std::vector<BadInput> cases;
  for (const char* bad : {"", "sleep:", "sleep:-1", "sleep:abc", "sleep:99999999999999999999", ",",
                          "none,,yield", "none,", "SLEEP:1"})
    cases.push_back({{"run", p, "--fuzz", bad}, "--fuzz"});
  for (const char* opt : {"--oracle", "--build", "--format"})
    for (const char* bad : {"", "bogus", "json\nx"}) cases.push_back({{"run", p, opt, bad}, opt});
  cases.push_back({{"replay", p, "--seed", "1", "--fuzz", "sleep:x"}, "--fuzz"});
  cases.push_back({{"replay", p}, "--seed"});
  cases.push_back({{"replay", p, "--seed", "-3"}, "--seed"});
  cases.push_back({{"replay", "all", "--seed", "1"}, "replay"});
  cases.push_back({{"run", "no-such-target\nsecond line"}, "no-such-target"});
  cases.push_back({{"run", ""}, "target"});
  cases.push_back({{"run", s.Path("")}, "directory"});
  cases.push_back({{"run", s.Write("data", "not a program")}, "not executable"});
  cases.push_back({{"run", "--bin-dir", "/nonexistent-bin", "p1s1"}, "/nonexistent-bin"});
  ExpectRejected(cases);
}

TEST(InputHardening, AnUnwritableOutIsRefusedBeforeTheFirstRun) {
  Scratch s;
  std::vector<BadInput> cases;
  for (const std::string& out :
       {std::string(""), std::string("/"), s.Path(""), std::string("/nonexistent-dir/r.json"),
        std::string("/proc/racelab-report.json"), s.Write("file", "x") + "/r.json"})
    cases.push_back(
        {{"run", s.program(), "--timeout", "20", "--format", "json", "--out", out}, "--out"});
  // An --out of a directory is refused whatever format it pairs with.
  cases.push_back({{"run", s.program(), "--format", "text", "--out", "/tmp"}, "--out"});
  // FIXTURE_MODE=hang: had a run started, it would end at the 20 s timeout as a failure
  // (exit 1), not as exit 2.
  for (const BadInput& c : cases) {
    const ProcessResult r = Racelab(c.args, {"FIXTURE_MODE=hang"});
    EXPECT_EQ(r.exit_code, 2) << c.args.back() << r.err;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
  }
}

// A copy of the real manifest with one change, for `racelab list --manifest`.
std::string ManifestWith(const Scratch& s, const std::string& name,
                         const std::function<void(nlohmann::json&)>& change) {
  std::ifstream in(std::string(RACELAB_SOURCE_DIR) + "/variants/manifest.json");
  nlohmann::json m = nlohmann::json::parse(in);
  change(m);
  return s.Write(name, m.dump());
}

TEST(InputHardening, EveryBadManifestIsRejectedWithItsPathAndProblem) {
  Scratch s;
  const std::string real = std::string(RACELAB_SOURCE_DIR) + "/variants/manifest.json";
  std::ifstream in(real);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ::mkfifo(s.Path("fifo").c_str(), 0600);
  std::filesystem::resize_file(s.Write("huge.json", ""), 64u << 20);  // sparse: instant
  std::vector<BadInput> cases = {
      {{"list", "--manifest", s.Write("empty.json", "")}, "empty.json"},
      {{"list", "--manifest", s.Write("trunc.json", text.substr(0, text.size() / 2))},
       "trunc.json"},
      {{"list", "--manifest", s.Write("binary.json", std::string("\0\xff\xfe{", 4))},
       "binary.json"},
      {{"list", "--manifest", s.Path("huge.json")}, "too large"},
      {{"list", "--manifest", s.Path("")}, "directory"},
      {{"list", "--manifest", s.Path("fifo")}, "fifo"},
      {{"list", "--manifest", "/dev/zero"}, "/dev/zero"},
      {{"list", "--manifest", "/proc/self/mem"}, "/proc/self/mem"},  // unreadable, even for root
      {{"list", "--manifest", "/nonexistent/manifest.json"}, "/nonexistent/manifest.json"},
      {{"list", "--manifest", ""}, "manifest"},
      {{"list", "--manifest", s.Write("array.json", "[]")}, "array.json"},
      {{"list", "--manifest", s.Write("deep.json", std::string(100000, '['))}, "deep.json"},
      // Found by fuzz_manifest: out_of_range, not parse_error, escaped as exit 3.
      {{"list", "--manifest", s.Write("overflow.json", R"({"schema": 1e99999})")}, "overflow.json"},
      {{"list", "--manifest",
        ManifestWith(s, "schema.json", [](auto& m) { m["schema"] = "racelab.manifest/99"; })},
       "racelab.manifest/99"},
      {{"list", "--manifest", ManifestWith(s, "variants.json", [](auto& m) { m["variants"] = 5; })},
       "variants"},
      {{"list", "--manifest",
        ManifestWith(s, "negative.json",
                     [](auto& m) { m["variants"][0]["check_iterations"] = -5; })},
       "check_iterations"},
      {{"list", "--manifest",
        ManifestWith(s, "float.json", [](auto& m) { m["variants"][0]["iterations"] = 1e300; })},
       "iterations"},
      {{"list", "--manifest",
        ManifestWith(s, "type.json", [](auto& m) { m["variants"][0]["id"] = 7; })},
       "id"},
      {{"list", "--manifest",
        ManifestWith(s, "newline.json", [](auto& m) { m["schema"] = "x\ny\rz"; })},
       "newline.json"},
      {{"run", s.program(), "--manifest", s.Write("empty2.json", "")}, "empty2.json"},
  };
  ExpectRejected(cases);
}

TEST(InputHardening, EveryBadReportFileIsRejectedWithItsPathAndProblem) {
  Scratch s;
  // A real report to break in various ways.
  const std::string good = s.Path("good.json");
  const ProcessResult made =
      Racelab({"run", s.program(), "--runs", "3", "--format", "json", "--out", good},
              {"FIXTURE_MODE=exit1"});
  ASSERT_EQ(made.exit_code, 1) << made.err;
  std::ifstream in(good);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto with = [&](const std::string& name, const std::function<void(nlohmann::json&)>& change) {
    nlohmann::json j = nlohmann::json::parse(text);
    change(j);
    return s.Write(name, j.dump());
  };
  ::mkfifo(s.Path("fifo").c_str(), 0600);
  std::filesystem::resize_file(s.Write("huge.json", ""), (1ull << 30) + 1);  // sparse
  const std::vector<BadInput> cases = {
      {{"report", s.Write("empty.json", "")}, "empty.json"},
      {{"report", s.Write("trunc.json", text.substr(0, text.size() / 2))}, "trunc.json"},
      {{"report", s.Write("binary.json", std::string("\0\x80\xff", 3))}, "binary.json"},
      {{"report", s.Write("deep.json", std::string(100000, '['))}, "deep.json"},
      // Found by fuzz_report_json: a number too large for a double.
      {{"report", s.Write("overflow.json", R"({"schema": 7e617})")}, "overflow.json"},
      {{"report", s.Path("huge.json")}, "too large"},
      {{"report", s.Path("")}, "directory"},
      {{"report", s.Path("fifo")}, "fifo"},
      {{"report", "/dev/zero"}, "/dev/zero"},
      {{"report", "/proc/self/mem"}, "/proc/self/mem"},
      {{"report", ""}, "report"},
      {{"report", s.Path("missing.json")}, "missing.json"},
      {{"report", with("schema.json", [](auto& j) { j["schema"] = "racelab.report/2"; })},
       "racelab.report/2"},
      {{"report", with("noschema.json", [](auto& j) { j.erase("schema"); })}, "schema"},
      {{"report", with("runs_neg.json", [](auto& j) { j["settings"]["runs"] = -1; })}, "runs"},
      {{"report", with("runs_float.json", [](auto& j) { j["settings"]["runs"] = 1.5; })}, "runs"},
      {{"report", with("runs_huge.json", [](auto& j) { j["settings"]["runs"] = 1e300; })}, "runs"},
      {{"report", with("jobs_huge.json", [](auto& j) { j["settings"]["jobs"] = 1e12; })}, "jobs"},
      {{"report", with("runs_str.json", [](auto& j) { j["settings"]["runs"] = "7"; })}, "runs"},
      {{"report", with("targets.json",
                       [](auto& j) {
                         j["targets"] = {{"a", 1}};
                       })},
       "targets"},
      {{"report",
        with("classes.json", [](auto& j) { j["targets"][0]["classes"]["bad-exit"] = -3; })},
       "classes"},
      {{"report",
        with("class_name.json", [](auto& j) { j["targets"][0]["classes"]["bogus\nclass"] = 1; })},
       "bogus"},
      {{"report", with("failed.json", [](auto& j) { j["targets"][0]["failed_runs"] = 99; })},
       "failed_runs"},
      {{"report", with("example.json",
                       [](auto& j) { j["targets"][0]["examples"]["bad-exit"]["seed"] = "s"; })},
       "seed"},
      {{"report", good, "--format", "pdf"}, "pdf"},
      {{"report", good, "--out", "/nonexistent-dir/x.txt"}, "--out"},
  };
  ExpectRejected(cases);
}

// Spawns racelab with stdout on /dev/full: the one output it has cannot be written.
int RacelabToDevFull(const std::vector<std::string>& args, const std::string& err_file) {
  std::vector<std::string> argv = {RACELAB_EXE};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/full", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> env = CurrentEnvironment();
  env.push_back("FIXTURE_MODE=ok");
  std::vector<char*> cenv;
  for (std::string& e : env) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(OutputFailure, AReportThatCannotBeWrittenGoesToStdoutAndExitsThree) {
  Scratch s;
  const ProcessResult r = Racelab({"run", s.program(), "--runs", "4", "--format", "json", "--out",
                                   "/dev/full", "--no-progress"},
                                  {"FIXTURE_MODE=ok"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("/dev/full"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);  // the measured results, intact
  EXPECT_EQ(j["targets"][0]["classes"]["ok"], 4);
}

TEST(OutputFailure, AnOutDirectoryRemovedDuringTheRunLosesNoResults) {
  Scratch s;
  const std::string dir = s.Path("vanishing");
  const std::string gate = s.Path("gate");
  fs::create_directories(dir);
  ProcessResult r;
  // Every run waits for the gate file: the directory goes while racelab is running, on
  // any machine, and only then do the runs end.
  std::thread t([&] {
    r = Racelab({"run", s.program(), "--runs", "10", "--jobs", "1", "--format", "json", "--out",
                 dir + "/r.json", "--no-progress"},
                {"FIXTURE_MODE=gate", "FIXTURE_GATE=" + gate});
  });
  while (!fs::exists(gate + ".started")) std::this_thread::sleep_for(milliseconds(1));
  fs::remove_all(dir);
  std::ofstream(gate).put('\n');
  t.join();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("vanishing"), std::string::npos) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["targets"][0]["classes"]["ok"], 10);
}

TEST(OutputFailure, AnUnwritableStdoutIsRacelabsFailureWithTheReason) {
  Scratch s;
  const std::string err = s.Path("stderr.txt");
  EXPECT_EQ(RacelabToDevFull({"run", s.program(), "--runs", "2", "--no-progress"}, err), 3);
  const std::string text = ReadAll(err);
  EXPECT_EQ(Lines(text), 1) << text;
  EXPECT_NE(text.find("stdout"), std::string::npos) << text;
  EXPECT_NE(text.find("No space left on device"), std::string::npos) << text;
}

}  // namespace
}  // namespace racelab
