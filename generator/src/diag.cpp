#include "zasgen/diag.h"

#include <fmt/args.h>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "zasgen/text.h"

namespace zasgen {

const std::vector<DiagInfo>& all_diags() {
  static const std::vector<DiagInfo> table = {
#define ZASGEN_DIAG(name, code, message, hint) {DiagCode::name, #name, code, message, hint},
#include "zasgen/diagnostics.def"
#undef ZASGEN_DIAG
  };
  return table;
}

const DiagInfo& diag_info(DiagCode code) {
  const auto& t = all_diags();
  const auto i = static_cast<std::size_t>(code);
  if (i >= t.size()) throw std::logic_error("diag_info: bad DiagCode");
  return t[i];
}

// ---- Diagnostics ----

Diagnostic& Diagnostics::add(Diagnostic d) {
  if (list_.size() >= kMaxKept) {
    ++dropped_;
    overflow_ = std::move(d);
    return overflow_;
  }
  for (std::string& a : d.args)
    if (a.size() > kMaxArgBytes) a = elide(a, kMaxArgBytes);
  if (d.param.size() > kMaxArgBytes) d.param = elide(d.param, kMaxArgBytes);
  list_.push_back(std::move(d));
  return list_.back();
}

void Diagnostics::append(const Diagnostics& other) {
  for (const auto& d : other.list_) add(d);
  dropped_ += other.dropped_;
  for (const auto& [file, lines] : other.sources_) sources_.emplace(file, lines);
}

void Diagnostics::sort_by_location() {
  std::stable_sort(list_.begin(), list_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.loc.file, a.loc.line, a.loc.col) <
           std::tie(b.loc.file, b.loc.line, b.loc.col);
  });
}

void Diagnostics::attach_source(const std::string& file, std::string text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = nl + 1;
  }
  sources_[file] = std::move(lines);
}

const std::string* Diagnostics::source_line(const std::string& file, int line) const {
  const auto it = sources_.find(file);
  if (it == sources_.end() || line < 1 || std::size_t(line) > it->second.size()) return nullptr;
  return &it->second[std::size_t(line) - 1];
}

std::string Diagnostics::to_arg(double v) {
  return fmt::format("{}", v);
}

// ---- rendering ----

namespace {

// Highest argument index a format string refers to, plus one ({} counts in order).
std::size_t args_needed(const std::string& f) {
  std::size_t needed = 0, automatic = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '{') continue;
    if (i + 1 < f.size() && f[i + 1] == '{') {
      ++i;
      continue;
    }
    std::size_t j = i + 1, idx = 0;
    bool digits = false;
    while (j < f.size() && f[j] >= '0' && f[j] <= '9') {
      idx = idx * 10 + std::size_t(f[j] - '0');
      digits = true;
      ++j;
    }
    needed = std::max(needed, digits ? idx + 1 : ++automatic);
  }
  return needed;
}

// True when every argument `f` mentions exists and is non-empty.
bool args_complete(const std::string& f, const std::vector<std::string>& args) {
  const std::size_t n = args_needed(f);
  if (n > args.size()) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (args[i].empty() && f.find("{" + std::to_string(i) + "}") != std::string::npos) return false;
  return true;
}

std::string format_args(const std::string& f, const std::vector<std::string>& args) {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& a : args) store.push_back(a);
  try {
    return fmt::vformat(f, store);
  } catch (const fmt::format_error&) {
    // A raise site passed too few arguments: still show everything we have.
    std::string s = f + " [";
    for (std::size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i];
    return s + "]";
  }
}

void json_string(std::string& out, const std::string& s) {
  append_json_string(out, s);
}

// The diagnostic that stands for the ones beyond the cap (never stored in a list).
Diagnostic too_many(const Diagnostics& ds) {
  Diagnostic d;
  d.code = DiagCode::TooManyProblems;
  d.args = {std::to_string(ds.dropped()), std::to_string(ds.size())};
  return d;
}

// How much of a long source line is quoted: a window of this many bytes around the column.
constexpr std::size_t kSnippetBytes = 160;

// Moves `i` back to the start of the UTF-8 sequence it points into.
std::size_t sequence_start(const std::string& s, std::size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xc0) == 0x80) --i;
  return i;
}

