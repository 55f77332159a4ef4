// Config -> ArchParams: defaults, ranges, rules between parameters, derived memory sizes.
//
// Three phases, each run only when the previous one found nothing, so that one mistake is
// reported once and not again as a consequence (a bad pes would otherwise also make lanes,
// the banks and every memory look wrong):
//   1. every value on its own (range, enum, list), with defaults for absent keys;
//   2. rules between parameters (lanes | pes, accumulator overflow, pool needs 2x2, ...);
//   3. derive() and the memory rules on the derived depths.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <numeric>

#include <fmt/format.h>

#include "zasgen/config.h"
#include "zasgen/text.h"
#include "zasgen/util.h"

namespace zasgen {

int min_acc_bits(int64_t terms, int act_bits, int weight_bits) {
  const int64_t amin = -(int64_t(1) << (act_bits - 1)), amax = (int64_t(1) << (act_bits - 1)) - 1;
  const int64_t wmin = -(int64_t(1) << (weight_bits - 1));
  const int64_t wmax = (int64_t(1) << (weight_bits - 1)) - 1;
  const int64_t corners[] = {amin * wmin, amin * wmax, amax * wmin, amax * wmax};
  const int64_t pmin = *std::min_element(std::begin(corners), std::end(corners));
  const int64_t pmax = *std::max_element(std::begin(corners), std::end(corners));
  // terms <= 65536 * 121 < 2^23 and |product| <= 2^30: the sums fit int64 exactly.
  return signed_bits(terms * pmin, terms * pmax);
}

int band_rows(const ArchParams& p) {
  const int stride = p.strides.empty() ? 1 : *std::max_element(p.strides.begin(), p.strides.end());
  return (p.pool ? stride : 0) + p.max_r;
}

namespace {

constexpr int kMaxAccBits = 48;

// Depth the hardware gets from `kib` split over `share` copies and `banks` banks of `width`
// bits: the same arithmetic as derive().
int64_t depth_of(double kib, double share, int banks, int width) {
  return int64_t(std::floor(kib / share * 8192.0 / (double(banks) * width)));
}

// Smallest capacity (in KiB, rounded up to 1/1000) whose depth reaches `need`.
double min_kib(int64_t need, double share, int banks, int width) {
  if (banks <= 0 || width <= 0) return 0;
  double k = std::ceil(double(need) * banks * width * share / 8192.0 * 1000.0) / 1000.0;
  while (depth_of(k, share, banks, width) < need) k += 0.001;
  return k;
}

// [a-z][a-z0-9_]*, at most 64 characters.
bool is_design_name(const std::string& s) {
  if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (const char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

class Validator {
 public:
  Validator(const Config& c, Diagnostics& d) : c_(c), d_(d) {}

  std::optional<ArchParams> run() {
    ArchParams p;
    values(p);
    if (d_.has_errors()) return std::nullopt;
    rules(p);
    if (d_.has_errors()) return std::nullopt;
    derive(p);
    memories(p);
    if (d_.has_errors()) return std::nullopt;
    return p;
  }

 private:
  // ---- lookup helpers ----

  const ConfigValue* get(const std::string& path) const { return c_.find(path); }

  // The location of the first of `paths` present in the file (a key or a section), else the
  // nearest enclosing section of the first, else the file.
  SourceLoc at(std::initializer_list<const char*> paths) const {
    for (const char* path : paths) {
      if (const ConfigValue* v = c_.find(path)) return v->loc;
      const auto s = c_.sections.find(path);
      if (s != c_.sections.end()) return s->second;
    }
    return c_.where(*paths.begin());
  }

  static const ParamSpec& spec(const std::string& path) {
    const ParamSpec* s = find_param(path);
    if (!s) throw std::logic_error("validate: no schema entry for " + path);
    return *s;
  }

  // An integer key, range-checked against its static bounds (schema.cpp); absent: `def`.
  int integer(const std::string& path, int def) {
    const ConfigValue* v = get(path);
    if (!v) return def;
    const ParamSpec& s = spec(path);
    if (double(v->integer) < s.lo || double(v->integer) > s.hi) {
      d_.error(DiagCode::OutOfRange, v->loc, path, v->text, static_range_text(s));
      return def;
    }
    return int(v->integer);
  }

  double number(const std::string& path, double def) {
    const ConfigValue* v = get(path);
    if (!v) return def;
    const ParamSpec& s = spec(path);
    const double x = v->number;
    const bool lo_ok = s.lo_open ? x > s.lo : x >= s.lo;
    if (!lo_ok || !(x <= s.hi)) {
      d_.error(DiagCode::OutOfRange, v->loc, path, v->text, static_range_text(s));
      return def;
    }
    return x;
  }

  bool boolean(const std::string& path, bool def) const {
    const ConfigValue* v = get(path);
    return v ? v->boolean : def;
  }

  std::string choice(const std::string& path, const std::string& def) {
    const ConfigValue* v = get(path);
    if (!v) return def;
    const ParamSpec& s = spec(path);
    if (std::find(s.choices.begin(), s.choices.end(), v->str) != s.choices.end()) return v->str;
    d_.error(DiagCode::BadEnum, v->loc, path, v->str, join(s.choices, " | "),
             closest_name(v->str, s.choices));
    return def;
  }

  // ---- phase 1: each value on its own ----

  void values(ArchParams& p) {
    p.source = c_.file;
    // Printed into generated headers and comments: no byte of a name may end a comment or a
    // line there.
    p.source_name = printable(std::filesystem::path(c_.file).filename().string());
    for (std::size_t at = p.source_name.find("*/"); at != std::string::npos;
         at = p.source_name.find("*/"))
      p.source_name.replace(at, 2, "*\\/");
    p.source_hash = c_.text_hash;
    if (const ConfigValue* v = get("name")) {
      if (!is_design_name(v->str))
        d_.error(DiagCode::BadName, v->loc, "name", v->str, accepted_text(spec("name")),
                 sanitize_name(v->str));
      p.name = v->str;
    } else {
      p.name = c_.default_name;
    }

    p.mode = choice("arch.mode", "sparse") == "dense" ? Mode::Dense : Mode::Sparse;
    p.pes = integer("arch.pes", 16);
    p.lanes = integer("arch.lanes", 1);
    choice("arch.bus", "axi4-lite");

    p.act_bits = integer("data.act_bits", 8);
    p.weight_bits = integer("data.weight_bits", 8);
    acc_given_ = get("data.acc_bits") != nullptr;
    p.acc_bits = integer("data.acc_bits", 0);  // 0: chosen in rules()
    bias_given_ = get("data.bias_bits") != nullptr;
    p.bias_bits = integer("data.bias_bits", 0);
    p.mult_bits = integer("data.mult_bits", 16);

    p.max_r = integer("kernel.max_r", 3);
    p.max_s = integer("kernel.max_s", 3);
    p.strides = strides();
    p.max_pad = integer("kernel.max_pad", 3);

    p.max_h = integer("limits.max_h", 224);
    p.max_w = integer("limits.max_w", 224);
    p.max_c = integer("limits.max_c", 512);
    p.max_k = integer("limits.max_k", 512);

    const std::string format = choice("sparse.format", "coord");
    format_ = format == "rle" ? Format::Rle : format == "bitmap" ? Format::Bitmap : Format::Coord;
    p.format = p.mode == Mode::Dense ? Format::Dense : format_;
    p.index_bits = index_bits(p);

    p.act_in_kib = number("memory.act_in.capacity_kib", 128);
    p.act_in_table_kib = number("memory.act_in.table_kib", 16);
    p.act_out_kib = number("memory.act_out.capacity_kib", p.act_in_kib);
    p.act_out_table_kib = number("memory.act_out.table_kib", p.act_in_table_kib);
    p.weights_kib = number("memory.weights.capacity_kib", 128);
    p.psum_kib = number("memory.psum.capacity_kib", 384);
    p.psum_storage = choice("memory.psum.storage", "sram") == "registers" ? PsumStorage::Registers
                                                                          : PsumStorage::Sram;
    // Bank counts are derived; rules() checks given ones against them. Here only the lower
    // bound of the one that is a real choice.
    if (const ConfigValue* v = get("memory.weights.banks"); v && v->integer < 1)
      d_.error(DiagCode::OutOfRange, v->loc, "memory.weights.banks", v->text,
               fmt_range(1, int64_t(p.max_r) * p.max_s));

    p.pool = boolean("output.pool", p.max_r >= 2 && p.max_s >= 2);
    p.target_mhz = number("clock.target_mhz", 100);
  }

  static std::string fmt_range(int64_t lo, int64_t hi) {
    return std::to_string(lo) + ".." + std::to_string(hi);
  }

  std::vector<int> strides() {
    const ConfigValue* v = get("kernel.strides");
    if (!v) return {1, 2};
    const ParamSpec& s = spec("kernel.strides");
    if (v->list.empty()) {
      d_.error(DiagCode::EmptyStrides, v->loc, "kernel.strides", join(s.choices, ", "));
      return {1};
    }
    std::vector<int> out;
    std::map<int64_t, int> first_col;
    for (std::size_t i = 0; i < v->list.size(); ++i) {
      const int64_t x = v->list[i];
      const SourceLoc& loc = v->item_locs[i];
      if (std::find(s.choices.begin(), s.choices.end(), std::to_string(x)) == s.choices.end()) {
        d_.error(DiagCode::BadStride, loc, "kernel.strides", v->item_texts[i],
                 join(s.choices, ", "));
        continue;
      }
      const auto [it, fresh] = first_col.emplace(x, loc.col);
      if (!fresh) {
        d_.error(DiagCode::DuplicateStride, loc, "kernel.strides", x, it->second);
        continue;
      }
      out.push_back(int(x));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // sparse.index_bits: its range depends on the format (and, for coord, on max_w in rules()).
  int index_bits(const ArchParams& p) {
    const int coord_lo = std::max(1, clog2(p.max_w));
    int def = 0, lo = 0, hi = 0;
    const char* name = to_string(format_);
    switch (format_) {
      case Format::Coord:
        def = coord_lo, lo = 1, hi = 16;
        break;
      case Format::Rle:
        def = 4, lo = 1, hi = 16;
        break;
      case Format::Bitmap:
        // Mask words wider than 32 bits generate, but the design's output path writes
        // malformed bitmap streams with them (found by simulation): not accepted.
        def = 16, lo = 2, hi = 32;
        break;
      case Format::Dense:
        def = 8, lo = 1, hi = 64;
        break;
    }
    const ConfigValue* v = get("sparse.index_bits");
    if (!v) return def;
    if (v->integer < lo || v->integer > hi) {
      // For coord in sparse mode the useful lower bound is the column width.
      if (format_ == Format::Coord && p.mode == Mode::Sparse) lo = coord_lo;
      d_.error(DiagCode::IndexBitsRange, v->loc, "sparse.index_bits", v->text, name,
               fmt_range(lo, hi));
      return def;
    }
    return int(v->integer);
  }

  // ---- phase 2: rules between parameters ----

  void rules(ArchParams& p) {
    if (p.pes % p.lanes != 0) {
      std::vector<std::string> ok;
      for (int l = 1; l <= 8; ++l)
        if (p.pes % l == 0) ok.push_back(std::to_string(l));
      d_.error(DiagCode::LanesNotDivisor, at({"arch.lanes"}), "arch.lanes", p.lanes, p.pes,
               join(ok, ", "));
    }

    if (p.mode == Mode::Sparse && p.format == Format::Coord && p.index_bits < clog2(p.max_w))
      d_.error(DiagCode::IndexTooNarrow, at({"sparse.index_bits"}), "sparse.index_bits",
               p.index_bits, p.max_w, clog2(p.max_w));

    // Accumulator: exact worst case of max_c*max_r*max_s products.
    const int64_t terms = int64_t(p.max_c) * p.max_r * p.max_s;
    const int need = min_acc_bits(terms, p.act_bits, p.weight_bits);
    if (need > kMaxAccBits) {
      int64_t c_ok = 0;  // largest max_c that still fits 48 bits
      for (int64_t lo = 1, hi = p.max_c; lo <= hi;) {
        const int64_t mid = (lo + hi) / 2;
        if (min_acc_bits(mid * p.max_r * p.max_s, p.act_bits, p.weight_bits) <= kMaxAccBits)
          c_ok = mid, lo = mid + 1;
        else
          hi = mid - 1;
      }
      d_.error(DiagCode::AccTooWide,
               at({"limits.max_c", "data.acc_bits", "kernel.max_r", "kernel.max_s", "data.act_bits",
                   "data.weight_bits", "limits", "data"}),
               "limits.max_c", terms, p.act_bits, p.weight_bits, need, c_ok);
    } else if (!acc_given_) {
      p.acc_bits = std::max(need, 8);
    } else if (p.acc_bits < need) {
      d_.error(DiagCode::AccOverflow, at({"data.acc_bits"}), "data.acc_bits", p.acc_bits, terms,
               p.act_bits, p.weight_bits, need);
    }

    if (!bias_given_)
      p.bias_bits = std::min(16, std::max(p.acc_bits, 2));
    else if (p.acc_bits > 0 && p.bias_bits > p.acc_bits)
      d_.error(DiagCode::BiasTooWide, at({"data.bias_bits"}), "data.bias_bits", p.bias_bits,
               p.acc_bits);

    if (p.pool && (p.max_r < 2 || p.max_s < 2))
      d_.error(DiagCode::PoolNeedsKernel, at({"output.pool", "kernel.max_r", "kernel.max_s"}),
               "output.pool", p.max_r, p.max_s);

    for (const char* path : {"memory.act_in.banks", "memory.act_out.banks"})
      if (const ConfigValue* v = get(path); v && v->integer != p.pes)
        d_.error(DiagCode::ActBanks, v->loc, path, v->text, p.pes);
    if (const ConfigValue* v = get("memory.psum.banks"); v && v->integer != p.taps())
      d_.error(DiagCode::PsumBanks, v->loc, "memory.psum.banks", v->text, p.taps());

    p.weight_banks = std::min(p.max_s, p.taps());
    if (const ConfigValue* v = get("memory.weights.banks")) {
      if (v->integer > p.taps())
        d_.error(DiagCode::WeightBanks, v->loc, "memory.weights.banks", v->text, p.taps(), p.max_r,
                 p.max_s);
      else
        p.weight_banks = int(v->integer);
    }
    // MEM_SEL.INDEX (8 bits) selects a weight bank as (lane << max(1, clog2(banks))) + bank.
    const int lane_bits = clog2(p.lanes);
    if (lane_bits + std::max(1, clog2(p.weight_banks)) > 8) {
      const int most = 1 << (8 - lane_bits);
      d_.error(DiagCode::WeightBanksLanes,
               at({"memory.weights.banks", "arch.lanes", "kernel.max_r", "kernel.max_s"}),
               "memory.weights.banks", p.weight_banks, p.lanes, lane_bits, most);
    }
    // A kernel row or column beyond the largest padded map could never be used (and the
    // scatter's position arithmetic is sized for the map).
    const struct {
      const char *key, *name, *what;
      int size, map;
      const char* map_key;
    } kernel_axes[] = {{"kernel.max_r", "max_r", "kernel height", p.max_r, p.max_h, "limits.max_h"},
                       {"kernel.max_s", "max_s", "kernel width", p.max_s, p.max_w, "limits.max_w"}};
    for (const auto& k : kernel_axes) {
      const int64_t padded = int64_t(k.map) + 2 * int64_t(p.max_pad);
      if (k.size > padded)
        d_.error(DiagCode::KernelLargerThanMap,
                 at({k.key, k.map_key, "kernel.max_pad", "kernel", "limits"}), k.key, k.what,
                 k.size, k.map_key, padded, k.name, k.map_key);
    }
  }

  // ---- phase 3: the derived memories hold one row band of the largest layer ----

  // A configured capacity as a message quotes it: as written, or "the default 128" when the
  // key is absent (so a message never quotes a value the file does not hold as if it did).
  std::string kib_text(const char* path, double kib) const {
    if (const ConfigValue* v = get(path)) return v->text;
    return "the default " + fmt::format("{}", kib);
  }

  void memories(const ArchParams& p) {
    const int rows = band_rows(p);
    const int64_t entries = int64_t(rows) * p.max_w;
    // Each memory rule points at the capacity when the file gives it, else at the first key the
    // file gives among those the derived size depends on, else at the memory's section.
    auto act = [&](const char* path, const char* section, double kib, const MemGeom& g) {
      if (g.depth >= entries) return;
      d_.error(DiagCode::ActEntriesTooSmall,
               at({path, "limits.max_w", "kernel.max_r", "kernel.strides", "output.pool",
                   "arch.pes", "data.act_bits", "sparse.index_bits", "sparse.format", "arch.mode",
                   section, "memory"}),
               path, kib_text(path, kib), g.depth, g.width, g.banks, entries, rows, p.max_w,
               min_kib(entries, 1.0, g.banks, g.width));
    };
    act("memory.act_in.capacity_kib", "memory.act_in", p.act_in_kib, p.act_in);
    // Buffer B inherits A's capacity unless given: then A's message already says it all.
    if (get("memory.act_out.capacity_kib"))
      act("memory.act_out.capacity_kib", "memory.act_out", p.act_out_kib, p.act_out);

    // An rle table word counts entries, so its width comes from the entries depth: with no
    // entries (reported above) there is no table to size.
    if (p.sparse() && p.table_bits > 0) {
      int64_t words = 1;  // rle: one count per block
      if (p.format == Format::Coord) words = rows;
      if (p.format == Format::Bitmap) words = rows * ceil_div(p.max_w, p.index_bits);
      auto table = [&](const char* path, const char* section, double kib, const MemGeom& g) {
        if (g.depth >= words) return;
        d_.error(DiagCode::TableTooSmall,
                 at({path, "sparse.format", "sparse.index_bits", "limits.max_w", "kernel.max_r",
                     "kernel.strides", "output.pool", "arch.pes", section, "memory"}),
                 path, kib_text(path, kib), g.depth, g.width, g.banks, rows, to_string(p.format),
                 words, min_kib(words, 1.0, g.banks, g.width));
      };
      table("memory.act_in.table_kib", "memory.act_in", p.act_in_table_kib, p.act_in_table);
      if (get("memory.act_out.table_kib"))
        table("memory.act_out.table_kib", "memory.act_out", p.act_out_table_kib, p.act_out_table);
    }

    // Maps wider than a row group of the banks are computed in column strips (the scheduler);
    // the narrowest is max_s columns, or an even number of them with pooling.
    const int64_t pitch = ceil_div(p.pool ? std::lcm(p.max_s, 2) : p.max_s, p.max_s);
    if (p.psum.depth < pitch)
      d_.error(DiagCode::PsumTooSmall,
               at({"memory.psum.capacity_kib", "limits.max_w", "kernel.max_s", "kernel.max_r",
                   "arch.pes", "arch.lanes", "data.acc_bits", "limits.max_c", "data.act_bits",
                   "data.weight_bits", "memory.psum", "memory"}),
               "memory.psum.capacity_kib", kib_text("memory.psum.capacity_kib", p.psum_kib),
               p.psum.depth, p.psum.banks, p.psum.width, p.lanes, pitch,
               min_kib(pitch, 2.0 * p.lanes, p.psum.banks, p.psum.width));

    // Partial sums in registers: a word is a register, a clock gate and a multiplexer input,
    // so a bank stays a small register file.
    constexpr int kMaxRegisterWords = 512;
    if (p.psum_storage == PsumStorage::Registers && p.psum.depth > kMaxRegisterWords)
      d_.error(DiagCode::PsumRegistersTooDeep,
               at({"memory.psum.capacity_kib", "memory.psum.storage", "memory.psum", "memory"}),
               "memory.psum.capacity_kib", kib_text("memory.psum.capacity_kib", p.psum_kib),
               p.psum.depth, kMaxRegisterWords,
               fmt::format("{:.3f}", double(kMaxRegisterWords) * 2.0 * p.lanes * p.psum.banks *
                                         p.psum.width / 8192.0));

    const int64_t wrows = ceil_div(p.taps(), p.weight_banks);
    if (p.weights.depth < wrows)
      d_.error(
          DiagCode::WeightsTooSmall,
          at({"memory.weights.capacity_kib", "memory.weights.banks", "kernel.max_r", "kernel.max_s",
              "arch.pes", "arch.lanes", "data.weight_bits", "memory.weights", "memory"}),
          "memory.weights.capacity_kib", kib_text("memory.weights.capacity_kib", p.weights_kib),
          p.weights.depth, p.weights.banks, p.weights.width, p.lanes, p.taps(), wrows,
          min_kib(wrows, p.lanes, p.weights.banks, p.weights.width));
  }

  const Config& c_;
  Diagnostics& d_;
  Format format_ = Format::Coord;  // sparse.format as configured (kept in dense mode)
  bool acc_given_ = false, bias_given_ = false;
};

}  // namespace

ValidateResult validate(const Config& config) {
  ValidateResult r;
  Validator v(config, r.diags);
  std::optional<ArchParams> p = v.run();
  r.diags.sort_by_location();
  if (!r.diags.has_errors()) r.params = std::move(p);
  return r;
}

ValidateResult load_config(const std::string& path) {
  ParseResult pr = parse_config(path);
  if (!pr.config) {
    ValidateResult r;
    r.diags = std::move(pr.diags);
    return r;
  }
  ValidateResult r = validate(*pr.config);
  Diagnostics all = std::move(pr.diags);  // keeps the source text for quoting
  all.append(r.diags);
  r.diags = std::move(all);
  return r;
}

ConfigError::ConfigError(const std::string& file, Diagnostics diags)
    : InputError("config", file,
                 fmt::format("not a valid configuration ({} problem{})", diags.size(),
                             diags.size() == 1 ? "" : "s")),
      diags_(std::move(diags)) {}

ArchParams load_params(const std::string& path) {
  ValidateResult r = load_config(path);
  if (!r.ok()) throw ConfigError(path, std::move(r.diags));
  return *r.params;
}

}  // namespace zasgen
