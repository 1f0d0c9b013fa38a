// libFuzzer target: the Riemann-sum oracle on arbitrary output and odd tolerances.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "judge/oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view out(reinterpret_cast<const char*>(data), size);
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const double cases[][2] = {{M_PI, 1e-6}, {M_PI, 0},    {0, kInf},
                             {kNan, 1},    {M_PI, kNan}, {-1e308, 1e308}};
  for (const auto& c : cases) {
    const racelab::OracleVerdict v = racelab::CheckRiemann(out, c[0], c[1]);
    if (v.classes.Empty() != !v.first_divergence.has_value()) std::abort();
    // A nan exact or tolerance makes every value wrong (oracle.hpp).
    if ((std::isnan(c[0]) || std::isnan(c[1])) && v.classes.Empty()) std::abort();
  }
  return 0;
}
