// libFuzzer target: the fork server's message reader, the one both racelab and the server
// use, on arbitrary datagrams. Whatever it accepts encodes back to the same bytes (the
// encoding has one spelling per message), and every setting it accepts is NAME=value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/fork_server.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fk = racelab::protocol::fork;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto m = fk::Decode(bytes);
  if (!m) return 0;
  if (fk::Encode(*m) != bytes) std::abort();
  for (const std::string& s : m->settings) {
    const std::size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0 || s.find('\0') != std::string::npos) std::abort();
  }
  if (m->type != fk::Type::kRun && !m->settings.empty()) std::abort();
  return 0;
}
