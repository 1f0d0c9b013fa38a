// Small statistics for failure rates: Wilson intervals, rule of three, miss odds.
#pragma once

#include <cstdint>

namespace racelab {

struct Interval {
  double low = 0;
  double high = 0;
};

// 95% Wilson score interval for k successes in n trials (n > 0). With k == 0
// the upper bound is the rule-of-three bound 3/n (capped at 1), which is what
// a reader of "0 failures in n runs" needs.
Interval FailureRateInterval(std::uint64_t k, std::uint64_t n);

// Plain Wilson interval, z = 1.959964 (95%).
Interval Wilson(std::uint64_t k, std::uint64_t n, double z = 1.959963984540054);

// Probability that a class occurring at `rate` per run is absent from all of
// `runs` independent runs: (1 - rate)^runs.
double MissProbability(double rate, std::uint64_t runs);

}  // namespace racelab
