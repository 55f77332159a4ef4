#include "zasgen/rtl/legalize.h"

#include <cctype>
#include <set>
#include <sstream>
#include <stdexcept>

#include "reserved_words.h"

namespace zasgen::rtl {

namespace {

std::set<std::string> load_reserved() {
  std::set<std::string> words;
  std::istringstream in(reserved_words_text());
  std::string line;
  while (std::getline(in, line)) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream ws(line);
    std::string w;
    while (ws >> w) words.insert(w);
  }
  return words;
}

const std::set<std::string>& reserved() {
  static const std::set<std::string> words = load_reserved();  // immutable after first use
  return words;
}

bool legal_identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return !is_reserved_word(s);
}

std::string sanitize(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "_" + out;
  return out;
}

class Namespace {
 public:
  void reserve(const std::string& name) { taken_.insert(name); }
  std::string claim(const std::string& requested) {
    std::string base = sanitize(requested);
    if (!is_reserved_word(base) && taken_.insert(base).second) return base;
    for (int i = 0;; ++i) {
      std::string cand = base + "_" + std::to_string(i);
      if (!is_reserved_word(cand) && taken_.insert(cand).second) return cand;
    }
  }

 private:
  std::set<std::string> taken_;
};

void legalize_module(Module& m) {
  if (!legal_identifier(m.name)) throw std::logic_error("illegal module name: " + m.name);
  Namespace ns;
  for (const Net* p : m.ports) {
    if (!legal_identifier(p->name))
      throw std::logic_error("illegal port name " + p->name + " in " + m.name);
    ns.reserve(p->name);
  }
  if (m.is_verbatim()) return;
  for (const LocalParam& lp : m.params) {
    if (!legal_identifier(lp.name))
      throw std::logic_error("illegal localparam name " + lp.name + " in " + m.name);
    ns.reserve(lp.name);
  }
  for (auto& n : m.nets)
    if (n->kind == NetKind::Wire) n->name = ns.claim(n->name);
  for (Instance& i : m.instances) i.name = ns.claim(i.name);
}

}  // namespace

bool is_reserved_word(const std::string& name) {
  return reserved().count(name) != 0;
}

void legalize(Design& design) {
  std::set<std::string> modules;
  for (auto& m : design.modules) {
    if (!modules.insert(m->name).second) throw std::logic_error("module defined twice: " + m->name);
    legalize_module(*m);
  }
}

}  // namespace zasgen::rtl
