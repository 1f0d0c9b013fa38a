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

}  // namespace racelab
