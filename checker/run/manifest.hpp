// The specimen manifest (variants/manifest.json): the one list of variants.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "judge/failure_class.hpp"
#include "judge/result.hpp"

namespace racelab {

enum class OracleKind { kSumSequence, kRiemann, kExitStatus };
std::string_view Name(OracleKind k);
std::optional<OracleKind> ParseOracleKind(std::string_view s);

enum class Build { kPlain, kTsan };
std::string_view Name(Build b);

// A class a variant is expected to show under the default fuzz, with the
// rate at which it was measured (fraction of runs, 0..1].
struct ExpectedClass {
  FailureClass cls;
  double rate = 0;
  std::uint64_t measured_runs = 0;
};

struct Variant {
  std::string id;
  int problem = 0;      // the tutorial's problem (1, 2); 0 for a user's variant
  std::string section;  // the tutorial's section; "" for a user's variant
  std::string title;
  std::string source;
  bool timing = false;  // p1s7/p1s8: run only when named and in bench
  OracleKind oracle = OracleKind::kSumSequence;
  std::uint64_t iterations = 0;
  std::uint64_t threads = 0;
  std::uint64_t check_iterations = 0;
  std::string default_fuzz;
  double exact = 0;
  double tolerance = 0;
  std::string verdict;
  std::map<Build, std::vector<ExpectedClass>> expected;
  // Classes the specimen's bug can produce but too rarely to expect in a
  // campaign (e.g. a crash of p2s2's unsynchronised push_back): never an
  // unexpected failure, never required.
  std::map<Build, std::vector<FailureClass>> tolerated;
  // Fuzz setting the expectations were measured under ("" = not recorded).
  std::string expected_fuzz;
};

struct Manifest {
  std::string path;
  // The directory the variants' sources are under (reports show source paths relative to
  // it and the HTML report quotes lines from it); "" = unknown.
  std::string source_root;
  std::vector<Variant> variants;
  const Variant* Find(std::string_view id) const;
};

Result<Manifest> LoadManifest(const std::string& path);
Result<Manifest> ParseManifest(const std::string& text, const std::string& origin);

}  // namespace racelab
