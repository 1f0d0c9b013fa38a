// The schedule string (docs/scheduling.md, "Schedule string"): the document's example,
// the extremes, the strings it rejects, and the path hash.
#include "protocol/schedule.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace racelab::protocol {
namespace {

const Schedule kDocExample{523, 0x9f3a2b1c0d4e5f60ULL, {{12, 3}, {16, 1}, {56, 2}}};
const std::string kDocString = "s1-523-9f3a2b1c0d4e5f60-12t3.4t1.40t2";

TEST(ScheduleString, EncodesTheDocumentsExample) {
  EXPECT_EQ(EncodeSchedule(kDocExample), kDocString);
  EXPECT_EQ(EncodeSchedule(Schedule{0, 0, {}}), "s1-0-0000000000000000-");
  EXPECT_EQ(EncodeSchedule(Schedule{7, 1, {{7, 0}}}), "s1-7-0000000000000001-7t0");
}

TEST(ScheduleString, DecodesTheDocumentsExample) {
  const auto decoded = DecodeSchedule(kDocString);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, kDocExample);
  const auto empty = DecodeSchedule("s1-201-0ab78e079261cfff-");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->steps, 201U);
  EXPECT_EQ(empty->hash, 0x0ab78e079261cfffULL);
  EXPECT_TRUE(empty->deviations.empty());
}

TEST(ScheduleString, DecodeAcceptsTheExtremes) {
  const auto big =
      DecodeSchedule("s1-18446744073709551615-ffffffffffffffff-18446744073709551615t4294967295");
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(big->steps, UINT64_MAX);
  EXPECT_EQ(big->deviations, (std::vector<Deviation>{{UINT64_MAX, UINT32_MAX}}));
}

TEST(ScheduleString, DecodeRejectsAnythingMalformed) {
  for (const std::string text : {
           "",
           "s1",
           "s1-",
           "s2-5-0000000000000000-",                     // unknown version
           "S1-5-0000000000000000-",                     // case
           "s1-5-0000000000000000",                      // no deviation field
           "s1--0000000000000000-",                      // no steps
           "s1-05-0000000000000000-",                    // leading zero
           "s1-+5-0000000000000000-",                    // sign
           "s1-5-000000000000000-",                      // 15 hex digits
           "s1-5-00000000000000000-",                    // 17 hex digits
           "s1-5-000000000000000A-",                     // uppercase hex
           "s1-5-000000000000000g-",                     // not hex
           "s1-5-0000000000000000-.",                    // empty deviation
           "s1-5-0000000000000000-1t1.",                 // trailing separator
           "s1-5-0000000000000000-.1t1",                 // leading separator
           "s1-5-0000000000000000-1t1..1t2",             // empty middle
           "s1-5-0000000000000000-0t1",                  // zero delta: step 0
           "s1-5-0000000000000000-1t1.0t2",              // zero delta: not increasing
           "s1-5-0000000000000000-01t1",                 // leading zero delta
           "s1-5-0000000000000000-1t01",                 // leading zero thread
           "s1-5-0000000000000000-1t",                   // no thread
           "s1-5-0000000000000000-t1",                   // no delta
           "s1-5-0000000000000000-1x1",                  // wrong letter
           "s1-5-0000000000000000-1t1-",                 // trailing dash
           "s1-5-0000000000000000-6t1",                  // deviation after the last step
           "s1-5-0000000000000000-3t1.3t2",              // deviation after the last step
           "s1-5-0000000000000000-1t4294967296",         // thread overflow
           "s1-18446744073709551616-0000000000000000-",  // steps overflow
           "s1-18446744073709551615-0000000000000000-18446744073709551615t1.1t1",  // step sum
           " s1-5-0000000000000000-",                                              // spaces
           "s1-5-0000000000000000- ",
           "s1-5-0000000000000000-\n",
       }) {
    EXPECT_FALSE(DecodeSchedule(text).has_value()) << "accepted '" << text << "'";
  }
}

TEST(ScheduleString, HashStepIsFnv1aOverEachField) {
  const std::uint64_t a = HashStep(kHashBasis, 1, 2, 3);
  EXPECT_NE(a, kHashBasis);
  EXPECT_EQ(a, HashStep(kHashBasis, 1, 2, 3));
  EXPECT_NE(a, HashStep(kHashBasis, 2, 2, 3));
  EXPECT_NE(a, HashStep(kHashBasis, 1, 3, 3));
  EXPECT_NE(a, HashStep(kHashBasis, 1, 2, 4));
  // FNV-1a 64 of the 12 bytes 01 00 00 00 02 00 00 00 03 00 00 00.
  std::uint64_t expected = 0xcbf29ce484222325ULL;
  for (const std::uint8_t byte : {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0}) {
    expected = (expected ^ byte) * 0x100000001b3ULL;
  }
  EXPECT_EQ(a, expected);
}

}  // namespace
}  // namespace racelab::protocol
