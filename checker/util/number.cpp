// Whole numbers and decimals that fill their text, with std::from_chars.
#include "util/number.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

namespace racelab {

std::optional<std::uint64_t> ParseWholeNumber(std::string_view text, std::uint64_t min,
                                              std::uint64_t max) {
  std::uint64_t v = 0;
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(text.data(), last, v);
  if (text.empty() || ec != std::errc() || end != last || v < min || v > max) return std::nullopt;
  return v;
}

std::optional<double> ParseDecimal(std::string_view text) {
  // from_chars reads "inf" and "nan" too; a number here starts with a digit, '-' or '.'.
  if (text.empty()) return std::nullopt;
  double v = 0;
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(text.data(), last, v);
  if (ec != std::errc() || end != last || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace racelab
