// SVG by hand: rects, lines and text with fixed geometry, so charts diff well in review.
#include "bench_svg.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/text_util.hpp"

namespace racelab {
namespace {

// Colour-blind-safe palette (Okabe and Ito).
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                    "#56B4E9", "#D55E00", "#F0E442", "#000000"};
constexpr int kPaletteSize = 8;

std::string Esc(const std::string& s) {
  return XmlEscape(s);
}

std::string Header(int w, int h, const std::string& title, const std::string& subtitle) {
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"12\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n"
      "<text x=\"12\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{2}</text>\n",
      w, h, Esc(title));
  if (!subtitle.empty())
    s += fmt::format("<text x=\"12\" y=\"40\" fill=\"#444\">{}</text>\n", Esc(subtitle));
  return s;
}

// A tick label: as few digits as the value needs ("0.5", not "0.500").
std::string Tick(double v) {
  return fmt::format("{:.6g}", v);
}

std::string Num(double v) {
  if (v == 0) return "0";
  const double a = std::fabs(v);
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  if (a >= 1) return fmt::format("{:.2f}", v);
  if (a >= 0.01) return fmt::format("{:.3f}", v);
  return fmt::format("{:.2g}", v);
}

// Maps values onto [0, width] linearly from 0, or by log10 between decades.
struct Scale {
  bool log = false;
  double lo = 0;
  double hi = 1;
  double width = 1;
  double operator()(double v) const {
    if (log) {
      v = std::max(v, lo);
      return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) * width;
    }
    return std::clamp(v / hi, 0.0, 1.0) * width;
  }
  std::vector<double> Ticks() const {
    std::vector<double> t;
    if (log) {
      for (double d = lo; d <= hi * 1.0001; d *= 10) t.push_back(d);
      return t;
    }
    const double raw = hi / 5;
    const double mag = std::pow(10, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
      if (raw <= m * mag) {
        step = m * mag;
        break;
      }
    for (double v = 0; v <= hi * 1.0001; v += step) t.push_back(v);
    return t;
  }
};

Scale MakeScale(bool log, double min_value, double max_value, double width) {
  Scale s;
  s.log = log;
  s.width = width;
  if (log) {
    s.lo = std::pow(10, std::floor(std::log10(std::max(min_value, 1e-12))));
    s.hi = std::pow(10, std::ceil(std::log10(std::max(max_value, s.lo * 10))));
  } else {
    const double hi = max_value > 0 ? max_value * 1.08 : 1;
    const double mag = std::pow(10, std::floor(std::log10(hi)));
    s.hi = std::ceil(hi / mag * 2) / 2 * mag;  // a round top
  }
  return s;
}

}  // namespace

