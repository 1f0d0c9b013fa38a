// The whole vocabulary of a specimen: settings, threads, locks, queue, shared state,
// fuzz points and printing. Specimens include this header and nothing else of rl.
#pragma once

#include "racelab/clock.hpp"
#include "racelab/fuzz.hpp"
#include "racelab/print.hpp"
#include "racelab/queue.hpp"
#include "racelab/settings.hpp"
#include "racelab/sync.hpp"
#include "racelab/thread.hpp"

namespace rl {

// variants/CMakeLists.txt defines these per specimen from manifest.json, so a specimen's
// defaults cannot drift from what the checker and the tests read there.
#if defined(RACELAB_VARIANT_ID)
inline Defaults manifest_defaults() {
  return Defaults{RACELAB_VARIANT_ID, RACELAB_VARIANT_ITERATIONS, RACELAB_VARIANT_THREADS,
                  RACELAB_VARIANT_FUZZ};
}
#endif

}  // namespace rl
