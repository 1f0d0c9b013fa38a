// /proc helpers for tests: descriptors, children, processes still running a program.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
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

// Pids of live (non-zombie) processes whose command line contains `needle`.
inline std::vector<int> FindProcesses(const std::string& needle) {
  std::vector<int> pids;
  DIR* d = ::opendir("/proc");
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/cmdline");
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (char& c : cmd)
      if (c == '\0') c = ' ';
    std::ifstream st(std::string("/proc/") + e->d_name + "/stat");
    std::string stat((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
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
  std::ifstream st("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
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

// Zombie children of this process.
inline int CountZombieChildren() {
  int n = 0;
  const std::string self = std::to_string(::getpid());
  DIR* d = ::opendir("/proc");
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream st(std::string("/proc/") + e->d_name + "/stat");
    std::string stat((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
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
