// --fuzz parsing: the accepted spellings, and a one-line reason for the rest.
#include "fuzz_setting.hpp"

#include <gtest/gtest.h>

namespace racelab {
namespace {

TEST(FuzzSetting, ParsesEveryModeAndPrintsItBack) {
  for (const char* s : {"none", "yield", "sleep:0", "sleep:200", "sleep:100000"}) {
    auto f = ParseFuzzSetting(s);
    ASSERT_TRUE(f) << s;
    EXPECT_EQ(f->ToString(), s);
  }
}

TEST(FuzzSetting, RejectsBogusValuesWithTheirText) {
  for (const char* s : {"", "bogus", "sleep", "sleep:", "sleep:-1", "sleep:1x", "sleep:99999999999",
                        "Sleep:10", "none "}) {
    auto f = ParseFuzzSetting(s);
    ASSERT_FALSE(f) << s;
    EXPECT_NE(f.error().what.find("--fuzz"), std::string::npos);
    EXPECT_EQ(f.error().what.find('\n'), std::string::npos);
  }
}

TEST(FuzzList, SplitsOnCommasAndRejectsAnEmptyItem) {
  auto l = ParseFuzzList("none,yield,sleep:100");
  ASSERT_TRUE(l);
  ASSERT_EQ(l->size(), 3u);
  EXPECT_EQ(JoinFuzzList(*l), "none,yield,sleep:100");
  EXPECT_FALSE(ParseFuzzList("none,,yield"));
  EXPECT_FALSE(ParseFuzzList("none,"));
  EXPECT_TRUE(ParseFuzzList(kDefaultFuzz));
}

}  // namespace
}  // namespace racelab
