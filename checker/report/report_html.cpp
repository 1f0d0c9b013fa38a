// The HTML report: one self-contained page (table, charts, diffs, sanitizer reports with source).
#include <fmt/core.h>

#include <algorithm>
#include <map>

#include "judge/classify.hpp"
#include "judge/failure_class.hpp"
#include "report/html_assets.hpp"
#include "report/renderer.hpp"
#include "report/report_view.hpp"
#include "report/source_cache.hpp"
#include "util/text_util.hpp"

namespace racelab {
namespace {

// Untrusted text (program output, paths, ids) as HTML text or attribute
// value: control and bidi characters made visible, invalid UTF-8 replaced,
// markup characters escaped. Everything taken from a report goes through here.
std::string H(std::string_view s) {
  return XmlEscape(DisplaySafe(s));
}

// Program output can hold very long torn lines: keep a page readable.
constexpr std::size_t kMaxCell = 400;
constexpr std::size_t kMaxReportLines = 200;

// Cuts at a UTF-8 boundary at or before `n`.
std::size_t Utf8Floor(std::string_view s, std::size_t n) {
  n = std::min(n, s.size());
  while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

std::string ClipHtml(std::string_view s, std::size_t max = kMaxCell) {
  if (s.size() <= max) return H(s);
  const std::size_t cut = Utf8Floor(s, max);
  return H(s.substr(0, cut)) +
         fmt::format("<span class=\"clip\">… (+{} bytes)</span>", s.size() - cut);
}

// Per build flavour: a colour class (plain, tsan, path).
std::string BuildClass(const std::optional<Build>& build) {
  return std::string(BuildName(build));
}

// A verdict's badge colour.
const char* VerdictKind(Verdict v) {
  switch (v) {
    case Verdict::kAsExpected: return "good";
    case Verdict::kNotReproduced: return "warn";
    case Verdict::kUnexpectedFailure: return "bad";
  }
  return "bad";  // unreachable: the switch is exhaustive
}

// Cell colour by rate: red for failures that count, amber for expected ones.
std::string HeatStyle(double rate, bool expected) {
  if (expected)
    return fmt::format(" style=\"background:rgba(212,167,44,{:.2f})\"", 0.12 + 0.45 * rate);
  return fmt::format(" style=\"background:rgba(207,34,46,{:.2f})\"", 0.08 + 0.5 * rate);
}

// "55.6–85.8%": one percent sign keeps the table's columns narrow.
std::string PercentRange(const Interval& ci) {
  std::string low = Percent(ci.low);
  if (!low.empty() && low.back() == '%') low.pop_back();
  return fmt::format("{}–{}", low, Percent(ci.high));
}

// As ClipHtml, keeping the end: the text right before a difference matters most.
std::string ClipHeadHtml(std::string_view s, std::size_t max) {
  if (s.size() <= max) return H(s);
  std::size_t cut = s.size() - max;
  while (cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) ++cut;
  return fmt::format("<span class=\"clip\">({} bytes) …</span>", cut) + H(s.substr(cut));
}

// `a` and `b` with their common head and tail plain and the middle marked.
std::pair<std::string, std::string> MarkDifference(std::string_view a, std::string_view b) {
  std::size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  pre = Utf8Floor(a, pre);
  std::size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre &&
         a[a.size() - 1 - suf] == b[b.size() - 1 - suf])
    ++suf;
  // Keep the tail on a character boundary: step back over continuation bytes.
  while (suf > 0 && (static_cast<unsigned char>(a[a.size() - suf]) & 0xC0) == 0x80) --suf;
  const auto one = [&](std::string_view s) {
    const std::string_view head = s.substr(0, pre);
    const std::string_view mid = s.substr(pre, s.size() - pre - suf);
    const std::string_view tail = s.substr(s.size() - suf);
    return ClipHeadHtml(head, kMaxCell / 2) +
           (mid.empty() ? "" : "<mark>" + ClipHtml(mid) + "</mark>") + ClipHtml(tail, kMaxCell / 4);
  };
  return {one(a), one(b)};
}

struct DiffRow {
  std::string cls;  // same | first | after
  std::string exp_ln, exp_html, act_ln, act_html;
  bool exp_diff = false, act_diff = false;
};

// The side-by-side view of one example's first divergence. The actual side is
// the excerpt; the expected side is known exactly for the sum-sequence oracle
// (the text is a function of N), else only at the divergence itself.
std::string DiffTable(const TargetReport& t, const Example& e) {
  const DivergenceInfo& d = *e.divergence;
  const std::vector<ExcerptLine>& rows = e.excerpt;

  // The expected line index at the divergence, when the expected text is known.
  std::optional<std::uint64_t> exp_at;
  const bool sum_sequence = t.oracle == OracleKind::kSumSequence && t.iterations > 0;
  if (sum_sequence) {
    if (!d.missing_expected) exp_at = SumSequenceIndex(t.iterations, d.expected);
    if (!exp_at) {
      // A dash line (or output after DONE): one past the last matching line before it.
      // The m-th matching line before it has index k: the divergence has k + m.
      std::uint64_t m = 0;
      for (auto it = rows.rbegin(); it != rows.rend() && !exp_at; ++it) {
        if (it->line == 0 || it->line >= d.line || IsElapsedLine(it->text)) continue;
        ++m;
        if (auto k = SumSequenceIndex(t.iterations, it->text)) exp_at = *k + m;
      }
    }
    if (exp_at && !d.missing_expected && SumSequenceLine(t.iterations, *exp_at) != d.expected)
      exp_at.reset();
  }

  std::vector<DiffRow> out;
  // Rows before the divergence matched the expected lines one to one (elapsed
  // lines aside): number them backwards from the divergence.
  std::uint64_t before = 0;
  for (const ExcerptLine& r : rows)
    if (r.line != 0 && r.line < d.line && !IsElapsedLine(r.text)) ++before;
  std::uint64_t exp_next = exp_at ? *exp_at - std::min(before, *exp_at - 1) : 0;
  bool seen_first = false;
  for (const ExcerptLine& r : rows) {
    DiffRow row;
    row.act_ln = r.line ? std::to_string(r.line) : "";
    if (r.line == 0 || r.line < d.line) {
      row.cls = "same";
      row.act_html = ClipHtml(r.text);
      if (r.line != 0 && !IsElapsedLine(r.text) && exp_at) {
        row.exp_html = row.act_html;
        row.exp_ln = std::to_string(exp_next++);
      }
    } else if (r.line == d.line) {
      seen_first = true;
      row.cls = "first";
      row.exp_diff = row.act_diff = true;
      if (exp_at && !d.missing_expected) row.exp_ln = std::to_string(exp_next);
      ++exp_next;
      if (d.missing_expected) {
        row.exp_html = "<span class=\"gap\">(nothing more expected)</span>";
        row.act_html = ClipHtml(r.text);
      } else {
        auto [x, a] = MarkDifference(Printable(d.expected), r.text);
        row.exp_html = x;
        row.act_html = a;
      }
    } else {
      row.cls = "after";
      row.act_html = ClipHtml(r.text);
      if (exp_at && !IsElapsedLine(r.text)) {
        if (auto x = SumSequenceLine(t.iterations, exp_next)) {
          row.exp_ln = std::to_string(exp_next);
          const bool same = Printable(*x) == r.text;
          row.exp_diff = row.act_diff = !same;
          row.exp_html = ClipHtml(*x);
        } else {
          row.act_diff = true;
        }
        ++exp_next;
      }
    }
    out.push_back(std::move(row));
  }
  if (!seen_first) {
    // The output ended before the divergence (or the excerpt missed it).
    DiffRow row;
    row.cls = "first";
    row.exp_diff = row.act_diff = true;
    if (exp_at && !d.missing_expected) row.exp_ln = std::to_string(exp_next);
    row.exp_html = d.missing_expected ? "<span class=\"gap\">(nothing more expected)</span>"
                                      : ClipHtml(Printable(d.expected));
    row.act_ln = std::to_string(d.line);
    row.act_html = d.missing_actual ? "<span class=\"gap\">(output ends)</span>"
                                    : ClipHtml(Printable(d.actual));
    out.push_back(std::move(row));
  }

  std::string html =
      "<table class=\"diff\"><colgroup><col style=\"width:56px\"><col><col "
      "style=\"width:56px\"><col></colgroup>\n<thead><tr><th colspan=\"2\">expected</th><th "
      "colspan=\"2\">actual</th></tr></thead>\n<tbody>\n";
  for (const DiffRow& r : out)
    html += fmt::format(
        "<tr class=\"{}\"><td class=\"ln\">{}</td><td class=\"code exp{}\">{}</td><td class=\"ln "
        "a\">{}</td><td class=\"code act{}\">{}</td></tr>\n",
        r.cls, r.exp_ln, r.exp_diff ? " diff" : "", r.exp_html, r.act_ln, r.act_diff ? " diff" : "",
        r.act_html);
  return html + "</tbody></table>\n";
}

// Copy button beside the replay command; the script reads the code element's text.
std::string ReplayBlock(const std::string& command) {
  return fmt::format(
      "<div class=\"replay\"><code class=\"cmd\">{}</code><button type=\"button\" "
      "class=\"copy\">Copy</button></div>\n",
      H(command));
}

class HtmlRenderer final : public Renderer {
 public:
  explicit HtmlRenderer(HtmlOptions o) : options_(std::move(o)) {}

