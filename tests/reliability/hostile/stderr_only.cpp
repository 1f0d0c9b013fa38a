// Writes only to stderr (a megabyte of lines), nothing to stdout, and exits 0.
// racelab must conclude: ok under --oracle exit-status.
#include <cstdio>

int main() {
  for (int i = 0; i < 20000; ++i) std::fprintf(stderr, "diagnostic line %06d of stderr only\n", i);
  return 0;
}