std::string RenderBarChart(const BarChart& c) {
  const int label_w = 210, plot_w = 520, right_w = 110, bar_h = 14, bar_gap = 3, group_gap = 14;
  const int top = c.subtitle.empty() ? 40 : 56;
  const int width = label_w + plot_w + right_w;
  // Legend entries flow left to right and wrap at the chart's width.
  std::vector<std::pair<int, int>> legend_at;
  {
    int lx = label_w, ly = top;
    for (const std::string& name : c.series) {
      const int w = 28 + static_cast<int>(name.size()) * 7;
      if (lx + w > width - 8 && lx > label_w) lx = label_w, ly += 18;
      legend_at.push_back({lx, ly});
      lx += w;
    }
  }
  const int legend_h = (legend_at.empty() ? 0 : legend_at.back().second - top) + 22;
  int rows = 0;
  for (const BarGroup& g : c.groups)
    rows += static_cast<int>(std::max<std::size_t>(1, g.values.size()));
  const int plot_h = rows * (bar_h + bar_gap) + static_cast<int>(c.groups.size()) * group_gap;
  const int height = top + legend_h + plot_h + 48;
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const BarGroup& g : c.groups) {
    for (const auto& v : g.values)
      if (v && *v > 0) lo = std::min(lo, *v), hi = std::max(hi, *v);
    for (const auto& m : g.markers)
      if (m.first > 0) lo = std::min(lo, m.first), hi = std::max(hi, m.first);
  }
  if (!(hi > 0)) hi = 1, lo = 0.1;
  const Scale x = MakeScale(c.log_scale, lo, hi, plot_w);
  std::string s = Header(width, height, c.title, c.subtitle);
  // Legend.
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const auto [lx, ly] = legend_at[i];
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>", lx, ly,
                     kPalette[i % kPaletteSize]);
    s += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", lx + 16, ly + 10, Esc(c.series[i]));
  }
  const int y0 = top + legend_h;
  // Grid and axis.
  for (double t : x.Ticks()) {
    const double px = label_w + x(t);
    s += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\" fill=\"#444\">{4}</text>\n",
        px, y0, y0 + plot_h, y0 + plot_h + 14, Tick(t));
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                   label_w + plot_w / 2, y0 + plot_h + 32, Esc(c.axis_label));
  int y = y0 + group_gap / 2;
  for (const BarGroup& g : c.groups) {
    const int group_top = y;
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-weight=\"bold\">{}</text>\n",
                     label_w - 8, y + bar_h - 3, Esc(g.label));
    for (std::size_t i = 0; i < g.values.size(); ++i) {
      const std::string text = i < g.texts.size() && !g.texts[i].empty() ? g.texts[i]
                               : g.values[i]                             ? Num(*g.values[i])
                                                                         : "n/a";
      if (g.values[i]) {
        const double w = std::max(1.0, x(*g.values[i]));
        s += fmt::format(
            "<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>"
            "<text x=\"{:.1f}\" y=\"{}\" fill=\"#222\">{}</text>\n",
            label_w, y, w, bar_h, kPalette[i % kPaletteSize], label_w + w + 4, y + bar_h - 3,
            Esc(text));
      } else {
        s += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#888\">{}</text>\n", label_w + 4,
                         y + bar_h - 3, Esc(text));
      }
      y += bar_h + bar_gap;
    }
    if (g.values.empty()) y += bar_h + bar_gap;
    for (const auto& [value, label] : g.markers) {
      const double px = label_w + x(value);
      s += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#C00\" "
          "stroke-width=\"2\" stroke-dasharray=\"5,3\"/>"
          "<text x=\"{0:.1f}\" y=\"{3}\" fill=\"#C00\" font-size=\"10\" text-anchor=\"middle\">{4}"
          "</text>\n",
          px, group_top - 2, y - bar_gap + 2, group_top - 4, Esc(label));
    }
    y += group_gap;
  }
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#444\"/>\n", label_w,
                   y0, y0 + plot_h);
  s += "</svg>\n";
  return s;
}

