// Source files a report page quotes: read once each, only regular files inside a root.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace racelab {

// Source files read for one page, by path; an entry without lines could not be read.
// A report's locations come from program output: a file is read only when it is
// a relative path that stays inside the root (after resolving "..", symbolic
// links included), a regular file, and at most kMaxSourceBytes long.
class SourceCache {
 public:
  static constexpr std::uintmax_t kMaxSourceBytes = 8u << 20;

  explicit SourceCache(std::string root) : root_(std::move(root)) {}

  // Lines [line - radius, line + radius] of `file` (relative to the root),
  // numbered; empty when the file cannot or may not be read.
  std::vector<std::pair<std::uint64_t, std::string>> Around(const std::string& file,
                                                            std::uint64_t line, int radius);

  // The resolved path of `file` when it is relative and stays inside `root`;
  // nullopt otherwise (and for an empty root or file).
  static std::optional<std::string> Inside(const std::string& root, const std::string& file);

 private:
  const std::vector<std::string>* Load(const std::string& file);

  std::string root_;
  std::map<std::string, std::optional<std::vector<std::string>>> cache_;
};

}  // namespace racelab
