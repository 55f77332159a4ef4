// Diagnostics as data (slang style): code raises a code + location + parameter + arguments;
// the text is made only by the renderers below, from the table in diagnostics.def.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

namespace zasgen {

enum class DiagCode {
#define ZASGEN_DIAG(name, code, message, hint) name,
#include "zasgen/diagnostics.def"
#undef ZASGEN_DIAG
};

// The static description of a code, from diagnostics.def.
struct DiagInfo {
  DiagCode code;
  const char* name;     // "UnknownKey"
  const char* id;       // "E102"
  const char* message;  // fmt format over the arguments
  const char* hint;     // fmt format, may be ""
};

const DiagInfo& diag_info(DiagCode code);
const std::vector<DiagInfo>& all_diags();  // in declaration order

// A place in a file. Lines and columns are 1-based; 0 means "unknown" (a missing file has
// neither, a whole-document problem has no column).
struct SourceLoc {
  std::string file;
  int line = 0;
  int col = 0;
};

struct Diagnostic {
  DiagCode code = DiagCode::Internal;
  SourceLoc loc;
  std::string param;              // dotted parameter path, e.g. "arch.pes"; may be empty
  std::vector<std::string> args;  // message arguments, already as text
};

// An ordered collection of diagnostics plus the text of the files they point into (so the
// renderer can quote the offending line). All reported problems are errors.
//
// Hostile input can cause a problem per byte, so the collection is bounded: it keeps the first
// kMaxKept diagnostics and only counts the rest (dropped()), and every argument and parameter
// is cut to a message-sized length when it is raised (a 40,000-character value is quoted by
// its head and its length).
class Diagnostics {
 public:
  static constexpr std::size_t kMaxKept = 50;
  static constexpr std::size_t kMaxArgBytes = 200;

  template <class... Args>
  Diagnostic& error(DiagCode code, SourceLoc loc, std::string param, const Args&... args) {
    return add({code, std::move(loc), std::move(param), {to_arg(args)...}});
  }
  Diagnostic& add(Diagnostic d);
  void append(const Diagnostics& other);

  bool empty() const { return list_.empty(); }
  bool has_errors() const { return !list_.empty(); }
  std::size_t size() const { return list_.size(); }  // kept diagnostics
  std::size_t dropped() const { return dropped_; }   // raised beyond kMaxKept, not kept
  std::size_t total() const { return list_.size() + dropped_; }
  const Diagnostic& operator[](std::size_t i) const { return list_[i]; }
  auto begin() const { return list_.begin(); }
  auto end() const { return list_.end(); }

  // Orders by file, line and column, keeping the raising order for equal places.
  void sort_by_location();

  void attach_source(const std::string& file, std::string text);
  // Line `line` (1-based) of `file` without its newline, or nullptr when unknown.
  const std::string* source_line(const std::string& file, int line) const;

  static std::string to_arg(const std::string& s) { return s; }
  static std::string to_arg(const char* s) { return s; }
  static std::string to_arg(double v);
  template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
  static std::string to_arg(T v) {
    if constexpr (std::is_same_v<T, bool>)
      return v ? "true" : "false";
    else
      return std::to_string(v);
  }

 private:
  std::vector<Diagnostic> list_;
  std::size_t dropped_ = 0;
  Diagnostic overflow_;  // what add() hands back for a diagnostic beyond the cap
  std::map<std::string, std::vector<std::string>> sources_;  // file -> lines
};

// ---- rendering (the only place that turns a diagnostic into text) ----

struct RenderOptions {
  bool snippet = true;  // quote the source line and put a caret under the column
};

// The message with its arguments, and the hint ("" when it does not apply).
std::string diag_message(const Diagnostic& d);
std::string diag_hint(const Diagnostic& d);

// "file:line:col: error[E102] arch.pez: unknown key; did you mean 'pes'?" plus an optional
// quoted source line; ends with a newline. User text is made printable (zasgen/text.h) and a
// long source line is quoted as a window around the column.
std::string render_text(const Diagnostic& d, const Diagnostics* sources = nullptr,
                        const RenderOptions& opt = {});
// All of them, then a TooManyProblems line when some were dropped.
std::string render_text(const Diagnostics& ds, const RenderOptions& opt = {});

// One JSON object per diagnostic:
// {"severity":"error","code":"E102","name":"UnknownKey","file":...,"line":...,"col":...,
//  "param":...,"message":...,"hint":...,"args":[...]}
std::string render_json(const Diagnostic& d);
// A JSON array of the above, ending with a TooManyProblems object (severity "note") when some
// were dropped. Always valid UTF-8 JSON, whatever bytes the input held.
std::string render_json(const Diagnostics& ds);

// The table of codes as Markdown (docs/CONFIG.md embeds it).
std::string diag_codes_markdown();

}  // namespace zasgen
