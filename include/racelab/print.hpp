// Printing with Python print() semantics, and the text builder that plays the f-string.
#pragma once

#include <charconv>
#include <iostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "racelab/fuzz.hpp"
#include "racelab/site.hpp"

namespace rl {

// Like Python's print: the text and the line end are two writes to the shared std::cout,
// with a print point between them, so unsynchronised threads can tear lines. Nothing is
// flushed here: a piped stdout stays fully buffered and exit() flushes it, as in Python.
inline void print(std::string_view text, Site site = Site::here()) {
  std::cout << text;
  point(Point::print, site);
  std::cout << '\n';
}

namespace detail {
// Integers proper: char and bool are text and truth values, not numbers to format.
template <class T>
inline constexpr bool kIsInteger =
    std::is_integral_v<T> && !std::is_same_v<T, char> && !std::is_same_v<T, bool>;
}  // namespace detail

// Builds a line the way an f-string does. The chain `Text() << a << b` evaluates its
// operands left to right (C++17), so reads of shared state happen in the seed's order.
class Text {
 public:
  Text& operator<<(std::string_view text) {
    text_ += text;
    return *this;
  }
  Text& operator<<(const char* text) { return *this << std::string_view(text); }
  Text& operator<<(char c) {
    text_ += c;
    return *this;
  }
  template <class Int, std::enable_if_t<detail::kIsInteger<Int>, int> = 0>
  Text& operator<<(Int value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    text_.append(digits, end);
    return *this;
  }

  operator std::string_view() const& { return text_; }
  const std::string& str() const& { return text_; }
  std::string str() && { return std::move(text_); }

 private:
  std::string text_;
};

// `value` with exactly `decimals` digits after the point (std::fixed), e.g. 0.123456.
std::string format_fixed(double value, int decimals);
// `value` with 17 significant digits (std::setprecision(17)), enough to round-trip a double.
std::string format_precise(double value);
// The timing line of p1s7, p1s8 and Problem 2: "elapsed: 0.123456 seconds".
std::string elapsed_line(double seconds);

}  // namespace rl
