// Fnv1a64 against the published FNV-1a 64-bit test vectors, and byte-at-a-time against
// whole-string hashing.
#include "util/fnv1a.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace racelab {
namespace {

std::uint64_t Hash(std::string_view s) {
  Fnv1a64 h;
  h.Add(s);
  return h.value();
}

TEST(Fnv1a64, MatchesThePublishedTestVectors) {
  EXPECT_EQ(Hash(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Hash("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Hash("foobar"), 0x85944171f73967e8ULL);
}

TEST(Fnv1a64, IncrementalIsTheSameAsWhole) {
  const std::string_view text = "0 + 1 = 1\n--------------------\n";
  Fnv1a64 bytes, halves;
  for (const char c : text) bytes.Add(static_cast<unsigned char>(c));
  halves.Add(text.substr(0, 7));
  halves.Add(text.substr(7));
  EXPECT_EQ(bytes.value(), Hash(text));
  EXPECT_EQ(halves.value(), Hash(text));
  EXPECT_NE(Hash("ab"), Hash("ba"));
}

}  // namespace
}  // namespace racelab
