// YAML -> Config: structure and types against the schema. Ranges and rules are validate()'s.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>

#include "config_screen.h"
#include "zasgen/config.h"
#include "zasgen/input_file.h"
#include "zasgen/util.h"

namespace zasgen {

const ConfigValue* Config::find(const std::string& path) const {
  const auto it = values.find(path);
  return it == values.end() ? nullptr : &it->second;
}

SourceLoc Config::where(const std::string& path) const {
  if (const ConfigValue* v = find(path)) return v->loc;
  std::string p = path;
  while (true) {
    const auto dot = p.rfind('.');
    if (dot == std::string::npos) break;
    p = p.substr(0, dot);
    const auto it = sections.find(p);
    if (it != sections.end()) return it->second;
  }
  return {file, 0, 0};
}

std::string sanitize_name(const std::string& text) {
  std::string name;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const char l = char(std::tolower(u));
    name += (u < 0x80 && (std::isalnum(static_cast<unsigned char>(l)) || l == '_')) ? l : '_';
  }
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) name = "cfg_" + name;
  if (name.size() > 64) name.resize(64);
  return name;
}

std::string name_from_path(const std::string& path) {
  return sanitize_name(std::filesystem::path(path).stem().string());
}

namespace {

// How a scalar reads, by YAML 1.2 core-schema rules (plus: a quoted scalar is always a string).
enum class Lex { Int, Float, Bool, Null, String };

struct Scalar {
  Lex lex = Lex::String;
  bool quoted = false;
  bool overflow = false;  // Lex::Int that does not fit int64
  int64_t i = 0;
  double d = 0;
  bool b = false;
};

// Scalar forms by hand (a std::regex match recurses per character and overflows the stack on
// a long value).

// Number of characters of `digit` class from t[i], advancing i.
template <class Pred>
std::size_t skip(std::string_view t, std::size_t& i, Pred digit) {
  const std::size_t from = i;
  while (i < t.size() && digit(t[i])) ++i;
  return i - from;
}

bool is_dec(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_oct(char c) {
  return c >= '0' && c <= '7';
}

// YAML 1.2 core-schema integers: [-+]?[0-9]+, 0x[0-9a-fA-F]+, 0o[0-7]+.
bool parse_int(const std::string& t, int64_t& out, bool& overflow) {
  int base = 10;
  std::size_t start = 0;
  bool neg = false;
  std::size_t i = 0;
  if (t.size() > 2 && t[0] == '0' && t[1] == 'x' && (i = 2, skip(t, i, is_hex)) && i == t.size()) {
    base = 16;
    start = 2;
  } else if (t.size() > 2 && t[0] == '0' && t[1] == 'o' && (i = 2, skip(t, i, is_oct)) &&
             i == t.size()) {
    base = 8;
    start = 2;
  } else {
    i = 0;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    start = i;
    if (!skip(t, i, is_dec) || i != t.size()) return false;
    neg = t[0] == '-';
  }
  // Parse the magnitude as unsigned so that INT64_MIN is not special.
  uint64_t mag = 0;
  const auto r = std::from_chars(t.data() + start, t.data() + t.size(), mag, base);
  overflow = r.ec == std::errc::result_out_of_range ||
             mag > (neg ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX));
  if (!overflow) out = neg ? int64_t(0 - mag) : int64_t(mag);
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float(std::string_view t) {
  std::size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  if (skip(t, i, is_dec)) {
    if (i < t.size() && t[i] == '.') ++i, skip(t, i, is_dec);
  } else if (i < t.size() && t[i] == '.') {
    ++i;
    if (!skip(t, i, is_dec)) return false;
  } else {
    return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!skip(t, i, is_dec)) return false;
  }
  return i == t.size();
}

// [-+]?\.(inf|Inf|INF)
bool is_inf(std::string_view t) {
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) t.remove_prefix(1);
  return t == ".inf" || t == ".Inf" || t == ".INF";
}

// \.(nan|NaN|NAN)
bool is_nan(std::string_view t) {
  return t == ".nan" || t == ".NaN" || t == ".NAN";
}

