#include "config_screen.h"

#include <fmt/format.h>

#include <vector>

#include "zasgen/text.h"

namespace zasgen::detail {

namespace {

const char* control_name(unsigned char c) {
  static const char* const names[] = {"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
                                      "BS",  "TAB", "LF",  "VT",  "FF",  "CR",  "SO",  "SI",
                                      "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
                                      "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US"};
  return c < 0x20 ? names[c] : "DEL";
}

// Pass 1: the bytes. UTF-8 only (a UTF-8 byte-order mark is fine, yaml-cpp skips it), and no
// control character but tab and line breaks.
bool screen_bytes(const std::string& t, const std::string& file, Diagnostics& diags) {
  const auto starts = [&](const char* bom, std::size_t n) { return t.compare(0, n, bom, n) == 0; };
  if (starts("\x00\x00\xfe\xff", 4) || starts("\xff\xfe\x00\x00", 4)) {
    diags.error(DiagCode::NotUtf8, {file, 1, 1}, "", "it starts with a UTF-32 byte-order mark");
    return false;
  }
  if (starts("\xfe\xff", 2) || starts("\xff\xfe", 2)) {
    diags.error(DiagCode::NotUtf8, {file, 1, 1}, "", "it starts with a UTF-16 byte-order mark");
    return false;
  }
  int line = 1, col = 1;
  for (std::size_t i = 0; i < t.size();) {
    const auto c = static_cast<unsigned char>(t[i]);
    const std::size_t n = utf8_sequence_length(t, i);
    if (n == 0) {
      diags.error(DiagCode::NotUtf8, {file, line, col}, "",
                  fmt::format("byte 0x{:02x} does not begin or continue a UTF-8 character", c));
      return false;
    }
    if (n == 1 && ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)) {
      diags.error(DiagCode::ControlCharacter, {file, line, col}, "",
                  fmt::format("{}, byte 0x{:02x}", control_name(c), c));
      return false;
    }
    if (c == '\n') {
      ++line, col = 1;
    } else {
      col += int(n);
    }
    i += n;
  }
  return true;
}

// Pass 2: a small YAML lexer that knows just enough (comments, quoted, plain and block scalars,
// flow brackets, block indicators) to find quotes that are never closed and nesting that is too
// deep. It never rejects what it does not understand: yaml-cpp judges everything else.
class Structure {
 public:
  Structure(const std::string& t, const std::string& file, Diagnostics& d)
      : t_(t), file_(file), d_(d) {}

  bool run() {
    while (i_ < t_.size()) {
      if (!line()) return false;
    }
    return true;
  }

 private:
  char at(std::size_t k) const { return k < t_.size() ? t_[k] : '\0'; }
  bool blank(char c) const { return c == ' ' || c == '\t'; }
  bool end_of_word(char c) const {
    return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
  bool flow_indicator(char c) const {
    return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
  }
  int col() const { return int(i_ - line_start_) + 1; }
  SourceLoc here() const { return {file_, line_no_, col()}; }

  void next_line() {
    while (i_ < t_.size() && t_[i_] != '\n') ++i_;
    if (i_ < t_.size()) ++i_;
    ++line_no_;
    line_start_ = i_;
  }

  // One line from its first byte.
  bool line() {
    line_start_ = i_;
    std::size_t k = i_;
    while (k < t_.size() && t_[k] == ' ') ++k;
    const int indent = int(k - i_);
    const char first = at(k);
    const bool empty = first == '\n' || first == '\r' || first == '\0' || first == '#';
    // Lines inside a block scalar (| or >) are text, whatever they hold.
    if (block_scalar_indent_ >= 0) {
      if (empty || indent > block_scalar_indent_) {
        next_line();
        return true;
      }
      block_scalar_indent_ = -1;
    }
    // A more indented line after a plain scalar that ran to the end of its line continues it.
    if (plain_indent_ >= 0 && depth_ == 0) {
      if (empty) {
        next_line();
        return true;
      }
      if (indent > plain_indent_) {
        next_line();
        return true;
      }
      plain_indent_ = -1;
    }
    line_indent_ = indent;
    line_blocks_ = 0;
    i_ = k;
    if (depth_ == 0 && col() == 1 && first == '%') {  // a directive
      next_line();
      return true;
    }
    if (col() == 1 && (t_.compare(i_, 3, "---") == 0 || t_.compare(i_, 3, "...") == 0) &&
        end_of_word(at(i_ + 3)))
      i_ += 3;
    // Inside a flow, a plain scalar that ran to the end of the previous line continues here.
    const bool continued = flow_plain_ && depth_ > 0;
    flow_plain_ = false;
    if (continued && !plain()) return tokens(true);
    if (continued) return finish_line();
    return tokens(true);
  }

  bool finish_line() {
    if (i_ < t_.size() && t_[i_] == '\n') {
      ++i_;
      ++line_no_;
    }
    return true;
  }

  // Scans tokens to the end of the line (or further, through a multi-line quoted scalar).
  bool tokens(bool token_start) {
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '\n') return finish_line();
      if (blank(c) || c == '\r') {
        ++i_;
        continue;
      }
      if (c == '#' && (i_ == line_start_ || blank(at(i_ - 1)) || token_start)) {
        while (i_ < t_.size() && t_[i_] != '\n') ++i_;
        continue;
      }
      if (c == '[' || c == '{') {
        if (!nest()) return false;
        ++i_;
        token_start = true;
        continue;
      }
      if (c == ']' || c == '}') {
        if (depth_ > 0) --depth_;
        ++i_;
        token_start = false;
        continue;
      }
      if (c == ',' && depth_ > 0) {
        ++i_;
        token_start = true;
        continue;
      }
      if (c == ':' && (end_of_word(at(i_ + 1)) || (depth_ > 0 && flow_indicator(at(i_ + 1))))) {
        ++i_;
        token_start = true;
        continue;
      }
      if (!token_start) {
        // After a quoted scalar or an alias: anything else belongs to yaml-cpp to judge.
        ++i_;
        continue;
      }
      if ((c == '-' || c == '?') && depth_ == 0 && end_of_word(at(i_ + 1))) {
        ++line_blocks_;
        if (!nest_blocks()) return false;
        ++i_;
        continue;
      }
      if (c == '"' || c == '\'') {
        if (!quoted(c)) return false;
        token_start = false;
        continue;
      }
      if ((c == '|' || c == '>') && depth_ == 0) {
        block_scalar_indent_ = line_indent_;
        next_line();
        return true;
      }
      if (c == '&' || c == '!') {  // an anchor or a tag: the node follows
        while (i_ < t_.size() && !end_of_word(t_[i_]) && !(depth_ > 0 && flow_indicator(t_[i_])))
          ++i_;
        continue;
      }
      if (c == '*') {  // an alias
        while (i_ < t_.size() && !end_of_word(t_[i_]) && !(depth_ > 0 && flow_indicator(t_[i_])))
          ++i_;
        token_start = false;
        continue;
      }
      if (plain()) return finish_line();
      token_start = true;  // the plain scalar ended at ': ' (a key) or at a flow indicator
    }
    return true;
  }

