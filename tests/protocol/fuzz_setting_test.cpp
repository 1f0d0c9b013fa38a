// The fuzz-setting grammar (docs/scheduling.md, "Settings"): every spelling both sides
// accept, the bounds, and a one-line reason naming the text for the rest.
#include "protocol/fuzz_setting.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace racelab::protocol {
namespace {

using Mode = FuzzSetting::Mode;

FuzzSetting Sleep(std::uint64_t us) {
  return {Mode::kSleep, us, 0, 0};
}
FuzzSetting Pct(std::uint64_t d, std::uint64_t k) {
  return {Mode::kPct, 0, d, k};
}

TEST(FuzzSettingParse, AcceptsEverySpellingAndPrintsItBack) {
  const std::map<std::string, FuzzSetting> good{
      {"none", {}},
      {"yield", {Mode::kYield, 0, 0, 0}},
      {"random", {Mode::kRandom, 0, 0, 0}},
      {"sleep:0", Sleep(0)},
      {"sleep:200", Sleep(200)},
      {"sleep:10000000", Sleep(kMaxSleepUs)},
      {"pct:1", Pct(1, 0)},
      {"pct:3", Pct(3, 0)},
      {"pct:10", Pct(10, 0)},
      {"pct:3:1", Pct(3, 1)},
      {"pct:2:523", Pct(2, 523)},
      {"pct:10:1000000000", Pct(10, kMaxPctSteps)},
  };
  for (const auto& [text, expected] : good) {
    const FuzzSetting::Parsed parsed = FuzzSetting::Parse(text);
    ASSERT_TRUE(parsed) << text << ": " << parsed.error;
    EXPECT_EQ(*parsed.setting, expected) << text;
    EXPECT_EQ(parsed.setting->ToString(), text);
  }
}

TEST(FuzzSettingParse, PlainPctIsDepthThreeAndPctDLeavesKUngiven) {
  const FuzzSetting pct = *FuzzSetting::Parse("pct").setting;
  EXPECT_EQ(pct, Pct(kDefaultPctDepth, 0));
  EXPECT_EQ(pct.ToString(), "pct:3");
  EXPECT_EQ(pct.PctSteps(), kDefaultPctSteps);
  EXPECT_EQ(Pct(4, 77).PctSteps(), 77u);
  EXPECT_TRUE(pct.IsControlled());
  EXPECT_TRUE(FuzzSetting::Parse("random").setting->IsControlled());
  EXPECT_FALSE(FuzzSetting::Parse("sleep:5").setting->IsControlled());
  EXPECT_FALSE(FuzzSetting::Parse("none").setting->IsControlled());
}

TEST(FuzzSettingParse, RejectsAnythingElseNamingTheTextOnOneLine) {
  for (const std::string text : {"",
                                 "None",
                                 "NONE",
                                 " none",
                                 "none ",
                                 "Random",
                                 "random:1",
                                 "yield:1",
                                 "sleep",
                                 "sleep:",
                                 "sleep:-1",
                                 "sleep:+1",
                                 "sleep:abc",
                                 "sleep:1.5",
                                 "sleep: 5",
                                 "sleep:5us",
                                 "sleep:10000001",
                                 "sleep:9223372036854775808",
                                 "sleep:99999999999999999999999",
                                 "pct:",
                                 "pct:0",
                                 "pct:11",
                                 "pct:-1",
                                 "pct:x",
                                 "pct:3:",
                                 "pct:3:0",
                                 "pct:3:-5",
                                 "pct:3:x",
                                 "pct:3:1:1",
                                 "pct:3:1000000001",
                                 "pct:3:9223372036854775808",
                                 "pct:1000000000000000000000",
                                 "pct3",
                                 "PCT:3",
                                 "pct :3",
                                 " pct"}) {
    const FuzzSetting::Parsed parsed = FuzzSetting::Parse(text);
    EXPECT_FALSE(parsed) << "accepted '" << text << "'";
    EXPECT_NE(parsed.error.find("'" + text + "'"), std::string::npos) << parsed.error;
    EXPECT_EQ(parsed.error.find('\n'), std::string::npos) << parsed.error;
  }
  EXPECT_NE(FuzzSetting::Parse("pct:0").error.find("1 to 10"), std::string::npos);
  EXPECT_NE(FuzzSetting::Parse("sleep:10000001").error.find("0 to 10000000"), std::string::npos);
}

TEST(Quoted, EscapesWhatWouldBreakTheLine) {
  EXPECT_EQ(Quoted("pct:3"), "'pct:3'");
  EXPECT_EQ(Quoted(std::string("a\nb\\\x01\xff", 6)), "'a\\x0ab\\x5c\\x01\\xff'");
}

}  // namespace
}  // namespace racelab::protocol
