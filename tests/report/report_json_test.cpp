// JSON reports: the contract's fields, a lossless round trip, and clear errors.
#include "report/report_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace racelab {
namespace {

Report Sample() {
  Report r;
  r.racelab_version = "0.1.0";
  r.settings = {200, 2, "sleep:200", 1, 30, "tsan", true, false};
  TargetReport t;
  t.id = "p1s2";
  t.build = "tsan";
  t.runs = 200;
  t.failed_runs = 187;
  t.classes = {{"torn-line", 12}, {"data-race", 187}, {"ok", 13}};
  t.classes_by_fuzz = {{"sleep:200", {{"data-race", 187}}}};
  Example e;
  e.run = 16;
  e.seed = 17;
  e.fuzz = "sleep:200";
  e.replay = "racelab replay p1s2 --build tsan --seed 17 --fuzz sleep:200";
  e.classes = {"torn-line", "data-race"};
  e.excerpt = {">    41 | 820 + 41 = 861861 + 42 = 903"};
  e.divergence = DivergenceInfo{41, "820 + 41 = 861", "820 + 41 = 861861 + 42 = 903", false};
  t.examples["torn-line"] = e;
  t.sanitizer_reports.push_back(
      {"data race", "data-race", "sig", "variants/p1s2.cpp:31", 187, 1, 0, {"WARNING: ..."}});
  t.expect_checked = true;
  t.expected = {"data-race", "torn-line"};
  t.verdict = "as-expected";
  r.targets.push_back(t);
  return r;
}

TEST(ReportJson, HasEveryFieldTheContractFixes) {
  auto j = nlohmann::json::parse(RenderJson(Sample()));
  EXPECT_EQ(j["schema"], "racelab.report/1");
  for (const char* k : {"runs", "jobs", "fuzz", "seed", "timeout_s"})
    EXPECT_TRUE(j["settings"].contains(k)) << k;
  const auto& t = j["targets"][0];
  for (const char* k : {"id", "build", "runs", "failed_runs", "classes", "examples",
                        "sanitizer_reports", "expected", "verdict"})
    EXPECT_TRUE(t.contains(k)) << k;
  EXPECT_EQ(t["classes"]["data-race"], 187);
  EXPECT_EQ(t["examples"]["torn-line"]["seed"], 17);
  EXPECT_EQ(t["examples"]["torn-line"]["replay"],
            "racelab replay p1s2 --build tsan --seed 17 --fuzz sleep:200");
  EXPECT_EQ(t["sanitizer_reports"][0]["location"], "variants/p1s2.cpp:31");
  EXPECT_EQ(t["sanitizer_reports"][0]["runs"], 187);
}

TEST(ReportJson, RoundTripsThroughTheReader) {
  const std::string once = RenderJson(Sample());
  auto back = ParseReportJson(once, "r.json");
  ASSERT_TRUE(back) << back.error().what;
  EXPECT_EQ(RenderJson(*back), once);
}

TEST(ReportJson, ReplacesInvalidUtf8FromProgramOutputInsteadOfFailing) {
  Report r = Sample();
  r.targets[0].examples["torn-line"].excerpt = {std::string("bad \xff\xfe bytes")};
  const std::string text = RenderJson(r);
  EXPECT_NO_THROW((void)nlohmann::json::parse(text));
}

TEST(ReportJson, RejectsMalformedAndForeignReportsWithOneLine) {
  const std::string good = RenderJson(Sample());
  for (const std::string& bad :
       {std::string(""), std::string("{"), good.substr(0, good.size() / 2), std::string("[1]"),
        std::string(R"({"schema": "racelab.report/9", "settings": {}, "targets": []})"),
        std::string(R"({"schema": "racelab.report/1"})"),
        std::string(
            R"({"schema": "racelab.report/1", "settings": {"runs": "x"}, "targets": []})")}) {
    auto r = ParseReportJson(bad, "r.json");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().what.find('\n'), std::string::npos) << r.error().what;
    EXPECT_EQ(r.error().what.rfind("r.json", 0), 0u) << r.error().what;
  }
}

}  // namespace
}  // namespace racelab
