// Unit tests of the sum-sequence oracle: every class from hand-written outputs.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "judge/oracle.hpp"
#include "oracle_test_util.hpp"

namespace racelab {
namespace {

using testing::Assemble;
using testing::Done;
using testing::Equation;
using testing::kDashLine;
using testing::Lines;
using testing::Names;
using testing::Pairs;
using testing::S;
using FC = FailureClass;

std::string ClassesOf(std::string_view out, std::uint64_t n) {
  return Names(CheckSumSequence(out, n).classes);
}

TEST(SumSequenceOracle, RendersExpectedOutput) {
  EXPECT_EQ(ExpectedSumSequence(3),
            "0 + 1 = 1\n--------------------\n1 + 2 = 3\n--------------------\n"
            "3 + 3 = 6\n--------------------\nDONE: solution = 6\n");
  EXPECT_EQ(ExpectedSumSequence(0), "DONE: solution = 0\n");
}

TEST(SumSequenceOracle, AcceptsCorrectOutputForAnyN) {
  for (std::uint64_t n : {0, 1, 3, 100, 1000, 100000}) {
    SCOPED_TRACE(n);
    const OracleVerdict v = CheckSumSequence(ExpectedSumSequence(n), n);
    EXPECT_TRUE(v.classes.Empty()) << Names(v.classes);
    EXPECT_FALSE(v.first_divergence.has_value());
  }
}

TEST(SumSequenceOracle, AcceptsMissingFinalNewline) {
  std::string out = ExpectedSumSequence(3);
  out.pop_back();
  EXPECT_EQ(ClassesOf(out, 3), "");
}

TEST(SumSequenceOracle, AcceptsElapsedLinesAfterDone) {
  const std::string out = ExpectedSumSequence(3) +
                          "elapsed: 0.123456 seconds\nelapsed: 12 seconds\n"
                          "elapsed: 1e-05 seconds";
  const OracleVerdict v = CheckSumSequence(out, 3);
  EXPECT_EQ(Names(v.classes), "");
  EXPECT_FALSE(v.first_divergence.has_value());
}

TEST(SumSequenceOracle, SkipsElapsedLinesAnywhereButCountsThemInLineNumbers) {
  const std::string out = Lines({"elapsed: 0.5 seconds", Equation(1), "elapsed: 0.5 seconds",
                                 kDashLine, Equation(2), kDashLine, Done(S(2))});
  EXPECT_EQ(ClassesOf(out, 2), "");

  const std::string wrong = Lines({"elapsed: 0.5 seconds", Equation(1), kDashLine, "1 + 2 = 4"});
  const OracleVerdict v = CheckSumSequence(wrong, 2);
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 4u);
  EXPECT_EQ(v.first_divergence->expected, "1 + 2 = 3");
  EXPECT_EQ(v.first_divergence->actual, "1 + 2 = 4");
}

TEST(SumSequenceOracle, FlagsMalformedElapsedLinesAsTorn) {
  for (const char* bad :
       {"elapsed: seconds", "elapsed: -1 seconds", "elapsed: nan seconds", "elapsed: inf seconds",
        "elapsed: 0.5", "elapsed: 0.5 seconds ", "elapsed:0.5 seconds"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(ClassesOf(ExpectedSumSequence(1) + bad + "\n", 1), "torn-line");
  }
}

TEST(SumSequenceOracle, FlagsTornLineWhenTwoWritesInterleave) {
  // Threads 1 and 2 each wrote their equation text before either wrote its '\n'.
  const std::string out =
      Lines({"0 + 1 = 11 + 2 = 3", "", kDashLine, kDashLine, "DONE: solution = 3"});
  const OracleVerdict v = CheckSumSequence(out, 2);
  // The second dash follows a dash, with no torn line to excuse it; the torn
  // equations are not parsed, so both steps count as missing.
  EXPECT_EQ(Names(v.classes), Names({FC::kTornLine, FC::kMisplacedSeparator, FC::kMissingStep}));
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 1u);
  EXPECT_EQ(v.first_divergence->expected, "0 + 1 = 1");
  EXPECT_EQ(v.first_divergence->actual, "0 + 1 = 11 + 2 = 3");
  EXPECT_FALSE(v.first_divergence->missing_actual);
}

TEST(SumSequenceOracle, FlagsEmptyLineInTheMiddleAsTorn) {
  const std::string out = Lines({Equation(1), kDashLine, "", Equation(2), kDashLine, Done(3)});
  EXPECT_EQ(ClassesOf(out, 2), "torn-line");
  EXPECT_EQ(ClassesOf(ExpectedSumSequence(2) + "\n", 2), "torn-line");
}

TEST(SumSequenceOracle, FlagsCrlfLinesAsTorn) {
  const std::string out = "0 + 1 = 1\r\n--------------------\r\nDONE: solution = 1\r\n";
  const OracleVerdict v = CheckSumSequence(out, 1);
  EXPECT_EQ(Names(v.classes), Names({FC::kTornLine, FC::kMissingStep, FC::kWrongResult}));
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 1u);
  EXPECT_EQ(v.first_divergence->actual, "0 + 1 = 1\r");
}

