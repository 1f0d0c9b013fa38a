// --expect verdicts: unexpected classes fail, rare misses do not, certain misses do.
#include "report/expectations.hpp"

#include <gtest/gtest.h>

namespace racelab {
namespace {

Variant WithExpectation(FailureClass c, double rate) {
  Variant v;
  v.id = "p";
  v.expected[Build::kTsan] = {ExpectedClass{c, rate, 1000}};
  v.tolerated[Build::kTsan] = {FailureClass::kCrash};
  return v;
}

TargetReport Seen(std::uint64_t runs, ClassMap<std::uint64_t> classes) {
  TargetReport t;
  t.runs = runs;
  t.classes = std::move(classes);
  for (auto& [k, n] : t.classes)
    if (k != FailureClass::kOk) t.failed_runs = std::max(t.failed_runs, n);
  return t;
}

TEST(Expectations, AsExpectedWhenEveryClassSeenIsExpected) {
  Variant v = WithExpectation(FailureClass::kDataRace, 0.9);
  TargetReport t = Seen(200, {{FailureClass::kDataRace, 180}, {FailureClass::kOk, 20}});
  ApplyExpectations(t, &v, Build::kTsan);
  EXPECT_EQ(t.verdict, Verdict::kAsExpected);
  EXPECT_EQ(t.expected, std::vector<FailureClass>{FailureClass::kDataRace});
}

TEST(Expectations, AnUnlistedClassIsAnUnexpectedFailure) {
  Variant v = WithExpectation(FailureClass::kDataRace, 0.9);
  TargetReport t = Seen(200, {{FailureClass::kDataRace, 180}, {FailureClass::kTimeout, 1}});
  ApplyExpectations(t, &v, Build::kTsan);
  EXPECT_EQ(t.verdict, Verdict::kUnexpectedFailure);
}

TEST(Expectations, ATolaratedClassIsNeitherRequiredNorUnexpected) {
  Variant v = WithExpectation(FailureClass::kDataRace, 0.9);
  TargetReport t = Seen(200, {{FailureClass::kDataRace, 180}, {FailureClass::kCrash, 1}});
  ApplyExpectations(t, &v, Build::kTsan);
  EXPECT_EQ(t.verdict, Verdict::kAsExpected);
}

TEST(Expectations, AMissIsNotReproducedOnlyWhenItWasAlmostImpossible) {
  Variant v = WithExpectation(FailureClass::kTornLine, 0.05);
  // (1 - 0.05)^100 = 0.6%: too few runs to conclude; a note, not a failure.
  TargetReport few = Seen(100, {{FailureClass::kOk, 100}});
  ApplyExpectations(few, &v, Build::kTsan);
  EXPECT_EQ(few.verdict, Verdict::kAsExpected);
  ASSERT_EQ(few.notes.size(), 1u);
  EXPECT_NE(few.notes[0].find("too few runs"), std::string::npos);
  // (1 - 0.05)^200 = 0.0035%: below 0.1%, so the class really went away.
  TargetReport many = Seen(200, {{FailureClass::kOk, 200}});
  ApplyExpectations(many, &v, Build::kTsan);
  EXPECT_EQ(many.verdict, Verdict::kNotReproduced);
}

TEST(Expectations, APathTargetExpectsNoFailure) {
  TargetReport t = Seen(10, {{FailureClass::kBadExit, 1}, {FailureClass::kOk, 9}});
  ApplyExpectations(t, nullptr, std::nullopt);
  EXPECT_EQ(t.verdict, Verdict::kUnexpectedFailure);
  TargetReport clean = Seen(10, {{FailureClass::kOk, 10}});
  ApplyExpectations(clean, nullptr, std::nullopt);
  EXPECT_EQ(clean.verdict, Verdict::kAsExpected);
}

}  // namespace
}  // namespace racelab
