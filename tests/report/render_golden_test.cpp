// Golden files for every report format and for the replay view, rendered from fixed inputs.
// RACELAB_REGENERATE_GOLDEN=1 rewrites golden/ instead of comparing; review the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>

#include "controlled/replay.hpp"
#include "judge/oracle.hpp"
#include "render_test_util.hpp"
#include "report/renderer.hpp"

namespace racelab {
namespace {

using testing::FixtureReport;
using testing::ReadFile;
using testing::RenderDir;
using testing::WriteFile;

// The renderers take nothing from the machine but the source root of the
// HTML's excerpts; scrub it should it ever show up.
std::string Normalise(std::string s) {
  for (const std::string& root : {RenderDir(), std::string(RACELAB_SOURCE_DIR)})
    for (std::size_t i; (i = s.find(root)) != std::string::npos;)
      s.replace(i, root.size(), "<src>");
  return s;
}

bool Regenerating() {
  const char* e = std::getenv("RACELAB_REGENERATE_GOLDEN");
  return e != nullptr && std::string(e) == "1";
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = RenderDir() + "/golden/" + name;
  const std::string text = Normalise(actual);
  if (Regenerating()) {
    WriteFile(path, text);
    return;
  }
  const std::string golden = ReadFile(path);
  ASSERT_FALSE(golden.empty()) << path << " is missing: run with RACELAB_REGENERATE_GOLDEN=1";
  // On a mismatch, show the first differing line rather than two whole pages.
  if (text != golden) {
    std::size_t i = 0;
    while (i < text.size() && i < golden.size() && text[i] == golden[i]) ++i;
    const std::size_t line_start = golden.rfind('\n', i == 0 ? 0 : i - 1);
    const std::size_t from = line_start == std::string::npos ? 0 : line_start + 1;
    const std::size_t line = static_cast<std::size_t>(
        std::count(golden.begin(), golden.begin() + static_cast<std::ptrdiff_t>(from), '\n') + 1);
    ADD_FAILURE() << name << " differs from " << path << " at line " << line
                  << ":\n  golden: " << golden.substr(from, golden.find('\n', from) - from)
                  << "\n  actual: " << text.substr(from, text.find('\n', from) - from)
                  << "\n(RACELAB_REGENERATE_GOLDEN=1 rewrites the golden files)";
  }
}

std::string Render(const std::string& format, const Report& r) {
  auto renderer = MakeRenderer(format);
  EXPECT_TRUE(renderer) << format;
  return renderer ? (*renderer)->Render(r) : "";
}

TEST(RenderGolden, TextReportMatchesGolden) {
  ExpectGolden("report.txt", Render("text", FixtureReport()));
}

TEST(RenderGolden, JsonReportMatchesGolden) {
  ExpectGolden("report.json", Render("json", FixtureReport()));
}

TEST(RenderGolden, JunitReportMatchesGolden) {
  ExpectGolden("report.junit.xml", Render("junit", FixtureReport()));
}

TEST(RenderGolden, SarifReportMatchesGolden) {
  ExpectGolden("report.sarif", Render("sarif", FixtureReport()));
}

TEST(RenderGolden, MarkdownReportMatchesGolden) {
  ExpectGolden("report.md", Render("markdown", FixtureReport()));
}

TEST(RenderGolden, HtmlReportMatchesGolden) {
  HtmlOptions o;
  o.source_root = RenderDir();  // fixtures/src/race.cpp gives the source excerpts
  ExpectGolden("report.html", MakeHtmlRenderer(o)->Render(FixtureReport()));
}

// A p1s2 run of N = 6 whose step-3 line was torn by step 4's, with an
// elapsed line before the divergence and a data race reported.
ReplayResult FixedReplay() {
  ReplayResult r;
  r.target.id = "p1s2";
  r.target.build = Build::kTsan;
  r.target.oracle = OracleKind::kSumSequence;
  r.target.iterations = 6;
  r.target.executable = "/opt/racelab/bin/variants/tsan/p1s2";
  r.fuzz.mode = FuzzSetting::Mode::kSleep;
  r.fuzz.max_us = 200;
  r.seed = 17;
  r.process.termination = Termination::kExited;
  r.process.exit_code = 66;
  r.process.wall = std::chrono::microseconds(123456);
  r.process.out =
      "0 + 1 = 1\n--------------------\nelapsed: 0.000001 seconds\n1 + 2 = 3\n"
      "--------------------\n3 + 3 = 66 + 4 = 10\n--------------------\n--------------------\n"
      "10 + 5 = 15\n--------------------\n15 + 6 = 21\n--------------------\n"
      "DONE: solution = 21\n\x1b[2J\n";
  r.expected_output = ExpectedSumSequence(6);
  r.verdict.classes =
      ClassSet{FailureClass::kTornLine, FailureClass::kMisplacedSeparator,
               FailureClass::kMissingStep, FailureClass::kWrongResult, FailureClass::kDataRace};
  Divergence d;
  d.line = 6;
  d.expected = "3 + 3 = 6";
  d.actual = "3 + 3 = 66 + 4 = 10";
  r.verdict.divergence = d;
  SanitizerReport s;
  s.kind = "data race";
  s.cls = FailureClass::kDataRace;
  s.location = "variants/p1s2.cpp:14";
  s.text =
      "WARNING: ThreadSanitizer: data race (pid=1)\n  Write of size 8 by thread T2:\n"
      "    #0 step() variants/p1s2.cpp:14:7\n";
  r.verdict.reports.push_back(s);
  return r;
}

TEST(RenderGolden, ReplayViewMatchesGolden) {
  // The fixture's divergence is the one the oracle finds.
  const ReplayResult r = FixedReplay();
  const OracleVerdict v = CheckSumSequence(r.process.out, 6);
  ASSERT_TRUE(v.first_divergence);
  EXPECT_EQ(v.first_divergence->line, r.verdict.divergence->line);
  EXPECT_EQ(v.first_divergence->expected, r.verdict.divergence->expected);
  ExpectGolden("replay.txt", RenderReplay(r, false));
}

TEST(RenderGolden, ColouredReplayViewMatchesGolden) {
  // ESC shown as "\e" so the golden file reads as text.
  std::string out = RenderReplay(FixedReplay(), true);
  for (std::size_t i; (i = out.find('\x1b')) != std::string::npos;) out.replace(i, 1, "\\e");
  ExpectGolden("replay-color.txt", out);
}

}  // namespace
}  // namespace racelab
