// 64-bit FNV-1a, the one hash of racelab's fingerprints (a run's stdout, a binary, a SARIF
// result): stable across platforms and releases, which is all they need. They identify;
// they do not protect.
#pragma once

#include <cstdint>
#include <string_view>

namespace racelab {

class Fnv1a64 {
 public:
  void Add(unsigned char byte) {
    h_ ^= byte;
    h_ *= kPrime;
  }
  void Add(std::string_view bytes) {
    for (const char c : bytes) Add(static_cast<unsigned char>(c));
  }
  std::uint64_t value() const { return h_; }

 private:
  static constexpr std::uint64_t kOffsetBasis = 0xcbf29ce484222325ULL;
  static constexpr std::uint64_t kPrime = 0x100000001b3ULL;
  std::uint64_t h_ = kOffsetBasis;
};

}  // namespace racelab
