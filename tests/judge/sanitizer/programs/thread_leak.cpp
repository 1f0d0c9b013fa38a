// MEANT TO FAIL: a thread that is neither joined nor detached when main returns.
// Expected class: thread-leak (TSan "thread leak").
// CHECK: WARNING: ThreadSanitizer: thread leak
#include <pthread.h>
#include <unistd.h>

#include <atomic>

std::atomic<bool> g_done{false};

void* Forgotten(void*) {
  g_done = true;
  return nullptr;
}

int main() {
  pthread_t t;
  pthread_create(&t, nullptr, Forgotten, nullptr);
  while (!g_done) usleep(1000);
  usleep(100000);  // let the thread finish, so TSan sees a finished, unjoined thread
  return 0;
}
