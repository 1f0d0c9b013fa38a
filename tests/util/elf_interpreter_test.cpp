// ElfInterpreter: the PT_INTERP path of a 64-bit little-endian ELF, "" when it has none,
// nullopt for anything else (racelab then asks ldd).
#include "util/elf_interpreter.hpp"

#include <elf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

namespace racelab {
namespace {

// An ELF header, a PT_LOAD and (unless interp is nullopt) a PT_INTERP whose bytes follow.
std::string MakeElf(const std::optional<std::string>& interp, unsigned char cls = ELFCLASS64) {
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = cls;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_DYN;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_phoff = sizeof(Elf64_Ehdr);
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = interp ? 2 : 1;
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  ph[0].p_type = PT_LOAD;
  const std::size_t text_at = sizeof(Elf64_Ehdr) + ph.size() * sizeof(Elf64_Phdr);
  if (interp) {
    ph[1].p_type = PT_INTERP;
    ph[1].p_offset = text_at;
    ph[1].p_filesz = interp->size();
  }
  std::string bytes(reinterpret_cast<const char*>(&eh), sizeof eh);
  bytes.append(reinterpret_cast<const char*>(ph.data()), ph.size() * sizeof(Elf64_Phdr));
  if (interp) bytes += *interp;
  return bytes;
}

std::optional<std::string> Of(const std::string& bytes) {
  return ElfInterpreter([&](std::uint64_t offset, std::size_t size) -> std::optional<std::string> {
    if (offset > bytes.size()) return std::nullopt;
    return bytes.substr(offset, size);
  });
}

TEST(ElfInterpreter, ReadsThePathOfPtInterp) {
  EXPECT_EQ(Of(MakeElf(std::string("/lib64/ld-linux-x86-64.so.2\0", 28))),
            "/lib64/ld-linux-x86-64.so.2");
}

TEST(ElfInterpreter, AnExecutableWithoutPtInterpHasNone) {
  EXPECT_EQ(Of(MakeElf(std::nullopt)), "");
}

TEST(ElfInterpreter, AnythingElseIsNotUnderstood) {
  const std::string good = MakeElf(std::string("/lib/ld.so\0", 11));
  EXPECT_EQ(Of(""), std::nullopt);
  EXPECT_EQ(Of("#!/bin/sh\necho hi\n"), std::nullopt);
  EXPECT_EQ(Of(MakeElf(std::string("/lib/ld.so\0", 11), ELFCLASS32)), std::nullopt);
  EXPECT_EQ(Of(good.substr(0, sizeof(Elf64_Ehdr) + 10)), std::nullopt);  // headers cut
  EXPECT_EQ(Of(good.substr(0, good.size() - 3)), std::nullopt);          // path cut
  EXPECT_EQ(Of(MakeElf(std::string("/lib/ld.so"))), std::nullopt);       // no NUL
  EXPECT_EQ(Of(MakeElf(std::string("/lib\0/ld.so\0", 12))), std::nullopt);
  EXPECT_EQ(Of(MakeElf(std::string("\0", 1))), std::nullopt);  // empty path
}

TEST(ElfInterpreterOfFile, ADynamicShellNamesALoaderAndAStaticPieNone) {
  const std::optional<std::string> sh = ElfInterpreterOfFile("/bin/sh");
  ASSERT_TRUE(sh.has_value());
  ASSERT_FALSE(sh->empty());
  EXPECT_EQ(::access(sh->c_str(), X_OK), 0) << *sh;
  // Debian's ldconfig (package libc-bin, essential) is linked static-pie.
  EXPECT_EQ(ElfInterpreterOfFile("/sbin/ldconfig"), "");
  EXPECT_EQ(ElfInterpreterOfFile("/nonexistent/racelab"), std::nullopt);
  EXPECT_EQ(ElfInterpreterOfFile("/etc/passwd"), std::nullopt);
}

}  // namespace
}  // namespace racelab
