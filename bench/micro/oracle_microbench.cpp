// Throughput of the sum-sequence oracle on p1s7-sized output (100,000 steps, about 4.9 MB).
#include <benchmark/benchmark.h>

#include <string>

#include "judge/oracle.hpp"

namespace racelab {
namespace {

constexpr std::uint64_t kSteps = 100000;

// p1s7's output: the expected sequence and its elapsed line.
const std::string& P1s7Output() {
  static const std::string out = ExpectedSumSequence(kSteps) + "elapsed: 0.027518 seconds\n";
  return out;
}

// A broken run of the same size, as p1s2 prints one: pairs of lines swapped and lines glued
// together here and there, so every class's bookkeeping and the divergence are exercised.
const std::string& TornOutput() {
  static const std::string out = [] {
    const std::string& good = P1s7Output();
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < good.size()) {
      const std::size_t nl = good.find('\n', pos);
      lines.push_back(good.substr(pos, nl - pos));
      pos = nl + 1;
    }
    for (std::size_t i = 7; i + 2 < lines.size(); i += 14) std::swap(lines[i], lines[i + 2]);
    std::string s;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      s += lines[i];
      if (i % 53 != 52) s += '\n';  // every 53rd line runs into the next: a torn line
    }
    return s;
  }();
  return out;
}

void BM_SumSequence_P1s7Output(benchmark::State& state) {
  const std::string& out = P1s7Output();
  for (auto _ : state) {
    OracleVerdict v = CheckSumSequence(out, kSteps);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
  state.counters["input_MB"] = static_cast<double>(out.size()) / 1e6;
}
BENCHMARK(BM_SumSequence_P1s7Output)->Unit(benchmark::kMillisecond);

void BM_SumSequence_TornOutput(benchmark::State& state) {
  const std::string& out = TornOutput();
  for (auto _ : state) {
    OracleVerdict v = CheckSumSequence(out, kSteps);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
  state.counters["input_MB"] = static_cast<double>(out.size()) / 1e6;
}
BENCHMARK(BM_SumSequence_TornOutput)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace racelab