  std::string Render(const Report& r) const override {
    std::string out;
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += fmt::format(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
        "'unsafe-inline'; script-src '{}'; img-src data:; base-uri 'none'; form-action "
        "'none'\">\n",
        kHtmlScriptHash);
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<meta name=\"generator\" content=\"racelab\">\n";
    out += "<title>racelab report</title>\n<style>" + std::string(kHtmlStyle) + "</style>\n";
    out += "</head>\n<body>\n<main>\n";
    out += Header(r);
    out += Summary(r);
    out += Charts(r);
    out += Details(r);
    out += fmt::format(
        "<footer>Generated by racelab{} from a {} report. Every failure has a replay command: "
        "<code>racelab replay</code> runs that one run again.</footer>\n",
        r.racelab_version.empty() ? "" : " " + H(r.racelab_version), H(r.schema));
    out += "</main>\n<script>" + std::string(kHtmlScript) + "</script>\n</body>\n</html>\n";
    return out;
  }

 private:
  static std::string Header(const Report& r) {
    std::uint64_t runs = 0;
    std::size_t failing = 0;
    bool expect = false;
    for (const TargetReport& t : r.targets) {
      runs += t.runs;
      failing += IsFailing(t) ? 1 : 0;
      expect = expect || t.expect_checked;
    }
    std::string out = "<header>\n<h1>racelab report</h1>\n";
    out += fmt::format(
        "<p class=\"meta\">{} target{} · {} runs ({} per target) · builds {} · fuzz {} · seed {} · "
        "{} jobs · timeout {} s · {:.1f} s{}</p>\n",
        r.targets.size(), r.targets.size() == 1 ? "" : "s", runs, r.settings.runs,
        r.settings.build ? Name(*r.settings.build) : "-", H(r.settings.fuzz), r.settings.seed,
        r.settings.jobs, r.settings.timeout_s, r.elapsed_s,
        r.racelab_version.empty() ? "" : " · racelab " + H(r.racelab_version));
    if (failing == 0)
      out += fmt::format("<p><span class=\"badge good\">{}</span></p>\n",
                         expect ? "every target as expected" : "no failures");
    else
      out += fmt::format("<p><span class=\"badge bad\">{} of {} target{} {}</span></p>\n", failing,
                         r.targets.size(), r.targets.size() == 1 ? "" : "s",
                         expect ? "differ from expectations" : "failed");
    if (const std::string shards = ShardsText(r); !shards.empty())
      out += fmt::format("<p class=\"meta\">shards: {}</p>\n", H(shards));
    if (r.shards && r.shards->Partial())
      out +=
          "<div class=\"banner\">Partial: shards are missing; the report covers the shards "
          "given.</div>\n";
    if (r.interrupted)
      out += "<div class=\"banner\">Interrupted: the report covers the runs that finished.</div>\n";
    return out + "</header>\n";
  }

