// libFuzzer target: the specimen manifest parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "run/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto m = racelab::ParseManifest(text, "fuzz.json");
  if (!m && m.error().what.find('\n') != std::string::npos) std::abort();  // one line
  if (m)
    for (const racelab::Variant& v : m->variants)
      if (v.id.empty() || m->Find(v.id) != &v) std::abort();
  return 0;
}
