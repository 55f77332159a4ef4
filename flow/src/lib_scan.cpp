#include "lib_scan.h"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "process.h"
#include "zasgen/flow/error.h"

namespace zasgen::flow::detail {

namespace {

struct Group {
  std::string type, arg;                     // cell (NAND2_X1)
  std::map<std::string, std::string> attrs;  // simple attributes (last one wins)
  std::vector<std::string> values;           // values ("...") of a table group, joined
  std::vector<std::unique_ptr<Group>> children;
};

class Parser {
 public:
  Parser(const std::string& text, const std::string& file) : s_(text), file_(file) {}

  std::unique_ptr<Group> parse() {
    auto root = std::make_unique<Group>();
    statements(*root, /*top=*/true);
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw FlowError(FlowError::Code::ResultParse, file_ + ":" + std::to_string(line_),
                    "cannot read liberty: " + what);
  }

  void skip() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\n') {
        ++line_;
        ++i_;
      } else if (std::isspace((unsigned char)c) || c == '\\') {
        ++i_;
      } else if (s_.compare(i_, 2, "/*") == 0) {
        const size_t e = s_.find("*/", i_ + 2);
        if (e == std::string::npos) fail("unterminated comment");
        for (size_t k = i_; k < e; ++k) line_ += s_[k] == '\n';
        i_ = e + 2;
      } else if (s_.compare(i_, 2, "//") == 0) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else {
        break;
      }
    }
  }

  // A word, a number or a quoted string (quotes removed).
  std::string token() {
    skip();
    if (i_ >= s_.size()) fail("unexpected end of file");
    if (s_[i_] == '"') {
      const size_t e = s_.find('"', i_ + 1);
      if (e == std::string::npos) fail("unterminated string");
      std::string t = s_.substr(i_ + 1, e - i_ - 1);
      for (char c : t) line_ += c == '\n';
      i_ = e + 1;
      return t;
    }
    const size_t b = i_;
    while (i_ < s_.size() && !std::isspace((unsigned char)s_[i_]) &&
           !std::strchr("(){}:;,\"", s_[i_]))
      ++i_;
    if (b == i_) fail(std::string("unexpected '") + s_[i_] + "'");
    return s_.substr(b, i_ - b);
  }

  bool peek(char c) {
    skip();
    return i_ < s_.size() && s_[i_] == c;
  }
  void expect(char c) {
    if (!peek(c)) fail(std::string("expected '") + c + "'");
    ++i_;
  }

  void statements(Group& g, bool top) {
    while (true) {
      skip();
      if (i_ >= s_.size()) {
        if (!top) fail("missing '}'");
        return;
      }
      if (peek('}')) {
        if (top) fail("unmatched '}'");
        ++i_;
        return;
      }
      const std::string name = token();
      if (peek(':')) {
        ++i_;
        std::string v = token();
        while (!peek(';')) {  // e.g. "a : b c;" is rare; keep the words
          if (peek('}')) break;
          v += " " + token();
        }
        if (peek(';')) ++i_;
        g.attrs[name] = v;
        continue;
      }
      expect('(');
      std::vector<std::string> args;
      while (!peek(')')) {
        args.push_back(token());
        if (peek(',')) ++i_;
      }
      ++i_;
      if (peek('{')) {
        ++i_;
        auto child = std::make_unique<Group>();
        child->type = name;
        child->arg = args.empty() ? "" : args[0];
        statements(*child, false);
        g.children.push_back(std::move(child));
      } else {
        if (peek(';')) ++i_;
        if (name == "values")
          for (const auto& a : args) g.values.push_back(a);
      }
    }
  }

  const std::string& s_;
  std::string file_;
  size_t i_ = 0;
  int line_ = 1;
};

double first_value(const Group& table) {
  if (table.values.empty()) return 0;
  return std::strtod(table.values[0].c_str(), nullptr);
}

bool is_plain_pin(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum((unsigned char)c) || c == '_')) return false;
  return true;
}

// A constant Liberty function ("0", "1", 1'b0, 1'b1): its value; -1 for anything else.
int constant_function(std::string f) {
  std::string s;
  for (char c : f)
    if (!std::isspace((unsigned char)c)) s += c;
  if (s == "0" || s == "1'b0" || s == "1'B0") return 0;
  if (s == "1" || s == "1'b1" || s == "1'B1") return 1;
  return -1;
}

LibCellInfo read_cell(const Group& cell) {
  LibCellInfo info;
  int inputs = 0, outputs = 0, constant = -1;
  std::string constant_pin;
  info.name = cell.arg;
  if (auto it = cell.attrs.find("area"); it != cell.attrs.end())
    info.area = std::strtod(it->second.c_str(), nullptr);
  if (auto it = cell.attrs.find("dont_use"); it != cell.attrs.end())
    info.dont_use = it->second == "true";
  for (const auto& ch : cell.children) {
    if (ch->type == "ff" || ch->type == "latch" || ch->type == "ff_bank") {
      info.sequential = true;
      if (auto it = ch->attrs.find("next_state"); it != ch->attrs.end() && is_plain_pin(it->second))
        info.data_pin = it->second;
    }
    if (ch->type != "pin" && ch->type != "bus") continue;
    if (auto d = ch->attrs.find("direction"); d != ch->attrs.end()) {
      if (d->second == "output" && ch->type == "pin") {
        ++outputs;
        if (auto f = ch->attrs.find("function"); f != ch->attrs.end()) {
          constant = constant_function(f->second);
          constant_pin = ch->arg;
        }
      } else {
        ++(d->second == "output" ? outputs : inputs);
      }
    }
    if (ch->type != "pin") continue;
    const auto clk = ch->attrs.find("clock");
    if (clk == ch->attrs.end() || clk->second != "true") continue;
    for (const auto& pw : ch->children) {
      if (pw->type != "internal_power" || pw->attrs.count("when")) continue;
      for (const auto& t : pw->children)
        if (t->type == "rise_power" || t->type == "fall_power")
          info.clock_energy_pj += first_value(*t);
    }
  }
  if (inputs == 0 && outputs == 1 && constant >= 0 && !info.sequential) {
    info.tie_pin = constant_pin;
    info.tie_value = constant;
  }
  return info;
}

}  // namespace

LibInfo scan_liberty(const std::string& path) {
  const std::string text = read_text(path);
  if (text.empty()) throw FlowError(FlowError::Code::ResultParse, path, "cannot read liberty file");
  auto root = Parser(text, path).parse();
  LibInfo lib;
  for (const auto& g : root->children) {
    if (g->type != "library") continue;
    lib.name = g->arg;
    for (const auto& c : g->children)
      if (c->type == "cell") lib.cells[c->arg] = read_cell(*c);
  }
  if (lib.name.empty())
    throw FlowError(FlowError::Code::ResultParse, path, "no library group in liberty file");
  return lib;
}

}  // namespace zasgen::flow::detail