  static std::string Summary(const Report& r) {
    const std::vector<FailureClass> cols = OccurringClasses(r);
    const bool expect = std::any_of(r.targets.begin(), r.targets.end(),
                                    [](const TargetReport& t) { return t.expect_checked; });
    std::string out = "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"tablewrap\">\n";
    out +=
        "<table class=\"summary\">\n<thead><tr><th class=\"id\">target</th><th "
        "class=\"build\">build</th><th>runs</th><th>failed</th><th>failure rate<br><span "
        "class=\"muted\">95% interval</span></th>";
    for (FailureClass c : cols) out += fmt::format("<th class=\"clshead\">{}</th>", Name(c));
    if (expect) out += "<th class=\"build\">verdict</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < r.targets.size(); ++i) {
      const TargetReport& t = r.targets[i];
      const bool first = i == 0 || r.targets[i - 1].id != t.id;
      std::size_t span = 1;
      while (first && i + span < r.targets.size() && r.targets[i + span].id == t.id) ++span;
      out += first ? "<tr class=\"first\">" : "<tr>";
      if (first)
        out += fmt::format("<td class=\"id\" rowspan=\"{}\"><a href=\"#{}\">{}</a></td>", span,
                           AnchorOf(r, t), H(t.id));
      out += fmt::format("<td class=\"build\"><span class=\"pill {}\">{}</span></td>",
                         BuildClass(t.build), BuildName(t.build));
      out += fmt::format("<td>{}</td><td>{}</td>", t.runs, t.failed_runs);
      const Rate fr = RateOf(t.failed_runs, t.runs);
      if (t.runs == 0)
        out += "<td class=\"zero\">no runs</td>";
      else if (fr.count == 0)
        out += fmt::format(
            "<td class=\"rate ok\" title=\"no failure in {} runs\"><span "
            "class=\"v\">0%</span><span "
            "class=\"ci\">≤ {}</span></td>",
            t.runs, Percent(fr.ci.high));
      else
        out += fmt::format(
            "<td class=\"rate\"{} title=\"{} of {} runs failed\"><span class=\"v\">{}</span><span "
            "class=\"ci\">{}</span></td>",
            HeatStyle(fr.value, !IsFailing(t)), fr.count, fr.runs, Percent(fr.value),
            PercentRange(fr.ci));
      for (FailureClass c : cols) {
        const Rate cr = ClassRate(t, c);
        if (cr.count == 0) {
          out += "<td class=\"zero\">·</td>";
          continue;
        }
        out += fmt::format(
            "<td class=\"rate\"{} title=\"{}: {} of {} runs ({}, 95% interval {})\"><span "
            "class=\"v\">{}</span><span class=\"ci\">{}</span></td>",
            HeatStyle(cr.value, IsExpected(t, c)), Name(c), cr.count, cr.runs, Percent(cr.value),
            PercentRange(cr.ci), Percent(cr.value), PercentRange(cr.ci));
      }
      if (expect) {
        out += t.expect_checked
                   ? fmt::format("<td class=\"build\"><span class=\"badge {}\">{}</span></td>",
                                 VerdictKind(t.verdict), Name(t.verdict))
                   : "<td class=\"build zero\">not checked</td>";
      }
      out += "</tr>\n";
    }
    return out + "</tbody>\n</table>\n</div>\n</section>\n";
  }

