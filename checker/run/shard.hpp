// Sharding a campaign (docs/scale-out.md): shard K of N runs the run indices i with i mod N = K,
// each with the seed and fuzz setting it has in the whole campaign.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "judge/result.hpp"

namespace racelab {

struct Shard {
  std::uint64_t index = 0;  // K
  std::uint64_t count = 1;  // N
};

// The most shards a campaign may be split into.
inline constexpr std::uint64_t kMaxShards = 1'000'000;

// How many of a target's `runs` runs shard s carries out.
std::uint64_t ShardRunCount(std::uint64_t runs, Shard s);
// The campaign's run index of shard s's j-th run.
inline std::uint64_t ShardRunIndex(Shard s, std::uint64_t j) {
  return s.index + j * s.count;
}

// Reads an environment variable; nullptr when unset.
using EnvLookup = std::function<const char*(const char*)>;

// `--shard K/N` or `--shard auto`. For auto, K and N come from the environment:
// Slurm's job array (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT or
// SLURM_ARRAY_TASK_MIN/MAX), else a Kubernetes Indexed Job (JOB_COMPLETION_INDEX,
// N from `shards`, since the Job's completion count is not in the environment).
// `shards` (--shards N), when given, must agree with what the text or the
// environment says. Errors are one line.
Result<Shard> ParseShard(const std::string& text, std::optional<std::uint64_t> shards,
                         const EnvLookup& env);

// A fingerprint of a file's bytes, "fnv1a64:<16 hex digits>"; "" when it cannot be read.
std::string FileFingerprint(const std::string& path);

// This machine's host name ("" when unknown).
std::string HostName();

}  // namespace racelab
