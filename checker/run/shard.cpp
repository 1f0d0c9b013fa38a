// Shard selection, from the command line or a batch system's environment.
#include "run/shard.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <charconv>
#include <climits>
#include <fstream>
#include <vector>

#include "util/fnv1a.hpp"

namespace racelab {
namespace {

std::optional<std::uint64_t> Number(std::string_view text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// An environment variable that must be a whole number when set.
Result<std::optional<std::uint64_t>> EnvNumber(const EnvLookup& env, const char* name) {
  const char* v = env(name);
  if (v == nullptr) return std::optional<std::uint64_t>{};
  auto n = Number(v);
  if (!n)
    return UsageError{fmt::format("--shard auto: {}='{}' is not a whole number", name,
                                  std::string(v).substr(0, 40))};
  return std::optional<std::uint64_t>{*n};
}

Result<Shard> Checked(Shard s, const char* what) {
  if (s.count == 0 || s.count > kMaxShards)
    return UsageError{fmt::format("{}: the number of shards must be from 1 to {}, got {}", what,
                                  kMaxShards, s.count)};
  if (s.index >= s.count)
    return UsageError{fmt::format("{}: shard index {} is not below the number of shards {}", what,
                                  s.index, s.count)};
  return s;
}

Result<Shard> FromSlurm(const EnvLookup& env, std::uint64_t id) {
  auto count = EnvNumber(env, "SLURM_ARRAY_TASK_COUNT");
  auto min = EnvNumber(env, "SLURM_ARRAY_TASK_MIN");
  auto max = EnvNumber(env, "SLURM_ARRAY_TASK_MAX");
  for (const auto* r : {&count, &min, &max})
    if (!*r) return r->error();
  if (min->has_value() != max->has_value())
    return UsageError{
        "--shard auto: Slurm sets SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX together; only "
        "one is set"};
  Shard s;
  if (min->has_value()) {
    if (**max < **min || id < **min || id > **max)
      return UsageError{fmt::format(
          "--shard auto: SLURM_ARRAY_TASK_ID={} is not within SLURM_ARRAY_TASK_MIN={} .. "
          "SLURM_ARRAY_TASK_MAX={}",
          id, **min, **max)};
    s.index = id - **min;
    s.count = **max - **min + 1;
    if (count->has_value() && **count != s.count)
      return UsageError{fmt::format(
          "--shard auto: SLURM_ARRAY_TASK_COUNT={} but MIN={} .. MAX={} spans {} tasks: an array "
          "with gaps or a step (use --array=0-{})",
          **count, **min, **max, s.count, **count - 1)};
  } else if (count->has_value()) {
    s.index = id;
    s.count = **count;
  } else {
    return UsageError{
        "--shard auto: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor "
        "SLURM_ARRAY_TASK_MIN/MAX"};
  }
  return Checked(s, "--shard auto (Slurm)");
}

}  // namespace

std::uint64_t ShardRunCount(std::uint64_t runs, Shard s) {
  if (s.count == 0 || s.index >= runs) return 0;
  return (runs - s.index + s.count - 1) / s.count;
}

Result<Shard> ParseShard(const std::string& text, std::optional<std::uint64_t> shards,
                         const EnvLookup& env) {
  Result<Shard> out = UsageError{""};
  if (text == "auto") {
    auto slurm = EnvNumber(env, "SLURM_ARRAY_TASK_ID");
    if (!slurm) return slurm.error();
    auto k8s = EnvNumber(env, "JOB_COMPLETION_INDEX");
    if (!k8s) return k8s.error();
    if (slurm->has_value()) {
      out = FromSlurm(env, **slurm);
    } else if (k8s->has_value()) {
      if (!shards)
        return UsageError{
            "--shard auto: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but the number "
            "of shards is not in the environment; give --shards N (the Job's completions)"};
      out = Checked(Shard{**k8s, *shards}, "--shard auto (JOB_COMPLETION_INDEX)");
    } else {
      return UsageError{
          "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor "
          "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set"};
    }
  } else {
    const std::size_t slash = text.find('/');
    auto k = Number(std::string_view(text).substr(0, slash));
    auto n = slash == std::string::npos ? std::nullopt
                                        : Number(std::string_view(text).substr(slash + 1));
    if (!k || !n)
      return UsageError{
          fmt::format("--shard: expected K/N (e.g. 0/4) or auto, got '{}'", text.substr(0, 60))};
    out = Checked(Shard{*k, *n}, "--shard");
  }
  if (out && shards && *shards != out->count)
    return UsageError{
        fmt::format("--shards {} disagrees with --shard {}: {} shards", *shards, text, out->count)};
  return out;
}

std::string FileFingerprint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  Fnv1a64 h;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.Add(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) return "";
  return fmt::format("fnv1a64:{:016x}", h.value());
}

std::string HostName() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

}  // namespace racelab
