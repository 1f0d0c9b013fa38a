// The manifest reader: the real manifest loads; every defect is one line naming it.
#include "run/manifest.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace racelab {
namespace {

const char* kOne = R"({"schema": "racelab.manifest/1", "variants": [
  {"id": "p1s2", "problem": 1, "section": "S2", "title": "t", "source": "p1s2.cpp",
   "kind": "correctness", "oracle": "sum-sequence", "iterations": 100, "threads": 0,
   "check_iterations": 100, "default_fuzz": "none", "verdict": "v",
   "expected": {"tsan": {"data-race": {"rate": 0.9, "runs": 1000}}, "plain": {"torn-line": 0.25}},
   "tolerated": {"plain": ["crash"]}}]})";

TEST(Manifest, ParsesExpectationsWithTheirRates) {
  auto m = ParseManifest(kOne, "m.json");
  ASSERT_TRUE(m) << m.error().what;
  const Variant* v = m->Find("p1s2");
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->expected.at(Build::kTsan).size(), 1u);
  EXPECT_EQ(v->expected.at(Build::kTsan)[0].cls, FailureClass::kDataRace);
  EXPECT_DOUBLE_EQ(v->expected.at(Build::kTsan)[0].rate, 0.9);
  EXPECT_EQ(v->expected.at(Build::kTsan)[0].measured_runs, 1000u);
  EXPECT_DOUBLE_EQ(v->expected.at(Build::kPlain)[0].rate, 0.25);
  EXPECT_EQ(v->tolerated.at(Build::kPlain)[0], FailureClass::kCrash);
}

TEST(Manifest, RejectsDefectsWithOneLineNamingThem) {
  struct Case {
    std::string text;
    std::string mentions;
  };
  std::string good = kOne;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const Case cases[] = {
      {"", "not valid JSON"},
      {"[]", "object"},
      {R"({"schema": "racelab.manifest/2", "variants": []})", "unknown schema"},
      {with("\"oracle\": \"sum-sequence\"", "\"oracle\": \"magic\""), "unknown oracle"},
      {with("\"check_iterations\": 100", "\"check_iterations\": -1"), "check_iterations"},
      {with("\"check_iterations\": 100", "\"check_iterations\": \"100\""), "check_iterations"},
      {with("\"data-race\"", "\"data-racing\""), "unknown class"},
      {with("0.25", "1.5"), "rate"},
      {with("\"id\": \"p1s2\", ", ""), "'id'"},
      {good.substr(0, good.size() / 2), "not valid JSON"},
  };
  for (const Case& c : cases) {
    auto m = ParseManifest(c.text, "m.json");
    ASSERT_FALSE(m) << c.text;
    EXPECT_NE(m.error().what.find(c.mentions), std::string::npos) << m.error().what;
    EXPECT_EQ(m.error().what.find('\n'), std::string::npos) << m.error().what;
  }
}

TEST(Manifest, TheRepositoryManifestLoadsAndListsTwelveSpecimens) {
  auto m = LoadManifest(std::string(RACELAB_SOURCE_DIR) + "/variants/manifest.json");
  ASSERT_TRUE(m) << m.error().what;
  EXPECT_EQ(m->variants.size(), 12u);
  for (const char* id : {"p1s1", "p1s2", "p1s3", "p1s3a", "p1s4", "p1s5", "p1s6", "p1s7", "p1s8",
                         "p2s1", "p2s2", "p2s3"})
    EXPECT_NE(m->Find(id), nullptr) << id;
  EXPECT_TRUE(m->Find("p1s7")->timing);
  EXPECT_FALSE(m->Find("p1s2")->timing);
}

TEST(Manifest, ADirectoryOrMissingFileIsAUsageError) {
  EXPECT_NE(LoadManifest("/").error().what.find("directory"), std::string::npos);
  EXPECT_FALSE(LoadManifest("/nonexistent/manifest.json"));
}

}  // namespace
}  // namespace racelab
