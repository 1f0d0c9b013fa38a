// How idle the cores were lately: the seam through which a campaign decides whether to run
// more at once (CampaignOptions::max_jobs). The real sampler reads /proc/stat; tests give
// their own.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace racelab {

class IdleSampler {
 public:
  virtual ~IdleSampler() = default;
  // The share (0..1) of the cores' time spent idle since the previous call that returned a
  // value; nullopt on the first call and while too little time has passed to tell.
  virtual std::optional<double> IdleShare() = 0;
};

// One CPU's time in /proc/stat, in clock ticks: idle (idle + iowait) and in all.
struct CpuTicks {
  std::uint64_t idle = 0;
  std::uint64_t total = 0;
};

// The per-CPU lines ("cpuN ...") of /proc/stat's text, by CPU number. Lines it does not
// understand are left out.
std::map<int, CpuTicks> ParseProcStat(std::string_view text);

// The idle share between two readings over the CPUs in `cpus` (all of them if empty);
// nullopt when no tick passed on them.
std::optional<double> IdleShareBetween(const std::map<int, CpuTicks>& before,
                                       const std::map<int, CpuTicks>& after,
                                       const std::set<int>& cpus);

// /proc/stat over the CPUs this process may run on (sched_getaffinity), in windows of at
// least `window` (the kernel counts in ticks of 10 ms).
class ProcStatIdleSampler : public IdleSampler {
 public:
  explicit ProcStatIdleSampler(std::chrono::milliseconds window = std::chrono::milliseconds(200));
  std::optional<double> IdleShare() override;

 private:
  std::chrono::milliseconds window_;
  std::set<int> cpus_;
  std::map<int, CpuTicks> last_;
  std::chrono::steady_clock::time_point last_at_{};
  bool have_last_ = false;
};

}  // namespace racelab
