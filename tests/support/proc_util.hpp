// /proc helpers for tests: descriptors, children, processes still running a program, and
// programs under paths of a test process's own.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace racelab::testing {

inline int CountOpenFds() {
  int n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  while (dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') ++n;
  ::closedir(d);
  return n - 1;  // the directory's own descriptor
}

// The contents of a /proc file, or "" when it cannot be read: the process it describes may
// end at any moment, and reading a vanished process's file fails (ESRCH) part way.
inline std::string ReadProcFile(const std::string& path) {
  std::string text;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buf[4096];
  ssize_t got;
  while ((got = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(got));
  ::close(fd);
  if (got < 0) text.clear();
  return text;
}

// Pids of live (non-zombie) processes whose command line contains `needle`.
inline std::vector<int> FindProcesses(const std::string& needle) {
  std::vector<int> pids;
  DIR* d = ::opendir("/proc");
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::string cmd = ReadProcFile(std::string("/proc/") + e->d_name + "/cmdline");
    for (char& c : cmd)
      if (c == '\0') c = ' ';
    const std::string stat = ReadProcFile(std::string("/proc/") + e->d_name + "/stat");
    const auto close = stat.rfind(')');
    const bool zombie =
        close != std::string::npos && stat.size() > close + 2 && stat[close + 2] == 'Z';
    if (!zombie && cmd.find(needle) != std::string::npos) pids.push_back(std::atoi(e->d_name));
  }
  ::closedir(d);
  return pids;
}

// The parent pid of `pid`, or -1 when it is gone.
inline int ParentOf(int pid) {
  const std::string stat = ReadProcFile("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 2));
  char state = 0;
  int ppid = -1;
  rest >> state >> ppid;
  return ppid;
}

// Like FindProcesses, but only this process's own children: a program that is spawning
// (vfork, before its exec) briefly shows its parent's command line too.
inline std::vector<int> FindChildProcesses(const std::string& needle) {
  std::vector<int> children;
  for (int pid : FindProcesses(needle))
    if (ParentOf(pid) == ::getpid()) children.push_back(pid);
  return children;
}

inline int CountProcessesRunning(const std::string& needle) {
  return static_cast<int>(FindProcesses(needle).size());
}

// A program under a path unique to this test process (a symlink in a directory of its
// own): every process it starts (grandchildren and daemons included, which keep their argv)
// carries the path in its command line, so a check for survivors sees only this test's
// processes even while other tests run the same program in parallel. Removed when done.
class OwnLink {
 public:
  OwnLink(const std::string& program, const std::string& name)
      : dir_(::testing::TempDir() + "racelab_own_" + std::to_string(::getpid()) + "_" + name),
        path_(dir_ + "/" + name) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::filesystem::create_symlink(program, path_);
  }
  ~OwnLink() { std::filesystem::remove_all(dir_); }
  OwnLink(const OwnLink&) = delete;
  OwnLink& operator=(const OwnLink&) = delete;
  const std::string& path() const { return path_; }
  // A file beside the link, for the test's own outputs.
  std::string File(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
  std::string path_;
};

// Zombie children of this process.
inline int CountZombieChildren() {
  int n = 0;
  const std::string self = std::to_string(::getpid());
  DIR* d = ::opendir("/proc");
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    const std::string stat = ReadProcFile(std::string("/proc/") + e->d_name + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string state, ppid;
    rest >> state >> ppid;
    if (state == "Z" && ppid == self) ++n;
  }
  ::closedir(d);
  return n;
}

}  // namespace racelab::testing
