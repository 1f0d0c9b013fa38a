// UTF-8 repair and the escapes for XML, terminals, pages and one-line messages.
#include "util/text_util.hpp"

#include <fmt/core.h>

namespace racelab {

std::size_t ValidUtf8Length(std::string_view s) {
  if (s.empty()) return 0;
  const auto c = static_cast<unsigned char>(s[0]);
  if (c < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // beyond U+10FFFF
  }
  if (len == 0 || s.size() < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[k]);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
  }
  return len;
}

std::string ToValidUtf8(std::string_view s) {
  static constexpr char kReplacement[] = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t len = ValidUtf8Length(s.substr(i));
    if (len > 0) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  return out;
}

std::string XmlEscape(std::string_view raw) {
  const std::string s = ToValidUtf8(raw);
  std::string out;
  out.reserve(s.size() + 16);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (c < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
          out += "\xEF\xBF\xBD";
        else
          out += ch;
    }
  }
  // U+FFFE and U+FFFF are valid UTF-8 but not XML 1.0 characters.
  for (std::size_t i = 0; (i = out.find("\xEF\xBF", i)) != std::string::npos; i += 3)
    if (i + 2 < out.size() && (out[i + 2] == '\xBE' || out[i + 2] == '\xBF')) out[i + 2] = '\xBD';
  return out;
}

std::string TerminalSafe(std::string_view raw) {
  const std::string s = ToValidUtf8(raw);
  std::string out;
  out.reserve(s.size());
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      const auto cp = static_cast<unsigned char>(s[++i]);  // U+0080..U+009F
      out += "\\u00";
      out += kHex[cp >> 4];
      out += kHex[cp & 0xf];
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string DisplaySafe(std::string_view raw) {
  const std::string s = TerminalSafe(raw);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    std::uint32_t cp = 0;
    std::size_t len = 0;
    if (i + 2 < s.size() && b(0) == 0xE2 && (b(1) == 0x80 || b(1) == 0x81)) {
      cp = 0x2000 | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
      len = 3;
    } else if (i + 1 < s.size() && b(0) == 0xD8 && b(1) == 0x9C) {
      cp = 0x061C;
      len = 2;
    }
    const bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
                      cp == 0x200E || cp == 0x200F || cp == 0x061C;
    if (bidi) {
      out += fmt::format("\\u{:04x}", cp);
      i += len - 1;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string Printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '\t' || (c >= 0x20 && c != 0x7f))
      out += static_cast<char>(c);
    else
      out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

std::string OneLine(std::string_view message) {
  std::string flat;
  for (char c : message) flat += c == '\n' ? std::string("\\n") : std::string(1, c);
  return TerminalSafe(flat);
}

}  // namespace racelab
