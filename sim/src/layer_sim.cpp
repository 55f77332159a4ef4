#include "zasgen/sim/layer_sim.h"

#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "zasgen/model/bank_image.h"
#include "zasgen/model/formats.h"
#include "zasgen/sim/tool.h"
#include "zasgen/util.h"

namespace zasgen::sim {

namespace {

uint64_t bits_of(int64_t v, int width) {
  return uint64_t(v) & (width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1);
}

// Words of `width` bits, each padded to whole beats.
std::vector<uint32_t> beats_of(const std::vector<uint64_t>& words, int width) {
  BitPacker bp;
  for (uint64_t w : words) {
    bp.put(w, width);
    bp.pad_to_beat();
  }
  return bp.beats();
}

void load_input(Host& h, const ArchParams& p, const model::FormatSpec& spec,
                const model::Tensor3& block) {
  const model::BufferImage img = model::encode_image(spec, block, p.pes);
  for (int b = 0; b < p.pes; ++b) {
    const model::Block& bank = img.banks[size_t(b)];
    h.load(rtl::MemClass::Entries, 0, b, 0, beats_of(bank.entries, p.entry_bits));
    if (p.table_bits > 0) h.load(rtl::MemClass::Table, 0, b, 0, beats_of(bank.table, p.table_bits));
  }
}

void load_weights(Host& h, const ArchParams& p, const model::LayerSpec& l, const model::Tensor4& w,
                  const Run& r, int wrows) {
  const int P = p.pes, Bw = p.weights.banks;
  const int selw = std::max(1, clog2(Bw));
  const std::vector<std::vector<int>> order = model::processing_order(r.c1 - r.c0, P, p.lanes);
  for (int lane = 0; lane < p.lanes; ++lane) {
    std::vector<BitPacker> banks(static_cast<size_t>(Bw));
    for (int g = 0; g < r.groups; ++g) {
      for (int c_local : order[size_t(lane)]) {
        const int c = r.c0 + c_local;
        for (int row = 0; row < wrows; ++row) {
          for (int jb = 0; jb < Bw; ++jb) {
            const int t = row * Bw + jb;
            BitPacker& bp = banks[size_t(jb)];
            for (int pe = 0; pe < P; ++pe) {
              const int k = (r.g0 + g) * P + pe;
              const int64_t v = (t < l.r * l.s && k < l.k) ? w(k, c, t / l.s, t % l.s) : 0;
              bp.put(bits_of(v, p.weight_bits), p.weight_bits);
            }
            bp.pad_to_beat();
          }
        }
      }
    }
    for (int jb = 0; jb < Bw; ++jb)
      h.load(rtl::MemClass::Weights, 0, (lane << selw) | jb, 0, banks[size_t(jb)].beats());
  }
}

void load_bias(Host& h, const ArchParams& p, const model::LayerSpec& l,
               const std::vector<int64_t>& bias, const Run& r) {
  BitPacker bp;
  for (int g = 0; g < r.groups; ++g) {
    for (int pe = 0; pe < p.pes; ++pe) {
      const int k = (r.g0 + g) * p.pes + pe;
      bp.put(bits_of(k < l.k ? bias[size_t(k)] : 0, p.bias_bits), p.bias_bits);
    }
    bp.pad_to_beat();
  }
  h.load(rtl::MemClass::Bias, 0, 0, 0, bp.beats());
}

// A K-group of a band whose outputs the drain has written to the output buffer.
struct Drained {
  int band = 0, group = 0;
};

// Reads the output banks and places the decoded channels of `drained` (in drain order) in `out`.
void read_outputs(Host& h, const ArchParams& p, const model::LayerSpec& l,
                  const model::FormatSpec& spec, const Plan& plan,
                  const std::vector<Drained>& drained, model::Tensor3& out) {
  if (drained.empty()) return;
  const int out_w = l.pooled_w();
  for (int b = 0; b < p.pes; ++b) {
    h.write("OUT_BANK", {{"BANK", uint64_t(b)}});
    const size_t ne = h.read_field("OUT_ENTRIES", "COUNT");
    const size_t nt = p.table_bits > 0 ? h.read_field("OUT_TABLE", "COUNT") : 0;
    const std::vector<uint64_t> entries =
        h.fetch(rtl::MemClass::Entries, 1, b, 0, ne, p.entry_bits);
    const std::vector<uint64_t> table =
        p.table_bits > 0 ? h.fetch(rtl::MemClass::Table, 1, b, 0, nt, p.table_bits)
                         : std::vector<uint64_t>();
    size_t eo = 0, to = 0;
    for (const Drained& dr : drained) {
      const Band& band = plan.bands[size_t(dr.band)];
      const int rows = l.pool ? band.oh / 2 : band.oh;
      const int y0 = l.pool ? band.oy0 / 2 : band.oy0;
      const int w = l.pool ? band.ow / 2 : band.ow;
      const int x0 = l.pool ? band.ox0 / 2 : band.ox0;
      const int k = dr.group * p.pes + b;
      if (k >= l.k) continue;
      size_t eu = 0, tu = 0;
      std::vector<int32_t> vals;
      try {
        vals = model::decode_block(spec, entries.data() + eo, entries.size() - eo,
                                   table.data() + to, table.size() - to, rows, w, &eu, &tu);
      } catch (const std::exception& e) {
        throw ToolError(
            fmt::format("output bank {} (channel {}, output rows {}..{}, columns {}..{}) is "
                        "not a valid {} stream: {}",
                        b, k, y0, y0 + rows - 1, x0, x0 + w - 1, to_string(p.format), e.what()));
      }
      eo += eu;
      to += tu;
      for (int y = 0; y < rows; ++y)
        std::copy_n(vals.data() + size_t(y) * w, w,
                    out.channel(k) + size_t(y0 + y) * out_w + size_t(x0));
    }
    if (eo != entries.size() || to != table.size())
      throw ToolError(
          fmt::format("output bank {} holds {} entries and {} table words; the "
                      "drained channels use {} and {}",
                      b, entries.size(), table.size(), eo, to));
  }
}

// The SRAM models' access and misuse counters, read around every run.
class MacroCounters {
 public:
  MacroCounters(const RtlModel& model, const rtl::MacroManifest* macros, const std::string& top) {
    if (!macros) return;
    for (const rtl::MacroEntry& e : macros->macros)
      for (const std::string& inst : e.instances) {
        const std::string scope = top + "." + inst;
        Instance i{inst, model.counter(scope, "n_reads"), model.counter(scope, "n_writes"),
                   model.counter(scope, "n_range"), model.counter(scope, "n_collide")};
        if (!i.reads || !i.writes || !i.range)
          throw ToolError("the simulator has no access counters for SRAM instance " + inst +
                          " (a model without them?)");
        // Misuse counts from here on: during reset the enables are whatever the flops held.
        i.range_at_reset = *i.range;
        i.collide_at_reset = i.collide ? *i.collide : 0;
        list_.push_back(i);
      }
  }
  void start() {
    mark_.clear();
    for (const Instance& i : list_) mark_.push_back({*i.reads, *i.writes});
  }
  void stop(SwitchingActivity& a) {
    for (size_t k = 0; k < list_.size(); ++k) {
      MacroCounts& c = a.macros[list_[k].path];
      c.reads += *list_[k].reads - mark_[k].first;
      c.writes += *list_[k].writes - mark_[k].second;
    }
  }
  // Throws at the first macro the design misused since reset.
  void check() const {
    for (const Instance& i : list_) {
      if (*i.range > i.range_at_reset)
        throw ToolError(
            fmt::format("SRAM instance {} was accessed {} time(s) at an address past "
                        "its depth (a design bug: a real macro would alias it)",
                        i.path, *i.range - i.range_at_reset));
      if (i.collide && *i.collide > i.collide_at_reset)
        throw ToolError(
            fmt::format("SRAM instance {} was read and written at one address in one "
                        "cycle {} time(s) (a design bug: a real two-port macro does "
                        "not define that read)",
                        i.path, *i.collide - i.collide_at_reset));
    }
  }

