// p2s1 (Problem 2 / Solution 1): single-threaded Riemann sum for pi. Seed verdict: correct.
// The integral of 4/(1+x^2) over [0, 1] is pi; the midpoint rule over n rectangles.
#include <cstdint>

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

}  // namespace

int main() {
  const rl::Settings settings = rl::start(rl::manifest_defaults());
  const std::int64_t n = settings.iterations;
  rl::print(rl::Text() << "integral of 4/(1+x^2) over [0, 1]: " << n << " rectangles, " << 1
                       << " threads");

  const rl::Stopwatch stopwatch;
  const double result = midpoint_sum(0, n, n);
  const double seconds = stopwatch.seconds();

  rl::print("result: " + rl::format_precise(result));
  rl::print(rl::elapsed_line(seconds));
}
