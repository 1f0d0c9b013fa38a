// Unit tests of the hardening fixes: terminal-safe text, XML non-characters, clipped
// excerpts, strict report numbers, probed output paths, reads that cannot block.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "judge/classify.hpp"
#include "report/report_json.hpp"
#include "util/file_util.hpp"
#include "util/text_util.hpp"

namespace racelab {
namespace {

TEST(TerminalSafe, EscapesEveryControlButNewlineAndTab) {
  EXPECT_EQ(TerminalSafe("a\tb\nc"), "a\tb\nc");
  EXPECT_EQ(TerminalSafe("\x1b[2J\x1b]0;t\x07"), "\\x1b[2J\\x1b]0;t\\x07");
  EXPECT_EQ(TerminalSafe(std::string("\0\r\x7f", 3)), "\\x00\\x0d\\x7f");
}

TEST(TerminalSafe, EscapesC1ControlsAndRepairsInvalidUtf8) {
  EXPECT_EQ(TerminalSafe("\xc2\x9b"
                         "31m"),
            "\\u009b31m");                                  // U+009B is CSI
  EXPECT_EQ(TerminalSafe("\x9b"), "\xEF\xBF\xBD");          // a lone byte is no character
  EXPECT_EQ(TerminalSafe("é ✓ \xc2\xa0"), "é ✓ \xc2\xa0");  // U+00A0 is printable
}

TEST(XmlEscape, ReplacesTheNonCharactersXmlForbids) {
  EXPECT_EQ(XmlEscape("a\xEF\xBF\xBE"
                      "b\xEF\xBF\xBF"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(XmlEscape("\xEF\xBF\xBD"), "\xEF\xBF\xBD");
}

TEST(Excerpts, CutAHugeLineAndSayHowMuchWasLeftOut) {
  const std::string line(10 << 20, '7');
  const std::vector<std::string> ex = ExcerptAround(line, 1, 3);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_LT(ex[0].size(), 500u);
  EXPECT_NE(ex[0].find("... (+10485360 bytes)"), std::string::npos) << ex[0];
  const std::vector<std::string> head = PrintableLines(line, 5);
  ASSERT_EQ(head.size(), 1u);
  EXPECT_LT(head[0].size(), 500u);
}

std::string Report(const std::string& runs, const std::string& classes = "{}") {
  return R"({"schema": "racelab.report/1",
             "settings": {"runs": 1, "jobs": 1, "fuzz": "none", "seed": 1, "timeout_s": 1},
             "targets": [{"id": "x", "build": "path", "runs": )" +
         runs + R"(, "failed_runs": 0, "classes": )" + classes + "}]}";
}

TEST(ParseReportJson, RefusesNumbersOfTheWrongKindInsteadOfConvertingThem) {
  EXPECT_TRUE(ParseReportJson(Report("3"), "r.json").ok());
  for (const char* bad : {"-1", "1.5", "1e300", "\"3\"", "true", "null"})
    EXPECT_FALSE(ParseReportJson(Report(bad), "r.json").ok()) << bad;
  EXPECT_FALSE(ParseReportJson(Report("3", R"({"ok": -2})"), "r.json").ok());
  EXPECT_FALSE(ParseReportJson(Report("3", R"({"ok": 4})"), "r.json").ok()) << "more than runs";
}

TEST(CheckWritable, ProbesByCreatingAFileSoRootIsToldTheTruth) {
  EXPECT_EQ(CheckWritable(::testing::TempDir() + "racelab_probe.json"), "");
  EXPECT_NE(CheckWritable("/proc/racelab_probe.json"), "");  // access(2) says yes to root
  EXPECT_EQ(CheckWritable("/dev/null"), "");
  EXPECT_FALSE(std::filesystem::exists(::testing::TempDir() + "racelab_probe.json"));
}

TEST(ReadTextFile, NeverBlocksOnAFifoNorTrustsAZeroSize) {
  const std::string fifo = ::testing::TempDir() + "racelab_fifo_" + std::to_string(::getpid());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_FALSE(ReadTextFile(fifo, 100).ok());  // returns at once: not a regular file
  ::unlink(fifo.c_str());
  auto status = ReadTextFile("/proc/self/status", 1 << 20);  // st_size is 0
  ASSERT_TRUE(status.ok()) << status.error().what;
  EXPECT_NE(status->find("VmRSS"), std::string::npos);
  EXPECT_FALSE(ReadTextFile("/proc/self/status", 10).ok()) << "the limit holds while reading";
  EXPECT_FALSE(ReadTextFile("/proc/self/mem", 100).ok());
  EXPECT_FALSE(ReadTextFile("", 100).ok());
}

}  // namespace
}  // namespace racelab