TEST(SumSequenceOracle, FlagsNonCanonicalLinesAsTorn) {
  // Each replaces the equation of step 2 (so step 2 also goes missing), or adds a line.
  for (const char* bad :
       {"1 + 02 = 3", "01 + 2 = 3", "1 +  2 = 3", "1 + 2 = 3 ", " 1 + 2 = 3", "+1 + 2 = 3",
        "1 + -2 = 3", "1 + 2 = 318446744073709551616", "1 + 2 =", "1+2=3", "x"}) {
    SCOPED_TRACE(bad);
    const std::string out = Lines({Equation(1), kDashLine, bad, kDashLine, Done(3)});
    EXPECT_EQ(ClassesOf(out, 2), Names({FC::kTornLine, FC::kMissingStep}));
  }
  const std::string dashes =
      Lines({Equation(1), kDashLine + kDashLine, Equation(2), kDashLine, Done(3)});
  EXPECT_EQ(ClassesOf(dashes, 2), "torn-line");
  const std::string glued = Lines({Equation(1), kDashLine + "DONE: solution = 1"});
  EXPECT_EQ(ClassesOf(glued, 1), Names({FC::kTornLine, FC::kWrongResult}));
}

TEST(SumSequenceOracle, FlagsMisplacedSeparatorWhenDashComesFirst) {
  const std::string out = Lines({kDashLine, Equation(1), kDashLine, Done(1)});
  EXPECT_EQ(ClassesOf(out, 1), "misplaced-separator");
}

TEST(SumSequenceOracle, FlagsMisplacedSeparatorForTwoDashesInARow) {
  const std::string out = Lines({Equation(1), kDashLine, kDashLine, Done(1)});
  const OracleVerdict v = CheckSumSequence(out, 1);
  EXPECT_EQ(Names(v.classes), "misplaced-separator");
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 3u);
  EXPECT_EQ(v.first_divergence->expected, "DONE: solution = 1");
  EXPECT_EQ(v.first_divergence->actual, kDashLine);
}

TEST(SumSequenceOracle, FlagsMisplacedSeparatorWhenEquationFollowsEquation) {
  // Unlocked printing (p1s2) interleaving whole lines: two equations, then both dashes.
  const std::string out = Lines({Equation(1), Equation(2), kDashLine, kDashLine, Done(3)});
  EXPECT_EQ(ClassesOf(out, 2), "misplaced-separator");
}

TEST(SumSequenceOracle, FlagsMisplacedSeparatorWhenEquationMeetsDoneOrEnd) {
  EXPECT_EQ(ClassesOf(Lines({Equation(1), Done(1)}), 1), "misplaced-separator");
  EXPECT_EQ(ClassesOf(Lines({Equation(1)}), 1), Names({FC::kMisplacedSeparator, FC::kWrongResult}));
}

TEST(SumSequenceOracle, FlagsMisplacedSeparatorForDashAfterDone) {
  const OracleVerdict v = CheckSumSequence(ExpectedSumSequence(1) + kDashLine + "\n", 1);
  EXPECT_EQ(Names(v.classes), "misplaced-separator");
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 4u);
  EXPECT_TRUE(v.first_divergence->missing_expected);
  EXPECT_EQ(v.first_divergence->expected, "");
  EXPECT_EQ(v.first_divergence->actual, kDashLine);
}

TEST(SumSequenceOracle, TornNeighbourExcusesMissingSeparator) {
  // A torn line between an equation and its dash: only torn-line speaks for it.
  const std::string out =
      Lines({Equation(1), "garbage", kDashLine, Equation(2), kDashLine, Done(3)});
  EXPECT_EQ(ClassesOf(out, 2), "torn-line");
  // Torn lines on both sides of a lone dash, or right before DONE.
  const std::string lone =
      Lines({Equation(1), kDashLine, "x", kDashLine, "y", Equation(2), kDashLine, Done(3)});
  EXPECT_EQ(ClassesOf(lone, 2), "torn-line");
}

