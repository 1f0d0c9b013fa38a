// The report formats' laws: escaping of untrusted output, structure, limits; the replay view's
// diff.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "controlled/replay.hpp"
#include "judge/oracle.hpp"
#include "render_test_util.hpp"
#include "report/renderer.hpp"
#include "report/report_json.hpp"
#include "report/report_view.hpp"
#include "util/text_util.hpp"

namespace racelab {
namespace {

using testing::FixtureReport;
using testing::RenderDir;

std::size_t Count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t i = 0; (i = s.find(what, i)) != std::string::npos; i += what.size()) ++n;
  return n;
}

std::string Html(const Report& r) {
  HtmlOptions o;
  o.source_root = RenderDir();
  return MakeHtmlRenderer(o)->Render(r);
}

// ---- registry -------------------------------------------------------------------------

TEST(RendererRegistry, MakesEveryFormatItNames) {
  const std::vector<std::string> names = RendererNames();
  for (const char* f : {"text", "json", "junit", "html", "sarif", "markdown"})
    EXPECT_NE(std::find(names.begin(), names.end(), f), names.end()) << f;
  for (const std::string& n : names) {
    auto r = MakeRenderer(n);
    ASSERT_TRUE(r) << n;
    EXPECT_FALSE((*r)->Render(FixtureReport()).empty()) << n;
  }
}

TEST(RendererRegistry, RejectsAnUnknownFormatNamingTheKnownOnes) {
  auto r = MakeRenderer("pdf");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("'pdf'"), std::string::npos);
  for (const std::string& n : RendererNames()) EXPECT_NE(r.error().what.find(n), std::string::npos);
}

// ---- HTML -------------------------------------------------------------------------------

TEST(HtmlReport, HostileOutputCannotOpenElementsOrScripts) {
  const std::string html = Html(FixtureReport());
  // The page's own script is the only one, and nothing from the data is a tag.
  EXPECT_EQ(Count(html, "<script"), 1u);
  EXPECT_EQ(Count(html, "</script"), 1u);
  EXPECT_EQ(Count(html, "<img"), 0u);
  EXPECT_EQ(Count(html, "<textarea"), 0u);
  EXPECT_EQ(Count(html, "</textarea"), 0u);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;document.title="), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror="), std::string::npos);
  // No event handler attribute on any tag: with the (always double-quoted)
  // attribute values taken out, no tag has an `on...=`.
  const std::regex tag("<[a-zA-Z][^>]*>"), value("\"[^\"]*\""), handler("\\son[a-z]+\\s*=");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator();
       ++it) {
    const std::string bare = std::regex_replace(it->str(), value, "\"\"");
    EXPECT_FALSE(std::regex_search(bare, handler)) << it->str();
  }
}

TEST(HtmlReport, IsValidUtf8WithoutControlCharacters) {
  const std::string html = Html(FixtureReport());
  EXPECT_EQ(ToValidUtf8(html), html);
  for (unsigned char c : html) EXPECT_TRUE(c >= 0x20 || c == '\n') << static_cast<int>(c);
  EXPECT_EQ(html.find("\xEF\xBF\xBF"), std::string::npos);  // U+FFFF
  EXPECT_EQ(html.find("\xC2\x9B"), std::string::npos);      // U+009B, a CSI
  EXPECT_NE(html.find("\\x1b[31m"), std::string::npos);     // the escape, made visible
  // A right-to-left override would show `evil` as `live`: it is shown as an escape.
  EXPECT_EQ(html.find("\xE2\x80\xAE"), std::string::npos);
  EXPECT_NE(html.find("\\u202eevil\\u202c"), std::string::npos);
}

TEST(ReportView, DisplaySafeShowsBidiControlsAndKeepsOtherText) {
  EXPECT_EQ(DisplaySafe("a\u202eb\u2066c\u200fd\u061ce"), "a\\u202eb\\u2066c\\u200fd\\u061ce");
  EXPECT_EQ(DisplaySafe("caf\u00e9 \u2014 \u00b1 \u2013"), "caf\u00e9 \u2014 \u00b1 \u2013");
  EXPECT_EQ(DisplaySafe("\x1b[0m"), "\\x1b[0m");
}

