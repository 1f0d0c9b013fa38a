// JUnit XML: one testsuite per build, one testcase per target, a failure per failing class.
#include <fmt/core.h>

#include <algorithm>
#include <map>

#include "judge/failure_class.hpp"
#include "report/renderer.hpp"
#include "report/report_view.hpp"
#include "util/text_util.hpp"

namespace racelab {
namespace {

class JunitRenderer final : public Renderer {
 public:
  std::string Render(const Report& r) const override {
    std::map<std::string, std::vector<const TargetReport*>> by_build;
    // Suites by build name, in the order of their names.
    for (const TargetReport& t : r.targets) by_build[std::string(BuildName(t.build))].push_back(&t);
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"racelab\">\n";
    for (const auto& [build, targets] : by_build) {
      std::string cases;
      std::size_t failures = 0;
      double time = 0;
      for (const TargetReport* t : targets) {
        std::string body;
        for (const auto& [cls, count] : t->classes) {
          if (cls == FailureClass::kOk || count == 0) continue;
          const bool failing = t->expect_checked ? std::find(t->expected.begin(), t->expected.end(),
                                                             cls) == t->expected.end()
                                                 : true;
          const std::string_view name = Name(cls);
          if (!failing) continue;
          std::string replay;
          if (auto it = t->examples.find(cls); it != t->examples.end()) replay = it->second.replay;
          std::string detail;
          if (auto it = t->examples.find(cls); it != t->examples.end()) {
            for (const ExcerptLine& l : it->second.excerpt) detail += FormatExcerptLine(l) + "\n";
            for (const std::string& l : ScheduleFacts(it->second)) detail += l + "\n";
            for (const std::string& l : it->second.explanation) detail += "preemption " + l + "\n";
            for (const std::string& l : it->second.deadlock) detail += l + "\n";
          }
          body += fmt::format(
              "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
              XmlEscape(fmt::format("{}: {} of {} runs; replay: {}", name, count, t->runs, replay)),
              XmlEscape(std::string(name)), XmlEscape(detail));
        }
        if (t->expect_checked && t->verdict == Verdict::kNotReproduced) {
          std::string why;
          for (const std::string& n : t->notes) why += n + "\n";
          body += fmt::format("      <failure message=\"{0}\" type=\"{0}\">{1}</failure>\n",
                              Name(t->verdict), XmlEscape(why));
        }
        if (!body.empty()) ++failures;
        time += t->wall_seconds;
        cases += fmt::format("    <testcase name=\"{}\" classname=\"racelab.{}\" time=\"{:.3f}\"",
                             XmlEscape(t->id), XmlEscape(build), t->wall_seconds);
        cases += body.empty() ? "/>\n" : ">\n" + body + "    </testcase>\n";
      }
      out += fmt::format(
          "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" "
          "time=\"{:.3f}\">\n",
          XmlEscape(build), targets.size(), failures, time);
      out += cases + "  </testsuite>\n";
    }
    return out + "</testsuites>\n";
  }
};

}  // namespace

std::unique_ptr<Renderer> MakeJunitRenderer() {
  return std::make_unique<JunitRenderer>();
}

}  // namespace racelab