// What a person would call a number, quoted or not: [-+]?[0-9.]+([eE][-+]?[0-9]+)?
bool looks_numeric(std::string_view t) {
  std::size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  if (!skip(t, i, [](char c) { return is_dec(c) || c == '.'; })) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!skip(t, i, is_dec)) return false;
  }
  return i == t.size();
}

Scalar classify(const YAML::Node& n) {
  Scalar s;
  if (n.IsNull()) {
    s.lex = Lex::Null;
    return s;
  }
  const std::string& t = n.Scalar();
  s.quoted = n.Tag() == "!";
  if (s.quoted) return s;
  if (parse_int(t, s.i, s.overflow)) {
    s.lex = Lex::Int;
    if (s.overflow)
      s.d = std::strtod(t.c_str(), nullptr);
    else
      s.d = double(s.i);
  } else if (is_float(t)) {
    s.lex = Lex::Float;
    s.d = std::strtod(t.c_str(), nullptr);
  } else if (is_inf(t)) {
    s.lex = Lex::Float;
    s.d = t[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  } else if (is_nan(t)) {
    s.lex = Lex::Float;
    s.d = std::nan("");
  } else if (t == "true" || t == "True" || t == "TRUE") {
    s.lex = Lex::Bool;
    s.b = true;
  } else if (t == "false" || t == "False" || t == "FALSE") {
    s.lex = Lex::Bool;
    s.b = false;
  } else if (t == "null" || t == "Null" || t == "NULL" || t == "~" || t.empty()) {
    s.lex = Lex::Null;
  }
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string join_keys(const std::vector<const ParamSpec*>& specs) {
  std::string s;
  for (const auto* p : specs) s += (s.empty() ? "" : ", ") + p->key();
  return s;
}

// The best "did you mean" for `key` under `section`: a close key of the section, else the same
// key in another section (as a full path), else "".
std::string suggest_key(const std::string& key, const std::string& section) {
  std::vector<std::string> keys;
  for (const auto* p : schema_children(section)) keys.push_back(p->key());
  std::string best = closest_name(key, keys);
  if (!best.empty()) return best;
  const std::string k = lower(key);
  for (const auto& p : config_schema())
    if (p.parent() != section && lower(p.key()) == k) return p.path;
  return {};
}

std::string list_text(const YAML::Node& seq) {
  std::string s = "[";
  for (std::size_t i = 0; i < seq.size(); ++i) {
    if (i) s += ", ";
    s += seq[i].IsScalar() ? seq[i].Scalar() : (seq[i].IsSequence() ? "[...]" : "{...}");
  }
  return s + "]";
}

const char* kind_noun(const YAML::Node& n) {
  if (n.IsMap()) return "mapping";
  if (n.IsSequence()) return "list";
  if (n.IsNull()) return "empty value";
  return "scalar";
}

class Parser {
 public:
  Parser(const std::string& file, Config& cfg, Diagnostics& diags)
      : file_(file), cfg_(cfg), diags_(diags) {}

  const std::string& file() const { return file_; }

  SourceLoc loc(const YAML::Mark& m) const {
    if (m.is_null() || m.line < 0) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }

  void walk_map(const YAML::Node& map, const std::string& section) {
    std::map<std::string, int> seen;  // key -> line of first occurrence
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node k = it->first;  // copies: the iterator hands out a temporary
      const YAML::Node v = it->second;
      const SourceLoc kloc = loc(k.Mark());
      if (!k.IsScalar()) {
        diags_.error(DiagCode::BadKey, kloc, section, describe(k));
        continue;
      }
      const std::string key = k.Scalar();
      const std::string path = section.empty() ? key : section + "." + key;
      const auto [first, inserted] = seen.emplace(key, kloc.line);
      if (!inserted) {
        diags_.error(DiagCode::DuplicateKey, kloc, path, key, first->second);
        continue;
      }
      const ParamSpec* spec = find_param(path);
      if (!spec || spec->parent() != section) {
        const std::string hint = suggest_key(key, section);
        if (!hint.empty())
          diags_.error(DiagCode::UnknownKey, kloc, path, hint);
        else
          diags_.error(DiagCode::UnknownKeyNoMatch, kloc, path,
                       join_keys(schema_children(section)));
        continue;
      }
      if (spec->type == ParamType::Section) {
        cfg_.sections[path] = kloc;
        if (v.IsMap())
          walk_map(v, path);
        else if (!v.IsNull())
          diags_.error(DiagCode::NotAMapping, value_loc(k, v), path, describe(v),
                       join_keys(schema_children(path)));
        continue;
      }
      read_value(*spec, k, v);
    }
  }

  static std::string describe(const YAML::Node& n) {
    if (n.IsMap()) return "a mapping";
    if (n.IsSequence()) return "a list";
    if (n.IsNull()) return "nothing";
    return "'" + n.Scalar() + "'";
  }

 private:
  SourceLoc value_loc(const YAML::Node& k, const YAML::Node& v) const {
    // yaml-cpp marks an empty value at the next token, possibly on a later line.
    return v.IsNull() ? loc(k.Mark()) : loc(v.Mark());
  }

  // Checks that `n` is an integer scalar; reports and returns false otherwise.
  bool read_int(const ParamSpec& spec, const std::string& path, const YAML::Node& n,
                const SourceLoc& at, int64_t& out) {
    if (!n.IsScalar() && !n.IsNull()) {
      diags_.error(DiagCode::NotAScalar, at, path, "an integer", kind_noun(n), accepted_text(spec));
      return false;
    }
    const Scalar s = classify(n);
    switch (s.lex) {
      case Lex::Int:
        if (s.overflow) {
          diags_.error(DiagCode::IntOverflow, at, path, n.Scalar(), accepted_text(spec));
          return false;
        }
        out = s.i;
        return true;
      case Lex::Float:
        diags_.error(DiagCode::FloatForInt, at, path, n.Scalar(), accepted_text(spec));
        return false;
      case Lex::Bool:
        diags_.error(DiagCode::BoolForNumber, at, path, "an integer", n.Scalar(),
                     accepted_text(spec));
        return false;
      case Lex::Null:
        diags_.error(DiagCode::MissingValue, at, path, accepted_text(spec), spec.default_doc);
        return false;
      case Lex::String:
        string_for_number(spec, path, n, s, at, "an integer");
        return false;
    }
    return false;
  }

  void string_for_number(const ParamSpec& spec, const std::string& path, const YAML::Node& n,
                         const Scalar& s, const SourceLoc& at, const char* noun) {
    int64_t dummy = 0;
    bool overflow = false;
    const bool numeric = parse_int(n.Scalar(), dummy, overflow) || looks_numeric(n.Scalar());
    if (s.quoted && numeric)
      diags_.error(DiagCode::QuotedNumber, at, path, noun, n.Scalar());
    else
      diags_.error(DiagCode::StringForNumber, at, path, noun, n.Scalar(), accepted_text(spec));
  }

  void read_value(const ParamSpec& spec, const YAML::Node& k, const YAML::Node& v) {
    const std::string& path = spec.path;
    ConfigValue cv;
    cv.spec = &spec;
    cv.key_loc = loc(k.Mark());
    cv.loc = value_loc(k, v);
    cv.text = v.IsScalar() ? v.Scalar() : v.IsSequence() ? list_text(v) : describe(v);

    if (v.IsNull()) {
      diags_.error(DiagCode::MissingValue, cv.loc, path, accepted_text(spec), spec.default_doc);
      return;
    }
    switch (spec.type) {
      case ParamType::Int:
        if (!read_int(spec, path, v, cv.loc, cv.integer)) return;
        break;
      case ParamType::Number: {
        if (!v.IsScalar()) {
          diags_.error(DiagCode::NotAScalar, cv.loc, path, "a number", kind_noun(v),
                       accepted_text(spec));
          return;
        }
        const Scalar s = classify(v);
        if (s.lex == Lex::Bool) {
          diags_.error(DiagCode::BoolForNumber, cv.loc, path, "a number", v.Scalar(),
                       accepted_text(spec));
          return;
        }
        if (s.lex == Lex::String || s.lex == Lex::Null) {
          string_for_number(spec, path, v, s, cv.loc, "a number");
          return;
        }
        cv.number = s.d;
        break;
      }
      case ParamType::Bool: {
        if (!v.IsScalar()) {
          diags_.error(DiagCode::NotAScalar, cv.loc, path, "true or false", kind_noun(v),
                       accepted_text(spec));
          return;
        }
        const Scalar s = classify(v);
        if (s.lex != Lex::Bool) {
          diags_.error(DiagCode::NotABool, cv.loc, path, "'" + v.Scalar() + "'");
          return;
        }
        cv.boolean = s.b;
        break;
      }
      case ParamType::Enum:
      case ParamType::Name:
        if (!v.IsScalar()) {
          diags_.error(DiagCode::NotAScalar, cv.loc, path, "a name", kind_noun(v),
                       accepted_text(spec));
          return;
        }
        cv.str = v.Scalar();
        break;
      case ParamType::IntList: {
        if (!v.IsSequence()) {
          const std::string got = v.IsMap() ? "a mapping" : "'" + v.Scalar() + "'";
          diags_.error(DiagCode::NotAList, cv.loc, path, got,
                       v.IsScalar() ? v.Scalar() : std::string("1, 2"));
          return;
        }
        bool ok = true;
        for (std::size_t i = 0; i < v.size(); ++i) {
          const YAML::Node item = v[i];
          const SourceLoc at = item.IsNull() ? cv.loc : loc(item.Mark());
          int64_t x = 0;
          if (!read_int(spec, path, item, at, x)) {
            ok = false;
            continue;
          }
          cv.list.push_back(x);
          cv.item_locs.push_back(at);
          cv.item_texts.push_back(item.Scalar());
        }
        if (!ok) return;
        break;
      }
      case ParamType::Section:
        return;  // handled by walk_map
    }
    cfg_.values[path] = std::move(cv);
  }

  const std::string& file_;
  Config& cfg_;
  Diagnostics& diags_;
};

// Where yaml-cpp gives up is often far from the mistake; point at the mistake when it is one
// of the common ones.
void syntax_error(const std::string& text, const YAML::Exception& e, const Parser& parser,
                  Diagnostics& diags) {
  const std::size_t end =
      e.mark.pos >= 0 ? std::min(text.size(), std::size_t(e.mark.pos)) : text.size();
  const int err_line = e.mark.line >= 0 ? e.mark.line + 1 : 1 << 30;

  // A tab in the indentation of a line up to the error.
  int line = 1;
  for (std::size_t i = 0; i < text.size() && line <= err_line; ++line) {
    std::size_t j = i;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) {
      if (text[j] == '\t') {
        diags.error(DiagCode::TabIndent, {parser.file(), line, int(j - i) + 1}, "");
        return;
      }
      ++j;
    }
    i = text.find('\n', i);
    if (i == std::string::npos) break;
    ++i;
  }

  // An unclosed flow list or mapping: find the opener that is still open where parsing stopped.
  if (e.msg.find("flow not found") != std::string::npos) {
    struct Open {
      char c;
      int line, col;
    };
    std::vector<Open> stack;
    int ln = 1, col = 1;
    char quote = 0;
    bool comment = false;
    for (std::size_t i = 0; i < end; ++i) {
      const char c = text[i];
      if (c == '\n') {
        ++ln, col = 1, comment = false;
        continue;
      }
      if (!comment) {
        if (quote) {
          if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
          comment = true;
        } else if (c == '[' || c == '{') {
          stack.push_back({c, ln, col});
        } else if ((c == ']' || c == '}') && !stack.empty()) {
          stack.pop_back();
        }
      }
      ++col;
    }
    if (!stack.empty()) {
      const Open& o = stack.back();
      diags.error(DiagCode::UnclosedBracket, {parser.file(), o.line, o.col}, "",
                  std::string(1, o.c), e.msg);
      return;
    }
  }
  diags.error(DiagCode::YamlSyntax, parser.loc(e.mark), "", e.msg);
}

}  // namespace

