// The pure pieces of `racelab bench`: statistics with censored samples, formatting, charts.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "bench_context.hpp"
#include "bench_report.hpp"
#include "bench_svg.hpp"

namespace racelab {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(BenchStats, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(Median({3, 1, 2}), 2);
  EXPECT_EQ(Median({4, 1, 3, 2}), 2.5);
  EXPECT_TRUE(std::isnan(Median({})));
}

TEST(BenchStats, MedianIsCensoredWhenHalfTheSamplesAre) {
  // A seed range without a failure within the cap is +inf: "not found within the cap".
  EXPECT_EQ(Median({1, 2, kInf}), 2);
  EXPECT_TRUE(std::isinf(Median({1, kInf, kInf})));
  EXPECT_TRUE(std::isinf(Median({1, 2, kInf, kInf})));
}

TEST(BenchStats, PercentileIsNearestRank) {
  std::vector<double> v;
  for (int i = 1; i <= 20; ++i) v.push_back(i);
  EXPECT_EQ(Percentile(v, 90), 18);
  EXPECT_EQ(Percentile(v, 100), 20);
  EXPECT_EQ(Percentile({5}, 90), 5);
  v[19] = kInf;
  v[18] = kInf;
  EXPECT_EQ(Percentile(v, 90), 18);
  v[17] = kInf;
  EXPECT_TRUE(std::isinf(Percentile(v, 90)));
}

TEST(BenchFormat, SecondsKeepThreeSignificantDigits) {
  EXPECT_EQ(FormatSeconds(0.0275), "27.5 ms");
  EXPECT_EQ(FormatSeconds(5.7), "5.7 s");
  EXPECT_EQ(FormatSeconds(0.0000042), "4 µs");
  EXPECT_EQ(FormatSeconds(0.99999), "1 s");
  EXPECT_EQ(FormatSeconds(kInf), "never");
  EXPECT_EQ(FormatRatio(13.33), "13x");
  EXPECT_EQ(FormatRatio(1.234), "1.23x");
}

TEST(BenchReport, TablesAreMarkdownWithOneCellPerColumn) {
  BenchTable t;
  t.title = "T";
  t.columns = {"a", "b"};
  t.rows = {{"1", "≈ 2"}, {"333", ""}};
  const std::string md = RenderTable(t);
  EXPECT_NE(md.find("### T\n"), std::string::npos);
  EXPECT_NE(md.find("| a   | b   |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| 1   | ≈ 2 |\n"), std::string::npos) << md;  // padded by characters
  EXPECT_EQ(Count(md, "\n"), 6);
}

TEST(BenchSvg, ChartsAreCompleteDocumentsWithEscapedText) {
  BarChart bars;
  bars.title = "a < b & c";
  bars.series = {"x", "y"};
  bars.groups = {{"g", {1.0, std::nullopt}, {}, {{1.5, "limit"}}}};
  const std::string b = RenderBarChart(bars);
  EXPECT_EQ(b.rfind("<svg xmlns=", 0), 0u);
  EXPECT_NE(b.find("a &lt; b &amp; c"), std::string::npos);
  EXPECT_EQ(b.substr(b.size() - 7), "</svg>\n");
  EXPECT_NE(b.find("n/a"), std::string::npos) << "a missing value says so";

  bars.log_scale = true;
  bars.groups[0].values = {0.003, 4.0};
  EXPECT_NE(RenderBarChart(bars).find(">0.001<"), std::string::npos) << "decade ticks";

  LineChart lines;
  lines.x_ticks = {"1", "2"};
  lines.series = {{"s", {1.0, NAN}, false}, {"limit", {1.0, 2.0}, true}};
  const std::string l = RenderLineChart(lines);
  EXPECT_EQ(Count(l, "<polyline"), 2);
  EXPECT_EQ(Count(l, "<circle"), 1) << "no point for NaN, none on a dashed limit";

  Heatmap h;
  h.rows = {"r"};
  h.columns = {"c1", "c2"};
  h.values = {{0.01, kInf}};
  h.texts = {{"10 ms", "never"}};
  const std::string m = RenderHeatmap(h);
  EXPECT_NE(m.find("#9e9e9e"), std::string::npos) << "never found is grey";
  EXPECT_EQ(m.substr(m.size() - 7), "</svg>\n");
}

}  // namespace
}  // namespace racelab