// " 12 | text\n" and, with a column, " .. |    ^\n": the line made printable, cut to a window
// around the column when it is long, with the caret under the column's character.
std::string snippet(const std::string& line, int line_no, int col) {
  const std::size_t at = col > 0 ? std::min(line.size(), std::size_t(col - 1)) : 0;
  std::size_t from = 0, to = line.size();
  if (line.size() > kSnippetBytes) {
    from = sequence_start(line, at > kSnippetBytes / 3 ? at - kSnippetBytes / 3 : 0);
    to = sequence_start(line, std::min(line.size(), from + kSnippetBytes));
    if (to <= at) to = line.size();
  }
  const std::string lead = from > 0 ? "..." : "";
  const std::string shown =
      lead + printable(line.substr(from, to - from)) + (to < line.size() ? "..." : "");
  const std::string num = std::to_string(line_no);
  std::string s = fmt::format(" {} | {}\n", num, shown);
  if (col > 0) {
    // One pad character per character before the column (tabs kept, so the caret lines up in
    // a terminal); escapes count as the characters they print.
    const std::string before = lead + printable(line.substr(from, at - from));
    std::string pad;
    for (std::size_t i = 0; i < before.size();) {
      const std::size_t n = utf8_sequence_length(before, i);
      pad += before[i] == '\t' ? '\t' : ' ';
      i += n ? n : 1;
    }
    s += fmt::format(" {} | {}^\n", std::string(num.size(), ' '), pad);
  }
  return s;
}

}  // namespace

std::string diag_message(const Diagnostic& d) {
  return format_args(diag_info(d.code).message, d.args);
}

std::string diag_hint(const Diagnostic& d) {
  const std::string h = diag_info(d.code).hint;
  if (h.empty() || !args_complete(h, d.args)) return {};
  return format_args(h, d.args);
}

std::string render_text(const Diagnostic& d, const Diagnostics* sources, const RenderOptions& opt) {
  const DiagInfo& info = diag_info(d.code);
  std::string s = d.loc.file.empty() ? "<input>" : printable(d.loc.file);
  if (d.loc.line > 0) {
    s += fmt::format(":{}", d.loc.line);
    if (d.loc.col > 0) s += fmt::format(":{}", d.loc.col);
  }
  s += fmt::format(": error[{}] ", info.id);
  if (!d.param.empty()) s += printable(d.param) + ": ";
  s += printable(diag_message(d));
  const std::string hint = diag_hint(d);
  if (!hint.empty()) s += "; " + printable(hint);
  s += '\n';
  if (opt.snippet && sources && d.loc.line > 0)
    if (const std::string* line = sources->source_line(d.loc.file, d.loc.line))
      s += snippet(*line, d.loc.line, d.loc.col);
  return s;
}

std::string render_text(const Diagnostics& ds, const RenderOptions& opt) {
  std::string s;
  for (const auto& d : ds) s += render_text(d, &ds, opt);
  if (ds.dropped() > 0) {
    const Diagnostic more = too_many(ds);
    s += fmt::format("zasgen: note[{}] {}; {}\n", diag_info(more.code).id, diag_message(more),
                     diag_hint(more));
  }
  return s;
}

std::string render_json(const Diagnostic& d) {
  const DiagInfo& info = diag_info(d.code);
  std::string s = d.code == DiagCode::TooManyProblems ? "{\"severity\":\"note\",\"code\":"
                                                      : "{\"severity\":\"error\",\"code\":";
  json_string(s, info.id);
  s += ",\"name\":";
  json_string(s, info.name);
  s += ",\"file\":";
  json_string(s, d.loc.file);
  s += fmt::format(",\"line\":{},\"col\":{},\"param\":", d.loc.line, d.loc.col);
  json_string(s, d.param);
  s += ",\"message\":";
  json_string(s, diag_message(d));
  s += ",\"hint\":";
  json_string(s, diag_hint(d));
  s += ",\"args\":[";
  for (std::size_t i = 0; i < d.args.size(); ++i) {
    if (i) s += ',';
    json_string(s, d.args[i]);
  }
  return s + "]}";
}

std::string render_json(const Diagnostics& ds) {
  std::string s = "[";
  bool first = true;
  for (const auto& d : ds) {
    s += first ? "\n  " : ",\n  ";
    s += render_json(d);
    first = false;
  }
  if (ds.dropped() > 0) {
    s += first ? "\n  " : ",\n  ";
    s += render_json(too_many(ds));
    first = false;
  }
  return s + (first ? "]\n" : "\n]\n");
}

std::string diag_codes_markdown() {
  // A literal '|' would split the Markdown cell.
  auto cell = [](const std::string& text) {
    std::string s;
    for (const char c : text) s += c == '|' ? std::string("\\|") : std::string(1, c);
    return s;
  };
  std::string s = "| code | name | message | hint |\n|---|---|---|---|\n";
  for (const auto& i : all_diags())
    s += fmt::format("| {} | {} | {} | {} |\n", i.id, i.name, cell(i.message), cell(i.hint));
  return s;
}

}  // namespace zasgen