std::string RenderLineChart(const LineChart& c) {
  const int left = 64, plot_w = 480, plot_h = 280, right = 250;
  const int top = c.subtitle.empty() ? 50 : 66;
  const int width = left + plot_w + right, height = top + plot_h + 56;
  double hi = 0;
  for (const LineSeries& ls : c.series)
    for (double v : ls.y)
      if (std::isfinite(v)) hi = std::max(hi, v);
  const Scale ys = MakeScale(false, 0, hi, plot_h);
  const std::size_t n = c.x_ticks.size();
  auto px = [&](std::size_t i) {
    return left + (n <= 1 ? plot_w / 2.0 : static_cast<double>(i) * plot_w / (n - 1));
  };
  auto py = [&](double v) { return top + plot_h - ys(v); };
  std::string s = Header(width, height, c.title, c.subtitle);
  for (double t : ys.Ticks())
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\" fill=\"#444\">{5}</text>\n",
        left, py(t), left + plot_w, left - 6, py(t) + 4, Tick(t));
  for (std::size_t i = 0; i < n; ++i)
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#444\">{}</text>\n",
                     px(i), top + plot_h + 16, Esc(c.x_ticks[i]));
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", left + plot_w / 2,
                   top + plot_h + 38, Esc(c.x_label));
  s += fmt::format(
      "<text x=\"16\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 16 "
      "{0})\">{1}</text>\n",
      top + plot_h / 2, Esc(c.y_label));
  s += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#444\"/>\n", left,
      top, plot_w, plot_h);
  for (std::size_t k = 0; k < c.series.size(); ++k) {
    const LineSeries& ls = c.series[k];
    const char* colour = kPalette[k % kPaletteSize];
    std::string points;
    for (std::size_t i = 0; i < ls.y.size() && i < n; ++i)
      if (std::isfinite(ls.y[i])) points += fmt::format("{:.1f},{:.1f} ", px(i), py(ls.y[i]));
    s += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} points=\"{}\"/>\n",
                     colour, ls.dashed ? " stroke-dasharray=\"6,4\"" : "", points);
    if (!ls.dashed)
      for (std::size_t i = 0; i < ls.y.size() && i < n; ++i)
        if (std::isfinite(ls.y[i]))
          s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"/>\n", px(i),
                           py(ls.y[i]), colour);
    const int ly = top + 14 + static_cast<int>(k) * 18;
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"2\"{4}/>"
        "<text x=\"{5}\" y=\"{6}\">{7}</text>\n",
        left + plot_w + 12, ly, left + plot_w + 36, colour,
        ls.dashed ? " stroke-dasharray=\"6,4\"" : "", left + plot_w + 42, ly + 4, Esc(ls.label));
  }
  s += "</svg>\n";
  return s;
}

std::string RenderHeatmap(const Heatmap& h) {
  const int label_w = 150, cell_w = 118, cell_h = 22, head_h = 34;
  const int top = h.subtitle.empty() ? 44 : 60;
  const int width = label_w + cell_w * static_cast<int>(h.columns.size()) + 16;
  const int height = top + head_h + cell_h * static_cast<int>(h.rows.size()) + 40;
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const auto& row : h.values)
    for (double v : row)
      if (std::isfinite(v) && v > 0) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!(hi > 0)) lo = 1, hi = 10;
  const double llo = std::log10(lo), lhi = std::max(std::log10(hi), llo + 1e-9);
  // Pale green (found at once) to dark orange (found late); grey = never within the cap.
  auto colour = [&](double v) -> std::string {
    if (std::isnan(v)) return "#ffffff";
    if (!std::isfinite(v)) return "#9e9e9e";
    const double t = std::clamp((std::log10(std::max(v, lo)) - llo) / (lhi - llo), 0.0, 1.0);
    const int r = static_cast<int>(220 + t * (213 - 220));
    const int g = static_cast<int>(240 + t * (94 - 240));
    const int b = static_cast<int>(220 + t * (0 - 220));
    return fmt::format("#{:02x}{:02x}{:02x}", r, g, b);
  };
  std::string s = Header(width, height, h.title, h.subtitle);
  for (std::size_t c = 0; c < h.columns.size(); ++c)
    s += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\n",
        label_w + static_cast<int>(c) * cell_w + cell_w / 2, top + head_h - 10, Esc(h.columns[c]));
  for (std::size_t r = 0; r < h.rows.size(); ++r) {
    const int y = top + head_h + static_cast<int>(r) * cell_h;
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", label_w - 8,
                     y + cell_h - 7, Esc(h.rows[r]));
    for (std::size_t c = 0; c < h.columns.size(); ++c) {
      const double v = r < h.values.size() && c < h.values[r].size()
                           ? h.values[r][c]
                           : std::numeric_limits<double>::quiet_NaN();
      const std::string text = r < h.texts.size() && c < h.texts[r].size() ? h.texts[r][c] : "";
      const int x = label_w + static_cast<int>(c) * cell_w;
      s += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"white\"/>"
          "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\">{}</text>\n",
          x, y, cell_w, cell_h, colour(v), x + cell_w / 2, y + cell_h - 7, Esc(text));
    }
  }
  s += fmt::format("<text x=\"12\" y=\"{}\" fill=\"#444\">{}</text>\n", height - 14, Esc(h.legend));
  s += "</svg>\n";
  return s;
}

}  // namespace racelab
