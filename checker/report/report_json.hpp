// JSON form of a report (schema racelab.report/1): the single source for every format.
#pragma once

#include <string>

#include "judge/result.hpp"
#include "report/report.hpp"

namespace racelab {

std::string RenderJson(const Report& r);
// Reads a saved report back. Malformed JSON, another schema or a missing
// field is a UsageError naming the problem.
Result<Report> ParseReportJson(const std::string& text, const std::string& origin);

}  // namespace racelab
