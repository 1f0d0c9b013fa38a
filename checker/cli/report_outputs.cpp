// Planning and writing a report's outputs.
#include "cli/report_outputs.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "report/renderer.hpp"
#include "util/file_util.hpp"
#include "util/text_util.hpp"

namespace racelab::cli {

namespace fs = std::filesystem;

namespace {

std::string FormatOfFileName(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  return ext == ".json"    ? "json"
         : ext == ".xml"   ? "junit"
         : ext == ".html"  ? "html"
         : ext == ".sarif" ? "sarif"
         : ext == ".md"    ? "markdown"
                           : "text";
}

}  // namespace

std::vector<OutputSpec> PlanOutputs(const std::vector<po::option>& in_order) {
  std::vector<OutputSpec> plan;
  bool last_is_open_format = false;
  for (const po::option& o : in_order) {
    if (o.string_key != "format" && o.string_key != "out") continue;
    const std::string value = o.value.empty() ? std::string() : o.value.front();
    if (o.string_key == "format") {
      plan.push_back({value, ""});
      last_is_open_format = true;
      continue;
    }
    if (value.empty()) throw Usage("--out: an empty file name");
    if (last_is_open_format)
      plan.back().path = value;
    else
      plan.push_back({FormatOfFileName(value), value});
    last_is_open_format = false;
  }
  if (plan.empty()) plan.push_back({"text", ""});
  for (const OutputSpec& o : plan) {
    auto r = MakeRenderer(o.format);
    if (!r) throw Usage(r.error().what);
  }
  for (const OutputSpec& o : plan)
    if (!o.path.empty()) {
      std::string why = CheckWritable(o.path);
      if (!why.empty()) throw Usage("--out: " + why);
    }
  return plan;
}

bool WriteOutputs(const Report& report, const std::vector<OutputSpec>& plan) {
  bool ok = true;
  for (const OutputSpec& o : plan) {
    const std::string text = (*MakeRenderer(o.format))->Render(report);
    if (o.path.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      continue;
    }
    std::string why = WriteFileAtomically(o.path, text);
    if (!why.empty()) {
      std::fprintf(stderr, "racelab: cannot write the report: %s; writing it to stdout instead\n",
                   TerminalSafe(why).c_str());
      std::fwrite(text.data(), 1, text.size(), stdout);
      ok = false;
    }
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "racelab: cannot write the report to stdout: %s\n", std::strerror(errno));
    ok = false;
  }
  return ok;
}

}  // namespace racelab::cli
