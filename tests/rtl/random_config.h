// Random configuration files for the property "a config that `zasgen check` accepts generates":
// both the shipped configurations with some of their numbers replaced by awkward values (the
// way a user edits one), and draws over the whole schema that favour the edges of every range.
// Most draws are invalid; callers keep the ones that validate.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "zasgen/diag.h"
#include "zasgen/model/rng.h"
#include "zasgen/schema.h"

namespace zasgen::test {

inline std::string slurp_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Values a person might type into a numeric key.
inline const std::vector<int64_t>& awkward_values() {
  static const std::vector<int64_t> v = {
      0,  1,  2,   3,   4,   5,   7,   8,   9,    12,   16,   17,   31,   32,    33,   48,
      49, 64, 100, 128, 255, 256, 511, 512, 1000, 1024, 4095, 4096, 8192, 65535, 65536};
  return v;
}

// A shipped configuration's text with 1..4 of its numbers replaced by awkward values.
inline std::string mutate_numbers(const std::string& text, model::Rng& rng) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  // Positions of the numbers written after a "key:" (block or flow style).
  struct Num {
    std::size_t line, from, to;
  };
  std::vector<Num> nums;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    const std::size_t hash = l.find('#');
    for (std::size_t k = l.find(':'); k != std::string::npos && k < hash; k = l.find(':', k + 1)) {
      std::size_t a = k + 1;
      while (a < l.size() && l[a] == ' ') ++a;
      std::size_t b = a;
      while (b < l.size() && ((l[b] >= '0' && l[b] <= '9') || l[b] == '.')) ++b;
      if (b > a) nums.push_back({i, a, b});
    }
  }
  const int n = int(rng.uniform_int(1, 4));
  const auto& vals = awkward_values();
  for (int k = 0; k < n && !nums.empty(); ++k) {
    const std::size_t pick = std::size_t(rng.uniform_int(0, int64_t(nums.size()) - 1));
    const Num m = nums[pick];
    nums.erase(nums.begin() + std::ptrdiff_t(pick));
    std::string& l = lines[m.line];
    const std::string v =
        std::to_string(vals[std::size_t(rng.uniform_int(0, int64_t(vals.size()) - 1))]);
    // Later numbers on the same line move; fix their offsets.
    const std::ptrdiff_t delta = std::ptrdiff_t(v.size()) - std::ptrdiff_t(m.to - m.from);
    l.replace(m.from, m.to - m.from, v);
    for (Num& o : nums)
      if (o.line == m.line && o.from > m.from) o.from += delta, o.to += delta;
  }
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// One value for an integer key: an edge of its range, near an edge, an awkward value or
// anything in between.
inline int64_t draw_int(model::Rng& rng, int64_t lo, int64_t hi) {
  switch (rng.uniform_int(0, 5)) {
    case 0:
      return lo;
    case 1:
      return hi;
    case 2:
      return std::min(hi, lo + rng.uniform_int(1, 3));
    case 3: {
      const auto& v = awkward_values();
      const int64_t x = v[std::size_t(rng.uniform_int(0, int64_t(v.size()) - 1))];
      return x < lo ? lo : x > hi ? hi : x;
    }
    default:
      return rng.uniform_int(lo, std::min(hi, lo + 64));
  }
}

// Nested keys as YAML block mappings, in insertion order.
struct YamlTree {
  std::string value;  // a leaf's value
  std::vector<std::pair<std::string, YamlTree>> kids;

  void set(const std::string& path, const std::string& v) {
    const std::size_t dot = path.find('.');
    const std::string head = path.substr(0, dot);
    YamlTree* kid = nullptr;
    for (auto& [k, t] : kids)
      if (k == head) kid = &t;
    if (!kid) {
      kids.push_back({head, YamlTree{}});
      kid = &kids.back().second;
    }
    if (dot == std::string::npos)
      kid->value = v;
    else
      kid->set(path.substr(dot + 1), v);
  }