TEST(HtmlReport, HasTheSummaryTableAndOneChartPerTarget) {
  const Report r = FixtureReport();
  const std::string html = Html(r);
  EXPECT_EQ(Count(html, "<table class=\"summary\">"), 1u);
  std::set<std::string> ids;
  for (const TargetReport& t : r.targets) ids.insert(t.id);
  EXPECT_EQ(Count(html, "<svg class=\"chart\""), ids.size());
  EXPECT_EQ(Count(html, "<td class=\"build\"><span class=\"pill"), r.targets.size());
}

TEST(HtmlReport, ShowsEveryReplayCommandWithACopyButton) {
  const Report r = FixtureReport();
  const std::string html = Html(r);
  for (const TargetReport& t : r.targets)
    for (const auto& [cls, e] : t.examples)
      EXPECT_NE(html.find("<code class=\"cmd\">" + XmlEscape(e.replay) + "</code>"),
                std::string::npos)
          << e.replay;
  EXPECT_EQ(Count(html, "<button type=\"button\" class=\"copy\">"),
            Count(html, "<code class=\"cmd\">"));
}

TEST(HtmlReport, ShowsTheSourceAroundASanitizerLocation) {
  const std::string html = Html(FixtureReport());
  // fixtures/src/race.cpp:14 is `sum = after;`, marked.
  EXPECT_NE(html.find("<tr class=\"hit\"><td class=\"ln\">14</td><td class=\"code\">  sum = "
                      "after;</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"ln\">10</td>"), std::string::npos);
}

TEST(HtmlReport, ReadsNoSourceOutsideTheSourceRoot) {
  // The hostile target's locations are ../../../etc/passwd:1 and /etc/passwd:1.
  const std::string html = Html(FixtureReport());
  EXPECT_EQ(html.find("root:"), std::string::npos);
  Report r = FixtureReport();
  r.source_root = "/etc";
  r.targets.back().sanitizer_reports[1].location = "passwd:1";  // inside the root: shown
  const std::string inside = MakeHtmlRenderer(HtmlOptions{})->Render(r);
  EXPECT_NE(inside.find("<td class=\"ln\">1</td>"), std::string::npos);
  r.targets.back().sanitizer_reports[1].location = "../etc/passwd:1";
  r.source_root = "/usr";
  EXPECT_EQ(MakeHtmlRenderer(HtmlOptions{})->Render(r).find("root:"), std::string::npos);
}

TEST(HtmlReport, MissingSourceFilesAreLeftOut) {
  Report r = FixtureReport();
  for (TargetReport& t : r.targets)
    for (SanitizerSummary& s : t.sanitizer_reports) s.location = "no/such/file.cpp:3";
  const std::string html = Html(r);
  EXPECT_EQ(html.find("<table class=\"source\">"), std::string::npos);
  EXPECT_NE(html.find("no/such/file.cpp:3"), std::string::npos);
}

TEST(HtmlReport, SideBySideDiffKnowsTheExpectedTextOfTheSumSequence) {
  const std::string html = Html(FixtureReport());
  // p1s2/plain's stale read: expected line 5 `3 + 3 = 6` beside actual `1 + 3 = 4`,
  // then the expected continuation `6 + 4 = 10` beside the actual `4 + 4 = 8`.
  EXPECT_NE(html.find("<td class=\"ln\">5</td><td class=\"code exp diff\">"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"code exp diff\">6 + 4 = 10</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"code act diff\">4 + 4 = 8</td>"), std::string::npos);
  // Output that ended early, and output after DONE.
  EXPECT_NE(html.find("(output ends)"), std::string::npos);
  EXPECT_NE(html.find("(nothing more expected)"), std::string::npos);
}

// ---- SARIF ------------------------------------------------------------------------------

TEST(SarifReport, HasAResultPerSanitizerReportAndPerOtherFailingClass) {
  const Report r = FixtureReport();
  const auto log = nlohmann::json::parse(MakeSarifRenderer()->Render(r));
  EXPECT_EQ(log["version"], "2.1.0");
  const auto& run = log["runs"][0];
  std::size_t expected = 0;
  for (const TargetReport& t : r.targets) {
    std::set<std::string> by_report;
    for (const SanitizerSummary& s : t.sanitizer_reports) by_report.insert(s.cls);
    expected += t.sanitizer_reports.size();
    for (const auto& [cls, n] : t.classes)
      if (cls != "ok" && n > 0 && !by_report.count(cls)) ++expected;
  }
  ASSERT_EQ(run["results"].size(), expected);
  std::set<std::string> fingerprints;
  for (const auto& res : run["results"]) {
    const std::string rule = res["ruleId"];
    EXPECT_TRUE(ParseFailureClass(rule)) << rule;
    EXPECT_EQ(run["tool"]["driver"]["rules"][res["ruleIndex"].get<std::size_t>()]["id"], rule);
    // Code scanning drops a whole upload over one result without a location.
    ASSERT_EQ(res["locations"].size(), 1u);
    EXPECT_FALSE(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                     .get<std::string>()
                     .empty());
    fingerprints.insert(res["partialFingerprints"]["racelab/v1"].get<std::string>());
  }
  EXPECT_EQ(fingerprints.size(), expected);  // distinct
}

