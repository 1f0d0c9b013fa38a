// FindInPath and FindInEnvPath: a name with a '/' is taken as it is, PATH's directories are tried
// in order, and an empty entry is the current directory, as the shell does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "util/file_util.hpp"

namespace racelab {
namespace {

namespace fs = std::filesystem;

// A directory holding an executable `tool` and a non-executable `data`.
fs::path ToolDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() /
                     ("racelab_find_in_path_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(d);
  std::ofstream(d / "tool") << "#!/bin/sh\n";
  fs::permissions(d / "tool", fs::perms::owner_all);
  std::ofstream(d / "data") << "x";
  fs::permissions(d / "data", fs::perms::owner_read | fs::perms::owner_write);
  return d;
}

TEST(FindInPath, TriesTheDirectoriesInOrderAndOnlyExecutables) {
  const fs::path a = ToolDir("a"), b = ToolDir("b");
  EXPECT_EQ(FindInPath("tool", "/nonexistent:" + a.string() + ":" + b.string()),
            (a / "tool").string());
  EXPECT_EQ(FindInPath("tool", b.string() + ":" + a.string()), (b / "tool").string());
  EXPECT_EQ(FindInPath("data", a.string()), "");
  EXPECT_EQ(FindInPath("missing", a.string()), "");
  EXPECT_EQ(FindInPath((a / "tool").string(), "/nonexistent"), (a / "tool").string());
  EXPECT_EQ(FindInPath((a / "data").string(), a.string()), "");
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(FindInPath, AnEmptyEntryIsTheCurrentDirectory) {
  const fs::path a = ToolDir("cwd");
  const fs::path before = fs::current_path();
  fs::current_path(a);
  EXPECT_EQ(FindInPath("tool", "/nonexistent:"), "./tool");
  EXPECT_EQ(FindInPath("tool", "/nonexistent"), "");
  fs::current_path(before);
  fs::remove_all(a);
}

TEST(FindInEnvPath, UsesTheLastPathOfTheEnvironmentElseThisProcesss) {
  const fs::path a = ToolDir("env_a"), b = ToolDir("env_b");
  EXPECT_EQ(FindInEnvPath("tool", {"HOME=/", "PATH=" + a.string(), "PATH=" + b.string()}),
            (b / "tool").string());
  EXPECT_EQ(FindInEnvPath("tool", {"PATH=/nonexistent"}), "");
  // No PATH in env: this process's, where sh is found as the shell would find it.
  EXPECT_EQ(FindInEnvPath("sh", {"HOME=/"}), FindInPath("sh"));
  EXPECT_FALSE(FindInPath("sh").empty());
  fs::remove_all(a);
  fs::remove_all(b);
}

}  // namespace
}  // namespace racelab
