// The format registry behind --format.
#include "renderer.hpp"

#include <fmt/core.h>

#include "report_json.hpp"

namespace racelab {
namespace {

class JsonRenderer final : public Renderer {
 public:
  std::string Render(const Report& r) const override { return RenderJson(r); }
};

}  // namespace

std::unique_ptr<Renderer> MakeJsonRenderer() { return std::make_unique<JsonRenderer>(); }

std::vector<std::string> RendererNames() { return {"text", "json", "junit"}; }

Result<std::unique_ptr<Renderer>> MakeRenderer(const std::string& format) {
  if (format == "text") return MakeTextRenderer();
  if (format == "json") return MakeJsonRenderer();
  if (format == "junit") return MakeJunitRenderer();
  return UsageError{fmt::format("--format: unknown format '{}' (use text, json or junit)", format)};
}

}  // namespace racelab
