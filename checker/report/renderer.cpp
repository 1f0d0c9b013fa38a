// The format registry behind --format.
#include "report/renderer.hpp"

#include <fmt/core.h>

#include "report/report_json.hpp"

namespace racelab {
namespace {

class JsonRenderer final : public Renderer {
 public:
  std::string Render(const Report& r) const override { return RenderJson(r); }
};

}  // namespace

std::unique_ptr<Renderer> MakeJsonRenderer() {
  return std::make_unique<JsonRenderer>();
}

std::vector<std::string> RendererNames() {
  return {"text", "json", "junit", "html", "sarif", "markdown"};
}

Result<std::unique_ptr<Renderer>> MakeRenderer(const std::string& format) {
  if (format == "text") return MakeTextRenderer();
  if (format == "json") return MakeJsonRenderer();
  if (format == "junit") return MakeJunitRenderer();
  if (format == "html") return MakeHtmlRenderer();
  if (format == "sarif") return MakeSarifRenderer();
  if (format == "markdown") return MakeMarkdownRenderer();
  std::string names;
  for (const std::string& n : RendererNames()) names += (names.empty() ? "" : ", ") + n;
  return UsageError{fmt::format("--format: unknown format '{}' (use one of {})", format, names)};
}

}  // namespace racelab
