// Failure class names read back from text.
#include "judge/failure_class.hpp"

namespace racelab {

std::optional<FailureClass> ParseFailureClass(std::string_view name) {
  for (FailureClass c : kAllFailureClasses)
    if (Name(c) == name) return c;
  return std::nullopt;
}

}  // namespace racelab
