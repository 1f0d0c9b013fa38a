// The whole vocabulary of a specimen: settings, threads, locks, queue, shared state,
// fuzz points and printing. Specimens include this header and nothing else of rl.
#pragma once

#include "support/clock.hpp"
#include "support/fuzz.hpp"
#include "support/print.hpp"
#include "support/queue.hpp"
#include "support/settings.hpp"
#include "support/sync.hpp"
#include "support/thread.hpp"

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
