// Hand-written SVG charts for `racelab bench --plot`: bars, lines and a heat map, no library.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace racelab {

// One row of bars, one per series (nullopt: no bar, e.g. a tool that is not installed).
struct BarGroup {
  std::string label;
  std::vector<std::optional<double>> values;
  std::vector<std::string> texts;  // printed after each bar; "" = the value itself
  // Vertical reference lines across this group only, e.g. its 2-core limit.
  std::vector<std::pair<double, std::string>> markers;
};

// Horizontal grouped bars.
struct BarChart {
  std::string title;
  std::string subtitle;
  std::string axis_label;
  std::vector<std::string> series;  // legend; one colour each
  std::vector<BarGroup> groups;
  bool log_scale = false;
};

struct LineSeries {
  std::string label;
  std::vector<double> y;  // one per x tick; NaN = no point
  bool dashed = false;    // e.g. a physical limit rather than a measurement
};

// Lines over categorical x positions (e.g. T = 1, 2, 4, 8).
struct LineChart {
  std::string title;
  std::string subtitle;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> x_ticks;
  std::vector<LineSeries> series;
};

// A grid of cells coloured by value (log scale), each with its text.
struct Heatmap {
  std::string title;
  std::string subtitle;
  std::vector<std::string> rows;
  std::vector<std::string> columns;
  std::vector<std::vector<double>> values;  // rows x columns; NaN = none, inf = not reached
  std::vector<std::vector<std::string>> texts;
  std::string legend;  // what the colour means
};

std::string RenderBarChart(const BarChart& c);
std::string RenderLineChart(const LineChart& c);
std::string RenderHeatmap(const Heatmap& h);

}  // namespace racelab
