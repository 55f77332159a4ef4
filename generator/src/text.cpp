#include "zasgen/text.h"

#include <cstdint>

namespace zasgen {

namespace {

bool in(unsigned char c, unsigned lo, unsigned hi) {
  return c >= lo && c <= hi;
}

const char kHex[] = "0123456789abcdef";

void append_hex_escape(std::string& out, unsigned char c) {
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 0;
  const auto at = [&](std::size_t k) -> unsigned char {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  const unsigned char c = at(0);
  if (c < 0x80) return 1;
  // RFC 3629, table 3: the second byte's range depends on the first, which excludes overlong
  // forms, UTF-16 surrogates and code points above U+10FFFF.
  unsigned lo = 0x80, hi = 0xbf;
  std::size_t n = 0;
  if (in(c, 0xc2, 0xdf)) {
    n = 2;
  } else if (in(c, 0xe0, 0xef)) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (in(c, 0xf0, 0xf4)) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (!in(at(1), lo, hi)) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (!in(at(k), 0x80, 0xbf)) return 0;
  return n;
}

std::size_t utf8_error_offset(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::string elide(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  const std::size_t keep = max > 40 ? max - 32 : max / 2;
  std::size_t cut = 0;
  while (cut < keep) {
    const std::size_t n = utf8_sequence_length(s, cut);
    if (cut + (n ? n : 1) > keep) break;
    cut += n ? n : 1;
  }
  return std::string(s.substr(0, cut)) + "... (" + std::to_string(s.size()) + " characters)";
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0 || (n == 1 && ((c < 0x20 && c != '\t') || c == 0x7f))) {
      append_hex_escape(out, c);
      ++i;
      continue;
    }
    out.append(s.data() + i, n);
    i += n;
  }
  return out;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s.data() + i, n);
      i += n;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += char(c);
        }
    }
    ++i;
  }
  out += '"';
}

}  // namespace zasgen
