// Wilson score interval and friends.
#include "report/stats.hpp"

#include <algorithm>
#include <cmath>

namespace racelab {

Interval Wilson(std::uint64_t k, std::uint64_t n, double z) {
  if (n == 0) return {0, 1};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(k) / nn;
  const double z2 = z * z;
  const double denom = 1 + z2 / nn;
  const double center = (p + z2 / (2 * nn)) / denom;
  const double half = z / denom * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

Interval FailureRateInterval(std::uint64_t k, std::uint64_t n) {
  if (n == 0) return {0, 1};
  if (k == 0) return {0, std::min(1.0, 3.0 / static_cast<double>(n))};
  return Wilson(k, n);
}

double MissProbability(double rate, std::uint64_t runs) {
  if (rate <= 0) return 1;
  if (rate >= 1) return runs == 0 ? 1 : 0;
  return std::exp(static_cast<double>(runs) * std::log1p(-rate));
}

double PctFindProbability(std::uint64_t depth, std::uint64_t runs, std::uint64_t threads,
                          std::uint64_t steps) {
  if (runs == 0) return 0;
  const double n = static_cast<double>(std::max<std::uint64_t>(1, threads));
  const double k = static_cast<double>(std::max<std::uint64_t>(1, steps));
  const double d = static_cast<double>(std::max<std::uint64_t>(1, depth));
  // log q = -(log n + (D-1) log k); q = 1 is certain success in one run.
  const double log_q = -(std::log(n) + (d - 1) * std::log(k));
  if (log_q >= 0) return 1;
  const double q = std::exp(log_q);
  // 1 - (1-q)^R = -expm1(R log1p(-q))
  return -std::expm1(static_cast<double>(runs) * std::log1p(-q));
}

}  // namespace racelab
