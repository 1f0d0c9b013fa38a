// File helpers: bounded reads, atomic writes, the executable's own directory.
#include "util/file_util.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace racelab {

namespace fs = std::filesystem;

Result<std::string> ReadTextFile(const std::string& path, std::size_t max_bytes) {
  if (path.empty()) return UsageError{"an empty file name"};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return UsageError{fmt::format("{}: {}", path, std::strerror(errno))};
  if (S_ISDIR(st.st_mode)) return UsageError{fmt::format("{}: is a directory, not a file", path)};
  if (!S_ISREG(st.st_mode)) return UsageError{fmt::format("{}: not a regular file", path)};
  if (static_cast<std::size_t>(st.st_size) > max_bytes)
    return UsageError{
        fmt::format("{}: too large ({} bytes; at most {})", path, st.st_size, max_bytes)};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return UsageError{fmt::format("{}: cannot open: {}", path, std::strerror(errno))};
  // Read to the end rather than trust st_size: a file may grow, or (as in /proc)
  // claim a size of 0. Never beyond max_bytes.
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return UsageError{fmt::format("{}: cannot read: {}", path, std::strerror(error))};
    }
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      return UsageError{fmt::format("{}: too large (more than {} bytes)", path, max_bytes)};
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

std::string CheckWritable(const std::string& path) {
  if (path.empty()) return "empty output path";
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fmt::format("{}: is a directory", path);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return ::access(path.c_str(), W_OK) == 0 ? "" : fmt::format("{}: not writable", path);
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec)) return fmt::format("{}: no such directory", dir.string());
  if (fs::exists(path, ec) && ::access(path.c_str(), W_OK) != 0)
    return fmt::format("{}: not writable: {}", path, std::strerror(errno));
  // Permission bits do not tell (root passes every access() check, yet cannot
  // create a file in /proc or on a read-only mount): create the very kind of
  // temporary file WriteFileAtomically will, and remove it.
  std::string probe = (dir / ("." + fs::path(path).filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0)
    return fmt::format("{}: cannot create a file there: {}", dir.string(), std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
  return "";
}

namespace {

// A device or pipe (/dev/null, /dev/stdout, a FIFO) cannot be replaced by
// rename, and must not be: write to it directly.
std::string WriteDirectly(const std::string& path, const std::string& contents) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return fmt::format("{}: cannot open: {}", path, std::strerror(errno));
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = n < 0 ? std::strerror(errno) : "nothing written";
      ::close(fd);
      return fmt::format("{}: write failed: {}", path, why);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  ::close(fd);
  return "";
}

}  // namespace

std::string WriteFileAtomically(const std::string& path, const std::string& contents) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
    return WriteDirectly(path, contents);
  fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0)
    return fmt::format("{}: cannot create temporary file: {}", path, std::strerror(errno));
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmpl.c_str());
      return fmt::format("{}: write failed: {}", path, why);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  ::fchmod(fd, 0644);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(tmpl.c_str());
    return fmt::format("{}: write failed: {}", path, why);
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(tmpl.c_str());
    return fmt::format("{}: rename failed: {}", path, why);
  }
  return "";
}

std::string SelfDirectory() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  return exe.parent_path().string();
}

std::string FindInPath(const std::string& name, const std::string& path_var) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  std::size_t pos = 0;
  for (;;) {
    const std::size_t colon = path_var.find(':', pos);
    const std::string dir = path_var.substr(pos, colon == std::string::npos ? colon : colon - pos);
    const std::string full = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(full.c_str(), X_OK) == 0) return full;
    if (colon == std::string::npos) return "";
    pos = colon + 1;
  }
}

std::string FindInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  return FindInPath(name, path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
}

std::string FindInEnvPath(const std::string& name, const std::vector<std::string>& env) {
  const std::string* path_var = nullptr;
  for (const std::string& kv : env)
    if (kv.rfind("PATH=", 0) == 0) path_var = &kv;
  return path_var != nullptr ? FindInPath(name, path_var->substr(5)) : FindInPath(name);
}

}  // namespace racelab
