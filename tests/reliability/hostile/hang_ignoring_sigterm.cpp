// MEANT TO FAIL. Hangs forever and ignores SIGTERM (and SIGINT, SIGHUP).
// racelab must conclude: timeout (only a SIGKILL of its group ends it).
#include <signal.h>
#include <unistd.h>

#include <initializer_list>

int main() {
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) ::signal(sig, SIG_IGN);
  for (;;) ::pause();
}
