// MEANT TO FAIL. Dies of SIGABRT (std::abort).
// racelab must conclude: crash.
#include <cstdlib>

int main() {
  std::abort();
}
