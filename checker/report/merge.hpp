// Merging the reports of a campaign's shards into the report one machine would have written.
#pragma once

#include <string>
#include <vector>

#include "judge/result.hpp"
#include "report/report.hpp"

namespace racelab {

// The shards a report covers: its own `shards`, or shard 0 of 1 for an unsharded run.
ShardCoverage CoverageOf(const Report& r);

// "" when a and b are parts of one campaign, else its first difference in one line
// (e.g. "seed 1 vs 5", "p1s2/tsan: binary fnv1a64:... vs fnv1a64:...").
std::string CampaignDifference(const CampaignIdentity& a, const CampaignIdentity& b);

// Merges two reports of disjoint shards of one campaign: counts summed, per class
// the example of the lowest run index, sanitizer reports deduplicated by signature
// with their runs summed, the PCT bound and --expect verdicts recomputed on the
// total; timings summed, elapsed time the longest. Associative and commutative.
// An error (one line) when the campaigns differ or the shards overlap.
Result<Report> MergeReports(const Report& a, const Report& b);

struct ShardFile {
  std::string origin;  // the file name, for messages
  Report report;
};

// `racelab merge`: checks that the files are shards of one campaign, each shard
// once, and (unless allow_partial) all of them; then merges them.
Result<Report> MergeShardFiles(const std::vector<ShardFile>& files, bool allow_partial);

}  // namespace racelab
