// MEANT TO FAIL: two different races and a leaked thread, with the program's own
// stderr lines in between, so one stderr holds several reports.
// Expected classes: data-race (two distinct signatures) and thread-leak.
// CHECK: WARNING: ThreadSanitizer: data race
// CHECK: WARNING: ThreadSanitizer: thread leak
// CHECK: ThreadSanitizer: reported 3 warnings
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

int g_last_hit = 0;
long g_last_total = 0;
std::atomic<pid_t> g_leaked_tid{0};

// Stores only, so that each race is reported as the same pair of writes in every run.
__attribute__((noinline)) void RecordHit(int i) {
  g_last_hit = i;
}
__attribute__((noinline)) void RecordTotal(long v) {
  g_last_total = v;
}

void* Leaked(void*) {
  g_leaked_tid = gettid();
  return nullptr;
}

int main() {
  std::fprintf(stderr, "phase 1: hits\n");
  {
    std::thread a([] {
      for (int i = 0; i < 100; ++i) RecordHit(i);
    });
    std::thread b([] {
      for (int i = 0; i < 100; ++i) RecordHit(i);
    });
    a.join();
    b.join();
  }
  std::fprintf(stderr, "phase 2: totals\n");
  {
    std::thread a([] {
      for (int i = 0; i < 100; ++i) RecordTotal(i);
    });
    std::thread b([] {
      for (int i = 0; i < 100; ++i) RecordTotal(-i);
    });
    a.join();
    b.join();
  }
  std::fprintf(stderr, "phase 3: leak\n");
  pthread_t t;
  pthread_create(&t, nullptr, Leaked, nullptr);
  while (g_leaked_tid == 0) usleep(1000);
  char task[64];  // gone from /proc once the thread has exited, TSan having marked it finished
  std::snprintf(task, sizeof task, "/proc/self/task/%d", static_cast<int>(g_leaked_tid.load()));
  while (access(task, F_OK) == 0) usleep(1000);
  std::fprintf(stderr, "last hit=%d last total=%ld\n", g_last_hit, g_last_total);
  return 0;
}
