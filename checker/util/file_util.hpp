// Reading and atomically writing files, with errors as values.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "judge/result.hpp"

namespace racelab {

// Reads a regular file of at most max_bytes. A directory, a missing or
// unreadable file, or a larger one is a UsageError naming the path.
Result<std::string> ReadTextFile(const std::string& path, std::size_t max_bytes);

// Writes via a temporary file in the same directory and rename(2), so a
// reader never sees half a report. Returns "" on success, else the reason.
std::string WriteFileAtomically(const std::string& path, const std::string& contents);

// Checks, before any work starts, that WriteFileAtomically(path) can succeed:
// the directory exists and is writable, and path is not a directory.
std::string CheckWritable(const std::string& path);

// Directory of the running executable (/proc/self/exe), "" if unknown.
std::string SelfDirectory();

// The executable `name` as the shell would find it: name itself when it holds a '/', else
// the first executable dir/name for the directories of path_var (colon-separated; an empty
// entry is the current directory). "" when there is none.
std::string FindInPath(const std::string& name, const std::string& path_var);
// The same over this process's PATH (/usr/local/bin:/usr/bin:/bin when it has none).
std::string FindInPath(const std::string& name);
// The same over the PATH of env (NAME=value entries, the last PATH= winning), or this
// process's when env has none: where a program started with env would find `name`.
std::string FindInEnvPath(const std::string& name, const std::vector<std::string>& env);

}  // namespace racelab