  // One chart per target id: a row per class, a bar per build with its 95% interval.
  static std::string Charts(const Report& r) {
    std::vector<std::string> ids;
    std::map<std::string, std::vector<const TargetReport*>> by_id;
    for (const TargetReport& t : r.targets) {
      if (!by_id.count(t.id)) ids.push_back(t.id);
      by_id[t.id].push_back(&t);
    }
    std::string out =
        "<section id=\"charts\">\n<h2>Class frequencies</h2>\n<p class=\"meta\">Share of runs "
        "showing each class, per build; the whisker is the 95% interval.</p>\n<div "
        "class=\"charts\">\n";
    for (const std::string& id : ids) {
      const std::vector<const TargetReport*>& builds = by_id[id];
      const std::vector<FailureClass> classes = OccurringClasses(builds);
      constexpr int kLabel = 138, kBar = 220, kWidth = 420, kBarH = 10, kGap = 3, kRowGap = 9,
                    kTop = 22;
      const int row_h = static_cast<int>(builds.size()) * (kBarH + kGap) - kGap + kRowGap;
      const int height = kTop + std::max<int>(1, static_cast<int>(classes.size())) * row_h + 4;
      std::string svg = fmt::format(
          "<svg class=\"chart\" data-target=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" "
          "xmlns=\"http://www.w3.org/2000/svg\"><title>{}: class frequencies</title>\n",
          H(id), kWidth, height, H(id));
      // Legend: one swatch per build.
      int lx = kLabel;
      for (const TargetReport* t : builds) {
        svg += fmt::format(
            "<rect class=\"{}\" x=\"{}\" y=\"4\" width=\"10\" height=\"10\" rx=\"2\"/><text "
            "x=\"{}\" y=\"13\">{}</text>\n",
            BuildClass(t->build), lx, lx + 14, BuildName(t->build));
        lx += 24 + static_cast<int>(BuildName(t->build).size()) * 7;
      }
      if (classes.empty()) svg += fmt::format("<text x=\"0\" y=\"{}\">no runs</text>\n", kTop + 10);
      for (std::size_t ci = 0; ci < classes.size(); ++ci) {
        const FailureClass c = classes[ci];
        const int y0 = kTop + static_cast<int>(ci) * row_h;
        const int mid = y0 + (row_h - kRowGap) / 2;
        svg += fmt::format("<text class=\"lbl{}\" x=\"0\" y=\"{}\">{}</text>\n",
                           c == FailureClass::kOk ? " ok" : "", mid + 4, Name(c));
        for (std::size_t b = 0; b < builds.size(); ++b) {
          const TargetReport& t = *builds[b];
          const Rate cr = ClassRate(t, c);
          const int y = y0 + static_cast<int>(b) * (kBarH + kGap);
          const auto x = [&](double v) { return kLabel + v * kBar; };
          svg += fmt::format(
              "<g><title>{} {}: {} of {} runs ({}, 95% interval {})</title>"
              "<rect class=\"track\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\"/>",
              BuildName(t.build), Name(c), cr.count, cr.runs, Percent(cr.value),
              PercentRange(cr.ci), kLabel, y, kBar, kBarH);
          if (cr.count > 0)
            svg += fmt::format(
                "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" rx=\"2\"/>",
                BuildClass(t.build), kLabel, y, std::max(1.5, cr.value * kBar), kBarH);
          if (cr.runs > 0) {
            const double cy = y + kBarH / 2.0;
            svg += fmt::format(
                "<line class=\"ci\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
                "<line class=\"ci\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
                "<line class=\"ci\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>",
                x(cr.ci.low), cy, x(cr.ci.high), cy, x(cr.ci.low), cy - 3, x(cr.ci.low), cy + 3,
                x(cr.ci.high), cy - 3, x(cr.ci.high), cy + 3);
          }
          svg += fmt::format("<text class=\"val\" x=\"{}\" y=\"{}\">{}</text></g>\n",
                             kLabel + kBar + 8, y + kBarH - 1,
                             cr.runs ? Percent(cr.value) : std::string("no runs"));
        }
      }
      svg += "</svg>";
      out += fmt::format("<figure class=\"card\"><figcaption>{}</figcaption>\n{}\n</figure>\n",
                         H(id), svg);
    }
    return out + "</div>\n</section>\n";
  }

