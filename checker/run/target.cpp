// Target labels, the executable check, and shell quoting for replay lines.
#include "run/target.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace racelab {

std::string WhyNotExecutable(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::strerror(errno);
  if (S_ISDIR(st.st_mode)) return "is a directory, not a program";
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  if (::access(path.c_str(), X_OK) != 0)
    return "not executable (" + std::string(std::strerror(errno)) + ")";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";  // execute-only: the kernel may still run it
  char head[256];
  ssize_t n = 0;
  while ((n = ::read(fd, head, sizeof head)) < 0 && errno == EINTR) {
  }
  ::close(fd);
  const std::string h(head, n > 0 ? static_cast<std::size_t>(n) : 0);
  if (h.compare(0, 4,
                "\x7f"
                "ELF") == 0)
    return "";
  if (h.compare(0, 2, "#!") == 0) {
    const std::size_t from = h.find_first_not_of(" \t", 2);
    const std::size_t to = from == std::string::npos ? from : h.find_first_of(" \t\n", from);
    const std::string interpreter =
        from == std::string::npos ? "" : h.substr(from, to == std::string::npos ? to : to - from);
    if (interpreter.empty() || ::access(interpreter.c_str(), X_OK) != 0)
      return "cannot be executed: its #! interpreter '" + interpreter +
             "' is missing or not executable";
    return "";
  }
  return "cannot be executed: exec format error (neither an ELF program nor a #! script)";
}

std::string Target::Label() const {
  if (!build) return id;
  return id + "/" + std::string(Name(*build));
}

std::string ShellQuote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789-_./:=,+@%") == std::string::npos)
    return word;
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

}  // namespace racelab
