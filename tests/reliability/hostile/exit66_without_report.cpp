// MEANT TO FAIL. Exits with TSan's report status 66 but prints no sanitizer report.
// racelab must conclude: bad-exit (66 is explained only by a report).
int main() {
  return 66;
}
