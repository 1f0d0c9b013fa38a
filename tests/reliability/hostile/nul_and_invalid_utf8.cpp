// Prints NUL bytes, invalid UTF-8, terminal escape sequences and markup on stdout and
// stderr, then exits 0.
// racelab must conclude: ok under --oracle exit-status; under --oracle sum-sequence:
// torn-line (and missing-step, wrong-result), with every report format still valid
// and no escape sequence reaching the text report.
#include <cstdio>

int main() {
  static const char kNasty[] =
      "0 + 1 = 1\0\xff\xfe\xc0\xaf\xed\xa0\x80\n"
      "\x1b[2J\x1b]0;owned\x07\x9b\x31m\xc2\x9b\n"
      "</system-out><script>alert(1)</script>]]>&amp;\xef\xbf\xbf\n";
  std::fwrite(kNasty, 1, sizeof kNasty - 1, stdout);
  std::fwrite(kNasty, 1, sizeof kNasty - 1, stderr);
  return 0;
}
