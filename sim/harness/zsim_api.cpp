// Verilator harness: a C API over one generated design, compiled with its Verilated model into a
// shared library that zasgen loads (sim/src/rtl_model.cpp). It drives the pins a real host
// drives: clock and reset, the AXI4-Lite register port, the 32-bit load/store streams and the
// interrupt line. It reads only what the build made public (`verilator public_flat_rd`): the
// SRAM models' access counters and the registers, whose toggles it counts for power when asked.
// It owns its VerilatedContext and model (no file-scope state), so several designs can be
// loaded side by side.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vzas.h"
#include "verilated.h"
#include "verilated_syms.h"
#ifdef ZSIM_TRACE
#include "verilated_fst_c.h"
#endif
#ifdef ZSIM_COVERAGE
#include "verilated_cov.h"
#endif

namespace {

// Switching activity of the public registers: per bit, how many cycles it changed and how many
// it was 1, counted every cycle while on. 64 bits at a time: toggles with bit-sliced counters
// (planes of a per-bit binary counter, added to with ripple carries), flushed into 64-bit totals
// before they can overflow; the cycles at 1 only when a chunk changes, for the cycles it held
// its previous value. A chunk that did not change costs a compare, which matters for a register
// file of 300k bits where a cycle writes a few words.
class ActivityCounter {
 public:
  struct Probe {
    std::string name;  // "<instance path below the top>.<register>"
    const void* data;  // the model's storage of it
    int width;         // bits
    int elem;          // bytes per storage element (1, 2, 4, 8; 4 for wide words)
    size_t chunk0;     // first 64-bit chunk in the flat arrays
    size_t chunks;     // 64-bit chunks it takes
  };

  void add(std::string name, const void* data, int width, int elem) {
    const size_t chunks = size_t((width + 63) / 64);
    probes_.push_back({std::move(name), data, width, elem, chunks_, chunks});
    chunks_ += chunks;
  }
  void start() {
    val_.assign(chunks_, 0);
    from_.assign(chunks_, cycles_ + 1);  // the next sample is the first the value counts for
    if (tplanes_.empty()) {
      tplanes_.assign(kPlanes * chunks_, 0);
      toggles_.assign(chunks_ * 64, 0);
      highs_.assign(chunks_ * 64, 0);
    }
    read(val_);
    on_ = true;
  }
  void stop() {
    flush();
    on_ = false;
  }
  bool on() const { return on_; }
  void sample() {
    cur_.resize(chunks_);
    read(cur_);
    const uint64_t n = ++cycles_;
    for (size_t c = 0; c < chunks_; ++c) {
      const uint64_t x = cur_[c] ^ val_[c];
      if (!x) continue;
      add_bits(&tplanes_[c * kPlanes], x);
      add_highs(c, n);
      val_[c] = cur_[c];
    }
    if (++since_flush_ == (uint64_t(1) << kPlanes) - 1) flush();
  }
  // Brings the totals up to date (the counts so far); counting may go on.
  void flush() {
    for (size_t c = 0; c < chunks_; ++c) {
      for (int k = 0; k < kPlanes; ++k) {
        for (uint64_t t = tplanes_[c * kPlanes + k]; t; t &= t - 1)
          toggles_[c * 64 + size_t(__builtin_ctzll(t))] += uint64_t(1) << k;
        tplanes_[c * kPlanes + k] = 0;
      }
      if (on_) add_highs(c, cycles_ + 1);
    }
    since_flush_ = 0;
  }
  uint64_t cycles() const { return cycles_; }
  const std::vector<Probe>& probes() const { return probes_; }
  const uint64_t* toggles(size_t i) const { return &toggles_[probes_[i].chunk0 * 64]; }
  const uint64_t* highs(size_t i) const { return &highs_[probes_[i].chunk0 * 64]; }

 private:
  static constexpr int kPlanes = 16;

  static void add_bits(uint64_t* planes, uint64_t x) {
    for (int k = 0; k < kPlanes && x; ++k) {
      const uint64_t carry = planes[k] & x;
      planes[k] ^= x;
      x = carry;
    }
  }
  // Chunk c's value held from sample from_[c] to sample `until` - 1: its 1 bits count that many.
  void add_highs(size_t c, uint64_t until) {
    const uint64_t held = until - from_[c];
    for (uint64_t h = val_[c]; h && held; h &= h - 1)
      highs_[c * 64 + size_t(__builtin_ctzll(h))] += held;
    from_[c] = until;
  }
  void read(std::vector<uint64_t>& out) const {
    for (const Probe& p : probes_) {
      uint64_t* o = &out[p.chunk0];
      switch (p.elem) {
        case 1:
          o[0] = *static_cast<const uint8_t*>(p.data);
          break;
        case 2:
          o[0] = *static_cast<const uint16_t*>(p.data);
          break;
        case 8:
          o[0] = *static_cast<const uint64_t*>(p.data);
          break;
        default:
          if (p.width <= 32) {
            o[0] = *static_cast<const uint32_t*>(p.data);
          } else {  // a wide value: 32-bit words, least significant first
            const uint32_t* w = static_cast<const uint32_t*>(p.data);
            const size_t words = size_t((p.width + 31) / 32);
            for (size_t i = 0; i < p.chunks; ++i)
              o[i] = w[2 * i] | (2 * i + 1 < words ? uint64_t(w[2 * i + 1]) << 32 : 0);
          }
      }
    }
  }