  // A plain scalar from i_. Returns true when it ran to the end of the line (it may continue
  // on more indented lines), false when it ended at ": " (i_ after the colon) or, in a flow, at
  // a flow indicator (i_ on it).
  bool plain() {
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '\n') break;
      if (c == '#' && i_ > line_start_ && blank(at(i_ - 1))) break;
      if (c == ':' && (end_of_word(at(i_ + 1)) || (depth_ > 0 && flow_indicator(at(i_ + 1))))) {
        ++i_;
        return false;
      }
      if (depth_ > 0 && flow_indicator(c)) return false;
      ++i_;
    }
    while (i_ < t_.size() && t_[i_] != '\n') ++i_;  // a trailing comment
    if (depth_ == 0)
      plain_indent_ = line_indent_;
    else
      flow_plain_ = true;
    return true;
  }

  bool quoted(char q) {
    const SourceLoc open = here();
    ++i_;
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '\n') {
        ++i_;
        ++line_no_;
        line_start_ = i_;
        continue;
      }
      if (q == '"' && c == '\\') {
        i_ += at(i_ + 1) == '\n' ? 1 : 2;
        continue;
      }
      if (c == q) {
        if (q == '\'' && at(i_ + 1) == '\'') {  // '' is a quote inside a single-quoted string
          i_ += 2;
          continue;
        }
        ++i_;
        return true;
      }
      ++i_;
    }
    d_.error(DiagCode::UnclosedQuote, open, "", q == '"' ? "double" : "single");
    return false;
  }

  bool nest() {
    ++depth_;
    return nest_blocks();
  }

  bool nest_blocks() {
    if (depth_ + line_blocks_ <= kMaxYamlNesting) return true;
    d_.error(DiagCode::NestingTooDeep, here(), "", kMaxYamlNesting);
    return false;
  }

  const std::string& t_;
  const std::string& file_;
  Diagnostics& d_;
  std::size_t i_ = 0, line_start_ = 0;
  int line_no_ = 1;
  int depth_ = 0;                 // open flow brackets
  int line_indent_ = 0;           // indentation of the current line
  int line_blocks_ = 0;           // block indicators (- or ?) on the current line
  int block_scalar_indent_ = -1;  // >= 0: inside a block scalar of a line so indented
  int plain_indent_ = -1;         // >= 0: a plain scalar of a line so indented may continue
  bool flow_plain_ = false;       // a plain scalar in a flow ran to the end of its line
};

}  // namespace

bool screen_config_text(const std::string& text, const std::string& file, Diagnostics& diags) {
  return screen_bytes(text, file, diags) && Structure(text, file, diags).run();
}

}  // namespace zasgen::detail
