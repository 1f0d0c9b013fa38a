// Throughput of the sanitizer-report scanner on a large stderr: many real TSan reports, and
// a stderr of the same size with no report at all (the common case of a clean run's noise).
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "judge/oracle.hpp"
#include "judge/sanitizer_report.hpp"

namespace racelab {
namespace {

constexpr std::size_t kTargetBytes = 8u << 20;

// bench/data/p1s2.tsan.stderr: the first 10 reports of a real p1s2 TSan run with TSan's
// deduplication off (suppress_equal_stacks=0, suppress_equal_addresses=0), about 6 KB each.
std::string ReadSample() {
  std::ifstream in(std::string(RACELAB_BENCH_DATA) + "/p1s2.tsan.stderr");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (s.empty()) throw std::runtime_error("bench/data/p1s2.tsan.stderr is missing");
  return s;
}

const std::string& ManyReports() {
  static const std::string out = [] {
    const std::string sample = ReadSample();
    std::string s;
    while (s.size() < kTargetBytes) s += sample;
    return s;
  }();
  return out;
}

const std::string& NoReports() {
  static const std::string out = [] {
    const std::string lines = ExpectedSumSequence(100000);
    std::string s;
    while (s.size() < kTargetBytes) s += lines;
    return s;
  }();
  return out;
}

SanitizerOptions Options() {
  SanitizerOptions o;
  o.source_root = "/work/main";  // where the sample was recorded
  return o;
}

void BM_ScanSanitizer_ManyReports(benchmark::State& state) {
  const std::string& err = ManyReports();
  const SanitizerOptions o = Options();
  std::size_t reports = 0;
  for (auto _ : state) {
    SanitizerScan scan = ScanSanitizerOutput(err, o);
    reports = scan.reports.size();
    benchmark::DoNotOptimize(scan);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * err.size()));
  state.counters["input_MB"] = static_cast<double>(err.size()) / 1e6;
  state.counters["reports"] = static_cast<double>(reports);
}
BENCHMARK(BM_ScanSanitizer_ManyReports)->Unit(benchmark::kMillisecond);

void BM_ScanSanitizer_NoReports(benchmark::State& state) {
  const std::string& err = NoReports();
  const SanitizerOptions o = Options();
  for (auto _ : state) {
    SanitizerScan scan = ScanSanitizerOutput(err, o);
    benchmark::DoNotOptimize(scan);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * err.size()));
  state.counters["input_MB"] = static_cast<double>(err.size()) / 1e6;
}
BENCHMARK(BM_ScanSanitizer_NoReports)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace racelab
