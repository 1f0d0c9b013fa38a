// ELF64 little-endian program headers, read with <elf.h>'s layouts (System V gABI).
#include "util/elf_interpreter.hpp"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/fd.hpp"

namespace racelab {
namespace {

// A PT_INTERP longer than this is not a path any loader has.
constexpr std::uint64_t kMaxInterpreter = 4096;
// More program headers than this is a corrupt file, not an executable.
constexpr std::uint64_t kMaxProgramHeaders = 4096;

template <typename T>
std::optional<T> ReadStruct(const ReadAt& read, std::uint64_t offset) {
  const std::optional<std::string> bytes = read(offset, sizeof(T));
  if (!bytes || bytes->size() != sizeof(T)) return std::nullopt;
  T value;
  std::memcpy(&value, bytes->data(), sizeof(T));
  return value;
}

}  // namespace

std::optional<std::string> ElfInterpreter(const ReadAt& read) {
  const std::optional<Elf64_Ehdr> eh = ReadStruct<Elf64_Ehdr>(read, 0);
  if (!eh || std::memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
      eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
      eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum > kMaxProgramHeaders)
    return std::nullopt;
  for (std::uint64_t i = 0; i < eh->e_phnum; ++i) {
    const std::optional<Elf64_Phdr> ph =
        ReadStruct<Elf64_Phdr>(read, eh->e_phoff + i * sizeof(Elf64_Phdr));
    if (!ph) return std::nullopt;
    if (ph->p_type != PT_INTERP) continue;
    if (ph->p_filesz < 2 || ph->p_filesz > kMaxInterpreter) return std::nullopt;
    const std::optional<std::string> text = read(ph->p_offset, ph->p_filesz);
    // A NUL-terminated path, the NUL its last byte and its only one.
    if (!text || text->size() != ph->p_filesz || text->back() != '\0') return std::nullopt;
    std::string path = text->substr(0, text->size() - 1);
    if (path.find('\0') != std::string::npos) return std::nullopt;
    return path;
  }
  return std::string();
}

std::optional<std::string> ElfInterpreterOfFile(const std::string& path) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  return ElfInterpreter([&](std::uint64_t offset, std::size_t size) -> std::optional<std::string> {
    std::string buf(size, '\0');
    std::size_t got = 0;
    while (got < size) {
      const ssize_t n =
          ::pread(fd.get(), buf.data() + got, size - got, static_cast<off_t>(offset + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    buf.resize(got);
    return buf;
  });
}

}  // namespace racelab
