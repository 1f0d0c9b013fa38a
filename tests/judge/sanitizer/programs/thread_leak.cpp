// MEANT TO FAIL: a thread that is neither joined nor detached when main returns.
// Expected class: thread-leak (TSan "thread leak").
// CHECK: WARNING: ThreadSanitizer: thread leak
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
std::atomic<pid_t> g_tid{0};

void* Forgotten(void*) {
  g_tid = gettid();
  return nullptr;
}

int main() {
  pthread_t t;
  pthread_create(&t, nullptr, Forgotten, nullptr);
  while (g_tid == 0) usleep(1000);
  // Wait for the thread to finish, so TSan sees a finished, unjoined thread: its task leaves
  // /proc once it has exited, and TSan marks it finished on its way out.
  char task[64];
  std::snprintf(task, sizeof task, "/proc/self/task/%d", static_cast<int>(g_tid.load()));
  while (access(task, F_OK) == 0) usleep(1000);
  return 0;
}
