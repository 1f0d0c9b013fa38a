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

TargetReport Seen(std::uint64_t runs, std::map<std::string, std::uint64_t> classes) {
  TargetReport t;
  t.runs = runs;
  t.classes = std::move(classes);
  for (auto& [k, n] : t.classes)
    if (k != "ok") t.failed_runs = std::max(t.failed_runs, n);
  return t;
}

TEST(Expectations, AsExpectedWhenEveryClassSeenIsExpected) {
  Variant v = WithExpectation(FailureClass::kDataRace, 0.9);
  TargetReport t = Seen(200, {{"data-race", 180}, {"ok", 20}});
  ApplyExpectations(t, &v, Build::kTsan);
  EXPECT_EQ(t.verdict, "as-expected");
  EXPECT_EQ(t.expected, std::vector<std::string>{"data-race"});
}

TEST(Expectations, AnUnlistedClassIsAnUnexpectedFailure) {
  Variant v = WithExpectation(FailureClass::kDataRace, 0.9);
  TargetReport t = Seen(200, {{"data-race", 180}, {"timeout", 1}});
  ApplyExpectations(t, &v, Build::kTsan);
  EXPECT_EQ(t.verdict, "unexpected-failure");
}

TEST(Expectations, ATolaratedClassIsNeitherRequiredNorUnexpected) {
  Variant v = WithExpectation(FailureClass::kDataRace, 0.9);
  TargetReport t = Seen(200, {{"data-race", 180}, {"crash", 1}});
  ApplyExpectations(t, &v, Build::kTsan);
  EXPECT_EQ(t.verdict, "as-expected");
}

TEST(Expectations, AMissIsNotReproducedOnlyWhenItWasAlmostImpossible) {
  Variant v = WithExpectation(FailureClass::kTornLine, 0.05);
  // (1 - 0.05)^100 = 0.6%: too few runs to conclude; a note, not a failure.
  TargetReport few = Seen(100, {{"ok", 100}});
  ApplyExpectations(few, &v, Build::kTsan);
  EXPECT_EQ(few.verdict, "as-expected");
  ASSERT_EQ(few.notes.size(), 1u);
  EXPECT_NE(few.notes[0].find("too few runs"), std::string::npos);
  // (1 - 0.05)^200 = 0.0035%: below 0.1%, so the class really went away.
  TargetReport many = Seen(200, {{"ok", 200}});
  ApplyExpectations(many, &v, Build::kTsan);
  EXPECT_EQ(many.verdict, "not-reproduced");
}

TEST(Expectations, APathTargetExpectsNoFailure) {
  TargetReport t = Seen(10, {{"bad-exit", 1}, {"ok", 9}});
  ApplyExpectations(t, nullptr, std::nullopt);
  EXPECT_EQ(t.verdict, "unexpected-failure");
  TargetReport clean = Seen(10, {{"ok", 10}});
  ApplyExpectations(clean, nullptr, std::nullopt);
  EXPECT_EQ(clean.verdict, "as-expected");
}

}  // namespace
}  // namespace racelab
