// posix_spawn-based process runner for the specimen tests.
#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>

extern char** environ;

namespace racelab_test {
namespace {

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) fail("pipe2");
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    if (read >= 0) close(read);
    if (write >= 0) close(write);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
};

std::vector<std::string> child_environment(const std::map<std::string, std::string>& env) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::string_view(*entry).substr(0, 8) != "RACELAB_") entries.emplace_back(*entry);
  }
  for (const auto& [name, value] : env) entries.push_back(name + '=' += value);
  return entries;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (std::string& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

}  // namespace

ProcessResult run_process(const std::string& path, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env,
                          std::chrono::seconds timeout) {
  Pipe out;
  Pipe err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);

  std::vector<std::string> argv_strings{path};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = child_environment(env);
  std::vector<char*> argv = pointers(argv_strings);
  std::vector<char*> envp = pointers(env_strings);

  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0)
    throw std::system_error(spawned, std::generic_category(), "posix_spawn " + path);
  close(out.write);
  out.write = -1;
  close(err.write);
  err.write = -1;

  // Both pipes are drained together: a child blocked on a full stderr pipe while we wait
  // on stdout would otherwise deadlock.
  ProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<pollfd, 2> fds{{{out.read, POLLIN, 0}, {err.read, POLLIN, 0}}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    const int ready = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      fail("poll");
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[65536];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid");
  }
  if (WIFEXITED(status)) {
    result.exited = true;
    result.exit_status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

std::string specimen_path(const std::string& flavour, const std::string& id) {
  const char* bin_dir = std::getenv("RACELAB_BIN_DIR");
  if (bin_dir == nullptr) throw std::runtime_error("RACELAB_BIN_DIR is not set (run via ctest)");
  return std::string(bin_dir) + "/variants/" + flavour + "/" + id;
}

std::string fixture_path(const std::string& flavour, const std::string& name) {
  const char* bin_dir = std::getenv("RACELAB_BIN_DIR");
  if (bin_dir == nullptr) throw std::runtime_error("RACELAB_BIN_DIR is not set (run via ctest)");
  return std::string(bin_dir) + "/fixtures/" + flavour + "/" + name;
}

std::string sum_sequence(std::int64_t n) {
  std::ostringstream out;
  std::int64_t sum = 0;
  for (std::int64_t k = 1; k <= n; ++k) {
    out << sum << " + " << k << " = " << sum + k << "\n--------------------\n";
    sum += k;
  }
  out << "DONE: solution = " << sum << "\n";
  return out.str();
}

std::string describe(const ProcessResult& result) {
  std::string text = result.timed_out ? "timed out"
                     : result.exited  ? "exit status " + std::to_string(result.exit_status)
                                      : "signal " + std::to_string(result.signal);
  constexpr std::size_t kExcerpt = 2000;
  text += "\n--- stderr (start) ---\n" + result.err.substr(0, kExcerpt);
  text += "\n--- stdout (end) ---\n" +
          result.out.substr(result.out.size() > kExcerpt ? result.out.size() - kExcerpt : 0);
  return text;
}

}  // namespace racelab_test
