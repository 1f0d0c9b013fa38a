// Replaying one run, and its view: classes, a diff around the first divergence, sanitizer reports.
#include "controlled/replay.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "judge/oracle.hpp"
#include "protocol/env.hpp"
#include "report/report_view.hpp"
#include "util/text_util.hpp"

namespace racelab {

ReplayResult Replay(ProcessRunner& runner, const Target& t, const CampaignOptions& o,
                    const FuzzSetting& f, std::uint64_t seed, const std::string& schedule) {
  ReplayResult r;
  r.target = t;
  r.fuzz = f;
  r.seed = seed;
  r.schedule = schedule;
  r.process = runner.Run(MakeSpec(
      t, o, f, seed, schedule, schedule.empty() ? "" : std::string(protocol::kScheduleModeExact)));
  r.verdict = Classify(r.process, t, o.sanitizer);
  if (t.oracle == OracleKind::kSumSequence) r.expected_output = ExpectedSumSequence(t.iterations);
  return r;
}

namespace {

// Lines as the oracles count them: split at '\n', a final line without '\n'
// counts, "a\n" has one line.
std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t nl = s.find('\n', pos);
    if (nl == std::string_view::npos) nl = s.size();
    out.push_back(s.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

enum class Op { kEqual, kDelete, kInsert };

// Shortest edit script of two short windows (longest common subsequence):
// deletions before insertions where both fit, as diff(1) prints them.
std::vector<Op> EditScript(const std::vector<std::string_view>& x,
                           const std::vector<std::string_view>& y) {
  const std::size_t n = x.size(), m = y.size();
  std::vector<std::vector<std::uint32_t>> lcs(n + 1, std::vector<std::uint32_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<Op> ops;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] == y[j]) {
      ops.push_back(Op::kEqual);
      ++i, ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back(Op::kDelete);
      ++i;
    } else {
      ops.push_back(Op::kInsert);
      ++j;
    }
  }
  return ops;
}

}  // namespace

DiffHunk FirstDivergenceHunk(std::string_view expected, std::string_view actual,
                             const Divergence& d, int context, std::size_t max_lines) {
  const std::vector<std::string_view> x = SplitLines(expected);
  const std::vector<std::string_view> a = SplitLines(actual);
  const std::size_t c = static_cast<std::size_t>(std::max(0, context));
  // The oracle compares the i-th non-elapsed actual line with the i-th
  // expected line: the divergence's expected index follows from that.
  std::size_t div = std::max<std::size_t>(1, d.line);
  std::size_t exp_at = 1;
  for (std::size_t i = 0; i + 1 < div && i < a.size(); ++i) exp_at += IsElapsedLine(a[i]) ? 0 : 1;
  // A window wider than any hunk shown, so its edges do not fake changes.
  const std::size_t window = max_lines + 2 * c + 20;
  // `c` lines of context on either side: on the actual side, elapsed lines
  // among them do not count (they have no expected partner).
  const std::size_t xs = exp_at > c ? exp_at - c : 1;
  std::size_t as = std::min(div, a.size() + 1);
  for (std::size_t n = 0; as > 1 && n < c;) n += IsElapsedLine(a[--as - 1]) ? 0 : 1;
  const std::size_t xe = std::min(x.size(), exp_at + window), ae = std::min(a.size(), div + window);
  std::vector<std::string_view> xw, aw;
  for (std::size_t i = xs; i <= xe; ++i) xw.push_back(x[i - 1]);
  for (std::size_t i = as; i <= ae; ++i) aw.push_back(a[i - 1]);
  const std::vector<Op> ops = EditScript(xw, aw);

  DiffHunk h;
  std::size_t first = 0;
  while (first < ops.size() && ops[first] == Op::kEqual) ++first;
  if (first == ops.size()) return h;  // the windows agree: nothing to show
  const std::size_t begin = first > c ? first - c : 0;
  // The hunk ends `c` equal lines after its last change, where more than 2c
  // equal lines follow (diff -U's rule), or at max_lines.
  std::size_t last_change = first, end = ops.size();
  for (std::size_t i = first; i < ops.size(); ++i) {
    if (ops[i] != Op::kEqual) last_change = i;
    if (i - last_change > 2 * c) {
      end = last_change + c + 1;
      break;
    }
  }
  end = std::min(end, std::max(last_change + c + 1, first + 1));
  end = std::min(end, ops.size());
  if (end - begin > max_lines) {
    end = begin + max_lines;
    h.cut = true;
  }
  for (std::size_t i = end; i < ops.size(); ++i)
    if (ops[i] != Op::kEqual) h.more_after = true;

  // Positions (1-based) of the hunk's first lines on either side.
  std::size_t xi = xs, ai = as;
  for (std::size_t i = 0; i < begin; ++i) {
    xi += ops[i] != Op::kInsert ? 1 : 0;
    ai += ops[i] != Op::kDelete ? 1 : 0;
  }
  std::size_t xn = 0, an = 0;
  std::vector<std::string> body;
  std::size_t px = xi - xs, pa = ai - as;  // indexes into the windows
  for (std::size_t i = begin; i < end; ++i) {
    switch (ops[i]) {
      case Op::kEqual:
        body.push_back(" " + std::string(xw[px++]));
        ++pa, ++xn, ++an;
        break;
      case Op::kDelete:
        body.push_back("-" + std::string(xw[px++]));
        ++xn;
        break;
      case Op::kInsert:
        body.push_back("+" + std::string(aw[pa++]));
        ++an;
        break;
    }
  }
  // An empty side names the line before it (diff's convention).
  const auto range = [](std::size_t start, std::size_t n) {
    return n == 1 ? std::to_string(start) : fmt::format("{},{}", n == 0 ? start - 1 : start, n);
  };
  h.lines.push_back(fmt::format("@@ -{} +{} @@", range(xi, xn), range(ai, an)));
  h.lines.insert(h.lines.end(), body.begin(), body.end());
  return h;
}

