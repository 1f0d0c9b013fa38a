// racelab_preload.so: the fork server for dynamically linked programs built without
// racelab's support library (docs/launch.md). LD_PRELOAD'ed, it wraps __libc_start_main
// so that the server starts after the program's constructors and each child continues
// into the real main.
#include <dlfcn.h>

#include "protocol/fork_server.hpp"

extern char** environ;

namespace {

using MainFn = int (*)(int, char**, char**);
using StartFn = int (*)(MainFn, int, char**, void (*)(), void (*)(), void (*)(), void*);

MainFn g_main = nullptr;

int ServingMain(int argc, char** argv, char** /*envp*/) {
  racelab::protocol::fork::ServeIfAsked();
  // environ, not envp: a child's settings were set after the kernel's envp was laid out.
  return g_main(argc, argv, environ);
}

}  // namespace

extern "C" int __libc_start_main(MainFn main, int argc, char** argv, void (*init)(), void (*fini)(),
                                 void (*rtld_fini)(), void* stack_end) {
  const auto real = reinterpret_cast<StartFn>(::dlsym(RTLD_NEXT, "__libc_start_main"));
  g_main = main;
  return real(ServingMain, argc, argv, init, fini, rtld_fini, stack_end);
}
