// The program interpreter an ELF executable asks the kernel for (its PT_INTERP), so that
// racelab can ask that dynamic loader for the shared objects the program loads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace racelab {

// Reads `size` bytes at `offset`; nullopt (or fewer bytes) past the end or on error.
using ReadAt = std::function<std::optional<std::string>(std::uint64_t offset, std::size_t size)>;

// The interpreter's path, "" for an executable without one (statically linked), nullopt for
// anything this reader does not understand: not an ELF file, not 64-bit little-endian,
// truncated or inconsistent headers. A caller falls back to ldd on nullopt.
std::optional<std::string> ElfInterpreter(const ReadAt& read);
std::optional<std::string> ElfInterpreterOfFile(const std::string& path);

}  // namespace racelab
