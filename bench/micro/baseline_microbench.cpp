// The yardstick for the parser figures: the cheapest possible pass over the same inputs,
// splitting them into lines with memchr and touching each line once. A parser's MB/s over
// this one's, measured in the same run, says how much its own work costs beyond reading.
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <string_view>

#include "judge/oracle.hpp"

namespace racelab {
namespace {

// Lines and the sum of their first bytes, so the loop cannot be optimised away.
std::size_t SplitLines(std::string_view text, std::size_t& checksum) {
  std::size_t lines = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    const char* line_end = nl != nullptr ? static_cast<const char*>(nl) : end;
    if (line_end > p) checksum += static_cast<unsigned char>(*p);
    ++lines;
    p = line_end + 1;
  }
  return lines;
}

void BM_Baseline_SplitLines_P1s7Output(benchmark::State& state) {
  static const std::string out = ExpectedSumSequence(100000) + "elapsed: 0.027518 seconds\n";
  for (auto _ : state) {
    std::size_t checksum = 0;
    benchmark::DoNotOptimize(SplitLines(out, checksum));
    benchmark::DoNotOptimize(checksum);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
  state.counters["input_MB"] = static_cast<double>(out.size()) / 1e6;
}
BENCHMARK(BM_Baseline_SplitLines_P1s7Output)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace racelab
