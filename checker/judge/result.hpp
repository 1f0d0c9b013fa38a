// Failures as values: an error says what went wrong and where; exits happen only in main.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace racelab {

// Bad usage or input: the user's fault (exit 2). `what` is one line.
struct UsageError {
  std::string what;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(UsageError error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const UsageError& error() const { return std::get<UsageError>(v_); }

 private:
  std::variant<T, UsageError> v_;
};

}  // namespace racelab
