// File helpers: bounded reads, atomic writes, the executable's own directory.
#include "file_util.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace racelab {

namespace fs = std::filesystem;

Result<std::string> ReadTextFile(const std::string& path, std::size_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return UsageError{fmt::format("{}: {}", path, std::strerror(errno))};
  if (S_ISDIR(st.st_mode)) return UsageError{fmt::format("{}: is a directory, not a file", path)};
  if (!S_ISREG(st.st_mode)) return UsageError{fmt::format("{}: not a regular file", path)};
  if (static_cast<std::size_t>(st.st_size) > max_bytes)
    return UsageError{fmt::format("{}: too large ({} bytes; at most {})", path, st.st_size,
                                  max_bytes)};
  std::ifstream in(path, std::ios::binary);
  if (!in) return UsageError{fmt::format("{}: cannot open: {}", path, std::strerror(errno))};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return UsageError{fmt::format("{}: read error", path)};
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
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return fmt::format("{}: directory not writable: {}", dir.string(), std::strerror(errno));
  if (fs::exists(path, ec) && ::access(path.c_str(), W_OK) != 0)
    return fmt::format("{}: not writable: {}", path, std::strerror(errno));
  return "";
}

namespace {

// A device or pipe (/dev/null, /dev/stdout, a FIFO) cannot be replaced by
// rename, and must not be: write to it directly.
std::string WriteDirectly(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return fmt::format("{}: cannot open: {}", path, std::strerror(errno));
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.flush();
  if (!out) return fmt::format("{}: write failed", path);
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
  if (fd < 0) return fmt::format("{}: cannot create temporary file: {}", path, std::strerror(errno));
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

}  // namespace racelab
