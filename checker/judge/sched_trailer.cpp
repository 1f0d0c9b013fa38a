// Parsing the `racelab-sched: ` trailer of a controlled run.
#include "judge/sched_trailer.hpp"

#include <fmt/core.h>

#include "util/number.hpp"

namespace racelab {
namespace {

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

bool ParseU64(std::string_view s, std::uint64_t* out) {
  const auto v = ParseWholeNumber(s);
  if (v) *out = *v;
  return v.has_value();
}

// The value of `key=` up to the next space (or the end).
std::optional<std::string_view> Field(std::string_view line, std::string_view key) {
  std::size_t pos = 0;
  while (true) {
    pos = line.find(key, pos);
    if (pos == std::string_view::npos) return std::nullopt;
    if ((pos == 0 || line[pos - 1] == ' ') && line.substr(pos + key.size(), 1) == "=") break;
    pos += key.size();
  }
  std::string_view v = line.substr(pos + key.size() + 1);
  return v.substr(0, v.find(' '));
}

bool NumberField(std::string_view line, std::string_view key, std::uint64_t* out) {
  auto v = Field(line, key);
  return v && ParseU64(*v, out);
}

// "step=12 from=2 at=p1s4.cpp:41 (read) to=3 at=p1s4.cpp:38 (write)"
std::optional<SchedPreemption> ParsePreemption(std::string_view rest) {
  SchedPreemption p;
  const std::size_t to = rest.find(" to=");
  if (to == std::string_view::npos) return std::nullopt;
  const std::string_view first = rest.substr(0, to), second = rest.substr(to + 1);
  if (!NumberField(first, "step", &p.step) || !NumberField(first, "from", &p.from) ||
      !NumberField(second, "to", &p.to))
    return std::nullopt;
  const std::size_t at1 = first.find(" at="), at2 = second.find(" at=");
  if (at1 == std::string_view::npos || at2 == std::string_view::npos) return std::nullopt;
  p.from_at = std::string(first.substr(at1 + 4));
  p.to_at = std::string(second.substr(at2 + 4));
  return p;
}

void ParseLine(std::string_view line, SchedTrailer& t) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  bool ok = true;
  if (StartsWith(line, "schedule ")) {
    t.schedule = std::string(line.substr(9));
  } else if (StartsWith(line, "stats ")) {
    t.stats_seen = true;
    NumberField(line, "threads", &t.threads);
    NumberField(line, "steps", &t.steps);
    NumberField(line, "preemptions", &t.preemptions);
    NumberField(line, "deviations", &t.deviations);
    if (auto s = Field(line, "strategy")) t.strategy = std::string(*s);
    std::uint64_t seed = 0;
    if (NumberField(line, "seed", &seed)) t.seed = seed;
  } else if (StartsWith(line, "preemption ")) {
    if (auto p = ParsePreemption(line.substr(11)))
      t.preemption_lines.push_back(std::move(*p));
    else
      ok = false;
  } else if (StartsWith(line, "deadlock")) {
    t.deadlock = true;
    NumberField(line, "step", &t.deadlock_step);
    t.deadlock_lines.emplace_back(line);
  } else if (StartsWith(line, "thread ") && line.find(" blocked") != std::string_view::npos) {
    t.deadlock_lines.emplace_back(line);
  } else if (StartsWith(line, "step-limit")) {
    t.step_limit = true;
    ParseU64(
        line.substr(line.find(' ') == std::string_view::npos ? line.size() : line.find(' ') + 1),
        &t.step_limit_steps);
  } else if (StartsWith(line, "diverged")) {
    t.diverged = true;
    NumberField(line, "step", &t.diverged_step);
    const std::size_t r = line.find("reason=");
    if (r != std::string_view::npos) t.diverged_reason = std::string(line.substr(r + 7));
  } else {
    ok = false;
  }
  if (!ok) t.unknown.emplace_back(line);
}

}  // namespace

std::string SchedPreemption::Describe() const {
  return fmt::format("step {}: thread {} at {} -> thread {} runs {}", step, from, from_at, to,
                     to_at);
}

std::vector<std::string> SchedTrailer::Explanation() const {
  std::vector<std::string> out;
  for (const SchedPreemption& p : preemption_lines) out.push_back(p.Describe());
  return out;
}

std::string SchedTrailer::DivergedText() const {
  if (!diverged) return "";
  return fmt::format("schedule diverged at step {}: {}", diverged_step,
                     diverged_reason.empty() ? "(no reason given)" : diverged_reason);
}

SchedTrailer ParseSchedTrailer(std::string_view err) {
  SchedTrailer t;
  // Every run's stderr passes here: most have no trailer, and one search says so. The
  // trailer comes last, so the line-by-line pass starts at the line of its first mention.
  std::size_t pos = err.find(kSchedPrefix);
  if (pos == std::string_view::npos) return t;
  pos = err.rfind('\n', pos);
  pos = pos == std::string_view::npos ? 0 : pos + 1;
  while (pos < err.size()) {
    std::size_t nl = err.find('\n', pos);
    if (nl == std::string_view::npos) nl = err.size();
    const std::string_view line = err.substr(pos, nl - pos);
    pos = nl + 1;
    if (!StartsWith(line, kSchedPrefix)) continue;
    t.present = true;
    ParseLine(line.substr(kSchedPrefix.size()), t);
  }
  return t;
}

std::string StripSchedLines(std::string_view err) {
  if (err.find(kSchedPrefix) == std::string_view::npos) return std::string(err);
  std::string out;
  out.reserve(err.size());
  std::size_t pos = 0;
  while (pos < err.size()) {
    std::size_t nl = err.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? err.size() : nl + 1;
    const std::string_view line = err.substr(pos, end - pos);
    if (!StartsWith(line, kSchedPrefix)) out.append(line);
    pos = end;
  }
  return out;
}

}  // namespace racelab
