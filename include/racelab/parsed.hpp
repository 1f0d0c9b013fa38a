// A parse result that is either a value or the reason the text was rejected.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace rl {

// Parsers return this instead of exiting, so tests can check the rejections; only the
// entry point rl::start() turns an error into exit status 2.
template <class T>
class Parsed {
 public:
  static Parsed success(T value) { return Parsed(std::move(value), {}); }
  static Parsed failure(std::string reason) { return Parsed(std::nullopt, std::move(reason)); }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const T& value() const { return *value_; }
  // Why the text was rejected, e.g. "expected a positive integer, got 'abc'".
  const std::string& error() const { return error_; }

 private:
  Parsed(std::optional<T> value, std::string error)
      : value_(std::move(value)), error_(std::move(error)) {}

  std::optional<T> value_;
  std::string error_;
};

}  // namespace rl