  std::string Details(const Report& r) const {
    SourceCache sources(r.source_root.empty() ? options_.source_root : r.source_root);
    std::string out = "<section id=\"details\">\n<h2>Failures</h2>\n";
    bool any = false;
    for (const TargetReport& t : r.targets) {
      if (t.examples.empty() && t.sanitizer_reports.empty() && t.notes.empty() &&
          t.harness_errors == 0 && !t.pct_bound)
        continue;
      any = true;
      out += fmt::format(
          "<section class=\"target\" id=\"{}\">\n<h3>{} <span class=\"pill {}\">{}</span>",
          AnchorOf(r, t), H(t.id), BuildClass(t.build), BuildName(t.build));
      out +=
          fmt::format(" <span class=\"muted\">{} of {} runs failed</span>", t.failed_runs, t.runs);
      if (t.expect_checked) {
        out += fmt::format(" <span class=\"badge {}\">{}</span>", VerdictKind(t.verdict),
                           Name(t.verdict));
      }
      out += "</h3>\n";
      if (!t.notes.empty() || t.harness_errors > 0) {
        out += "<ul class=\"notes\">";
        for (const std::string& n : t.notes) out += "<li>" + H(n) + "</li>";
        if (t.harness_errors > 0)
          out += fmt::format(
              "<li>racelab could not carry out {} run(s){}</li>", t.harness_errors,
              t.harness_error_examples.empty() ? "" : ": " + ClipHtml(t.harness_error_examples[0]));
        out += "</ul>\n";
      }
      if (t.pct_bound) out += "<p class=\"muted\">PCT: " + H(PctBoundText(*t.pct_bound)) + "</p>\n";
      const std::vector<ExampleGroup> groups = GroupExamples(t);
      if (!groups.empty()) out += "<h4>First run of each class</h4>\n";
      for (const ExampleGroup& g : groups) out += ExampleBlock(t, g);
      if (!t.sanitizer_reports.empty())
        out +=
            fmt::format("<h4>Sanitizer reports ({} distinct)</h4>\n", t.sanitizer_reports.size());
      for (const SanitizerSummary& s : t.sanitizer_reports) out += SanitizerBlock(t, s, sources);
      if (t.distinct_signatures_dropped > 0)
        out += fmt::format("<p class=\"muted\">{} more distinct sanitizer reports not kept.</p>\n",
                           t.distinct_signatures_dropped);
      out += "</section>\n";
    }
    if (!any) out += "<p class=\"muted\">No failing runs.</p>\n";
    return out + "</section>\n";
  }

