// libFuzzer target: the JSON report reader, and every renderer on what it accepts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "report/renderer.hpp"
#include "report/report_json.hpp"
#include "util/text_util.hpp"

namespace {

// Text output may reach a terminal: no control character but newline and
// tab, no C1 control, valid UTF-8 (report_text.cpp).
bool TerminalSafe(const std::string& s) {
  if (racelab::ToValidUtf8(s) != s) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto report = racelab::ParseReportJson(text, "fuzz.json");
  if (!report) {
    if (report.error().what.find('\n') != std::string::npos) std::abort();  // one line
    return 0;
  }
  // What racelab accepts it can write again, and read back unchanged.
  const std::string once = racelab::RenderJson(*report);
  auto again = racelab::ParseReportJson(once, "again.json");
  if (!again || racelab::RenderJson(*again) != once) std::abort();
  if (!TerminalSafe(racelab::MakeTextRenderer()->Render(*report))) std::abort();
  const std::string xml = racelab::MakeJunitRenderer()->Render(*report);
  if (racelab::ToValidUtf8(xml) != xml) std::abort();
  return 0;
}
