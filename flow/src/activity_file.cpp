// Activity files: zasgen's JSON (zasgen/activity.h) and SAIF 2.0 (the Switching Activity
// Interchange Format that VCS, Questa, Xcelium and others write), turned into per-cycle rates.
#include "zasgen/flow/activity.h"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "zasgen/flow/error.h"

namespace zasgen::flow {

namespace {

using Code = FlowError::Code;

constexpr uintmax_t kMaxActivityBytes = uintmax_t(1) << 30;  // 1 GiB

[[noreturn]] void bad(const std::string& file, const std::string& what) {
  throw FlowError(Code::ActivityFile, file, what,
                  "a zasgen-activity JSON file or a SAIF 2.0 file (flow/README.md)");
}

// ---- SAIF: an s-expression tree ----

struct Node {
  std::vector<std::string> atoms;  // the words before the first child list, in order
  std::vector<Node> lists;         // child lists
};

class SaifParser {
 public:
  SaifParser(const std::string& text, const std::string& file) : t_(text), file_(file) {}

  Node parse() {
    skip();
    if (!take('(')) bad(file_, "SAIF: expected '(' at the start");
    Node root = list(0);
    skip();
    if (pos_ != t_.size())
      bad(file_, fmt::format("SAIF: text after the last ')' (offset {})", pos_));
    return root;
  }

 private:
  Node list(int depth) {
    if (depth > 256) bad(file_, "SAIF: lists nested deeper than 256");
    Node n;
    for (;;) {
      skip();
      if (pos_ >= t_.size()) bad(file_, "SAIF: unbalanced parentheses (file ends inside a list)");
      const char c = t_[pos_];
      if (c == ')') {
        ++pos_;
        return n;
      }
      if (c == '(') {
        ++pos_;
        n.lists.push_back(list(depth + 1));
      } else if (n.lists.empty()) {
        n.atoms.push_back(atom());
      } else {
        atom();  // words after a child list (e.g. trailing comments): ignored
      }
    }
  }

  std::string atom() {
    std::string s;
    if (t_[pos_] == '"') {
      for (++pos_; pos_ < t_.size() && t_[pos_] != '"'; ++pos_) s += t_[pos_];
      if (pos_ >= t_.size()) bad(file_, "SAIF: unterminated string");
      ++pos_;
      return s;
    }
    while (pos_ < t_.size()) {
      const char c = t_[pos_];
      if (std::isspace((unsigned char)c) || c == '(' || c == ')') break;
      if (c == '\\' && pos_ + 1 < t_.size()) ++pos_;  // escaped character: taken literally
      s += t_[pos_++];
    }
    return s;
  }

