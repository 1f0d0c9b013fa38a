// Helpers shared by the sanitizer-report tests: fixture files and hand-made reports.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "judge/sanitizer_report.hpp"

namespace racelab::testing {

inline std::filesystem::path FixtureDir() {
  return RACELAB_SANITIZER_FIXTURES;
}
inline std::filesystem::path ProgramDir() {
  return RACELAB_SANITIZER_PROGRAMS;
}

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The directory the fixtures were captured under (regenerate.sh writes it).
inline std::string FixtureSourceRoot() {
  std::string root = ReadFile(FixtureDir() / "SOURCE_ROOT");
  while (!root.empty() && (root.back() == '\n' || root.back() == '\r')) root.pop_back();
  return root;
}

inline SanitizerOptions FixtureOptions() {
  SanitizerOptions o;
  o.source_root = FixtureSourceRoot();
  return o;
}

// "data_race.clang" for every fixtures/<name>.<compiler>.stderr, sorted.
inline std::vector<std::string> FixtureStems(const std::filesystem::path& dir = FixtureDir()) {
  std::vector<std::string> stems;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    constexpr std::string_view kExt = ".stderr";
    if (name.size() > kExt.size() &&
        name.compare(name.size() - kExt.size(), kExt.size(), kExt) == 0)
      stems.push_back(name.substr(0, name.size() - kExt.size()));
  }
  std::sort(stems.begin(), stems.end());
  return stems;
}

inline std::vector<std::string> Signatures(const SanitizerScan& s) {
  std::vector<std::string> out;
  for (const SanitizerReport& r : s.reports) out.push_back(r.signature);
  return out;
}

// A data race report as the runtime prints it, with the two accesses given as
// (header, innermost own frame) pairs; ids and addresses vary with `salt`.
struct Access {
  std::string header;  // e.g. "Write of size 4"
  std::string function;
  std::string file;
  int line;
};

inline std::string RaceReport(const Access& a, const Access& b, int salt = 0) {
  const std::string addr = "0x7b04000" + std::to_string(10000 + salt);
  const std::string pid = std::to_string(4000 + salt);
  auto stack = [&](const Access& x, int tid) {
    std::string s = "  " + x.header + " at " + addr + " by thread T" + std::to_string(tid) +
                    " (mutexes: write M" + std::to_string(salt + 7) + "):\n";
    s += "    #0 " + x.function + " " + x.file + ":" + std::to_string(x.line) + ":5 (prog+0x" +
         std::to_string(1200 + salt) + ")\n";
    s += "    #1 void std::__invoke_impl<void, void (*)()>(std::__invoke_other, void (*&&)()) "
         "/usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/bits/invoke.h:61:14 "
         "(prog+0xd45a9) (BuildId: 228dd2f5ec2a7f96d1a8c537171f95416de739b1)\n";
    s += "    #2 <null> <null> (libstdc++.so.6+0xd44a2)\n\n";
    return s;
  };
  std::string r = "==================\n";
  r += "WARNING: ThreadSanitizer: data race (pid=" + pid + ")\n";
  r += stack(a, salt + 1);
  r += stack(Access{"Previous " + std::string(1, static_cast<char>(b.header[0] - 'A' + 'a')) +
                        b.header.substr(1),
                    b.function, b.file, b.line},
             salt + 2);
  r += "  Location is global 'g' of size 4 at " + addr + " (prog+0x14fb6a8)\n\n";
  r += "  Thread T" + std::to_string(salt + 1) + " (tid=" + std::to_string(5000 + salt) +
       ", running) created by main thread at:\n";
  r += "    #0 pthread_create <null> (prog+0x533fd)\n";
  r += "    #1 main /src/app/main.cpp:40:3 (prog+0xd4383)\n\n";
  r += "SUMMARY: ThreadSanitizer: data race " + a.file + ":" + std::to_string(a.line) + " in " +
       a.function + "\n";
  r += "==================\n";
  return r;
}

}  // namespace racelab::testing
