// The one parser of each kind of number racelab reads from text: whole numbers and decimals
// that fill the whole text (command-line values, schedule and trailer fields, locations).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace racelab {

// A plain decimal whole number filling all of `text`: digits only (no sign, space, "0x" or
// exponent), within [min, max]. nullopt otherwise, also on overflow.
std::optional<std::uint64_t> ParseWholeNumber(
    std::string_view text, std::uint64_t min = 0,
    std::uint64_t max = std::numeric_limits<std::uint64_t>::max());

// A finite decimal number filling all of `text`, as std::from_chars reads it (an optional
// '-', digits, an optional fraction and exponent): no space, hex, "inf" or "nan".
std::optional<double> ParseDecimal(std::string_view text);

}  // namespace racelab
