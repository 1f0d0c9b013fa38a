// One interface for every output format; each format lives in its own file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "judge/result.hpp"
#include "report/report.hpp"

namespace racelab {

class Renderer {
 public:
  virtual ~Renderer() = default;
  virtual std::string Render(const Report& r) const = 0;
};

std::unique_ptr<Renderer> MakeTextRenderer();
std::unique_ptr<Renderer> MakeJsonRenderer();
std::unique_ptr<Renderer> MakeJunitRenderer();
std::unique_ptr<Renderer> MakeSarifRenderer();
std::unique_ptr<Renderer> MakeMarkdownRenderer();

struct HtmlOptions {
  // Where sanitizer locations are read from when the report names no
  // source_root ("" = show no source lines).
  std::string source_root;
  int source_context = 4;  // lines shown either side of a location
};
std::unique_ptr<Renderer> MakeHtmlRenderer(HtmlOptions o);
// Source lines from the checkout racelab was built from.
std::unique_ptr<Renderer> MakeHtmlRenderer();

// The formats `--format` accepts.
std::vector<std::string> RendererNames();
Result<std::unique_ptr<Renderer>> MakeRenderer(const std::string& format);

}  // namespace racelab
