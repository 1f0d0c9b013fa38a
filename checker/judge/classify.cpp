// One run's verdict: oracle classes + sanitizer classes + how the process ended.
#include "judge/classify.hpp"

#include <fmt/core.h>

#include <cstring>

#include "protocol/exit_status.hpp"

namespace racelab {

std::string Printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '\t' || (c >= 0x20 && c != 0x7f))
      out += static_cast<char>(c);
    else
      out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

namespace {

// A torn line can be megabytes long (one run printed 10 MiB without a newline):
// an excerpt keeps its start, so reports stay small whatever a program prints.
constexpr std::size_t kMaxExcerptLineBytes = 400;

std::string Clipped(std::string_view line) {
  return std::string(line.substr(0, kMaxExcerptLineBytes)) +
         fmt::format("... (+{} bytes)", line.size() - kMaxExcerptLineBytes);
}

std::string PrintableClipped(std::string_view line) {
  if (line.size() <= kMaxExcerptLineBytes) return Printable(line);
  return Printable(line.substr(0, kMaxExcerptLineBytes)) +
         fmt::format("... (+{} bytes)", line.size() - kMaxExcerptLineBytes);
}

}  // namespace

std::vector<std::string> PrintableLines(std::string_view text, std::size_t max_lines) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size() && out.size() < max_lines) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(PrintableClipped(text.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return out;
}

std::vector<std::string> ExcerptAround(std::string_view text, std::uint64_t line, int radius) {
  std::vector<std::string> out;
  const std::uint64_t first = line > static_cast<std::uint64_t>(radius) ? line - radius : 1;
  const std::uint64_t last = line + radius;
  std::uint64_t n = 1;
  std::size_t pos = 0;
  while (pos <= text.size() && n <= last) {
    std::size_t nl = text.find('\n', pos);
    const bool final_piece = nl == std::string_view::npos;
    if (final_piece) nl = text.size();
    if (final_piece && pos == text.size()) break;  // nothing after the last newline
    if (n >= first)
      out.push_back(fmt::format("{}{:>6} | {}", n == line ? '>' : ' ', n,
                                PrintableClipped(text.substr(pos, nl - pos))));
    pos = nl + 1;
    ++n;
  }
  return out;
}

RunVerdict Classify(const ProcessResult& r, const Target& t, const SanitizerOptions& sopts) {
  RunVerdict v;
  switch (r.termination) {
    case Termination::kSpawnFailed:
      v.harness_error = true;
      v.harness_error_text =
          fmt::format("cannot start {}: {}", t.executable, std::strerror(r.spawn_error));
      return v;
    case Termination::kCancelled:
      v.harness_error = true;
      v.harness_error_text = "cancelled";
      return v;
    case Termination::kTimedOut: v.classes.Add(FailureClass::kTimeout); break;
    case Termination::kOutputOverflow: v.classes.Add(FailureClass::kOutputOverflow); break;
    case Termination::kSignaled: v.classes.Add(FailureClass::kCrash); break;
    case Termination::kExited: break;
  }

  // The trailer is racelab's protocol, not the program's stderr: the
  // sanitizer parser never sees it.
  v.sched = protocol::ParseSchedTrailer(r.err);
  SanitizerScan scan = v.sched.present
                           ? ScanSanitizerOutput(protocol::StripSchedLines(r.err), sopts)
                           : ScanSanitizerOutput(r.err, sopts);
  v.classes.Merge(scan.classes);
  v.reports = std::move(scan.reports);
  // Kinds and function names come from the program's stderr and can be
  // megabytes long; what reaches a report is cut like an excerpt line.
  for (SanitizerReport& rep : v.reports)
    for (std::string* field : {&rep.kind, &rep.signature, &rep.location})
      if (field->size() > kMaxExcerptLineBytes) *field = Clipped(*field);

  // Output cut short by racelab is not the program's answer: judge only
  // output the program finished writing by itself.
  const bool complete =
      r.termination == Termination::kExited || r.termination == Termination::kSignaled;
  if (complete) {
    OracleVerdict ov;
    switch (t.oracle) {
      case OracleKind::kSumSequence: ov = CheckSumSequence(r.out, t.iterations); break;
      case OracleKind::kRiemann: ov = CheckRiemann(r.out, t.exact, t.tolerance); break;
      case OracleKind::kExitStatus: break;
    }
    v.classes.Merge(ov.classes);
    v.divergence = std::move(ov.first_divergence);
  }

  // A controlled run that stopped itself: every thread blocked, or the step
  // limit (a livelock, classed like a hang).
  if (v.sched.deadlock) v.classes.Add(FailureClass::kDeadlock);
  if (v.sched.step_limit) v.classes.Add(FailureClass::kTimeout);

  if (r.termination == Termination::kExited && r.exit_code != 0) {
    // A sanitizer explains its own exit status (TSan's 66 after a report) and
    // a runtime abort; an oracle class does not explain an exit status. The
    // scheduler's 86 and 87 are explained by their trailer lines.
    bool explained = !v.reports.empty() || v.classes.Has(FailureClass::kSanitizerFatal) ||
                     v.classes.Has(FailureClass::kCrash) ||
                     (r.exit_code == protocol::kDeadlockExitStatus && v.sched.deadlock) ||
                     (r.exit_code == protocol::kStepLimitExitStatus && v.sched.step_limit);
    if (!explained) v.classes.Add(FailureClass::kBadExit);
  }
  v.classes = v.classes.Finalized();
  return v;
}

}  // namespace racelab
