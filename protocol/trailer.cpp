// Parsing the trailer of a controlled run.
#include "protocol/trailer.hpp"

#include <algorithm>

namespace racelab::protocol {
namespace {

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// `word` followed by a space (or the end of the line).
bool StartsWithWord(std::string_view s, std::string_view word) {
  return StartsWith(s, word) && (s.size() == word.size() || s[word.size()] == ' ');
}

bool ParseU64(std::string_view s, std::uint64_t* out) {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *out = v;
  return true;
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

// The text after " at=" in `part`, or nullopt.
std::optional<std::string_view> AtField(std::string_view part) {
  const std::string at = " " + std::string(trailer::kAt) + "=";
  const std::size_t pos = part.find(at);
  if (pos == std::string_view::npos) return std::nullopt;
  return part.substr(pos + at.size());
}

// "step=12 from=2 at=p1s4.cpp:41 (read) to=3 at=p1s4.cpp:38 (write)"
std::optional<SchedPreemption> ParsePreemption(std::string_view rest) {
  SchedPreemption p;
  const std::size_t to = rest.find(" " + std::string(trailer::kTo) + "=");
  if (to == std::string_view::npos) return std::nullopt;
  const std::string_view first = rest.substr(0, to), second = rest.substr(to + 1);
  if (!NumberField(first, trailer::kStep, &p.step) ||
      !NumberField(first, trailer::kFrom, &p.from) || !NumberField(second, trailer::kTo, &p.to))
    return std::nullopt;
  const auto from_at = AtField(first), to_at = AtField(second);
  if (!from_at || !to_at) return std::nullopt;
  p.from_at = std::string(*from_at);
  p.to_at = std::string(*to_at);
  return p;
}

// "step=12 thread=2 runnable=0-3,5 at=p1s4.cpp:41 (read)"
std::optional<SchedChoice> ParseChoice(std::string_view rest) {
  SchedChoice c;
  const auto at = AtField(rest);
  const auto runnable = Field(rest, trailer::kRunnable);
  if (!NumberField(rest, trailer::kStep, &c.step) ||
      !NumberField(rest, trailer::kThread, &c.thread) || !at || !runnable || runnable->empty())
    return std::nullopt;
  c.at = std::string(*at);
  std::string_view list = *runnable;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view range = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    const std::size_t dash = range.find('-');
    std::uint64_t first = 0, last = 0;
    if (!ParseU64(range.substr(0, dash), &first)) return std::nullopt;
    last = first;
    if (dash != std::string_view::npos && !ParseU64(range.substr(dash + 1), &last))
      return std::nullopt;
    if (last < first || (!c.runnable.empty() && first <= c.runnable.back().second))
      return std::nullopt;
    c.runnable.emplace_back(first, last);
    if (comma != std::string_view::npos && list.empty()) return std::nullopt;
  }
  return c;
}

void ParseLine(std::string_view line, SchedTrailer& t) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // The text after `word` and its space.
  const auto after = [&](std::string_view word) {
    return line.substr(std::min(line.size(), word.size() + 1));
  };
  bool ok = true;
  if (StartsWithWord(line, trailer::kSchedule)) {
    t.schedule = std::string(after(trailer::kSchedule));
  } else if (StartsWithWord(line, trailer::kStats)) {
    t.stats_seen = true;
    NumberField(line, trailer::kThreads, &t.threads);
    NumberField(line, trailer::kSteps, &t.steps);
    NumberField(line, trailer::kPreemptions, &t.preemptions);
    NumberField(line, trailer::kDeviations, &t.deviations);
    if (auto s = Field(line, trailer::kStrategy)) t.strategy = std::string(*s);
    std::uint64_t seed = 0;
    if (NumberField(line, trailer::kSeed, &seed)) t.seed = seed;
  } else if (StartsWithWord(line, trailer::kChoice)) {
    if (auto c = ParseChoice(after(trailer::kChoice)))
      t.choices.push_back(std::move(*c));
    else
      ok = false;
  } else if (StartsWithWord(line, trailer::kPreemption)) {
    if (auto p = ParsePreemption(after(trailer::kPreemption)))
      t.preemption_lines.push_back(std::move(*p));
    else
      ok = false;
  } else if (StartsWith(line, trailer::kDeadlock)) {
    t.deadlock = true;
    NumberField(line, trailer::kStep, &t.deadlock_step);
    t.deadlock_lines.emplace_back(line);
  } else if (StartsWithWord(line, trailer::kThread) &&
             line.find(" " + std::string(trailer::kBlockedIn)) != std::string_view::npos) {
    t.deadlock_lines.emplace_back(line);
  } else if (StartsWith(line, trailer::kStepLimit)) {
    t.step_limit = true;
    ParseU64(after(trailer::kStepLimit), &t.step_limit_steps);
  } else if (StartsWith(line, trailer::kDiverged)) {
    t.diverged = true;
    NumberField(line, trailer::kStep, &t.diverged_step);
    const std::string reason = std::string(trailer::kReason) + "=";
    const std::size_t r = line.find(reason);
    if (r != std::string_view::npos)
      t.diverged_reason = std::string(line.substr(r + reason.size()));
  } else {
    ok = false;
  }
  if (!ok) t.unknown.emplace_back(line);
}

}  // namespace

bool SchedChoice::Runnable(std::uint64_t t) const {
  for (const auto& [first, last] : runnable)
    if (first <= t && t <= last) return true;
  return false;
}

std::string SchedPreemption::Describe() const {
  return "step " + std::to_string(step) + ": thread " + std::to_string(from) + " at " + from_at +
         " -> thread " + std::to_string(to) + " runs " + to_at;
}

std::vector<std::string> SchedTrailer::Explanation() const {
  std::vector<std::string> out;
  for (const SchedPreemption& p : preemption_lines) out.push_back(p.Describe());
  return out;
}

std::string SchedTrailer::DivergedText() const {
  if (!diverged) return "";
  return "schedule diverged at step " + std::to_string(diverged_step) + ": " +
         (diverged_reason.empty() ? "(no reason given)" : diverged_reason);
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

}  // namespace racelab::protocol
