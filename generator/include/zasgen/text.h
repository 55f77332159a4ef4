// Text from users is untrusted: it may be huge, may not be UTF-8 and may hold control
// characters (a NUL, a terminal escape sequence). These helpers make such text safe to echo in
// a message, on a terminal or inside JSON.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace zasgen {

// Length in bytes of the valid UTF-8 sequence starting at s[i] (1..4), or 0 when the bytes
// there are not one (a stray continuation byte, an overlong form, a surrogate, a truncated
// sequence, a code point above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// Offset of the first byte that is not part of valid UTF-8, or npos when all of `s` is.
std::size_t utf8_error_offset(std::string_view s);

// `s` cut to at most about `max` bytes for a message: the head, then "..." and the full
// length ("aaaa... (40000 characters)"). Never cuts a UTF-8 sequence in two. Text of at most
// `max` bytes is returned as is.
std::string elide(std::string_view s, std::size_t max);

// `s` for a terminal: invalid UTF-8 bytes and control characters other than tab become \xHH
// escapes (so no byte of user input can move the cursor or change colours).
std::string printable(std::string_view s);

// Appends `s` as a JSON string literal (with the quotes). The result is always valid JSON in
// UTF-8: quotes, backslashes and control characters are escaped, every byte that is not part of
// valid UTF-8 becomes U+FFFD.
void append_json_string(std::string& out, std::string_view s);

}  // namespace zasgen