  void erase(const std::string& path) {
    const std::size_t dot = path.find('.');
    const std::string head = path.substr(0, dot);
    for (auto it = kids.begin(); it != kids.end(); ++it) {
      if (it->first != head) continue;
      if (dot == std::string::npos)
        kids.erase(it);
      else
        it->second.erase(path.substr(dot + 1));
      return;
    }
  }

  void print(std::ostream& out, int depth = 0) const {
    for (const auto& [k, t] : kids) {
      out << std::string(std::size_t(2 * depth), ' ') << k << ":";
      if (t.kids.empty()) {
        out << " " << t.value << "\n";
      } else {
        out << "\n";
        t.print(out, depth + 1);
      }
    }
  }
};

// A configuration drawn over the schema: every key present with probability 1/2.
inline YamlTree draw_tree(model::Rng& rng, int i) {
  YamlTree tree;
  tree.set("name", "p" + std::to_string(i));
  for (const ParamSpec& p : config_schema()) {
    if (rng.uniform_int(0, 1)) continue;
    std::string value;
    switch (p.type) {
      case ParamType::Int:
        value = std::to_string(draw_int(rng, int64_t(p.lo), int64_t(p.hi)));
        break;
      case ParamType::Number: {
        static const char* kib[] = {"0.0625", "0.25", "0.5", "1",   "2",     "4",    "8",
                                    "16",     "64",   "128", "384", "1024",  "8192", "65536",
                                    "0.001",  "3.3",  "1e2", "12",  "24.75", "200"};
        value = p.hi <= 5000 ? std::to_string(draw_int(rng, 1, 1000))  // clock.target_mhz
                             : kib[rng.uniform_int(0, 19)];
        break;
      }
      case ParamType::Bool:
        value = rng.uniform_int(0, 1) ? "true" : "false";
        break;
      case ParamType::Enum:
        value = p.choices[std::size_t(rng.uniform_int(0, int64_t(p.choices.size()) - 1))];
        break;
      case ParamType::IntList: {
        value = "[";
        for (const char* s : {"1", "2", "4"})
          if (rng.uniform_int(0, 1)) value += std::string(value.size() > 1 ? ", " : "") + s;
        if (value.size() == 1) value += "1";
        value += "]";
        break;
      }
      case ParamType::Section:
      case ParamType::Name:
        continue;
    }
    tree.set(p.path, value);
  }
  return tree;
}

inline std::string to_yaml(const YamlTree& t) {
  std::ostringstream y;
  t.print(y);
  return y.str();
}

inline std::string draw_config(model::Rng& rng, int i) {
  return to_yaml(draw_tree(rng, i));
}

// Makes a drawn configuration valid where validation says how: a memory too small gets the
// smallest capacity accepted (so memories sit exactly at their limits), a rule between keys
// loses one of its keys (the default is consistent). Returns false when nothing applies.
inline bool repair(YamlTree& t, const Diagnostics& diags) {
  bool changed = false;
  for (const Diagnostic& d : diags) {
    const std::string id = diag_info(d.code).id;
    if (id == "E401" || id == "E402" || id == "E403" || id == "E404") {
      // The last argument is the smallest accepted capacity in KiB.
      t.set(d.param, d.args.back());
      changed = true;
    } else if (id == "E301") {
      t.erase("arch.lanes");
      changed = true;
    } else if (id == "E302" || id == "E207") {
      t.erase("sparse.index_bits");
      changed = true;
    } else if (id == "E303") {
      t.erase("data.acc_bits");
      changed = true;
    } else if (id == "E304") {
      t.set("limits.max_c", d.args.size() > 4 ? d.args[4] : "1");
      changed = true;
    } else if (id == "E305") {
      t.erase("data.bias_bits");
      changed = true;
    } else if (id == "E306") {
      t.set("output.pool", "false");
      changed = true;
    } else if (id == "E311") {
      t.set(d.param, d.args.at(3));
      changed = true;
    } else if (id == "E307" || id == "E308" || id == "E309" || id == "E310") {
      t.erase(d.param);
      changed = true;
    } else if (!d.param.empty() && id[1] == '2') {  // a value out of its range
      t.erase(d.param);
      changed = true;
    }
  }
  return changed;
}

}  // namespace zasgen::test
