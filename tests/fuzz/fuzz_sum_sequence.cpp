// libFuzzer target: the sum-sequence oracle on arbitrary output, for several N.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "judge/oracle.hpp"

namespace {

// A run's output is wholly untrusted; N comes from the user, so huge values
// (the sparse path of the oracle) are tried as well.
constexpr std::uint64_t kSizes[] = {0, 1, 4, 5, 6, 100, 1ull << 40, UINT64_MAX};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using racelab::CheckSumSequence;
  const std::string_view out(reinterpret_cast<const char*>(data), size);
  for (std::uint64_t n : kSizes) {
    const racelab::OracleVerdict v = CheckSumSequence(out, n);
    // The oracle's contract: a divergence is given exactly when a class is.
    if (v.classes.Empty() != !v.first_divergence.has_value()) std::abort();
    if (v.classes.Has(racelab::FailureClass::kOk)) std::abort();
  }
  // Every correct output is ok, whatever N the input picks.
  const std::uint64_t n = size % 64;
  if (!CheckSumSequence(racelab::ExpectedSumSequence(n), n).classes.Empty()) std::abort();
  return 0;
}