TEST(SarifReport, PointsSanitizerResultsAtTheirLine) {
  const auto log = nlohmann::json::parse(MakeSarifRenderer()->Render(FixtureReport()));
  bool seen = false;
  for (const auto& res : log["runs"][0]["results"]) {
    const auto& loc = res["locations"][0]["physicalLocation"];
    if (res["properties"]["target"] == "p1s2" && res["ruleId"] == "data-race" &&
        loc["region"]["startLine"] == 14) {
      seen = true;
      EXPECT_EQ(loc["artifactLocation"]["uri"], "fixtures/src/race.cpp");
      EXPECT_EQ(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    }
  }
  EXPECT_TRUE(seen);
}

TEST(SarifReport, FingerprintsAreStableAcrossRendersAndRunCounts) {
  Report a = FixtureReport();
  Report b = FixtureReport();
  for (TargetReport& t : b.targets) {
    t.runs *= 2;
    for (SanitizerSummary& s : t.sanitizer_reports) s.runs += 1;
  }
  const auto ja = nlohmann::json::parse(MakeSarifRenderer()->Render(a));
  const auto jb = nlohmann::json::parse(MakeSarifRenderer()->Render(b));
  for (std::size_t i = 0; i < ja["runs"][0]["results"].size(); ++i)
    EXPECT_EQ(ja["runs"][0]["results"][i]["partialFingerprints"],
              jb["runs"][0]["results"][i]["partialFingerprints"]);
}

TEST(SarifReport, UsesTheTargetSourceForClassesWithoutALocation) {
  const auto log = nlohmann::json::parse(MakeSarifRenderer()->Render(FixtureReport()));
  for (const auto& res : log["runs"][0]["results"])
    if (res["properties"]["target"] == "p1s2" && res["ruleId"] == "torn-line")
      EXPECT_EQ(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                "fixtures/src/race.cpp");
}

// ---- JUnit ------------------------------------------------------------------------------

TEST(JunitReport, OneSuitePerBuildOneCasePerTargetAFailurePerUnexpectedClass) {
  const Report r = FixtureReport();
  const std::string xml = MakeJunitRenderer()->Render(r);
  std::set<std::string> builds;
  for (const TargetReport& t : r.targets) builds.insert(t.build);
  EXPECT_EQ(Count(xml, "<testsuite "), builds.size());
  EXPECT_EQ(Count(xml, "<testcase "), r.targets.size());
  std::size_t failures = 0;
  for (const TargetReport& t : r.targets) {
    for (const auto& [cls, n] : t.classes) failures += IsUnexpected(t, cls) ? 1 : 0;
    failures += t.expect_checked && t.verdict == "not-reproduced" ? 1 : 0;
  }
  EXPECT_EQ(Count(xml, "<failure "), failures);
  EXPECT_NE(xml.find("replay: racelab replay p1s2 --build tsan --seed 1 --fuzz none"),
            std::string::npos);
  EXPECT_EQ(ToValidUtf8(xml), xml);
}

// ---- Markdown ---------------------------------------------------------------------------

TEST(MarkdownReport, EscapesHostileTextOutsideCodeBlocks) {
  const std::string md = MakeMarkdownRenderer()->Render(FixtureReport());
  // Outside fenced blocks, no raw tag from the data and no raw table pipe in a cell.
  bool in_fence = false;
  std::string fence;
  std::size_t pos = 0;
  while (pos < md.size()) {
    std::size_t nl = md.find('\n', pos);
    if (nl == std::string::npos) nl = md.size();
    const std::string line = md.substr(pos, nl - pos);
    pos = nl + 1;
    if (!in_fence && line.rfind("```", 0) == 0) {
      fence = line.substr(0, line.find_first_not_of('`'));
      in_fence = true;
      continue;
    }
    if (in_fence) {
      if (line == fence) in_fence = false;
      continue;
    }
    // A tag opens only at a '<' without a backslash before it.
    for (const char* tag : {"<img", "<script", "</script"})
      for (std::size_t i = 0; (i = line.find(tag, i)) != std::string::npos; ++i)
        EXPECT_TRUE(i > 0 && line[i - 1] == '\\') << line;
  }
  EXPECT_FALSE(in_fence) << "a fence was left open";
  EXPECT_EQ(ToValidUtf8(md), md);
}

TEST(MarkdownReport, StaysWithinAPullRequestCommentForHugeReports) {
  Report r = FixtureReport();
  const TargetReport p1s2 = r.targets[1];
  for (int i = 0; i < 400; ++i) {
    TargetReport t = p1s2;
    t.id = "t" + std::to_string(i);
    r.targets.push_back(t);
  }
  const std::string md = MakeMarkdownRenderer()->Render(r);
  // The summary table grows with the targets; the details stop at a budget.
  EXPECT_NE(md.find("left out to keep this short"), std::string::npos);
  EXPECT_LT(md.size(), 56000u + 400 * 200u);
}

// ---- JSON model additions ---------------------------------------------------------------

TEST(ReportJsonSource, RoundTripsSourceAndSourceRootAndOmitsThemWhenUnknown) {
  Report r = FixtureReport();
  r.source_root = "/src";
  const std::string text = RenderJson(r);
  auto back = ParseReportJson(text, "r.json");
  ASSERT_TRUE(back) << back.error().what;
  EXPECT_EQ(back->source_root, "/src");
  EXPECT_EQ(back->targets[1].source, "fixtures/src/race.cpp");
  r.source_root.clear();
  for (TargetReport& t : r.targets) t.source.clear();
  const auto j = nlohmann::json::parse(RenderJson(r));
  EXPECT_FALSE(j.contains("source_root"));
  EXPECT_FALSE(j["targets"][1].contains("source"));
}

// ---- report views -----------------------------------------------------------------------

TEST(ReportView, SumSequenceLineIsExpectedSumSequenceLineByLine) {
  for (std::uint64_t n : {0, 1, 2, 5, 13}) {
    std::string joined;
    for (std::uint64_t j = 1; auto l = SumSequenceLine(n, j); ++j) joined += *l + "\n";
    EXPECT_EQ(joined, ExpectedSumSequence(n)) << n;
    EXPECT_FALSE(SumSequenceLine(n, 0));
  }
  EXPECT_EQ(SumSequenceIndex(5, "6 + 4 = 10"), 7u);
  EXPECT_EQ(SumSequenceIndex(5, "DONE: solution = 15"), 11u);
  EXPECT_FALSE(SumSequenceIndex(5, "--------------------"));
  EXPECT_FALSE(SumSequenceIndex(5, "6 + 4 = 11"));
  EXPECT_FALSE(SumSequenceIndex(3, "6 + 4 = 10"));  // no step 4 when N = 3
}

TEST(ReportView, ParsesLocationsWithALineOnly) {
  auto l = ParseLocation("variants/p1s2.cpp:31");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->file, "variants/p1s2.cpp");
  EXPECT_EQ(l->line, 31u);
  for (const char* bad : {"", "file.cpp", "file.cpp:", ":3", "file.cpp:0", "file.cpp:3x"})
    EXPECT_FALSE(ParseLocation(bad)) << bad;
}

