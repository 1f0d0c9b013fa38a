// The report formats checked by real tools: JUnit by xmllint against the Jenkins JUnit XSD, SARIF
// by python3-jsonschema against the SARIF 2.1.0 schema (both schemas in schemas/), HTML by
// headless Chromium; and `racelab report` end to end. A missing xmllint or validator fails the
// test with the reason; a missing Chromium skips it with the reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "render_test_util.hpp"
#include "report/renderer.hpp"
#include "run/child_env.hpp"
#include "run/posix_process.hpp"
#include "util/file_util.hpp"

namespace racelab {
namespace {

namespace fs = std::filesystem;
using testing::FixtureReport;
using testing::ReadFile;
using testing::RenderDir;
using testing::WriteFile;

struct Command {
  int status = -1;  // exit status, -1 when killed
  std::string out;  // stdout, and stderr unless dropped
};

bool Have(const std::string& tool) {
  return !FindInPath(tool).empty();
}

// Runs a program with its argv, as racelab runs one (no shell), killing its process group at
// the timeout; stderr follows stdout in out unless dropped.
Command RunTool(std::vector<std::string> argv, bool keep_stderr = true,
                std::chrono::seconds timeout = std::chrono::seconds(120)) {
  Command r;
  argv[0] = FindInPath(argv[0]);
  if (argv[0].empty()) return r;
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.env = CurrentEnvironment();
  spec.timeout = timeout;
  PosixProcessRunner runner(/*reap_orphans=*/false);
  const ProcessResult p = runner.Run(spec);
  r.out = keep_stderr ? p.out + p.err : p.out;
  if (p.termination == Termination::kExited) r.status = p.exit_code;
  return r;
}

// A fresh directory per test under the build tree.
std::string OutDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path d =
      fs::path(RACELAB_RENDER_OUT) / (std::string(info->test_suite_name()) + "." + info->name());
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

// A validator the schema tests cannot do without: its absence fails them (a skipped check would
// pass unseen), with the package that brings it.
#define REQUIRE_TOOL(tool, package) \
  if (!Have(tool)) GTEST_FAIL() << (tool) << " not found: ci/setup.sh installs " package

#define REQUIRE_XMLLINT() REQUIRE_TOOL("xmllint", "libxml2-utils")

std::string JunitXsd() {
  return RenderDir() + "/schemas/jenkins-junit.xsd";
}

// ---- JUnit ------------------------------------------------------------------------------

TEST(JunitSchema, ReportIsValidAgainstTheJenkinsJunitXsd) {
  REQUIRE_XMLLINT();
  const std::string dir = OutDir();
  Report plain = FixtureReport();
  for (TargetReport& t : plain.targets) t.expect_checked = false;  // a failure per failing class
  for (const auto& [name, r] : {std::pair<std::string, Report>{"expect", FixtureReport()},
                                {"no-expect", plain},
                                {"empty", Report{}}}) {
    const std::string file = dir + "/" + name + ".xml";
    WriteFile(file, MakeJunitRenderer()->Render(r));
    const Command v = RunTool({"xmllint", "--noout", "--schema", JunitXsd(), file});
    EXPECT_EQ(v.status, 0) << name << ":\n" << v.out;
  }
}

TEST(JunitSchema, TheCheckRejectsAnInvalidReport) {
  REQUIRE_XMLLINT();
  // The schema check is not vacuous: a testcase without its required name fails it.
  const std::string file = OutDir() + "/bad.xml";
  WriteFile(file,
            "<?xml version=\"1.0\"?><testsuites><testsuite name=\"x\" tests=\"1\">"
            "<testcase classname=\"c\"/></testsuite></testsuites>");
  EXPECT_NE(RunTool({"xmllint", "--noout", "--schema", JunitXsd(), file}).status, 0);
}

// ---- SARIF ------------------------------------------------------------------------------

// tools/validate_sarif.py under the python3 that sees Debian's python3-* packages (RACELAB_PYTHON3:
// one found first on PATH, a pyenv or venv one, may not); exit 0 valid, 1 not, 2 cannot check.
Command ValidateSarif(const std::string& file) {
  return RunTool({RACELAB_PYTHON3, RenderDir() + "/tools/validate_sarif.py", file});
}

#define REQUIRE_PYTHON3() REQUIRE_TOOL(RACELAB_PYTHON3, "python3")

TEST(SarifSchema, ReportIsValidSarif210) {
  REQUIRE_PYTHON3();
  const std::string dir = OutDir();
  Report bare = FixtureReport();
  bare.racelab_version.clear();
  bare.interrupted = true;
  for (const auto& [name, r] : {std::pair<std::string, Report>{"fixture", FixtureReport()},
                                {"bare", bare},
                                {"empty", Report{}}}) {
    const std::string file = dir + "/" + name + ".sarif";
    WriteFile(file, MakeSarifRenderer()->Render(r));
    const Command v = ValidateSarif(file);
    EXPECT_EQ(v.status, 0) << name << ":\n" << v.out;
  }
}

TEST(SarifSchema, TheValidatorRejectsAnInvalidLog) {
  REQUIRE_PYTHON3();
  std::string sarif = MakeSarifRenderer()->Render(FixtureReport());
  sarif.replace(sarif.find("\"level\": \"error\""), 16, "\"level\": \"fatal\"");
  const std::string file = OutDir() + "/bad.sarif";
  WriteFile(file, sarif);
  const Command v = ValidateSarif(file);
  EXPECT_EQ(v.status, 1) << v.out;
  EXPECT_NE(v.out.find("level"), std::string::npos) << v.out;
}

TEST(SarifSchema, TheValidatorChecksFormats) {
  REQUIRE_PYTHON3();
  // The schema's `format`s are checked, not only its structure: a location whose uri has a space
  // is no uri-reference, a $schema without a scheme no uri.
  const std::string good = MakeSarifRenderer()->Render(FixtureReport());
  const std::string dir = OutDir();
  const std::string uri_key = "\"uri\": \"";
  const std::string schema_key = "\"$schema\": \"";
  ASSERT_NE(good.find(uri_key), std::string::npos);
  ASSERT_NE(good.find(schema_key), std::string::npos);
  std::string spaced = good;
  spaced.insert(spaced.find(uri_key) + uri_key.size(), "a space/");
  const std::size_t scheme = good.find(schema_key) + schema_key.size();
  ASSERT_EQ(good.compare(scheme, 8, "https://"), 0) << good.substr(scheme, 40);
  std::string relative = good;
  relative.erase(scheme, 8);
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"uri-reference", spaced}, {"uri", relative}}) {
    const std::string file = dir + "/" + name + ".sarif";
    WriteFile(file, text);
    const Command v = ValidateSarif(file);
    EXPECT_EQ(v.status, 1) << name << ":\n" << v.out;
    EXPECT_NE(v.out.find("is not a '" + name + "'"), std::string::npos) << v.out;
  }
}

