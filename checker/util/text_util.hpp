// Making untrusted text (program output) safe for XML, HTML and terminals.
#pragma once

#include <string>
#include <string_view>

namespace racelab {

// Valid UTF-8: each invalid byte becomes U+FFFD.
std::string ToValidUtf8(std::string_view s);
// XML/HTML text and attribute escaping of valid UTF-8, dropping the control
// characters XML 1.0 forbids (they become U+FFFD).
std::string XmlEscape(std::string_view s);
// Text for a terminal: valid UTF-8 in which every control character but
// newline and tab (C0, DEL and the C1 range, whose U+009B is a CSI to some
// terminals) becomes a visible escape such as "\x1b", so nothing a program
// printed can drive the terminal a report is shown on.
std::string TerminalSafe(std::string_view s);

}  // namespace racelab
