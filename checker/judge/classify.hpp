// Turns one finished run (exit, output, stderr) into its set of classes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "judge/failure_class.hpp"
#include "judge/oracle.hpp"
#include "judge/sanitizer_report.hpp"
#include "protocol/trailer.hpp"
#include "run/process.hpp"
#include "run/target.hpp"
#include "util/excerpt_line.hpp"
#include "util/text_util.hpp"  // Printable

namespace racelab {

struct RunVerdict {
  ClassSet classes;  // finalized: {ok} or failures only
  std::optional<Divergence> divergence;
  std::vector<SanitizerReport> reports;
  // The `racelab-sched: ` trailer of a controlled run (present == false otherwise).
  protocol::SchedTrailer sched;
  // racelab could not carry the run out (spawn failure): not the program's
  // fault, and not counted as a run of it.
  bool harness_error = false;
  std::string harness_error_text;
};

RunVerdict Classify(const ProcessResult& r, const Target& t, const SanitizerOptions& sopts);

// Lines of `text` around 1-based line `line` (radius either side), numbered,
// `line` marked; control characters escaped, a line longer than 400 bytes cut
// there and marked "... (+N bytes)".
std::vector<ExcerptLine> ExcerptLinesAround(std::string_view text, std::uint64_t line, int radius);
// The same lines formatted by FormatExcerptLine.
std::vector<std::string> ExcerptAround(std::string_view text, std::uint64_t line, int radius);

// The first max_lines lines of text, each made Printable and cut as above.
std::vector<std::string> PrintableLines(std::string_view text, std::size_t max_lines);

}  // namespace racelab
