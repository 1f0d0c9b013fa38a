// Helpers shared by the oracle tests: readable class sets and outputs built from lines.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "judge/failure_class.hpp"
#include "judge/oracle.hpp"

namespace racelab::testing {

// "missing-step,wrong-result": comparing these strings gives readable failures.
inline std::string Names(const ClassSet& classes) {
  std::string s;
  classes.ForEach([&](FailureClass c) {
    if (!s.empty()) s += ',';
    s += Name(c);
  });
  return s;
}

inline std::string Names(std::initializer_list<FailureClass> classes) {
  return Names(ClassSet(classes));
}

inline std::uint64_t S(std::uint64_t k) {
  return k * (k + 1) / 2;
}

// The equation line of step k, without its newline.
inline std::string Equation(std::uint64_t k) {
  return std::to_string(S(k - 1)) + " + " + std::to_string(k) + " = " + std::to_string(S(k));
}

inline const std::string kDashLine = "--------------------";

inline std::string Done(std::uint64_t value) {
  return "DONE: solution = " + std::to_string(value);
}

// Lines joined, each ending in '\n'.
inline std::string Lines(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + '\n';
  return s;
}

// The pairs of steps 1..n, each "equation\ndashes\n", in order.
inline std::vector<std::string> Pairs(std::uint64_t n) {
  std::vector<std::string> pairs;
  for (std::uint64_t k = 1; k <= n; ++k) pairs.push_back(Equation(k) + '\n' + kDashLine + '\n');
  return pairs;
}

// The pairs concatenated, then the DONE line of S(n).
inline std::string Assemble(const std::vector<std::string>& pairs, std::uint64_t n) {
  std::string s;
  for (const std::string& p : pairs) s += p;
  return s + Done(S(n)) + '\n';
}

}  // namespace racelab::testing
