#include "zasgen/schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace zasgen {

std::string ParamSpec::key() const {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::string ParamSpec::parent() const {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

namespace {

using T = ParamType;

ParamSpec section(std::string path, std::string doc) {
  ParamSpec p;
  p.path = std::move(path);
  p.type = T::Section;
  p.doc = std::move(doc);
  return p;
}

ParamSpec integer(std::string path, double lo, double hi, std::string def, std::string doc,
                  std::string accepted = {}) {
  ParamSpec p;
  p.path = std::move(path);
  p.type = T::Int;
  p.lo = lo;
  p.hi = hi;
  p.default_doc = std::move(def);
  p.doc = std::move(doc);
  p.accepted_doc = std::move(accepted);
  return p;
}

ParamSpec number(std::string path, double lo, bool lo_open, double hi, std::string def,
                 std::string doc) {
  ParamSpec p;
  p.path = std::move(path);
  p.type = T::Number;
  p.lo = lo;
  p.lo_open = lo_open;
  p.hi = hi;
  p.default_doc = std::move(def);
  p.doc = std::move(doc);
  return p;
}

ParamSpec choice(std::string path, std::vector<std::string> choices, std::string def,
                 std::string doc) {
  ParamSpec p;
  p.path = std::move(path);
  p.type = T::Enum;
  p.choices = std::move(choices);
  p.default_doc = std::move(def);
  p.doc = std::move(doc);
  return p;
}

ParamSpec boolean(std::string path, std::string def, std::string doc, std::string accepted) {
  ParamSpec p;
  p.path = std::move(path);
  p.type = T::Bool;
  p.default_doc = std::move(def);
  p.doc = std::move(doc);
  p.accepted_doc = std::move(accepted);
  return p;
}

std::vector<ParamSpec> make_schema() {
  const double cap = kMaxCapacityKib;
  std::vector<ParamSpec> s;
  ParamSpec name;
  name.path = "name";
  name.type = T::Name;
  name.default_doc = "the config file stem, lower-cased, other characters -> `_`";
  name.accepted_doc = "`[a-z][a-z0-9_]*`, at most 64 characters";
  name.doc = "design name: prefix of the generated modules and files";
  s.push_back(name);

  s.push_back(section("arch", "the processing array"));
  s.push_back(choice("arch.mode", {"sparse", "dense"}, "sparse",
                     "`sparse` skips zero activations; `dense` is the traditional baseline over "
                     "every activation from dense storage"));
  s.push_back(integer("arch.pes", 1, 256, "16",
                      "processing elements = output channels computed in parallel"));
  s.push_back(integer("arch.lanes", 1, 8, "1",
                      "activation lanes = input channels streamed in parallel",
                      "1..8, must divide `arch.pes`"));
  s.push_back(choice("arch.bus", {"axi4-lite"}, "axi4-lite", "control/status register bus"));

  s.push_back(section("data", "arithmetic widths (two's complement)"));
  s.push_back(integer("data.act_bits", 2, 16, "8", "signed activation width"));
  s.push_back(integer("data.weight_bits", 2, 16, "8", "signed weight width"));
  s.push_back(integer(
      "data.acc_bits", 8, 48, "the minimum that cannot overflow for `max_c*max_r*max_s` products",
      "signed partial-sum (accumulator) width", "8..48, and at least the no-overflow minimum"));
  s.push_back(integer("data.bias_bits", 2, 48, "`min(16, acc_bits)`",
                      "signed bias width (added at accumulator scale)", "2..`acc_bits`"));
  s.push_back(integer("data.mult_bits", 1, 24, "16", "unsigned requantisation multiplier width"));

  s.push_back(section("kernel", "convolution kernels the hardware supports"));
  s.push_back(integer("kernel.max_r", 1, 11, "3", "largest kernel height R"));
  s.push_back(integer("kernel.max_s", 1, 11, "3", "largest kernel width S"));
  ParamSpec strides;
  strides.path = "kernel.strides";
  strides.type = T::IntList;
  strides.choices = {"1", "2", "4"};
  strides.default_doc = "`[1, 2]`";
  strides.accepted_doc = "non-empty list of values from {1, 2, 4}, no duplicates";
  strides.doc = "supported strides";
  s.push_back(strides);
  s.push_back(integer("kernel.max_pad", 0, 15, "3", "largest zero padding"));

  s.push_back(section("limits", "largest layer the buffers and counters must hold"));
  s.push_back(integer("limits.max_h", 1, 4096, "224", "largest input or output map height"));
  s.push_back(integer("limits.max_w", 1, 4096, "224", "largest input or output map width"));
  s.push_back(integer("limits.max_c", 1, 65536, "512", "most input channels of a layer"));
  s.push_back(integer("limits.max_k", 1, 65536, "512", "most output channels of a layer"));

  s.push_back(section("sparse", "activation storage format (validated, unused, in dense mode)"));
  s.push_back(choice("sparse.format", {"coord", "rle", "bitmap"}, "coord",
                     "`coord`: value + column per non-zero and a row table; `rle`: value + "
                     "zero-run; `bitmap`: per-row mask words + packed non-zeros"));
  s.push_back(integer("sparse.index_bits", 1, 64, "coord: `clog2(max_w)`; rle: 4; bitmap: 16",
                      "sparsity format width: coord column index, rle zero-run, bitmap mask word",
                      "coord: `clog2(max_w)`..16; rle: 1..16; bitmap: 2..32"));

  s.push_back(section("memory", "on-chip SRAMs; capacities in KiB (fractions allowed)"));
  s.push_back(section("memory.act_in", "activation buffer A (entries + position table)"));
  s.push_back(number("memory.act_in.capacity_kib", 0, true, cap, "128",
                     "entries SRAM of buffer A, all banks together"));
  s.push_back(number("memory.act_in.table_kib", 0, false, cap, "16",
                     "position-table SRAM of buffer A, all banks together (unused when dense)"));
  s.push_back(integer("memory.act_in.banks", 1, 256, "`arch.pes`", "banks (derived: one per PE)",
                      "must equal `arch.pes`"));
  s.push_back(section("memory.act_out", "activation buffer B (entries + position table)"));
  s.push_back(number("memory.act_out.capacity_kib", 0, true, cap, "`act_in.capacity_kib`",
                     "entries SRAM of buffer B"));
  s.push_back(number("memory.act_out.table_kib", 0, false, cap, "`act_in.table_kib`",
                     "position-table SRAM of buffer B"));
  s.push_back(integer("memory.act_out.banks", 1, 256, "`arch.pes`", "banks (derived: one per PE)",
                      "must equal `arch.pes`"));
  s.push_back(section("memory.weights", "weight SRAM feeding the PE weight registers"));
  s.push_back(number("memory.weights.capacity_kib", 0, true, cap, "128",
                     "weight SRAM, all lanes and banks together"));
  s.push_back(integer("memory.weights.banks", 1, 121, "`kernel.max_s`",
                      "weight taps loaded per cycle", "1..`max_r*max_s`"));
  s.push_back(section("memory.psum", "partial-sum storage"));
  s.push_back(number("memory.psum.capacity_kib", 0, true, cap, "384",
                     "both partial-sum sets of all lanes together"));
  s.push_back(choice("memory.psum.storage", {"sram", "registers"}, "sram",
                     "partial-sum words in two-port SRAM macros, or in registers with a clock "
                     "gate per word"));
  s.push_back(integer("memory.psum.banks", 1, 121, "`max_r*max_s`",
                      "banks (derived: one per kernel tap)", "must equal `max_r*max_s`"));

  s.push_back(section("output", "output stage"));
  s.push_back(boolean("output.pool", "true when `max_r >= 2` and `max_s >= 2`",
                      "fused 2x2 stride-2 max-pool available",
                      "true | false (true needs `max_r >= 2` and `max_s >= 2`)"));

  s.push_back(section("clock", "timing"));
  s.push_back(number("clock.target_mhz", 0, true, 5000, "100", "target clock frequency in MHz"));
  return s;
}

std::string trim_number(double v) {
  return fmt::format("{}", v);
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
int edit_distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = int(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = int(j);
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

}  // namespace

std::string closest_name(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string w = lower(word);
  std::string best;
  int best_d = 1 << 30;
  for (const auto& cand : candidates) {
    const std::string c = lower(cand);
    // Typing a prefix ("capacity" for "capacity_kib") counts as close.
    const bool prefix = std::min(w.size(), c.size()) >= 3 &&
                        (c.compare(0, w.size(), w) == 0 || w.compare(0, c.size(), c) == 0);
    const int limit = std::max<int>(1, int(std::min(w.size(), c.size())) / 3);
    // The distance is at least the difference in length: a long word is never close, and its
    // distance (quadratic in the length) is not worth computing.
    const std::size_t diff = w.size() > c.size() ? w.size() - c.size() : c.size() - w.size();
    if (diff > std::size_t(limit) && !prefix) continue;
    int d = diff > std::size_t(limit) ? limit : edit_distance(w, c);
    if (d > limit && !prefix) continue;
    if (prefix) d = std::min(d, limit);
    if (d < best_d) {
      best_d = d;
      best = cand;
    }
  }
  return best;
}

const std::vector<ParamSpec>& config_schema() {
  static const std::vector<ParamSpec> schema = make_schema();
  return schema;
}

const ParamSpec* find_param(std::string_view path) {
  for (const auto& p : config_schema())
    if (p.path == path) return &p;
  return nullptr;
}

std::vector<const ParamSpec*> schema_children(std::string_view section) {
  std::vector<const ParamSpec*> out;
  for (const auto& p : config_schema())
    if (p.parent() == section) out.push_back(&p);
  return out;
}

std::string static_range_text(const ParamSpec& p) {
  switch (p.type) {
    case T::Section:
      return "a mapping";
    case T::Int:
      return fmt::format("{}..{}", trim_number(p.lo), trim_number(p.hi));
    case T::Number:
      return fmt::format("{}{}, {}]", p.lo_open ? "(" : "[", trim_number(p.lo), trim_number(p.hi));
    case T::Bool:
      return "true | false";
    case T::Enum:
    case T::IntList: {
      std::string s;
      for (const auto& c : p.choices) s += (s.empty() ? "" : " | ") + c;
      return s;
    }
    case T::Name:
      return "[a-z][a-z0-9_]*";
  }
  return {};
}

std::string accepted_text(const ParamSpec& p) {
  if (p.accepted_doc.empty()) return static_range_text(p);
  std::string s;  // the doc is Markdown: drop the code quotes for plain-text messages
  for (const char c : p.accepted_doc)
    if (c != '`') s += c;
  return s;
}

std::string type_noun(ParamType t) {
  switch (t) {
    case T::Section:
      return "a mapping";
    case T::Int:
      return "an integer";
    case T::Number:
      return "a number";
    case T::Bool:
      return "true or false";
    case T::Enum:
      return "a name";
    case T::Name:
      return "a name";
    case T::IntList:
      return "a list of integers";
  }
  return "a value";
}

std::string schema_markdown() {
  std::string s =
      "| key | type | default | accepted | meaning |\n"
      "|---|---|---|---|---|\n";
  for (const auto& p : config_schema()) {
    if (p.type == T::Section) {
      s += fmt::format("| **`{}`** | section | | | {} |\n", p.path, p.doc);
      continue;
    }
    const char* type = "";
    switch (p.type) {
      case T::Int:
        type = "integer";
        break;
      case T::Number:
        type = "number";
        break;
      case T::Bool:
        type = "bool";
        break;
      case T::Enum:
        type = "enum";
        break;
      case T::Name:
        type = "name";
        break;
      case T::IntList:
        type = "list of integers";
        break;
      case T::Section:
        break;
    }
    std::string accepted = p.accepted_doc;
    if (accepted.empty()) {
      accepted = static_range_text(p);
      if (p.type == T::Enum) {
        std::string a;
        for (const auto& c : p.choices) a += (a.empty() ? "`" : " \\| `") + c + "`";
        accepted = a;
      } else {
        accepted = "`" + accepted + "`";
      }
    }
    // A literal '|' would split the Markdown cell.
    std::string esc;
    for (std::size_t i = 0; i < accepted.size(); ++i) {
      if (accepted[i] == '|' && (i == 0 || accepted[i - 1] != '\\'))
        esc += "\\|";
      else
        esc += accepted[i];
    }
    std::string def = p.default_doc;
    if (!def.empty() && def.find('`') == std::string::npos && def.find(' ') == std::string::npos)
      def = "`" + def + "`";
    s += fmt::format("| `{}` | {} | {} | {} | {} |\n", p.path, type, def, esc, p.doc);
  }
  return s;
}

}  // namespace zasgen
