// MEANT TO FAIL. Prints two ThreadSanitizer reports carrying terminal escape sequences:
// a data race whose function and file names hold them, and a report whose kind does.
// Then exits 66.
// racelab must conclude: data-race and sanitizer-other (stderr is all it has to go on;
// an unknown kind is sanitizer-other), and no escape sequence may reach the text report.
#include <cstdio>

int main() {
  std::fputs(
      "==================\n"
      "WARNING: ThreadSanitizer: data race (pid=42)\n"
      "  Write of size 4 at 0x7b04 by thread T1:\n"
      "    #0 Bump\x1b[2J() /src/\x1b[31mevil.cpp:9:13 (prog+0x1234)\n"
      "\n"
      "  Previous write of size 4 at 0x7b04 by main thread:\n"
      "    #0 Bump\x1b[2J() /src/\x1b[31mevil.cpp:9:13 (prog+0x1234)\n"
      "\n"
      "SUMMARY: ThreadSanitizer: data race /src/evil.cpp:9:13 in Bump()\n"
      "==================\n"
      "==================\n"
      "WARNING: ThreadSanitizer: \x1b]0;owned\x07\x1b[2Jkind (pid=42)\n"
      "    #0 main /src/\x1b[5mevil.cpp:3:1 (prog+0x99)\n"
      "\n"
      "==================\n"
      "ThreadSanitizer: reported 2 warnings\n",
      stderr);
  return 66;
}
