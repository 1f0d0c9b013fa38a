// Where a call into the specimen vocabulary came from, captured for free at the call site.
#pragma once

namespace rl {

// A later scheduler names each thread's source line in its deadlock reports, so every
// rl:: call takes a Site defaulted to Site::here(). The builtins in here()'s own default
// arguments resolve at the outermost call, as std::source_location::current() does.
struct Site {
  const char* file;
  int line;

  static constexpr Site here(const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
    return Site{file, line};
  }
};

}  // namespace rl
