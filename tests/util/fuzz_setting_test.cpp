// --fuzz parsing: the accepted spellings, and a one-line reason for the rest.
#include "util/fuzz_setting.hpp"

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

TEST(FuzzSetting, ParsesControlledSettings) {
  for (const char* s :
       {"random", "pct:1", "pct:3", "pct:10", "pct:3:1", "pct:2:523", "pct:10:1000000000"}) {
    auto f = ParseFuzzSetting(s);
    ASSERT_TRUE(f) << s;
    EXPECT_EQ(f->ToString(), s);
    EXPECT_TRUE(f->IsControlled()) << s;
  }
  auto pct = ParseFuzzSetting("pct");
  ASSERT_TRUE(pct);
  EXPECT_EQ(pct->ToString(), "pct:3");
  EXPECT_EQ(pct->depth, 3u);
  EXPECT_EQ(pct->k, 0u);
  auto full = ParseFuzzSetting("pct:4:77");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->depth, 4u);
  EXPECT_EQ(full->k, 77u);
  EXPECT_FALSE(ParseFuzzSetting("sleep:10")->IsControlled());
  EXPECT_FALSE(ParseFuzzSetting("none")->IsControlled());
  auto mix = ParseFuzzList("none,pct,random");
  ASSERT_TRUE(mix);
  EXPECT_EQ(JoinFuzzList(*mix), "none,pct:3,random");
}

TEST(FuzzSetting, RejectsBadControlledSettingsWithOneLine) {
  for (const char* s :
       {"pct:0", "pct:11", "pct:", "pct:x", "pct:3:", "pct:3:0", "pct:3:x", "pct:3:4:5", "pct:-1",
        "pct:1000000000000000000000", "pct:3:1000000001", "PCT:3", "random:1", "pct3", " pct"}) {
    auto f = ParseFuzzSetting(s);
    ASSERT_FALSE(f) << s;
    EXPECT_NE(f.error().what.find("--fuzz"), std::string::npos) << s;
    EXPECT_EQ(f.error().what.find('\n'), std::string::npos) << s;
  }
  EXPECT_NE(ParseFuzzSetting("pct:0").error().what.find("1 to 10"), std::string::npos);
}

}  // namespace
}  // namespace racelab
