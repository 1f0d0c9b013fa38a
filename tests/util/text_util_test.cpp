// Untrusted output made safe: UTF-8 repair, XML escaping, printable terminal text.
#include "util/text_util.hpp"

#include <gtest/gtest.h>

#include "judge/classify.hpp"

namespace racelab {
namespace {

TEST(ToValidUtf8, KeepsValidTextAndReplacesEachBadByte) {
  EXPECT_EQ(ToValidUtf8("plain é ✓"), "plain é ✓");
  EXPECT_EQ(ToValidUtf8("a\xff"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(ToValidUtf8("\xE2\x9C"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated
}

TEST(XmlEscape, NeutralisesMarkupAndForbiddenControls) {
  EXPECT_EQ(XmlEscape("</script><a href=\"x\">&'"),
            "&lt;/script&gt;&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  EXPECT_EQ(XmlEscape(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(XmlEscape("tab\there"), "tab\there");
}

TEST(Printable, EscapesTerminalControlSequences) {
  EXPECT_EQ(Printable("\x1b[2Jgone"), "\\x1b[2Jgone");
  EXPECT_EQ(Printable("bell\a"), "bell\\x07");
}

TEST(ExcerptAround, NumbersLinesAndMarksTheCentre) {
  auto ex = ExcerptAround("a\nb\nc\nd\ne\n", 3, 1);
  ASSERT_EQ(ex.size(), 3u);
  EXPECT_EQ(ex[0], "      2 | b");
  EXPECT_EQ(ex[1], ">     3 | c");
  EXPECT_EQ(ex[2], "      4 | d");
  EXPECT_EQ(ExcerptAround("only\n", 1, 3).size(), 1u);
  EXPECT_EQ(ExcerptAround("no newline", 1, 0), std::vector<std::string>{">     1 | no newline"});
}

}  // namespace
}  // namespace racelab
