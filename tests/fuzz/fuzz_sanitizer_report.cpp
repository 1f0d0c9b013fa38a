// libFuzzer target: the sanitizer-report classifier on arbitrary stderr.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "judge/sanitizer_report.hpp"
#include "util/text_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view err(reinterpret_cast<const char*>(data), size);
  racelab::SanitizerOptions opts;
  opts.source_root = "/work/main";
  const racelab::SanitizerScan scan = racelab::ScanSanitizerOutput(err, opts);
  // Contracts of sanitizer_report.hpp: never `ok`; each report's text is
  // valid UTF-8 without CR, and the class of a report is its kind's class.
  if (scan.classes.Has(racelab::FailureClass::kOk)) std::abort();
  for (const racelab::SanitizerReport& r : scan.reports) {
    if (racelab::ToValidUtf8(r.text) != r.text) std::abort();
    if (r.text.find('\r') != std::string::npos) std::abort();
    if (!scan.classes.Has(r.cls)) std::abort();
  }
  racelab::ClassifyTsanKind(err.substr(0, 4096));
  return 0;
}
