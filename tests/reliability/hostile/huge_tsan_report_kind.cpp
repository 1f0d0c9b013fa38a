// MEANT TO FAIL. Prints a ThreadSanitizer warning whose kind is 6 MiB long and a stack
// whose function name is 6 MiB long, then exits 66.
// racelab must conclude: sanitizer-other (an unknown kind), and the report must stay
// small: kinds, signatures and locations are cut like excerpt lines.
#include <cstdio>
#include <string>

int main() {
  const std::string huge(6 << 20, 'k');
  std::fputs("==================\n", stderr);
  std::fprintf(stderr, "WARNING: ThreadSanitizer: %s (pid=42)\n", huge.c_str());
  std::fprintf(stderr, "    #0 %s() /src/own.cpp:3:1 (prog+0x99)\n", huge.c_str());
  std::fputs("\n==================\n", stderr);
  return 66;
}