// ---- replay view ------------------------------------------------------------------------

Divergence At(std::size_t line, std::string expected, std::string actual,
              bool missing_actual = false, bool missing_expected = false) {
  Divergence d;
  d.line = line;
  d.expected = std::move(expected);
  d.actual = std::move(actual);
  d.missing_actual = missing_actual;
  d.missing_expected = missing_expected;
  return d;
}

TEST(ReplayDiff, ShowsOneHunkAroundTheFirstChangeWithContext) {
  const std::string x = ExpectedSumSequence(10);
  std::string a = x;
  a.replace(a.find("10 + 5 = 15"), 11, "10 + 5 = 16");
  const DiffHunk h = FirstDivergenceHunk(x, a, At(9, "10 + 5 = 15", "10 + 5 = 16"));
  const std::vector<std::string> want = {
      "@@ -6,7 +6,7 @@",       " --------------------", " 6 + 4 = 10",
      " --------------------", "-10 + 5 = 15",          "+10 + 5 = 16",
      " --------------------", " 15 + 6 = 21",          " --------------------"};
  EXPECT_EQ(h.lines, want);
  EXPECT_FALSE(h.cut);
  EXPECT_FALSE(h.more_after);
}

TEST(ReplayDiff, CountsElapsedLinesOnlyOnTheActualSide) {
  const std::string x = "a\nb\nc\nd\n";
  const std::string a = "a\nelapsed: 0.1 seconds\nb\nX\nd\n";
  const DiffHunk h = FirstDivergenceHunk(x, a, At(4, "c", "X"), 1);
  const std::vector<std::string> want = {"@@ -2,3 +3,3 @@", " b", "-c", "+X", " d"};
  EXPECT_EQ(h.lines, want);
}

