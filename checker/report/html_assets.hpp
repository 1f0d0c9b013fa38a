// The HTML report's fixed assets: its style sheet, its one script and that script's hash.
#pragma once

#include <string_view>

namespace racelab {

// The page's only script: copy buttons read the command from the DOM.
extern const std::string_view kHtmlScript;
// "sha256-<base64>" of kHtmlScript: the Content-Security-Policy admits the
// script by this hash alone.
extern const std::string_view kHtmlScriptHash;
// The page's style sheet (inline: the page is one self-contained file).
extern const std::string_view kHtmlStyle;

}  // namespace racelab
