// Target labels and shell quoting for replay lines.
#include "run/target.hpp"

namespace racelab {

std::string Target::Label() const {
  if (!build) return id;
  return id + "/" + std::string(Name(*build));
}

std::string ShellQuote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789-_./:=,+@%") == std::string::npos)
    return word;
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

}  // namespace racelab