TEST(SumSequenceOracle, FlagsBadArithmetic) {
  const std::string out = Lines({Equation(1), kDashLine, "1 + 2 = 4", kDashLine, Done(3)});
  EXPECT_EQ(ClassesOf(out, 2), "bad-arithmetic");
}

TEST(SumSequenceOracle, FlagsBadArithmeticThatWouldWrapIn64Bits) {
  const std::string out = Lines({"18446744073709551615 + 1 = 0", kDashLine, Done(1)});
  // Step 1 with a left operand other than S(0) = 0 is stale as well.
  EXPECT_EQ(ClassesOf(out, 1), Names({FC::kBadArithmetic, FC::kStaleRead}));
}

TEST(SumSequenceOracle, FlagsStaleReadWhenLeftOperandIsNotThePreviousSum) {
  // Step 2 read sum before step 1 stored it, and computed consistently from there.
  const std::string out = Lines({Equation(1), kDashLine, "0 + 2 = 2", kDashLine, Done(3)});
  EXPECT_EQ(ClassesOf(out, 2), "stale-read");
}

TEST(SumSequenceOracle, TreatsStepOutsideOneToNAsStaleRead) {
  // Step 4 of a 3-step run: right arithmetic, no such step. It covers no step and
  // is no order violation.
  std::vector<std::string> pairs = Pairs(3);
  pairs.push_back(Equation(4) + '\n' + kDashLine + '\n');
  EXPECT_EQ(ClassesOf(Assemble(pairs, 3), 3), "stale-read");
  pairs = Pairs(3);
  pairs.insert(pairs.begin(), "0 + 0 = 0\n" + kDashLine + "\n");
  EXPECT_EQ(ClassesOf(Assemble(pairs, 3), 3), "stale-read");
}

TEST(SumSequenceOracle, FlagsOutOfOrderWhenRightEquationsAreSwapped) {
  std::vector<std::string> pairs = Pairs(3);
  std::swap(pairs[0], pairs[2]);
  const OracleVerdict v = CheckSumSequence(Assemble(pairs, 3), 3);
  EXPECT_EQ(Names(v.classes), "out-of-order");
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 1u);
  EXPECT_EQ(v.first_divergence->expected, "0 + 1 = 1");
  EXPECT_EQ(v.first_divergence->actual, "3 + 3 = 6");
}

TEST(SumSequenceOracle, JudgesOrderOnlyOverIndividuallyRightEquations) {
  // p1s4 prints the global counter read late: "3 + 5 = 6" is wrong, not a step 5
  // that came early; the right equations stay ascending.
  const std::string out =
      Lines({Equation(1), kDashLine, Equation(2), kDashLine, "3 + 5 = 6", kDashLine, Equation(4),
             kDashLine, Equation(5), kDashLine, Done(15)});
  EXPECT_EQ(ClassesOf(out, 5),
            Names({FC::kBadArithmetic, FC::kStaleRead, FC::kMissingStep, FC::kDuplicateStep}));
}

TEST(SumSequenceOracle, FlagsMissingStep) {
  for (std::uint64_t n : {1, 3, 1000}) {
    SCOPED_TRACE(n);
    std::vector<std::string> pairs = Pairs(n);
    pairs.erase(pairs.begin() + static_cast<std::ptrdiff_t>(n / 2));
    EXPECT_EQ(ClassesOf(Assemble(pairs, n), n), "missing-step");
  }
}

TEST(SumSequenceOracle, FlagsDuplicateStepPrintedTwiceInARow) {
  for (std::uint64_t n : {1, 3, 1000}) {
    SCOPED_TRACE(n);
    std::vector<std::string> pairs = Pairs(n);
    pairs.insert(pairs.begin(), pairs.front());
    EXPECT_EQ(ClassesOf(Assemble(pairs, n), n), "duplicate-step");
  }
}

TEST(SumSequenceOracle, FlagsDuplicateAndOutOfOrderForARepeatLater) {
  std::vector<std::string> pairs = Pairs(3);
  pairs.push_back(pairs.front());
  EXPECT_EQ(ClassesOf(Assemble(pairs, 3), 3), Names({FC::kOutOfOrder, FC::kDuplicateStep}));
}

TEST(SumSequenceOracle, CountsStepsOfWrongEquationsForCoverage) {
  // Lost counter update (p1s2): two threads both print step 2; step 3 never printed.
  const std::string out =
      Lines({Equation(1), kDashLine, Equation(2), kDashLine, "3 + 2 = 5", kDashLine, Done(5)});
  EXPECT_EQ(ClassesOf(out, 3),
            Names({FC::kStaleRead, FC::kMissingStep, FC::kDuplicateStep, FC::kWrongResult}));
}

