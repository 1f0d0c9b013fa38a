// Unit tests of the Riemann oracle: only the result line is judged, against a tolerance.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "judge/oracle.hpp"
#include "oracle_test_util.hpp"

namespace racelab {
namespace {

using testing::Names;

constexpr double kPi = 3.141592653589793;
constexpr double kTolerance = 1e-6;
const std::string kHeader = "integral of 4/(1+x^2) over [0, 1]: 50000000 rectangles, 4 threads\n";
const std::string kExpected = "result: 3.141592653589793 ± 1e-06";

OracleVerdict Check(const std::string& out) {
  return CheckRiemann(out, kPi, kTolerance);
}

TEST(RiemannOracle, AcceptsResultWithinTolerance) {
  for (const char* result :
       {"3.1415926535897931", "3.1415926535898", "3.141593", "3.141592", "3.1415932"}) {
    SCOPED_TRACE(result);
    const OracleVerdict v = Check(kHeader + "result: " + result + "\nelapsed: 0.734512 seconds\n");
    EXPECT_EQ(Names(v.classes), "");
    EXPECT_FALSE(v.first_divergence.has_value());
  }
}

TEST(RiemannOracle, AcceptsMissingFinalNewlineAndNoSpaceAfterColon) {
  EXPECT_EQ(Names(Check(kHeader + "result: 3.1415926535897931").classes), "");
  EXPECT_EQ(Names(Check("result:3.1415926535897931\n").classes), "");
}

TEST(RiemannOracle, IgnoresLinesOtherThanTheResult) {
  const OracleVerdict v = Check("whatever the header says\n\nresult: 3.14159265358979\nbye\r\n");
  EXPECT_EQ(Names(v.classes), "");
}

TEST(RiemannOracle, FlagsResultOutsideTolerance) {
  // p2s2 lost a partial sum: a quarter of the integral is gone.
  const OracleVerdict v = Check(kHeader + "result: 2.3561944901923448\nelapsed: 0.2 seconds\n");
  EXPECT_EQ(Names(v.classes), "wrong-result");
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 2u);
  EXPECT_EQ(v.first_divergence->expected, kExpected);
  EXPECT_EQ(v.first_divergence->actual, "result: 2.3561944901923448");
  EXPECT_FALSE(v.first_divergence->missing_actual);
}

TEST(RiemannOracle, FlagsResultJustOutsideTolerance) {
  EXPECT_EQ(Names(Check("result: 3.1415946535897931\n").classes), "wrong-result");
  EXPECT_EQ(Names(Check("result: 3.1415906535897931\n").classes), "wrong-result");
}

TEST(RiemannOracle, FlagsMissingResult) {
  const OracleVerdict v = Check(kHeader + "elapsed: 0.2 seconds\n");
  EXPECT_EQ(Names(v.classes), "wrong-result");
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 3u);
  EXPECT_EQ(v.first_divergence->expected, kExpected);
  EXPECT_TRUE(v.first_divergence->missing_actual);
  EXPECT_EQ(Names(Check("").classes), "wrong-result");
}

TEST(RiemannOracle, FlagsDuplicatedResultEvenWhenBothAreRight) {
  const OracleVerdict v = Check(kHeader + "result: 3.141592653589793\nresult: 3.141592653589793\n");
  EXPECT_EQ(Names(v.classes), "wrong-result");
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 3u);
  EXPECT_TRUE(v.first_divergence->missing_expected);
  EXPECT_EQ(v.first_divergence->actual, "result: 3.141592653589793");
}

TEST(RiemannOracle, FlagsGarbageNanAndInfinityAsWrongResult) {
  for (const char* bad : {"result: abc", "result: nan", "result: -nan", "result: inf",
                          "result: -inf", "result: 3.14x", "result:", "result: ",
                          "result: 3.141592653589793\r", "result: 3.14 3.14"}) {
    SCOPED_TRACE(bad);
    const OracleVerdict v = Check(kHeader + bad + "\n");
    EXPECT_EQ(Names(v.classes), "wrong-result");
    ASSERT_TRUE(v.first_divergence.has_value());
    EXPECT_EQ(v.first_divergence->line, 2u);
    EXPECT_EQ(v.first_divergence->actual, bad);
  }
}

TEST(RiemannOracle, FlagsEveryValueWhenExactIsNan) {
  const OracleVerdict v = CheckRiemann("result: 3.14\n", std::nan(""), kTolerance);
  EXPECT_EQ(Names(v.classes), "wrong-result");
}

}  // namespace
}  // namespace racelab