  std::vector<Probe> probes_;
  size_t chunks_ = 0;
  std::vector<uint64_t> val_, from_, cur_, tplanes_, toggles_, highs_;
  uint64_t cycles_ = 0, since_flush_ = 0;
  bool on_ = false;
};

struct Sim {
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vzas> top;
#ifdef ZSIM_TRACE
  std::unique_ptr<VerilatedFstC> trace;
  uint64_t trace_from = 0, trace_to = 0;
#endif
  uint64_t cycles = 0;
  std::unique_ptr<ActivityCounter> activity;

  // One clock cycle: inputs were set with the clock low; the rising edge updates the state.
  void tick() {
    top->clk = 1;
    top->eval();
    if (activity && activity->on()) activity->sample();
#ifdef ZSIM_TRACE
    if (trace && cycles >= trace_from && cycles <= trace_to) trace->dump(ctx->time());
#endif
    ctx->timeInc(5);
    top->clk = 0;
    top->eval();
#ifdef ZSIM_TRACE
    if (trace && cycles >= trace_from && cycles <= trace_to) trace->dump(ctx->time());
#endif
    ctx->timeInc(5);
    ++cycles;
  }
};

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void* zsim_create(const char* trace_path,
                                                         uint64_t trace_from, uint64_t trace_to) {
  auto* s = new Sim;
  s->ctx = std::make_unique<VerilatedContext>();
  s->ctx->randSeed(1);
  s->ctx->randReset(2);  // random initial state: the design must not rely on zeros
  s->top = std::make_unique<Vzas>(s->ctx.get(), "top");
#ifdef ZSIM_TRACE
  if (trace_path && *trace_path) {
    s->ctx->traceEverOn(true);
    s->trace = std::make_unique<VerilatedFstC>();
    s->top->trace(s->trace.get(), 99);
    s->trace->open(trace_path);
    s->trace_from = trace_from;
    s->trace_to = trace_to;
  }
#else
  (void)trace_path;
  (void)trace_from;
  (void)trace_to;
#endif
  s->top->clk = 0;
  s->top->rst_n = 0;
  s->top->s_axi_awvalid = 0;
  s->top->s_axi_wvalid = 0;
  s->top->s_axi_bready = 0;
  s->top->s_axi_arvalid = 0;
  s->top->s_axi_rready = 0;
  s->top->s_axi_wstrb = 0xF;
  s->top->ld_valid = 0;
  s->top->st_ready = 0;
  s->top->eval();
  for (int i = 0; i < 4; ++i) s->tick();
  s->top->rst_n = 1;
  s->top->eval();
  for (int i = 0; i < 2; ++i) s->tick();
  return s;
}

__attribute__((visibility("default"))) void zsim_destroy(void* h) {
  auto* s = static_cast<Sim*>(h);
#ifdef ZSIM_TRACE
  if (s->trace) s->trace->close();
#endif
  s->top->final();
  delete s;
}

__attribute__((visibility("default"))) uint64_t zsim_cycles(void* h) {
  return static_cast<Sim*>(h)->cycles;
}

__attribute__((visibility("default"))) void zsim_step(void* h, uint64_t n) {
  auto* s = static_cast<Sim*>(h);
  for (uint64_t i = 0; i < n; ++i) s->tick();
}

// Returns the write response (0 OKAY, 2 SLVERR), or -1 on timeout.
__attribute__((visibility("default"))) int zsim_axi_write(void* h, uint32_t addr, uint32_t data) {
  auto* s = static_cast<Sim*>(h);
  auto& t = *s->top;
  t.s_axi_awaddr = addr;
  t.s_axi_awvalid = 1;
  t.s_axi_wdata = data;
  t.s_axi_wvalid = 1;
  t.s_axi_wstrb = 0xF;
  int guard = 0;
  for (;;) {
    t.eval();
    const bool fire = t.s_axi_awready && t.s_axi_wready;
    s->tick();
    if (fire) break;
    if (++guard > 1000) return -1;
  }
  t.s_axi_awvalid = 0;
  t.s_axi_wvalid = 0;
  t.s_axi_bready = 1;
  for (;;) {
    t.eval();
    const bool done = t.s_axi_bvalid;
    const int resp = t.s_axi_bresp;
    s->tick();
    if (done) {
      t.s_axi_bready = 0;
      return resp;
    }
    if (++guard > 1000) return -1;
  }
}

// Returns the read response (0 OKAY, 2 SLVERR), or -1 on timeout.
__attribute__((visibility("default"))) int zsim_axi_read(void* h, uint32_t addr, uint32_t* data) {
  auto* s = static_cast<Sim*>(h);
  auto& t = *s->top;
  t.s_axi_araddr = addr;
  t.s_axi_arvalid = 1;
  int guard = 0;
  for (;;) {
    t.eval();
    const bool fire = t.s_axi_arready;
    s->tick();
    if (fire) break;
    if (++guard > 1000) return -1;
  }
  t.s_axi_arvalid = 0;
  t.s_axi_rready = 1;
  for (;;) {
    t.eval();
    const bool done = t.s_axi_rvalid;
    *data = t.s_axi_rdata;
    const int resp = t.s_axi_rresp;
    s->tick();
    if (done) {
      t.s_axi_rready = 0;
      return resp;
    }
    if (++guard > 1000) return -1;
  }
}

// Pushes n beats into the load stream; returns the number accepted before a stall timeout.
__attribute__((visibility("default"))) uint64_t zsim_stream_in(void* h, const uint32_t* beats,
                                                               uint64_t n) {
  auto* s = static_cast<Sim*>(h);
  auto& t = *s->top;
  uint64_t i = 0;
  int stall = 0;
  while (i < n) {
    t.ld_valid = 1;
    t.ld_data = beats[i];
    t.eval();
    const bool fire = t.ld_ready;
    s->tick();
    if (fire) {
      ++i;
      stall = 0;
    } else if (++stall > 1000) {
      break;
    }
  }
  t.ld_valid = 0;
  return i;
}

// Collects n beats from the store stream; returns the number received before a timeout.
__attribute__((visibility("default"))) uint64_t zsim_stream_out(void* h, uint32_t* beats,
                                                                uint64_t n) {
  auto* s = static_cast<Sim*>(h);
  auto& t = *s->top;
  uint64_t i = 0;
  int stall = 0;
  t.st_ready = 1;
  t.eval();  // the inputs stay as they are: each tick leaves the outputs settled
  while (i < n) {
    const bool fire = t.st_valid;
    const uint32_t d = t.st_data;
    s->tick();
    if (fire) {
      beats[i++] = d;
      stall = 0;
    } else if (++stall > 1000) {
      break;
    }
  }
  t.st_ready = 0;
  return i;
}

// Runs until the interrupt line is high or max_cycles pass; returns 1 when the irq came.
__attribute__((visibility("default"))) int zsim_wait_irq(void* h, uint64_t max_cycles) {
  auto* s = static_cast<Sim*>(h);
  s->top->eval();  // the inputs stay as they are: each tick leaves the outputs settled
  for (uint64_t i = 0; i < max_cycles; ++i) {
    if (s->top->irq) return 1;
    s->tick();
  }
  return s->top->irq ? 1 : 0;
}

// Where a simulation-only 64-bit counter of the design lives (a `verilator public_flat_rd`
// variable, e.g. an SRAM model's n_reads), by its scope ("<top module>.<instance path>") and
// name; nullptr when there is no such variable. The model updates it in place.
__attribute__((visibility("default"))) const uint64_t* zsim_counter(void* h, const char* scope_path,
                                                                    const char* name) {
  auto* s = static_cast<Sim*>(h);
  const std::string scope = std::string(s->top->name()) + "." + scope_path;
  const VerilatedScope* sc = s->ctx->scopeFind(scope.c_str());
  if (!sc) return nullptr;
  const VerilatedVar* v = sc->varFind(name);
  if (!v || v->vltype() != VLVT_UINT64) return nullptr;
  return static_cast<const uint64_t*>(v->datap());
}

// The bit cells of an SRAM model (its `mem`, a `verilator public_flat_rw` array) by scope, for
// loading and reading memories without the load/store port: the first word's storage, with
// the word width in bits, the number of words and the bytes between words (the model keeps
// each word little-endian in the smallest of 1, 2, 4, 8 or 4*n bytes, bits above the width
// zero). nullptr when the scope has no such array.
__attribute__((visibility("default"))) void* zsim_memory(void* h, const char* scope_path,
                                                         int* width, int* depth, int* stride) {
  auto* s = static_cast<Sim*>(h);
  const std::string scope = std::string(s->top->name()) + "." + scope_path;
  const VerilatedScope* sc = s->ctx->scopeFind(scope.c_str());
  if (!sc) return nullptr;
  const VerilatedVar* v = sc->varFind("mem");
  if (!v || v->udims() != 1 || !v->isPublicRW()) return nullptr;
  *width = v->packed().elements();
  *depth = v->unpacked().elements();
  *stride = int(v->entSize());
  return v->datap();
}

// Register activity (ActivityCounter): every public variable that is not a simulation counter
// of an SRAM model (`n_*`) or an SRAM's cells (public read-write arrays) is a register, or an
// array of registers, the build marked for it. on=1 starts counting (from the current state),
// on=0 stops; counts accumulate.
__attribute__((visibility("default"))) void zsim_activity(void* h, int on) {
  auto* s = static_cast<Sim*>(h);
  if (!s->activity) {
    s->activity = std::make_unique<ActivityCounter>();
    const std::string prefix = std::string(s->top->name()) + ".";
    for (const auto& [sname, scope] : *s->ctx->scopeNameMap()) {
      std::string path = sname;
      if (path.compare(0, prefix.size(), prefix) != 0 || !scope->varsp()) continue;
      path = path.substr(prefix.size());  // "<top module>[.<instance path>]"
      const size_t dot = path.find('.');
      path = dot == std::string::npos ? "" : path.substr(dot + 1);
      for (const auto& [vname, var] : *scope->varsp()) {
        if (std::strncmp(vname, "n_", 2) == 0) continue;  // SRAM model counters
        int elem = 0;
        switch (var.vltype()) {
          case VLVT_UINT8:
            elem = 1;
            break;
          case VLVT_UINT16:
            elem = 2;
            break;
          case VLVT_UINT32:
          case VLVT_WDATA:
            elem = 4;
            break;
          case VLVT_UINT64:
            elem = 8;
            break;
          default:
            continue;
        }
        const std::string name = path.empty() ? vname : path + "." + vname;
        const int width = var.packed().elements();
        if (var.udims() == 0) {
          s->activity->add(name, var.datap(), width, elem);
        } else if (var.udims() == 1 && !var.isPublicRW()) {
          // An array of registers (a register file's simulation view): one probe per element,
          // "<name>[<index>]". Memories the simulator may write (SRAM cells) are not counted.
          const auto* base = static_cast<const char*>(var.datap());
          const int low = var.unpacked().low();
          for (int i = 0; i < var.unpacked().elements(); ++i)
            s->activity->add(name + "[" + std::to_string(low + i) + "]",
                             base + size_t(i) * var.entSize(), width, elem);
        }
      }
    }
  }
  if (on && !s->activity->on()) s->activity->start();
  if (!on && s->activity->on()) s->activity->stop();
}

__attribute__((visibility("default"))) uint64_t zsim_activity_cycles(void* h) {
  auto* s = static_cast<Sim*>(h);
  return s->activity ? s->activity->cycles() : 0;
}

// The number of registers counted; brings their counts up to date for zsim_activity_probe.
__attribute__((visibility("default"))) uint64_t zsim_activity_probes(void* h) {
  auto* s = static_cast<Sim*>(h);
  if (!s->activity) return 0;
  if (s->activity->on()) s->activity->flush();
  return s->activity->probes().size();
}

// Register i: its name, width, and per-bit toggle and high counts (valid until the next call
// that changes the counts).
__attribute__((visibility("default"))) const char* zsim_activity_probe(void* h, uint64_t i,
                                                                       int* width,
                                                                       const uint64_t** toggles,
                                                                       const uint64_t** highs) {
  auto* s = static_cast<Sim*>(h);
  const auto& p = s->activity->probes()[i];
  *width = p.width;
  *toggles = s->activity->toggles(i);
  *highs = s->activity->highs(i);
  return p.name.c_str();
}

#ifdef ZSIM_COVERAGE
// Toggle and branch counts (the activity of a power estimate): zero them, or write them.
__attribute__((visibility("default"))) void zsim_coverage_zero(void* h) {
  static_cast<Sim*>(h)->ctx->coveragep()->zero();
}
__attribute__((visibility("default"))) void zsim_coverage_write(void* h, const char* path) {
  // One count per instance (by default Verilator sums the instances of a module).
  static_cast<Sim*>(h)->ctx->coveragep()->forcePerInstance(true);
  static_cast<Sim*>(h)->ctx->coveragep()->write(path);
}
#endif

#ifdef ZSIM_PROFILE_GENERATE
// An instrumented build for profile-guided optimisation: write the profile now. Unloading the
// library would not: Verilator's thread-local state keeps it loaded until the process exits.
void __gcov_dump(void);
__attribute__((visibility("default"))) void zsim_profile_dump() {
  __gcov_dump();
}
#endif

}  // extern "C"
