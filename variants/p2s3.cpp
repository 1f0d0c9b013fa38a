// p2s3 (P2, beyond the seed): each thread writes its own slot. Verdict: correct, and scales.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "racelab/rl.hpp"

namespace {

double f(double x) {
  return 4.0 / (1.0 + x * x);
}

// The area of rectangles [first, last) of n equal ones, each at its midpoint's height.
double midpoint_sum(std::int64_t first, std::int64_t last, std::int64_t n) {
  const double width = 1.0 / static_cast<double>(n);
  double heights = 0.0;
  for (std::int64_t i = first; i < last; ++i) heights += f((static_cast<double>(i) + 0.5) * width);
  return heights * width;
}

// The first rectangle of chunk `index` of `chunks` near-equal chunks of n (no overflow).
std::int64_t chunk_start(std::int64_t n, std::int64_t chunks, std::int64_t index) {
  return index * (n / chunks) + std::min(index, n % chunks);
}

}  // namespace

int main() {
  const rl::Settings settings = rl::start(rl::manifest_defaults());
  const std::int64_t n = settings.iterations;
  const std::int64_t t = settings.threads;
  rl::print(rl::Text() << "integral of 4/(1+x^2) over [0, 1]: " << n << " rectangles, " << t
                       << " threads");

  const rl::Stopwatch stopwatch;
  // Distinct elements are distinct memory locations, and join() orders each write before
  // main's read, so no lock is needed.
  std::vector<double> partial_sums(static_cast<std::size_t>(t));
  std::vector<rl::Thread> threads;
  threads.reserve(static_cast<std::size_t>(t));
  for (std::int64_t i = 0; i < t; ++i) {
    threads.emplace_back(
        [&partial_sums, i, first = chunk_start(n, t, i), last = chunk_start(n, t, i + 1), n] {
          const double partial = midpoint_sum(first, last, n);
          rl::fuzz();  // where p2s2 appends to the shared vector
          partial_sums[static_cast<std::size_t>(i)] = partial;
        });
  }
  for (rl::Thread& thread : threads) thread.start();
  for (rl::Thread& thread : threads) thread.join();
  double result = 0.0;
  for (const double partial : partial_sums) result += partial;
  const double seconds = stopwatch.seconds();

  rl::print("result: " + rl::format_precise(result));
  rl::print(rl::elapsed_line(seconds));
}
