// The build's programs as racelab's own tests find them: RACELAB_BIN_DIR (set by ctest),
// and a manifest specimen set up as `racelab run` sets it up.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "run/manifest.hpp"
#include "run/target.hpp"

namespace racelab::testing {

inline std::string BinDir() {
  const char* d = std::getenv("RACELAB_BIN_DIR");
  return d != nullptr ? d : "";
}

inline Target Specimen(const std::string& id, Build b) {
  static const Manifest m =
      *LoadManifest(std::string(RACELAB_SOURCE_DIR) + "/variants/manifest.json");
  const Variant* v = m.Find(id);
  EXPECT_NE(v, nullptr) << id;
  Target t;
  t.id = id;
  t.build = b;
  t.variant = v;
  t.executable = BinDir() + "/variants/" + std::string(Name(b)) + "/" + id;
  t.oracle = v->oracle;
  t.iterations = v->check_iterations;
  t.threads = v->problem == 2 ? v->threads : 0;
  t.exact = v->exact;
  t.tolerance = v->tolerance;
  t.tsan = b == Build::kTsan;
  return t;
}

}  // namespace racelab::testing
