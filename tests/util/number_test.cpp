// The one parser of each kind of number: the whole text, digits only, within bounds.
#include "util/number.hpp"

#include <gtest/gtest.h>

namespace racelab {
namespace {

TEST(ParseWholeNumber, ReadsPlainDigitsWithinTheBounds) {
  EXPECT_EQ(ParseWholeNumber("0"), 0u);
  EXPECT_EQ(ParseWholeNumber("42"), 42u);
  EXPECT_EQ(ParseWholeNumber("18446744073709551615"), 18446744073709551615ull);
  EXPECT_EQ(ParseWholeNumber("7", 7, 7), 7u);
}

TEST(ParseWholeNumber, RefusesAnythingButDigitsFillingTheText) {
  for (const char* bad :
       {"", "-1", "+1", " 1", "1 ", "1.0", "0x10", "1e3", "12a", "inf", "18446744073709551616"})
    EXPECT_FALSE(ParseWholeNumber(bad)) << bad;
  EXPECT_FALSE(ParseWholeNumber("0", 1, 10));
  EXPECT_FALSE(ParseWholeNumber("11", 1, 10));
}

TEST(ParseDecimal, ReadsFiniteDecimals) {
  EXPECT_EQ(ParseDecimal("0.5"), 0.5);
  EXPECT_EQ(ParseDecimal("30"), 30.0);
  EXPECT_EQ(ParseDecimal("-2"), -2.0);
  EXPECT_EQ(ParseDecimal("1e3"), 1000.0);
}

TEST(ParseDecimal, RefusesSpaceHexAndNonFiniteValues) {
  for (const char* bad : {"", " 1", "1 ", "0x1p3", "inf", "nan", "1e999", "1,5", "abc"})
    EXPECT_FALSE(ParseDecimal(bad)) << bad;
}

}  // namespace
}  // namespace racelab