 private:
  struct Instance {
    std::string path;
    const uint64_t *reads, *writes, *range, *collide;
    uint64_t range_at_reset = 0, collide_at_reset = 0;
  };
  std::vector<Instance> list_;
  std::vector<std::pair<uint64_t, uint64_t>> mark_;
};

}  // namespace

LayerRun simulate_layer(RtlModel& model, const ArchParams& p, const model::LayerSpec& l,
                        const LayerInputs& in, const LayerSimOptions& o) {
  const Progress& progress = o.progress;
  const std::string& coverage_dir = o.coverage_dir;
  const auto t0 = std::chrono::steady_clock::now();
  LayerRun res;
  res.plan = plan_layer(l, p, in.act);
  const Plan& plan = res.plan;
  const model::FormatSpec spec = model::FormatSpec::from(p);
  res.out = model::Tensor3(l.k, l.pooled_h(), l.pooled_w());
  Host h(model, p);
  h.set_direct_memory(!o.through_port);
  MacroCounters macros(model, o.macros, p.name + "_top");
  const uint64_t start_cycles = model.cycles();
  int stride_log2 = 0;
  while ((1 << stride_log2) < l.stride) ++stride_log2;
  // The drain of each `last` run's final tile is deferred to the start of the next run, where it
  // overlaps that run's compute; a final run without tiles flushes the last one.
  std::optional<Drained> held;
  for (size_t i = 0; i <= plan.runs.size(); ++i) {
    if (progress) progress(std::min(i, plan.runs.size() - 1), plan.runs.size());
    std::vector<Drained> drained;
    if (held) drained.push_back(*held);
    held.reset();
    RunRegs rr;
    if (i == plan.runs.size()) {
      if (drained.empty()) break;
      rr.groups = 0;  // flush
    } else {
      const Run& r = plan.runs[i];
      const Band& band = plan.bands[size_t(r.band)];
      if (r.load_input) load_input(h, p, spec, band_input(in.act, band, r.c0, r.c1));
      if (r.load_weights) {
        load_weights(h, p, l, in.weights, r, plan.wrows);
        load_bias(h, p, l, in.bias, r);
      }
      rr.c = r.c1 - r.c0;
      rr.rows = band.rows;
      rr.w = band.cols;
      rr.yoff = band.yoff;
      rr.pad = band.xoff;
      rr.oh = band.oh;
      rr.ow = band.ow;
      rr.pitch = plan.pitch;
      rr.r = l.r;
      rr.s = l.s;
      rr.stride_log2 = stride_log2;
      rr.groups = r.groups;
      rr.kvalid = r.kvalid;
      rr.first = r.first;
      rr.last = r.last;
      rr.defer = r.last;
      rr.relu = l.relu;
      rr.pool = l.pool;
      rr.mult = in.requant.mult;
      rr.shift = in.requant.shift;
      rr.wrows = plan.wrows;
      if (r.last) {
        for (int g = 0; g + 1 < r.groups; ++g) drained.push_back({r.band, r.g0 + g});
        held = Drained{r.band, r.g0 + r.groups - 1};
      }
    }
    // Generous timeout: every activation of the run, zeros included, plus drains.
    const uint64_t budget = 1000000 + uint64_t(rr.c) * rr.rows * rr.w * rr.groups * 4 +
                            uint64_t(l.out_h()) * l.out_w() * 8 + uint64_t(p.psum.depth) * 4;
    res.perf += h.run(rr, budget, [&] {
      macros.start();
      if (o.activity) model.activity(true);
      if (!coverage_dir.empty()) model.coverage_zero();
    });
    if (o.activity) model.activity(false);
    macros.stop(res.activity);
    if (!coverage_dir.empty())
      model.coverage_write(fmt::format("{}/run_{:04d}.dat", coverage_dir, i));
    read_outputs(h, p, l, spec, plan, drained, res.out);
  }
  h.check_transfers();
  macros.check();
  res.activity.design = p.name + "_top";
  res.activity.cycles = res.perf.cycles;
  if (o.activity) {
    model.add_activity(res.activity, o.macros);
    res.activity.source = "zasgen sim: register toggles and SRAM accesses over the busy cycles";
  }
  res.total_cycles = model.cycles() - start_cycles;
  res.io_cycles = res.total_cycles - res.perf.cycles;
  res.through_port = o.through_port || model.recording();
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace zasgen::sim