  static std::string ExampleBlock(const TargetReport& t, const ExampleGroup& g) {
    const Example& e = *g.example;
    std::string out = "<div class=\"example\">\n<div class=\"exhead\">";
    for (FailureClass c : g.classes) {
      const Rate cr = ClassRate(t, c);
      out +=
          fmt::format("<span class=\"cls{}\">{}</span><span class=\"muted\">{} of {} runs</span> ",
                      IsExpected(t, c) ? " expected" : "", Name(c), cr.count, cr.runs);
    }
    out += fmt::format("<span class=\"muted\">· first in run {}, seed {}, fuzz {}</span></div>\n",
                       e.run, e.seed, H(e.fuzz));
    out += ReplayBlock(e.replay);
    if (!e.schedule.empty()) {
      // A controlled run: its schedule and the preemptions that make it fail.
      std::vector<std::string> lines = ScheduleFacts(e);
      for (const std::string& l : e.explanation) lines.push_back("preemption " + l);
      for (const std::string& l : e.deadlock) lines.push_back(l);
      out += "<pre class=\"report\">" + H(Join(lines)) + "</pre>\n";
    }
    if (e.divergence)
      out += DiffTable(t, e);
    else if (!e.excerpt.empty())
      out += "<pre class=\"report\">" + H(Join(e.excerpt)) + "</pre>\n";
    else
      out +=
          "<p class=\"muted\">Output as expected: the run failed on its exit or its sanitizer "
          "reports.</p>\n";
    return out + "</div>\n";
  }

  std::string SanitizerBlock(const TargetReport& t, const SanitizerSummary& s,
                             SourceCache& sources) const {
    std::string out = "<div class=\"sanitizer\">\n<div class=\"exhead\">";
    out += fmt::format("<span class=\"cls{}\">{}</span> <b>{}</b>",
                       IsExpected(t, s.cls) ? " expected" : "", Name(s.cls), H(s.kind));
    out += s.location.empty() ? " <span class=\"muted\">(no source frame)</span>"
                              : fmt::format(" at <code>{}</code>", H(s.location));
    out += fmt::format(
        " <span class=\"muted\">· {} of {} runs · first in run {}, seed {}</span></div>\n", s.runs,
        t.runs, s.first_run, s.first_seed);
    if (auto l = ParseLocation(s.location)) {
      const auto lines = sources.Around(l->file, l->line, options_.source_context);
      if (!lines.empty()) {
        out += "<table class=\"source\"><colgroup><col style=\"width:56px\"><col></colgroup>\n";
        for (const auto& [n, text] : lines)
          out += fmt::format("<tr{}><td class=\"ln\">{}</td><td class=\"code\">{}</td></tr>\n",
                             n == l->line ? " class=\"hit\"" : "", n, ClipHtml(text));
        out += "</table>\n";
      }
    }
    if (!s.text.empty()) {
      std::vector<std::string> shown(s.text.begin(),
                                     s.text.begin() + std::min(s.text.size(), kMaxReportLines));
      if (s.text.size() > kMaxReportLines)
        shown.push_back(fmt::format("... ({} more lines)", s.text.size() - kMaxReportLines));
      out += fmt::format(
          "<details><summary>ThreadSanitizer's report (run {}, seed {})</summary><pre "
          "class=\"report\">{}</pre></details>\n",
          s.first_run, s.first_seed, H(Join(shown)));
    }
    if (!s.signature.empty())
      out += "<p class=\"muted\">signature: <code>" + H(s.signature) + "</code></p>\n";
    return out + "</div>\n";
  }

  static std::string Join(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& l : lines) out += l + "\n";
    return out;
  }
  static std::string Join(const std::vector<ExcerptLine>& lines) {
    std::string out;
    for (const ExcerptLine& l : lines) out += FormatExcerptLine(l) + "\n";
    return out;
  }

  // Anchors come from the target's position, never from its (untrusted) id.
  static std::string AnchorOf(const Report& r, const TargetReport& t) {
    return fmt::format("target-{}", &t - r.targets.data());
  }

  HtmlOptions options_;
};

}  // namespace

std::unique_ptr<Renderer> MakeHtmlRenderer(HtmlOptions o) {
  return std::make_unique<HtmlRenderer>(std::move(o));
}

std::unique_ptr<Renderer> MakeHtmlRenderer() {
  // Source lines come from the report's own source_root (the manifest's).
  return MakeHtmlRenderer(HtmlOptions{});
}

}  // namespace racelab