  void skip() {
    while (pos_ < t_.size()) {
      if (std::isspace((unsigned char)t_[pos_])) {
        ++pos_;
      } else if (t_.compare(pos_, 2, "//") == 0) {
        while (pos_ < t_.size() && t_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  bool take(char c) {
    if (pos_ < t_.size() && t_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  const std::string& t_;
  const std::string& file_;
  size_t pos_ = 0;
};

const std::string& keyword(const Node& n) {
  static const std::string none;
  return n.atoms.empty() ? none : n.atoms[0];
}

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper((unsigned char)c));
  return s;
}

double number(const std::string& s, const std::string& file, const std::string& what) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(v) || v < 0)
    bad(file, "SAIF: " + what + " '" + s + "' is not a non-negative number");
  return v;
}

double timescale_ns(const Node& n, const std::string& file) {
  std::string text;
  for (size_t i = 1; i < n.atoms.size(); ++i) text += n.atoms[i];
  size_t k = 0;
  while (k < text.size() && (std::isdigit((unsigned char)text[k]) || text[k] == '.')) ++k;
  const double mult = number(text.substr(0, k), file, "TIMESCALE");
  const std::string unit = text.substr(k);
  const double ns = unit == "s"    ? 1e9
                    : unit == "ms" ? 1e6
                    : unit == "us" ? 1e3
                    : unit == "ns" ? 1.0
                    : unit == "ps" ? 1e-3
                    : unit == "fs" ? 1e-6
                                   : -1;
  if (ns < 0) bad(file, "SAIF: TIMESCALE unit '" + unit + "' (s, ms, us, ns, ps, fs)");
  return mult * ns;
}

// The instance's name: (INSTANCE name ...) or (INSTANCE design name ...).
std::string instance_name(const Node& n) {
  return n.atoms.size() >= 2 ? n.atoms.back() : std::string();
}

struct SaifNet {
  double t1 = 0, tc = 0;
};

void collect(const Node& inst, const std::string& prefix, std::map<std::string, SaifNet>& nets,
             const std::string& file) {
  for (const Node& child : inst.lists) {
    const std::string k = upper(keyword(child));
    if (k == "INSTANCE") {
      const std::string name = instance_name(child);
      collect(child, prefix.empty() ? name : prefix + "." + name, nets, file);
    } else if (k == "NET" || k == "PORT") {
      for (const Node& net : child.lists) {
        if (net.atoms.empty()) continue;
        SaifNet s;
        for (const Node& v : net.lists) {
          if (v.atoms.size() < 2) continue;
          const std::string vk = upper(v.atoms[0]);
          if (vk == "T1") s.t1 = number(v.atoms[1], file, "T1");
          if (vk == "TC") s.tc = number(v.atoms[1], file, "TC");
        }
        std::string name = net.atoms[0];
        nets[prefix.empty() ? name : prefix + "." + name] = s;
      }
    }
  }
}

const Node* find_scope(const Node& root, const std::string& scope, const std::string& file) {
  std::vector<const Node*> top;
  for (const Node& c : root.lists)
    if (upper(keyword(c)) == "INSTANCE") top.push_back(&c);
  if (top.empty()) bad(file, "SAIF: no INSTANCE");
  if (scope.empty()) {
    const Node* n = top[0];
    // A testbench holding one instance and no nets of its own: the design is that instance.
    std::vector<const Node*> kids;
    bool has_nets = false;
    for (const Node& c : n->lists) {
      const std::string k = upper(keyword(c));
      if (k == "INSTANCE") kids.push_back(&c);
      if (k == "NET" || k == "PORT") has_nets = true;
    }
    return kids.size() == 1 && !has_nets ? kids[0] : n;
  }
  std::istringstream parts(scope);
  std::string part;
  const Node* cur = nullptr;
  std::vector<const Node*> level = top;
  while (std::getline(parts, part, '.')) {
    cur = nullptr;
    for (const Node* n : level)
      if (instance_name(*n) == part) cur = n;
    if (!cur) bad(file, "SAIF: no instance '" + part + "' on the path '" + scope + "'");
    level.clear();
    for (const Node& c : cur->lists)
      if (upper(keyword(c)) == "INSTANCE") level.push_back(&c);
  }
  return cur;
}

SwitchingActivity read_saif(const std::string& text, const std::string& file,
                            const rtl::MacroManifest& macros, double period_ns,
                            const std::string& scope) {
  const Node root = SaifParser(text, file).parse();
  if (upper(keyword(root)) != "SAIFILE") bad(file, "SAIF: the file is not a (SAIFILE ...) list");
  double unit_ns = 1.0, duration = 0;
  for (const Node& c : root.lists) {
    const std::string k = upper(keyword(c));
    if (k == "TIMESCALE") unit_ns = timescale_ns(c, file);
    if (k == "DURATION" && c.atoms.size() >= 2) duration = number(c.atoms[1], file, "DURATION");
  }
  if (!(duration > 0)) bad(file, "SAIF: no positive DURATION");
  if (!(period_ns > 0))
    bad(file, "SAIF: the clock period must be positive to turn times into cycles");
  std::map<std::string, SaifNet> nets;
  collect(*find_scope(root, scope, file), "", nets, file);
  SwitchingActivity a;
  a.source = "SAIF " + std::filesystem::path(file).filename().string();
  const double cycles = duration * unit_ns / period_ns;
  a.cycles = uint64_t(std::llround(std::max(1.0, cycles)));
  const double per_unit_high = a.cycles / duration;  // cycles per SAIF time unit
  for (const auto& [name, s] : nets)
    a.nets[name] = {uint64_t(std::llround(s.tc)), uint64_t(std::llround(s.t1 * per_unit_high)), 1};
  auto high = [&](const std::string& inst, const char* pin) -> double {
    auto it = nets.find(inst + "." + pin);
    return it == nets.end() ? -1.0 : it->second.t1 * per_unit_high;
  };
  for (const rtl::MacroEntry& e : macros.macros) {
    for (const std::string& inst : e.instances) {
      MacroCounts m;
      if (e.geometry.kind == rtl::SramKind::OneROneW) {
        const double re = high(inst, "re"), we = high(inst, "we");
        if (re < 0 || we < 0) continue;
        m.reads = uint64_t(std::llround(re));
        m.writes = uint64_t(std::llround(we));
      } else {
        const double ce = high(inst, "ce"), we = high(inst, "we");
        if (ce < 0 || we < 0) continue;
        // SAIF has no joint statistics: writes are cycles with we high (the designs enable
        // both at once), reads the rest of the enabled cycles.
        m.writes = uint64_t(std::llround(std::min(we, ce)));
        m.reads = uint64_t(std::llround(std::max(0.0, ce - we)));
      }
      a.macros[inst] = m;
    }
  }
  return a;
}

}  // namespace

ActivitySpec activity_rates(const SwitchingActivity& a) {
  ActivitySpec s;
  const double cycles = double(std::max<uint64_t>(a.cycles, 1));
  for (const auto& [name, n] : a.nets) {
    const double bit_cycles = cycles * n.bits;
    NetActivity act;
    act.toggle_rate = std::min(1.0, double(n.toggles) / bit_cycles);
    act.duty = n.high ? std::min(1.0, double(*n.high) / bit_cycles) : 0.5;
    if (n.bits == 1 || name.back() == ']') {
      s.nets[name] = act;
    } else {
      for (int b = 0; b < n.bits; ++b) s.nets[fmt::format("{}[{}]", name, b)] = act;
    }
  }
  for (const auto& [inst, m] : a.macros)
    s.macros[inst] = {double(m.reads) / cycles, double(m.writes) / cycles};
  return s;
}

SwitchingActivity read_activity_file(const std::string& path, const rtl::MacroManifest& macros,
                                     double clock_period_ns, const std::string& saif_scope) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) bad(path, "cannot read the file: " + ec.message());
  if (size > kMaxActivityBytes)
    bad(path,
        fmt::format("{} bytes is larger than the limit of {} bytes", size, kMaxActivityBytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) bad(path, "cannot open the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  size_t first = 0;
  while (first < text.size() && std::isspace((unsigned char)text[first])) ++first;
  if (text.compare(first, 8, "(SAIFILE") == 0)
    return read_saif(text, path, macros, clock_period_ns, saif_scope);
  try {
    return parse_activity_json(text, path);
  } catch (const InputError& e) {
    bad(path, e.problem());
  }
}

}  // namespace zasgen::flow
