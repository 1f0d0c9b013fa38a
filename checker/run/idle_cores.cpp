// Idle cores from /proc/stat (idle_cores.hpp).
#include "run/idle_cores.hpp"

#include <sched.h>

#include <algorithm>
#include <string>

#include "util/file_util.hpp"
#include "util/number.hpp"

namespace racelab {

std::map<int, CpuTicks> ParseProcStat(std::string_view text) {
  std::map<int, CpuTicks> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    // "cpuN user nice system idle iowait irq softirq steal guest guest_nice"; the
    // aggregate "cpu " line has no number and is skipped.
    const std::size_t gap = line.find(' ');
    if (line.substr(0, 3) != "cpu" || gap == std::string_view::npos) continue;
    const std::optional<std::uint64_t> cpu = ParseWholeNumber(line.substr(3, gap - 3), 0, 1 << 20);
    if (!cpu) continue;
    std::uint64_t field[8] = {};
    int n = 0;
    std::string_view rest = line.substr(gap + 1);
    while (!rest.empty() && n < 8) {
      const std::size_t space = rest.find(' ');
      const std::string_view word = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      if (word.empty()) continue;
      const std::optional<std::uint64_t> v = ParseWholeNumber(word);
      if (!v) break;
      field[n++] = *v;
    }
    if (n < 5) continue;
    CpuTicks t;
    // guest and guest_nice are already counted in user and nice: left out.
    for (int k = 0; k < n; ++k) t.total += field[k];
    t.idle = field[3] + field[4];
    out[static_cast<int>(*cpu)] = t;
  }
  return out;
}

std::optional<double> IdleShareBetween(const std::map<int, CpuTicks>& before,
                                       const std::map<int, CpuTicks>& after,
                                       const std::set<int>& cpus) {
  std::uint64_t idle = 0, total = 0;
  for (const auto& [cpu, now] : after) {
    if (!cpus.empty() && cpus.count(cpu) == 0) continue;
    const auto it = before.find(cpu);
    if (it == before.end() || now.total < it->second.total || now.idle < it->second.idle)
      continue;  // a CPU that came online, or counters that went back: no evidence
    idle += now.idle - it->second.idle;
    total += now.total - it->second.total;
  }
  if (total == 0) return std::nullopt;
  return static_cast<double>(std::min(idle, total)) / static_cast<double>(total);
}

namespace {

std::map<int, CpuTicks> ReadProcStat() {
  const Result<std::string> text = ReadTextFile("/proc/stat", 1 << 20);
  return text ? ParseProcStat(*text) : std::map<int, CpuTicks>{};
}

}  // namespace

ProcStatIdleSampler::ProcStatIdleSampler(std::chrono::milliseconds window) : window_(window) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus_.insert(c);
}

std::optional<double> ProcStatIdleSampler::IdleShare() {
  const auto now = std::chrono::steady_clock::now();
  if (have_last_ && now - last_at_ < window_) return std::nullopt;
  std::map<int, CpuTicks> ticks = ReadProcStat();
  std::optional<double> share;
  if (have_last_) share = IdleShareBetween(last_, ticks, cpus_);
  last_ = std::move(ticks);
  last_at_ = now;
  have_last_ = true;
  return share;
}

}  // namespace racelab
