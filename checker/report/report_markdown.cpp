// Markdown summary for a CI job summary or a pull-request comment (GitHub-flavoured).
#include <fmt/core.h>

#include <algorithm>

#include "judge/failure_class.hpp"
#include "report/renderer.hpp"
#include "report/report_view.hpp"
#include "util/text_util.hpp"

namespace racelab {
namespace {

// A pull-request comment holds at most 65536 characters: the details stop
// well before that, the summary table always fits.
constexpr std::size_t kDetailsBudget = 56000;
constexpr std::size_t kMaxLine = 200;

// One line of untrusted text, safe as Markdown inline text: every character
// that can open markup, a link, an HTML tag, a table cell, maths or a mention
// is backslash-escaped (CommonMark allows that for any ASCII punctuation);
// the rest stays as it is so the source remains readable.
std::string Md(std::string_view raw) {
  constexpr std::string_view kAlways = "\\`*_{}[]<>()#!|~&$@";
  const std::string s = DisplaySafe(raw);
  std::string out;
  bool digits_only = true;  // "1." at the start would open a list
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else {
      const bool at_start = i == 0 && (c == '-' || c == '+' || c == '=');
      if (kAlways.find(c) != std::string_view::npos || at_start ||
          ((c == '.' || c == ')') && digits_only && i > 0))
        out += '\\';
      out += c;
    }
    digits_only = digits_only && c >= '0' && c <= '9';
  }
  return out;
}

std::string Clip(const std::string& s, std::size_t max = kMaxLine) {
  if (s.size() <= max) return s;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8
  return s.substr(0, cut) + fmt::format("... (+{} bytes)", s.size() - cut);
}

// A fenced code block that its content cannot close: the fence is longer than
// any run of backticks inside.
std::string Fenced(const std::vector<std::string>& lines, std::string_view info) {
  std::size_t longest = 0;
  std::vector<std::string> safe;
  for (const std::string& l : lines) {
    safe.push_back(Clip(DisplaySafe(l)));
    std::size_t run = 0;
    for (char c : safe.back()) {
      run = c == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  std::string out = fence + std::string(info) + "\n";
  for (const std::string& l : safe) out += l + "\n";
  return out + fence + "\n";
}

std::string VerdictCell(const TargetReport& t) {
  if (!t.expect_checked) return t.failed_runs > 0 ? "❌ failed" : "✅ ok";
  switch (t.verdict) {
    case Verdict::kAsExpected: return "✅ as expected";
    case Verdict::kNotReproduced: return "⚠️ not reproduced";
    case Verdict::kUnexpectedFailure: return "❌ " + Md(std::string(Name(t.verdict)));
  }
  return "";  // unreachable: the switch is exhaustive
}

std::string TargetDetails(const TargetReport& t) {
  std::string out;
  std::string summary;
  for (FailureClass c : kAllFailureClasses) {
    const Rate rate = ClassRate(t, c);
    if (c != FailureClass::kOk && rate.count > 0)
      summary +=
          fmt::format("{}{} {}/{}", summary.empty() ? "" : ", ", Name(c), rate.count, t.runs);
  }
  out += fmt::format("<details><summary><b>{} / {}</b>{}{}</summary>\n\n",
                     XmlEscape(DisplaySafe(t.id)), XmlEscape(DisplaySafe(BuildName(t.build))),
                     summary.empty() ? "" : " — ", XmlEscape(summary));
  for (const std::string& n : t.notes) out += "> " + Md(n) + "\n\n";
  if (t.pct_bound) out += "PCT: " + Md(PctBoundText(*t.pct_bound)) + "\n\n";
  if (t.harness_errors > 0)
    out += fmt::format(
        "racelab could not carry out {} run(s){}\n\n", t.harness_errors,
        t.harness_error_examples.empty() ? "" : ": " + Md(Clip(t.harness_error_examples[0])));
  for (const ExampleGroup& g : GroupExamples(t)) {
    const Example& e = *g.example;
    std::string names;
    for (FailureClass c : g.classes)
      names +=
          fmt::format("{}**{}** ({} of {} runs)", names.empty() ? "" : ", ",
                      Md(std::string(Name(c))), t.classes.count(c) ? t.classes.at(c) : 0, t.runs);
    out +=
        fmt::format("{}: first in run {} (seed {}, fuzz {})\n\n", names, e.run, e.seed, Md(e.fuzz));
    out += Fenced({e.replay}, "sh");
    if (!e.schedule.empty()) {
      std::vector<std::string> lines = ScheduleFacts(e);
      for (const std::string& l : e.explanation) lines.push_back("preemption " + l);
      for (const std::string& l : e.deadlock) lines.push_back(l);
      out += "\nControlled schedule:\n\n" + Fenced(lines, "text");
    }
    if (e.divergence) {
      const DivergenceInfo& d = *e.divergence;
      std::vector<std::string> diff;
      if (!d.missing_expected) diff.push_back(fmt::format("-{:>6} | {}", d.line, d.expected));
      if (!d.missing_actual) diff.push_back(fmt::format("+{:>6} | {}", d.line, d.actual));
      out += "\nFirst divergence (`-` expected, `+` actual):\n\n" + Fenced(diff, "diff");
    }
    if (!e.excerpt.empty()) {
      std::vector<std::string> lines;
      for (const ExcerptLine& l : e.excerpt) lines.push_back(FormatExcerptLine(l));
      out += "\nOutput around it:\n\n" + Fenced(lines, "text");
    }
    out += "\n";
  }
  if (!t.sanitizer_reports.empty()) {
    out += "| sanitizer report | location | runs |\n|---|---|--:|\n";
    for (const SanitizerSummary& s : t.sanitizer_reports)
      out += fmt::format("| {} | {} | {} of {} |\n", Md(s.kind),
                         s.location.empty() ? "(no source frame)" : Md(s.location), s.runs, t.runs);
    if (t.distinct_signatures_dropped > 0)
      out += fmt::format("\n{} more distinct reports not kept.\n", t.distinct_signatures_dropped);
    out += "\n";
  }
  return out + "</details>\n\n";
}

class MarkdownRenderer final : public Renderer {
 public:
  std::string Render(const Report& r) const override {
    std::size_t failing = 0;
    std::uint64_t total_runs = 0;
    for (const TargetReport& t : r.targets) {
      failing += IsFailing(t) ? 1 : 0;
      total_runs += t.runs;
    }
    const bool expect = std::any_of(r.targets.begin(), r.targets.end(),
                                    [](const TargetReport& t) { return t.expect_checked; });
    std::string out = fmt::format(
        "## racelab: {} {} of {} target{} {}\n\n", failing == 0 ? "✅" : "❌", failing,
        r.targets.size(), r.targets.size() == 1 ? "" : "s",
        expect ? (failing == 1 ? "differs from expectations" : "differ from expectations")
               : "failed");
    out += fmt::format("{} runs (up to {} per target) · fuzz {} · seed {} · {:.1f} s{}\n\n",
                       total_runs, r.settings.runs, Md(r.settings.fuzz), r.settings.seed,
                       r.elapsed_s, r.interrupted ? " · **interrupted: partial results**" : "");
    if (const std::string shards = ShardsText(r); !shards.empty())
      out += fmt::format("shards: {}{}\n\n", Md(shards),
                         r.shards->Partial() ? " · **partial merge**" : "");

    out += "| target | build | runs | failed | failure rate [95% CI] | failure classes |";
    out += expect ? " verdict |\n|---|---|--:|--:|---|---|---|\n"
                  : " status |\n|---|---|--:|--:|---|---|---|\n";
    for (const TargetReport& t : r.targets) {
      std::string classes;
      for (FailureClass c : kAllFailureClasses) {
        const Rate rate = ClassRate(t, c);
        if (c == FailureClass::kOk || rate.count == 0) continue;
        const bool bad = !IsExpected(t, c);
        classes += fmt::format("{}{}{} {}{}", classes.empty() ? "" : ", ", bad ? "**" : "", Name(c),
                               rate.count, bad ? "**" : "");
      }
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", Md(t.id),
                         Md(std::string(BuildName(t.build))), t.runs, t.failed_runs,
                         RateText(RateOf(t.failed_runs, t.runs)), classes.empty() ? "—" : classes,
                         VerdictCell(t));
    }
    out += "\n";

    std::string details;
    std::size_t shown = 0;
    std::size_t with_details = 0;
    for (const TargetReport& t : r.targets) {
      if (t.examples.empty() && t.sanitizer_reports.empty() && t.notes.empty() &&
          t.harness_errors == 0 && !t.pct_bound)
        continue;
      ++with_details;
      std::string d = TargetDetails(t);
      if (details.size() + d.size() > kDetailsBudget) continue;
      details += d;
      ++shown;
    }
    if (with_details > 0) out += "### Details\n\n" + details;
    if (shown < with_details)
      out += fmt::format("_{} more target{} left out to keep this short: see the full report._\n",
                         with_details - shown, with_details - shown == 1 ? "" : "s");
    return out;
  }
};

}  // namespace

std::unique_ptr<Renderer> MakeMarkdownRenderer() {
  return std::make_unique<MarkdownRenderer>();
}

}  // namespace racelab
