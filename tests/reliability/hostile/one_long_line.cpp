// Prints one 10 MiB line with no newline at all, then exits 0.
// racelab must conclude: ok under --oracle exit-status (10 MiB is under the cap);
// under --oracle sum-sequence: torn-line, missing-step and wrong-result, with a
// clipped excerpt (the report must not carry the 10 MiB).
#include <cstdio>
#include <string>

int main() {
  const std::string line(10 << 20, '7');
  std::fwrite(line.data(), 1, line.size(), stdout);
  return 0;
}
