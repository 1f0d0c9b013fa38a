// The fuzz setting of a run (RACELAB_FUZZ, racelab's --fuzz): one value, one parser, one
// printer and one set of bounds for racelab and the specimens' support library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace racelab::protocol {

// The bounds of the grammar (docs/scheduling.md, "Settings").
inline constexpr std::uint64_t kMaxSleepUs = 10'000'000;      // sleep:MAX_US, at most 10 s
inline constexpr std::uint64_t kMaxPctDepth = 10;             // pct:D, D in 1..10
inline constexpr std::uint64_t kDefaultPctDepth = 3;          // `pct` alone is `pct:3`
inline constexpr std::uint64_t kMaxPctSteps = 1'000'000'000;  // pct:D:K, K in 1..10^9
// The K of a `pct:D` run whose launcher calibrated nothing (docs/scheduling.md).
inline constexpr std::uint64_t kDefaultPctSteps = 1000;

struct FuzzSetting {
  // kRandom and kPct are controlled scheduling (docs/scheduling.md): the specimen runs
  // one thread at a time and every run writes a replayable schedule.
  enum class Mode {
    kNone,    // fuzz points do nothing
    kSleep,   // each fuzz point sleeps uniformly 0..max_us microseconds
    kYield,   // each fuzz point calls std::this_thread::yield()
    kRandom,  // a uniform choice among the runnable threads at each step
    kPct,     // PCT of `depth` with its change points over K expected steps
  };
  Mode mode = Mode::kNone;
  std::uint64_t max_us = 0;  // kSleep only: 0..kMaxSleepUs
  std::uint64_t depth = 0;   // kPct only: D, 1..kMaxPctDepth
  std::uint64_t k = 0;       // kPct only: K, 1..kMaxPctSteps; 0 = not given (`pct:D`)

  // The one reader of the grammar: "none", "yield", "sleep:MAX_US", "random", "pct",
  // "pct:D" or "pct:D:K", nothing else (no spaces, signs or leading '+').
  struct Parsed;
  static Parsed Parse(std::string_view text);

  // The one printer, Parse's inverse: "none", "yield", "sleep:200", "random", "pct:3"
  // (K not given), "pct:3:523". Parse(x.ToString()) == x for every valid x.
  std::string ToString() const;

  bool IsControlled() const { return mode == Mode::kRandom || mode == Mode::kPct; }
  // The K a pct run uses: k when given, else kDefaultPctSteps.
  std::uint64_t PctSteps() const { return k != 0 ? k : kDefaultPctSteps; }

  friend bool operator==(const FuzzSetting& a, const FuzzSetting& b) {
    return a.mode == b.mode && a.max_us == b.max_us && a.depth == b.depth && a.k == b.k;
  }
  friend bool operator!=(const FuzzSetting& a, const FuzzSetting& b) { return !(a == b); }
};

// A setting, or why the text is not one: a one-line reason naming the text, e.g.
// "expected pct:D with D from 1 to 10, got 'pct:0'" (the caller adds the variable or
// option it came from).
struct FuzzSetting::Parsed {
  std::optional<FuzzSetting> setting;
  std::string error;
  explicit operator bool() const { return setting.has_value(); }
};

// The text between single quotes, each byte that is not printable ASCII (and '\') as
// \xNN, so a rejected value is echoed on one line whatever it holds.
std::string Quoted(std::string_view text);

}  // namespace racelab::protocol