TEST(ReplayDiff, ShowsOutputThatEndsEarlyAndOutputAfterTheEnd) {
  const DiffHunk early = FirstDivergenceHunk("a\nb\nc\n", "a\n", At(2, "b", "", true), 3);
  const std::vector<std::string> want_early = {"@@ -1,3 +1 @@", " a", "-b", "-c"};
  EXPECT_EQ(early.lines, want_early);
  const DiffHunk late = FirstDivergenceHunk("a\n", "a\nb\n", At(2, "", "b", false, true), 3);
  const std::vector<std::string> want_late = {"@@ -1 +1,2 @@", " a", "+b"};
  EXPECT_EQ(late.lines, want_late);
  const DiffHunk none = FirstDivergenceHunk("", "x\n", At(1, "", "x", false, true), 3);
  const std::vector<std::string> want_none = {"@@ -0,0 +1 @@", "+x"};
  EXPECT_EQ(none.lines, want_none);
}

TEST(ReplayDiff, CutsALongHunkAndSaysSo) {
  const std::string x = ExpectedSumSequence(100);
  std::string a;
  for (int i = 0; i < 200; ++i) a += "garbage\n";
  const DiffHunk h = FirstDivergenceHunk(x, a, At(1, "0 + 1 = 1", "garbage"), 3, 40);
  EXPECT_TRUE(h.cut);
  EXPECT_EQ(h.lines.size(), 41u);  // the @@ line and 40 more
}

TEST(ReplayDiff, NotesDifferencesAfterTheHunk) {
  const std::string x = ExpectedSumSequence(20);
  std::string a = x;
  a.replace(a.find("3 + 3 = 6"), 9, "3 + 3 = 7");
  a.replace(a.find("120 + 16 = 136"), 14, "120 + 16 = 999");
  const DiffHunk h = FirstDivergenceHunk(x, a, At(5, "3 + 3 = 6", "3 + 3 = 7"));
  EXPECT_TRUE(h.more_after);
  EXPECT_FALSE(h.cut);
}

TEST(ReplayColor, FollowsTheFlagThenTheTerminalThenNoColor) {
  EXPECT_FALSE(UseColor(ColorMode::kNever, true, nullptr));
  EXPECT_TRUE(UseColor(ColorMode::kAlways, false, "1"));  // a flag beats NO_COLOR
  EXPECT_TRUE(UseColor(ColorMode::kAuto, true, nullptr));
  EXPECT_TRUE(UseColor(ColorMode::kAuto, true, ""));  // no-color.org: empty means unset
  EXPECT_FALSE(UseColor(ColorMode::kAuto, true, "1"));
  EXPECT_FALSE(UseColor(ColorMode::kAuto, false, nullptr));
  EXPECT_TRUE(ParseColorMode("auto"));
  EXPECT_FALSE(ParseColorMode("yes"));
}

TEST(ReplayView, MakesProgramOutputTerminalSafe) {
  ReplayResult r;
  r.target.id = "x";
  r.target.oracle = OracleKind::kSumSequence;
  r.target.iterations = 1;
  r.expected_output = ExpectedSumSequence(1);
  r.process.out = "0 + 1 = 1\x1b]0;title\x07\n";
  r.verdict.classes = ClassSet{FailureClass::kTornLine};
  r.verdict.divergence = At(1, "0 + 1 = 1", "0 + 1 = 1\x1b]0;title\x07");
  const std::string out = RenderReplay(r, false);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\x07'), std::string::npos);
  EXPECT_NE(out.find("+0 + 1 = 1\\x1b]0;title\\x07"), std::string::npos) << out;
}

}  // namespace
}  // namespace racelab
