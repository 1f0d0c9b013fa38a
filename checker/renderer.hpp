// One interface for every output format; each format lives in its own file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "report.hpp"
#include "result.hpp"

namespace racelab {

class Renderer {
 public:
  virtual ~Renderer() = default;
  virtual std::string Render(const Report& r) const = 0;
};

std::unique_ptr<Renderer> MakeTextRenderer();
std::unique_ptr<Renderer> MakeJsonRenderer();
std::unique_ptr<Renderer> MakeJunitRenderer();

// The formats `--format` accepts.
std::vector<std::string> RendererNames();
Result<std::unique_ptr<Renderer>> MakeRenderer(const std::string& format);

}  // namespace racelab
