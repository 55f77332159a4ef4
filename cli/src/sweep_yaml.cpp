#include "sweep_yaml.h"

#include <cmath>
#include <regex>

#include <fmt/format.h>

namespace zasgen::app::sweep_yaml {

using ojson = nlohmann::ordered_json;

bool quoted(const YAML::Node& n) {
  return n.IsScalar() && n.Tag() == "!";
}

SourceLoc loc(const std::string& file, const YAML::Mark& m) {
  if (m.is_null() || m.line < 0) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

namespace {

ojson scalar_json(const std::string& t) {
  static const std::regex dec("[-+]?[0-9]+"), hex("0x[0-9a-fA-F]+"), oct("0o[0-7]+");
  static const std::regex flt("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  try {
    if (std::regex_match(t, dec)) return std::stoll(t);
    if (std::regex_match(t, hex)) return std::stoll(t.substr(2), nullptr, 16);
    if (std::regex_match(t, oct)) return std::stoll(t.substr(2), nullptr, 8);
    if (std::regex_match(t, flt)) return std::stod(t);
  } catch (const std::out_of_range&) {
    return t;  // too large for 64 bits: the configuration parser reports it
  }
  if (t == "true" || t == "True" || t == "TRUE") return true;
  if (t == "false" || t == "False" || t == "FALSE") return false;
  if (t == "null" || t == "Null" || t == "NULL" || t == "~" || t.empty()) return nullptr;
  return t;
}

}  // namespace

ojson to_json(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return nullptr;
  if (n.IsScalar()) return quoted(n) ? ojson(n.Scalar()) : scalar_json(n.Scalar());
  if (n.IsSequence()) {
    ojson a = ojson::array();
    for (const YAML::Node& item : n) a.push_back(to_json(item));
    return a;
  }
  ojson o = ojson::object();
  for (auto it = n.begin(); it != n.end(); ++it)
    o[it->first.IsScalar() ? it->first.Scalar() : YAML::Dump(it->first)] = to_json(it->second);
  return o;
}

YAML::Node find(const YAML::Node& root, const std::string& dotted) {
  YAML::Node n = YAML::Clone(root);
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted.find('.', start);
    const std::string part = dotted.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!n.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    YAML::Node next;
    bool found = false;
    for (auto it = n.begin(); it != n.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == part) {
        next = it->second;
        found = true;
        break;
      }
    if (!found) return YAML::Node(YAML::NodeType::Undefined);
    n = next;
    if (dot == std::string::npos) return n;
    start = dot + 1;
  }
}

namespace {

// A configuration tree in document order (yaml-cpp's own nodes are shared handles: editing a
// copy edits the original, so the writer works on this instead).
struct Tree {
  enum Kind { Null, Scalar, Seq, Map } kind = Null;
  std::string text;  // Scalar
  bool quoted = false;
  std::vector<Tree> items;                         // Seq
  std::vector<std::pair<std::string, Tree>> keys;  // Map

  static Tree from(const YAML::Node& n) {
    Tree t;
    if (!n.IsDefined() || n.IsNull()) return t;
    if (n.IsScalar()) {
      t.kind = Scalar;
      t.text = n.Scalar();
      t.quoted = sweep_yaml::quoted(n);
    } else if (n.IsSequence()) {
      t.kind = Seq;
      for (const YAML::Node& item : n) t.items.push_back(from(item));
    } else {
      t.kind = Map;
      for (auto it = n.begin(); it != n.end(); ++it)
        t.keys.emplace_back(it->first.IsScalar() ? it->first.Scalar() : YAML::Dump(it->first),
                            from(it->second));
    }
    return t;
  }