TEST(SumSequenceOracle, FlagsWrongResultWhenDoneIsAbsent) {
  const std::string out = Assemble(Pairs(3), 3);
  EXPECT_EQ(ClassesOf(out.substr(0, out.rfind("DONE")), 3), "wrong-result");
}

TEST(SumSequenceOracle, FlagsWrongResultWhenDoneHasAnotherValue) {
  const OracleVerdict v = CheckSumSequence(Assemble(Pairs(3), 2), 3);
  EXPECT_EQ(Names(v.classes), "wrong-result");
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 7u);
  EXPECT_EQ(v.first_divergence->expected, "DONE: solution = 6");
  EXPECT_EQ(v.first_divergence->actual, "DONE: solution = 3");
}

TEST(SumSequenceOracle, FlagsWrongResultForTwoDoneLines) {
  EXPECT_EQ(ClassesOf(ExpectedSumSequence(3) + Done(6) + "\n", 3), "wrong-result");
}

TEST(SumSequenceOracle, FlagsWrongResultWhenAnEquationFollowsDone) {
  // A thread that main did not wait for printed after DONE.
  const std::string out = Lines({Equation(1), kDashLine, Done(3), Equation(2), kDashLine});
  const OracleVerdict v = CheckSumSequence(out, 2);
  EXPECT_EQ(Names(v.classes), "wrong-result");
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 3u);
}

TEST(SumSequenceOracle, FlagsEmptyOutputAsMissingStepsAndWrongResult) {
  const OracleVerdict v = CheckSumSequence("", 100);
  EXPECT_EQ(Names(v.classes), Names({FC::kMissingStep, FC::kWrongResult}));
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 1u);
  EXPECT_EQ(v.first_divergence->expected, "0 + 1 = 1");
  EXPECT_EQ(v.first_divergence->actual, "");
  EXPECT_TRUE(v.first_divergence->missing_actual);

  const OracleVerdict zero = CheckSumSequence("", 0);
  EXPECT_EQ(Names(zero.classes), "wrong-result");
  ASSERT_TRUE(zero.first_divergence.has_value());
  EXPECT_EQ(zero.first_divergence->expected, "DONE: solution = 0");
}

TEST(SumSequenceOracle, ReportsMissingLineWhenOutputIsTruncated) {
  const std::string out = Lines({Equation(1), kDashLine, Equation(2)});
  const OracleVerdict v = CheckSumSequence(out, 3);
  EXPECT_EQ(Names(v.classes), Names({FC::kMisplacedSeparator, FC::kMissingStep, FC::kWrongResult}));
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 4u);
  EXPECT_EQ(v.first_divergence->expected, kDashLine);
  EXPECT_TRUE(v.first_divergence->missing_actual);
}

TEST(SumSequenceOracle, ReportsFirstDivergenceInALongOutput) {
  std::string out = ExpectedSumSequence(1000);
  const std::string line = Equation(500) + '\n';
  out.replace(out.find(line), line.size(), "124750 + 500 = 125251\n");
  const OracleVerdict v = CheckSumSequence(out, 1000);
  EXPECT_EQ(Names(v.classes), "bad-arithmetic");
  ASSERT_TRUE(v.first_divergence.has_value());
  EXPECT_EQ(v.first_divergence->line, 999u);
  EXPECT_EQ(v.first_divergence->expected, "124750 + 500 = 125250");
  EXPECT_EQ(v.first_divergence->actual, "124750 + 500 = 125251");
}

TEST(SumSequenceOracle, StaysBoundedWhenNIsHugeForTheOutput) {
  // A huge --iterations against a run that printed little: steps kept sparse.
  const std::uint64_t n = 1'000'000'000'000'000;
  const std::string out = Lines({Equation(1), kDashLine, Equation(1), kDashLine});
  EXPECT_EQ(ClassesOf(out, n), Names({FC::kMissingStep, FC::kDuplicateStep, FC::kWrongResult}));
}

TEST(SumSequenceOracle, ComparesSumsBeyond64BitsExactly) {
  // S(2^33) exceeds 2^64: its 64-bit wrap-around is not the right result.
  const std::uint64_t n = std::uint64_t{1} << 33;
  const std::uint64_t wrapped = n / 2 * (n + 1);  // S(n) mod 2^64
  const OracleVerdict v = CheckSumSequence(Lines({Done(wrapped)}), n);
  EXPECT_EQ(Names(v.classes), Names({FC::kMissingStep, FC::kWrongResult}));
}

}  // namespace
}  // namespace racelab