Result<ColorMode> ParseColorMode(std::string_view s) {
  if (s == "never") return ColorMode::kNever;
  if (s == "auto") return ColorMode::kAuto;
  if (s == "always") return ColorMode::kAlways;
  return UsageError{fmt::format("--color: expected never, auto or always, got '{}'", s)};
}

bool UseColor(ColorMode mode, bool stdout_is_terminal, const char* no_color_env) {
  switch (mode) {
    case ColorMode::kNever: return false;
    case ColorMode::kAlways: return true;
    case ColorMode::kAuto:
      return stdout_is_terminal && (no_color_env == nullptr || *no_color_env == '\0');
  }
  return false;
}

std::string RenderReplay(const ReplayResult& r, bool color) {
  const auto paint = [color](const char* code, const std::string& s) {
    return color ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
  };
  constexpr const char* kBold = "1";
  constexpr const char* kRed = "31";
  constexpr const char* kGreen = "32";
  constexpr const char* kCyan = "36";
  constexpr const char* kDim = "2";

  std::string out;
  std::string classes;
  r.verdict.classes.ForEach([&](FailureClass c) {
    if (!classes.empty()) classes += ", ";
    classes += Name(c);
  });
  if (r.verdict.harness_error)
    classes = "racelab error: " + TerminalSafe(r.verdict.harness_error_text);
  const bool ok = r.verdict.classes.Has(FailureClass::kOk) && !r.verdict.harness_error;
  const std::string what =
      r.schedule.empty() ? fmt::format("replay {} seed {} fuzz {}", TerminalSafe(r.target.Label()),
                                       r.seed, r.fuzz.ToString())
                         : fmt::format("replay {} schedule {}", TerminalSafe(r.target.Label()),
                                       TerminalSafe(r.schedule));
  out += paint(kBold, what) + ": " + paint(ok ? kGreen : kRed, classes) + "\n";
  const ProcessResult& p = r.process;
  switch (p.termination) {
    case Termination::kExited: out += fmt::format("exit status {}", p.exit_code); break;
    case Termination::kSignaled: out += fmt::format("killed by signal {}", p.signal); break;
    case Termination::kTimedOut: out += "timed out: racelab killed it"; break;
    case Termination::kOutputOverflow: out += "output over the cap: racelab killed it"; break;
    case Termination::kCancelled: out += "cancelled"; break;
    case Termination::kSpawnFailed: out += "could not be started"; break;
  }
  const std::size_t lines = SplitLines(p.out).size();
  out += fmt::format(", {:.3f} s, {} line{} of output\n", static_cast<double>(p.wall.count()) / 1e6,
                     lines, lines == 1 ? "" : "s");
  // Controlled scheduling: what the run's trailer says (docs/scheduling.md).
  const protocol::SchedTrailer& st = r.verdict.sched;
  if (st.diverged) out += paint(kRed, TerminalSafe(st.DivergedText())) + "\n";
  if (st.present) {
    if (!st.schedule.empty()) out += "schedule " + TerminalSafe(st.schedule);
    if (st.stats_seen)
      out += fmt::format("{}{} thread{}, {} steps, {} preemption{}",
                         st.schedule.empty() ? "" : ": ", st.threads, st.threads == 1 ? "" : "s",
                         st.steps, st.preemptions, st.preemptions == 1 ? "" : "s");
    out += "\n";
    for (const std::string& l : st.Explanation()) out += "  preemption " + TerminalSafe(l) + "\n";
    for (const std::string& l : st.deadlock_lines) out += "  " + TerminalSafe(l) + "\n";
    if (st.step_limit) out += fmt::format("  step limit {} reached\n", st.step_limit_steps);
  }

  const std::optional<Divergence>& d = r.verdict.divergence;
  if (!d) {
    if (!r.verdict.harness_error)
      out += "\nstdout: as expected" +
             std::string(r.expected_output.empty() ? "" : " (exactly the expected text)") + "\n";
  } else if (!r.expected_output.empty()) {
    out += fmt::format("\nfirst divergence at line {} of the output\n", d->line);
    const DiffHunk h = FirstDivergenceHunk(r.expected_output, p.out, *d);
    out += paint(kBold, "--- expected") + "\n" + paint(kBold, "+++ actual") + "\n";
    for (const std::string& l : h.lines) {
      const std::string safe = TerminalSafe(l);
      if (l.rfind("@@", 0) == 0)
        out += paint(kCyan, safe) + "\n";
      else if (l[0] == '-')
        out += paint(kGreen, safe) + "\n";
      else if (l[0] == '+')
        out += paint(kRed, safe) + "\n";
      else
        out += safe + "\n";
    }
    if (h.cut || h.more_after)
      out +=
          paint(kDim, fmt::format("... the outputs differ further (expected {} lines, actual {})",
                                  SplitLines(r.expected_output).size(), lines)) +
          "\n";
  } else {
    // No expected text (Problem 2's oracle judges one line): the output around it.
    out += fmt::format("\nfirst divergence at line {} of the output\n", d->line);
    out += paint(kGreen, "expected: " + (d->missing_expected ? std::string("(nothing more)")
                                                             : TerminalSafe(d->expected))) +
           "\n";
    out += paint(kRed, "actual:   " + (d->missing_actual ? std::string("(output ends)")
                                                         : TerminalSafe(d->actual))) +
           "\n";
    out += "--- stdout around it ---\n";
    for (const std::string& l : ExcerptAround(p.out, d->line, 5)) {
      const bool marked = l[0] == '>';
      out += marked ? paint(kRed, TerminalSafe(l)) + "\n" : TerminalSafe(l) + "\n";
    }
  }

  if (!r.verdict.reports.empty()) {
    out += fmt::format("\n--- sanitizer reports ({}) ---\n", r.verdict.reports.size());
    for (const SanitizerReport& s : r.verdict.reports) {
      out += paint(kBold, TerminalSafe(s.kind)) + " at " +
             (s.location.empty() ? "(no source frame)" : TerminalSafe(s.location)) + "\n";
      for (const std::string& l : PrintableLines(s.text, 1000)) out += TerminalSafe(l) + "\n";
    }
  } else if (const std::string err = protocol::StripSchedLines(p.err); !err.empty()) {
    out += "\n--- stderr ---\n";
    for (const std::string& l : PrintableLines(err, 100)) out += TerminalSafe(l) + "\n";
  }
  return out;
}

}  // namespace racelab
