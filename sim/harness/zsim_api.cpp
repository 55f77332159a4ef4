// Verilator harness: a C API over one generated design, compiled with its Verilated model into a
// shared library that zasgen loads (sim/src/rtl_model.cpp). It drives the pins a real host
// drives: clock and reset, the AXI4-Lite register port, the 32-bit load/store streams and the
// interrupt line; nothing reaches inside the design. It owns its VerilatedContext and model
// (no file-scope state), so several designs can be loaded side by side.
#include <cstdint>
#include <memory>
#include <string>

#include "Vzas.h"
#include "verilated.h"
#ifdef ZSIM_TRACE
#include "verilated_fst_c.h"
#endif
#ifdef ZSIM_COVERAGE
#include "verilated_cov.h"
#endif

namespace {

struct Sim {
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vzas> top;
#ifdef ZSIM_TRACE
  std::unique_ptr<VerilatedFstC> trace;
  uint64_t trace_from = 0, trace_to = 0;
#endif
  uint64_t cycles = 0;

  // One clock cycle: inputs were set with the clock low; the rising edge updates the state.
  void tick() {
    top->clk = 1;
    top->eval();
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
  while (i < n) {
    t.eval();
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
  for (uint64_t i = 0; i < max_cycles; ++i) {
    s->top->eval();
    if (s->top->irq) return 1;
    s->tick();
  }
  return 0;
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

}  // extern "C"