namespace {

// Records where each document starts; the counting pass needs nothing else.
class DocumentStarts : public YAML::EventHandler {
 public:
  YAML::Mark start;
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// The one document of the text, or a diagnostic. Not YAML::LoadAll: on a token that cannot
// start a node (a ',' or ']' outside a flow) yaml-cpp 0.7 reports an empty document without
// consuming the token, so LoadAll collects empty documents until memory runs out. Documents
// are counted here with a loop that stops at the second one or when one consumes nothing,
// and the first is then loaded on its own.
std::optional<YAML::Node> load_one_document(const std::string& text, const Parser& parser,
                                            Diagnostics& diags) {
  std::vector<YAML::Mark> starts;
  {
    std::istringstream in(text);
    YAML::Parser counter(in);
    while (starts.size() < 2) {
      DocumentStarts h;
      if (!counter.HandleNextDocument(h)) break;
      const std::size_t at = h.start.pos >= 0 ? std::size_t(h.start.pos) : text.size();
      const char c = at < text.size() ? text[at] : '\0';
      const bool stray = c == ',' || c == ']' || c == '}';
      if (!starts.empty() && (h.start.pos == starts.back().pos || stray)) {
        // A token no node can start with.
        const std::string token = c ? std::string(1, c) : "end of file";
        const char* hint = c == ',' ? "a ',' separates items inside [...] or {...} only"
                           : stray  ? "it closes no '[' or '{'"
                                    : "";
        diags.error(DiagCode::UnexpectedToken, parser.loc(h.start), "", token, hint);
        return std::nullopt;
      }
      starts.push_back(h.start);
    }
  }
  if (starts.size() > 1) {
    diags.error(DiagCode::MultipleDocuments, parser.loc(starts[1]), "");
    return std::nullopt;
  }
  if (starts.empty()) return YAML::Node();
  return YAML::Load(text);
}

}  // namespace

ParseResult parse_config_text(const std::string& text, const std::string& file) {
  ParseResult r;
  Config cfg;
  cfg.file = file;
  cfg.text_hash = fnv1a(text);
  cfg.default_name = name_from_path(file);
  Parser parser(file, cfg, r.diags);
  if (text.size() > kMaxConfigBytes) {
    r.diags.error(DiagCode::FileTooLarge, {file, 0, 0}, "", kMaxConfigBytes, text.size());
    return r;
  }
  r.diags.attach_source(file, text);
  if (!detail::screen_config_text(text, file, r.diags)) return r;

  std::optional<YAML::Node> doc;
  try {
    doc = load_one_document(text, parser, r.diags);
  } catch (const YAML::DeepRecursion& e) {
    r.diags.error(DiagCode::NestingTooDeep, parser.loc(e.mark), "", e.depth());
    return r;
  } catch (const YAML::Exception& e) {
    syntax_error(text, e, parser, r.diags);
    return r;
  }
  if (!doc) return r;
  if (doc->IsNull()) {
    r.diags.error(DiagCode::EmptyConfig, {file, 0, 0}, "");
    return r;
  }
  const YAML::Node& root = *doc;
  if (!root.IsMap()) {
    r.diags.error(DiagCode::TopNotMapping, parser.loc(root.Mark()), "", Parser::describe(root));
    return r;
  }
  parser.walk_map(root, "");
  r.diags.sort_by_location();
  if (r.diags.empty()) r.config = std::move(cfg);
  return r;
}

ParseResult parse_config(const std::string& path) {
  const BoundedRead in = read_bounded(path, kMaxConfigBytes);
  if (in.status == BoundedRead::Status::Unreadable) {
    ParseResult r;
    r.diags.error(DiagCode::FileUnreadable, {path, 0, 0}, "", in.error);
    return r;
  }
  if (in.status == BoundedRead::Status::TooLarge) {
    ParseResult r;
    r.diags.error(DiagCode::FileTooLarge, {path, 0, 0}, "", kMaxConfigBytes,
                  in.size_known ? std::to_string(in.size) : "more than that");
    return r;
  }
  return parse_config_text(in.bytes, path);
}

}  // namespace zasgen
