// A target: one program racelab runs many times, and how its output is judged.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "run/manifest.hpp"

namespace racelab {

class OfflineSymbolizer;

struct Target {
  // Manifest id, or the path as the user gave it.
  std::string id;
  std::string executable;
  // Set for manifest targets; a path target has no build flavour.
  std::optional<Build> build;
  const Variant* variant = nullptr;  // null for path targets
  OracleKind oracle = OracleKind::kExitStatus;
  std::uint64_t iterations = 0;  // RACELAB_ITERATIONS (0: unset)
  std::uint64_t threads = 0;     // RACELAB_THREADS (0: unset)
  double exact = 0;
  double tolerance = 0;
  // Whether the program is TSan-instrumented: racelab then sets TSAN_OPTIONS.
  bool tsan = false;
  // Set when racelab symbolizes this TSan build's reports itself: runs get symbolize=0 and
  // their stderr is rewritten through this (shared by the campaign's targets).
  std::shared_ptr<OfflineSymbolizer> symbolizer;

  // "p1s2/tsan", or the path.
  std::string Label() const;
  std::string BuildName() const { return build ? std::string(Name(*build)) : "path"; }
};

// Why the kernel would refuse to execute `path`, or "" when it looks runnable: not found,
// a directory, no execute permission, or neither an ELF program nor a #! script whose
// interpreter exists (the exec format error every run would hit). Checked before any run so
// such a target is bad input, not a failure of racelab's. Formats registered with
// binfmt_misc are not known here: a run of one fails as racelab's error instead.
std::string WhyNotExecutable(const std::string& path);

// Shell-quotes one word for a replay line a user can paste.
std::string ShellQuote(const std::string& word);

}  // namespace racelab
