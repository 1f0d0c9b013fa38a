// splitmix64: the seeded generator behind the fuzz plans and the scheduling strategies.
#pragma once

#include <cstdint>

namespace rl {

inline constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

// splitmix64's output function: a cheap bijective mixer with good avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace rl
