// The live progress line: a thread that redraws one stderr line from the campaign's counts.
#include "cli/progress.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <string>

namespace racelab::cli {

ProgressLine::ProgressLine(const Campaign& c, bool enabled) : campaign_(c), enabled_(enabled) {
  if (!enabled_) return;
  start_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) Draw();
  });
}

ProgressLine::~ProgressLine() {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

void ProgressLine::Draw() {
  const Progress p = campaign_.progress();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = secs > 0 ? static_cast<double>(p.done) / secs : 0;
  std::string line = fmt::format("{}/{} runs  {:.1f}/s", p.done, p.total, rate);
  if (rate > 0 && p.total > p.done) {
    const auto left = static_cast<std::uint64_t>(static_cast<double>(p.total - p.done) / rate);
    line += fmt::format("  ~{}:{:02d} left", left / 60, left % 60);
  }
  line += fmt::format("  failed {}", p.failed);
  for (const auto& [cls, n] : p.failures_by_class) line += fmt::format("  {} {}", Name(cls), n);
  line += "  [" + p.current + "]";
  std::fprintf(stderr, "\r\033[K%s", line.substr(0, 200).c_str());
  std::fflush(stderr);
}

}  // namespace racelab::cli
