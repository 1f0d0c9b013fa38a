// Number formatting for the specimens' result and timing lines.
#include "racelab/print.hpp"

#include <iomanip>
#include <sstream>

namespace rl {

std::string format_fixed(double value, int decimals) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

std::string format_precise(double value) {
  std::ostringstream out;
  out << std::setprecision(17) << value;
  return out.str();
}

std::string elapsed_line(double seconds) {
  return "elapsed: " + format_fixed(seconds, 6) + " seconds";
}

}  // namespace rl
