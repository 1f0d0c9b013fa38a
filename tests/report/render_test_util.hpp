// Shared by the report-format tests: the fixed hostile report and file helpers.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "report/report.hpp"
#include "report/report_json.hpp"

namespace racelab::testing {

inline std::string RenderDir() {
  return RACELAB_RENDER_DIR;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// fixtures/report.json, plus what JSON cannot carry but an in-memory report
// from `racelab run` can: invalid UTF-8 in program output. The last target is
// the hostile one (markup, terminal escapes, control characters in its id,
// output and sanitizer reports).
inline Report FixtureReport() {
  const std::string path = RenderDir() + "/fixtures/report.json";
  auto r = ParseReportJson(ReadFile(path), path);
  if (!r) {
    ADD_FAILURE() << r.error().what;
    return {};
  }
  TargetReport& evil = r->targets.back();
  const std::string bad = "bad \xff\xfe bytes \xc3\x28 and a cut \xe2\x82";
  evil.examples["torn-line"].excerpt.push_back("      6 | " + bad);
  evil.examples["torn-line"].divergence->actual += bad;
  evil.sanitizer_reports[0].text.push_back(bad);
  evil.notes.push_back(bad);
  return *r;
}

}  // namespace racelab::testing
