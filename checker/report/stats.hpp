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

// PCT (Burckhardt et al. 2010): one run of depth D finds a bug of depth <= D with
// probability >= 1/(n k^(D-1)) (n threads, k steps), so R independent runs do with
// probability >= 1 - (1 - 1/(n k^(D-1)))^R. Computed in logs (log1p/expm1): exact
// where 1/(n k^(D-1)) is far below double precision's epsilon. n, k, D >= 1.
double PctFindProbability(std::uint64_t depth, std::uint64_t runs, std::uint64_t threads,
                          std::uint64_t steps);

}  // namespace racelab
