// Source files a report page quotes, read once each, only from inside the source root.
#include "report/source_cache.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace racelab {

namespace fs = std::filesystem;

std::vector<std::pair<std::uint64_t, std::string>> SourceCache::Around(const std::string& file,
                                                                       std::uint64_t line,
                                                                       int radius) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  const std::vector<std::string>* lines = Load(file);
  if (lines == nullptr || line == 0 || line > lines->size()) return out;
  const std::uint64_t first = line > static_cast<std::uint64_t>(radius) ? line - radius : 1;
  const std::uint64_t last = std::min<std::uint64_t>(lines->size(), line + radius);
  for (std::uint64_t n = first; n <= last; ++n) out.emplace_back(n, (*lines)[n - 1]);
  return out;
}

std::optional<std::string> SourceCache::Inside(const std::string& root, const std::string& file) {
  if (root.empty() || file.empty() || fs::path(file).is_absolute()) return std::nullopt;
  std::error_code ec;
  const fs::path r = fs::weakly_canonical(root, ec);
  if (ec) return std::nullopt;
  const fs::path p = fs::weakly_canonical(r / file, ec);
  if (ec) return std::nullopt;
  auto [r_end, p_it] = std::mismatch(r.begin(), r.end(), p.begin(), p.end());
  if (r_end != r.end()) return std::nullopt;  // outside the root
  return p.string();
}

const std::vector<std::string>* SourceCache::Load(const std::string& file) {
  auto it = cache_.find(file);
  if (it != cache_.end()) return it->second ? &*it->second : nullptr;
  std::optional<std::vector<std::string>>& slot = cache_[file];
  const std::optional<std::string> path = Inside(root_, file);
  if (!path) return nullptr;
  const fs::path p(*path);
  std::error_code ec;
  if (!fs::is_regular_file(p, ec) || fs::file_size(p, ec) > kMaxSourceBytes || ec) return nullptr;
  std::ifstream in(p, std::ios::binary);
  if (!in) return nullptr;
  std::vector<std::string> lines;
  std::string l;
  while (std::getline(in, l)) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(std::move(l));
  }
  slot = std::move(lines);
  return &*slot;
}

}  // namespace racelab