// ---- HTML in a browser ----------------------------------------------------------------

std::string Chromium() {
  for (const char* c : {"chromium", "chromium-browser", "google-chrome"})
    if (Have(c)) return c;
  return "";
}

// Headless Chromium with nothing that reaches out: no network, sync or updates.
std::vector<std::string> ChromiumCommand(const std::string& dir,
                                         const std::vector<std::string>& what) {
  std::vector<std::string> argv = {Chromium(),
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-quic",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--user-data-dir=" + dir + "/profile"};
  argv.insert(argv.end(), what.begin(), what.end());
  return argv;
}

#define REQUIRE_CHROMIUM()                                                                    \
  if (Chromium().empty())                                                                     \
  GTEST_SKIP() << "chromium not installed: ci/setup.sh installs Debian's chromium (as root: " \
                  "apt-get install chromium)"

// XPath over the DOM Chromium built (after parsing and running the page's
// script), parsed again by libxml2: counts what the browser really made.
std::string XPath(const std::string& dom_file, const std::string& expr) {
  const Command r = RunTool({"xmllint", "--html", "--nowarning", "--xpath", expr, dom_file},
                            /*keep_stderr=*/false);
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(HtmlInBrowser, DomHasTheSummaryTableAndAChartPerTargetAndNoInjectedMarkup) {
  REQUIRE_CHROMIUM();
  REQUIRE_XMLLINT();
  const std::string dir = OutDir();
  const Report r = FixtureReport();
  HtmlOptions o;
  o.source_root = RenderDir();
  WriteFile(dir + "/report.html", MakeHtmlRenderer(o)->Render(r));
  const Command dump =
      RunTool(ChromiumCommand(dir, {"--dump-dom", "file://" + dir + "/report.html"}), false);
  ASSERT_EQ(dump.status, 0) << dump.out;
  const std::string dom_file = dir + "/dom.html";
  WriteFile(dom_file, dump.out);

  std::set<std::string> ids;
  for (const TargetReport& t : r.targets) ids.insert(t.id);
  EXPECT_EQ(XPath(dom_file, "count(//table[@class='summary'])"), "1");
  EXPECT_EQ(XPath(dom_file, "count(//table[@class='summary']/tbody/tr)"),
            std::to_string(r.targets.size()));
  EXPECT_EQ(XPath(dom_file, "count(//svg[@class='chart'])"), std::to_string(ids.size()));
  // The page's script ran (so the Content-Security-Policy admits it) ...
  EXPECT_EQ(XPath(dom_file, "string(/html/@data-js)"), "ready");
  // ... and the hostile output made no element, attribute or script of its own.
  EXPECT_EQ(XPath(dom_file, "count(//script)"), "1");
  EXPECT_EQ(XPath(dom_file, "count(//img)"), "0");
  EXPECT_EQ(XPath(dom_file, "count(//textarea)"), "0");
  EXPECT_EQ(XPath(dom_file, "count(//*[@onerror])"), "0");
  EXPECT_EQ(XPath(dom_file, "count(//*[@data-pwned])"), "0");
  EXPECT_EQ(XPath(dom_file, "string(//title)"), "racelab report");
  // The hostile text is there, as text.
  EXPECT_NE(
      XPath(dom_file, "count(//td[contains(., \"</script><script>document.title='pwned'\")])"),
      "0");
  EXPECT_EQ(XPath(dom_file, "count(//button[@class='copy'])"),
            XPath(dom_file, "count(//code[@class='cmd'])"));
}

TEST(HtmlInBrowser, ScreenshotShowsAPage) {
  REQUIRE_CHROMIUM();
  const std::string dir = OutDir();
  WriteFile(dir + "/report.html", MakeHtmlRenderer()->Render(FixtureReport()));
  const Command shot =
      RunTool(ChromiumCommand(dir, {"--window-size=1400,1800", "--screenshot=" + dir + "/shot.png",
                                    "file://" + dir + "/report.html"}));
  ASSERT_EQ(shot.status, 0) << shot.out;
  const std::string png = ReadFile(dir + "/shot.png");
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n");
  // IHDR: width and height, big-endian, at bytes 16..23.
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned>(static_cast<unsigned char>(png[at])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[at + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[at + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(png[at + 3]));
  };
  EXPECT_EQ(be32(16), 1400u);
  EXPECT_EQ(be32(20), 1800u);
  EXPECT_GT(png.size(), 30000u) << "a blank page compresses to almost nothing";
}

// ---- racelab report -------------------------------------------------------------------

TEST(ReportCommand, RendersEveryFormatFromASavedReport) {
  const std::string dir = OutDir();
  const std::string json = dir + "/r.json";
  WriteFile(json, ReadFile(RenderDir() + "/fixtures/report.json"));
  for (const std::string& f : RendererNames()) {
    const std::string out = dir + "/r." + f;
    const Command r = RunTool({RACELAB_EXE, "report", json, "--format", f, "--out", out});
    EXPECT_EQ(r.status, 0) << f << ": " << r.out;
    auto parsed = ParseReportJson(ReadFile(json), json);
    ASSERT_TRUE(parsed);
    if (f != "html")  // html reads sources from the build's checkout
      EXPECT_EQ(ReadFile(out), (*MakeRenderer(f))->Render(*parsed)) << f;
    else
      EXPECT_NE(ReadFile(out).find("<table class=\"summary\">"), std::string::npos);
  }
}

TEST(ReportCommand, BadInputIsAOneLineErrorWithExitStatus2) {
  const std::string dir = OutDir();
  const std::string good = ReadFile(RenderDir() + "/fixtures/report.json");
  std::string other_schema = good;
  other_schema.replace(other_schema.find("racelab.report/1"), 16, "racelab.report/2");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated", good.substr(0, good.size() / 3)},
      {"not-json", "<html>"},
      {"binary", std::string("\x00\xff\xfe{", 4)},
      {"other-schema", other_schema},
      {"deep", std::string(100000, '[')},
      {"wrong-types", R"({"schema":"racelab.report/1","settings":{"runs":1,"jobs":1,"fuzz":"none",
        "seed":1,"timeout_s":1},"targets":[{"id":1}]})"},
  };
  for (const auto& [name, text] : cases) {
    const std::string file = dir + "/" + name + ".json";
    WriteFile(file, text);
    for (const char* f : {"html", "sarif"}) {
      const Command r =
          RunTool({RACELAB_EXE, "report", file, "--format", f, "--out", dir + "/out"});
      EXPECT_EQ(r.status, 2) << name << " " << f << ": " << r.out;
      EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << name << ": " << r.out;
      EXPECT_EQ(r.out.rfind("racelab: ", 0), 0u) << r.out;
    }
  }
  const Command unknown =
      RunTool({RACELAB_EXE, "report", dir + "/truncated.json", "--format", "pdf"});
  EXPECT_EQ(unknown.status, 2) << unknown.out;
}

}  // namespace
}  // namespace racelab
