// Making untrusted text (program output, file names, what a user typed) safe for XML, HTML,
// Markdown and terminals: the one UTF-8 repair and the one family of escapes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace racelab {

// The length (1 to 4) of the valid UTF-8 sequence `s` starts with, or 0 when it starts with
// none: an invalid or cut-short sequence, an overlong form, a surrogate, beyond U+10FFFF.
std::size_t ValidUtf8Length(std::string_view s);
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
// Untrusted text for a page or a comment: TerminalSafe, and the Unicode
// bidirectional controls (U+202A..E, U+2066..9, U+200E/F, U+061C) shown as
// escapes such as "\u202e", so program output cannot reorder what a reader
// sees (`evil` shown as `live`).
std::string DisplaySafe(std::string_view s);
// One line of output as bytes: tab and printable bytes kept (UTF-8 is left as it is),
// other control bytes (newline included) and DEL shown as "\x0a".
std::string Printable(std::string_view s);
// A message for one line of stderr: newlines shown as "\n", then TerminalSafe.
std::string OneLine(std::string_view message);

}  // namespace racelab