  Tree* child(const std::string& key) {
    for (auto& [k, v] : keys)
      if (k == key) return &v;
    return nullptr;
  }
};

Tree value_tree(const ojson& v, const std::string& text, bool quoted) {
  Tree t;
  if (v.is_array()) {
    t.kind = Tree::Seq;
    for (const ojson& item : v) t.items.push_back(value_tree(item, "", false));
    return t;
  }
  t.kind = Tree::Scalar;
  t.quoted = quoted;
  if (!text.empty())
    t.text = text;
  else if (v.is_string())
    t.text = v.get<std::string>();
  else if (v.is_null())
    t.kind = Tree::Null;
  else
    t.text = v.dump();
  return t;
}

bool plain_ok(const std::string& s, bool flow) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  if (std::string("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string::npos &&
      !(s.front() == '-' && s.size() > 1 && s[1] != ' '))
    return false;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos || s.back() == ':')
    return false;
  if (flow && s.find_first_of(",[]{}") != std::string::npos) return false;
  return s.find('\n') == std::string::npos;
}

std::string scalar_text(const Tree& t, bool flow) {
  if (!t.quoted && plain_ok(t.text, flow)) return t.text;
  std::string q = "\"";
  for (char c : t.text) {
    if (c == '"' || c == '\\') q += '\\';
    if (c == '\n') {
      q += "\\n";
      continue;
    }
    q += c;
  }
  return q + "\"";
}

std::string flow_text(const Tree& t) {
  switch (t.kind) {
    case Tree::Null:
      return "null";
    case Tree::Scalar:
      return scalar_text(t, true);
    case Tree::Seq: {
      std::string s = "[";
      for (std::size_t i = 0; i < t.items.size(); ++i) s += (i ? ", " : "") + flow_text(t.items[i]);
      return s + "]";
    }
    case Tree::Map: {
      std::string s = "{";
      for (std::size_t i = 0; i < t.keys.size(); ++i)
        s += (i ? ", " : "") + t.keys[i].first + ": " + flow_text(t.keys[i].second);
      return s + "}";
    }
  }
  return "";
}

bool all_scalars(const Tree& t) {
  for (const Tree& i : t.items)
    if (i.kind == Tree::Map || (i.kind == Tree::Seq && !all_scalars(i))) return false;
  return true;
}

void write_map(const Tree& t, int indent, std::string& out);

void write_value(const std::string& key, const Tree& v, int indent, std::string& out) {
  const std::string pad(std::size_t(indent), ' ');
  switch (v.kind) {
    case Tree::Null:
      out += pad + key + ":\n";
      return;
    case Tree::Scalar:
      out += pad + key + ": " + scalar_text(v, false) + "\n";
      return;
    case Tree::Seq:
      if (all_scalars(v)) {
        out += pad + key + ": " + flow_text(v) + "\n";
        return;
      }
      out += pad + key + ":\n";
      for (const Tree& item : v.items) {
        std::string sub;
        if (item.kind == Tree::Map) {
          write_map(item, indent + 4, sub);
          sub.replace(std::size_t(indent) + 2, 2, "- ");
        } else {
          sub = std::string(std::size_t(indent) + 2, ' ') + "- " + flow_text(item) + "\n";
        }
        out += sub;
      }
      return;
    case Tree::Map:
      if (v.keys.empty()) {
        out += pad + key + ": {}\n";
        return;
      }
      out += pad + key + ":\n";
      write_map(v, indent + 2, out);
      return;
  }
}

void write_map(const Tree& t, int indent, std::string& out) {
  for (const auto& [k, v] : t.keys) write_value(k, v, indent, out);
}

}  // namespace

std::string value_yaml(const GridValue& v) {
  return flow_text(value_tree(v.json, v.text, v.quoted));
}

std::string write_config(const YAML::Node& base,
                         const std::vector<std::pair<std::string, GridValue>>& overrides,
                         const std::string& default_name) {
  Tree root = Tree::from(base);
  if (root.kind != Tree::Map) {
    root = Tree();
    root.kind = Tree::Map;
  }
  if (!root.child("name")) {
    Tree name;
    name.kind = Tree::Scalar;
    name.text = default_name;
    root.keys.insert(root.keys.begin(), {"name", name});
  }
  for (const auto& [key, value] : overrides) {
    Tree* node = &root;
    std::size_t start = 0;
    while (true) {
      const std::size_t dot = key.find('.', start);
      const std::string part = key.substr(start, dot == std::string::npos ? dot : dot - start);
      Tree* next = node->child(part);
      if (dot == std::string::npos) {
        const Tree v = value_tree(value.json, value.text, value.quoted);
        if (next)
          *next = v;
        else
          node->keys.emplace_back(part, v);
        break;
      }
      if (!next) {
        node->keys.emplace_back(part, Tree());
        next = &node->keys.back().second;
      }
      if (next->kind != Tree::Map) {
        *next = Tree();
        next->kind = Tree::Map;
      }
      node = next;
      start = dot + 1;
    }
  }
  std::string out;
  write_map(root, 0, out);
  return out;
}

}  // namespace zasgen::app::sweep_yaml
