// Replaying one run: same target, build, seed and fuzz setting as a report's example.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "judge/classify.hpp"
#include "judge/result.hpp"
#include "run/campaign.hpp"

namespace racelab {

struct ReplayResult {
  Target target;
  FuzzSetting fuzz;
  std::uint64_t seed = 0;
  std::string schedule;  // replayed exactly ("" = a seed replay)
  ProcessResult process;
  RunVerdict verdict;
  std::string expected_output;  // "" when the oracle has no expected text
};

// With a schedule: RACELAB_SCHEDULE=schedule, RACELAB_SCHEDULE_MODE=exact.
ReplayResult Replay(ProcessRunner& runner, const Target& t, const CampaignOptions& o,
                    const FuzzSetting& f, std::uint64_t seed, const std::string& schedule = "");

// The replay view: the run's classes and exit, a unified diff of the expected
// and the actual output around the first divergence (where the oracle has an
// expected text; else the output around the divergence), and the run's
// sanitizer reports. Untrusted output is made terminal-safe; `color` adds ANSI
// colours (expected green, actual red, as test runners show them).
std::string RenderReplay(const ReplayResult& r, bool color);

// One hunk of a unified diff (without the ---/+++ header) of `expected` vs
// `actual` around the first divergence `d` (as the oracle found it in
// `actual`): up to `context` equal lines either side, at most max_lines lines
// in the hunk. Each line starts with ' ', '-' or '+'; the first is the @@
// header. Lines are the raw text, not yet made terminal-safe.
struct DiffHunk {
  std::vector<std::string> lines;
  bool cut = false;         // more than max_lines: the hunk stops early
  bool more_after = false;  // the outputs differ again after the hunk
};
DiffHunk FirstDivergenceHunk(std::string_view expected, std::string_view actual,
                             const Divergence& d, int context = 3, std::size_t max_lines = 40);

// --color: never, auto (a terminal on stdout and NO_COLOR unset or empty, as
// no-color.org asks) or always (overrides NO_COLOR, as a command-line flag may).
enum class ColorMode { kNever, kAuto, kAlways };
Result<ColorMode> ParseColorMode(std::string_view s);
bool UseColor(ColorMode mode, bool stdout_is_terminal, const char* no_color_env);

}  // namespace racelab
