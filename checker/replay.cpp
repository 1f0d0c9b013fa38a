// One run, shown in full: classes, marked output, sanitizer reports.
#include "replay.hpp"

#include <fmt/core.h>

#include "oracle.hpp"

namespace racelab {

ReplayResult Replay(ProcessRunner& runner, const Target& t, const CampaignOptions& o,
                    const FuzzSetting& f, std::uint64_t seed) {
  ReplayResult r;
  r.target = t;
  r.fuzz = f;
  r.seed = seed;
  r.process = runner.Run(MakeSpec(t, o, f, seed));
  r.verdict = Classify(r.process, t, o.sanitizer);
  if (t.oracle == OracleKind::kSumSequence) r.expected_output = ExpectedSumSequence(t.iterations);
  return r;
}

namespace {

std::size_t CountLines(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n');
}

}  // namespace

std::string RenderReplay(const ReplayResult& r, bool color) {
  const char* red = color ? "\033[31m" : "";
  const char* green = color ? "\033[32m" : "";
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  std::string out;
  std::string classes;
  r.verdict.classes.ForEach([&](FailureClass c) {
    if (!classes.empty()) classes += ", ";
    classes += Name(c);
  });
  if (r.verdict.harness_error) classes = "racelab error: " + r.verdict.harness_error_text;
  const bool ok = r.verdict.classes.Has(FailureClass::kOk);
  out += fmt::format("{}replay {} seed {} fuzz {}{}: {}{}{}\n", bold, r.target.Label(), r.seed,
                     r.fuzz.ToString(), reset, ok ? green : red, classes, reset);
  const ProcessResult& p = r.process;
  switch (p.termination) {
    case Termination::kExited: out += fmt::format("exit status {}", p.exit_code); break;
    case Termination::kSignaled: out += fmt::format("killed by signal {}", p.signal); break;
    case Termination::kTimedOut: out += "timed out: racelab killed it"; break;
    case Termination::kOutputOverflow: out += "output over the cap: racelab killed it"; break;
    case Termination::kCancelled: out += "cancelled"; break;
    case Termination::kSpawnFailed: out += "could not be started"; break;
  }
  out += fmt::format(", {:.3f} s\n", static_cast<double>(p.wall.count()) / 1e6);

  const std::uint64_t lines = CountLines(p.out);
  const std::uint64_t div = r.verdict.divergence ? r.verdict.divergence->line : 0;
  out += fmt::format("\n--- stdout ({} lines{}) ---\n", lines,
                     div ? fmt::format("; first divergence at line {}", div) : "");
  std::vector<std::string> shown;
  if (lines <= 400)
    shown = ExcerptAround(p.out, 1 + 200, 200 + 200);  // radius covers every line
  else if (div)
    shown = ExcerptAround(p.out, div, 15);
  else
    shown = ExcerptAround(p.out, lines, 15);
  for (std::string& l : shown) {
    const bool marked = div && l.rfind(fmt::format(">{:>6} |", div), 0) == 0;
    if (!marked) l[0] = ' ';  // ExcerptAround marks its centre; only the divergence counts
    out += marked ? fmt::format("{}{}{}\n", red, l, reset) : l + "\n";
    if (marked) {
      out += r.verdict.divergence->missing_expected
                 ? fmt::format("{}  expected | (nothing more){}\n", green, reset)
                 : fmt::format("{}  expected | {}{}\n", green,
                               Printable(r.verdict.divergence->expected), reset);
    }
  }
  if (div && r.verdict.divergence->missing_actual)
    out += fmt::format("{}  (output ends; expected line {}: {}){}\n", green, div,
                       Printable(r.verdict.divergence->expected), reset);
  if (!r.verdict.reports.empty()) {
    out += fmt::format("\n--- sanitizer reports ({}) ---\n", r.verdict.reports.size());
    for (const SanitizerReport& s : r.verdict.reports) {
      out += fmt::format("{}{}{} at {}\n", bold, s.kind, reset,
                         s.location.empty() ? "(no source frame)" : s.location);
      for (const std::string& l : PrintableLines(s.text, 1000)) out += l + "\n";
    }
  } else if (!p.err.empty()) {
    out += "\n--- stderr ---\n";
    for (const std::string& l : PrintableLines(p.err, 100)) out += l + "\n";
  }
  return out;
}

}  // namespace racelab
