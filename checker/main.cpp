// racelab: the thin main. All logic lives in the racelab_core library.
#include <string>
#include <vector>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
  return racelab::Main(std::vector<std::string>(argv + 1, argv + argc));
}
