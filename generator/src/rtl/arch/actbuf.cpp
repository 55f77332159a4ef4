// The two ping-pong activation buffers (ARCH 4): `pes` banks each, a bank being an entries
// SRAM and a position-table SRAM. During a run the input buffer serves the lanes' decoders
// (lane l owns banks b with b mod lanes == l) and the output buffer takes the re-encoders'
// writes (PE b writes bank b); between runs the host reaches every bank through the DMA port.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

namespace {

// One SRAM of the buffers: its buffer (0 = A, 1 = B), bank, kind and read data.
struct Mem {
  int buf, bank;
  bool table;
  E rdata;
};

Module& actbuf_module(Elab& e) {
  const ArchParams& p = e.p;
  const bool has_table = p.format != Format::Dense;
  return e.module(
      "actbuf",
      {fmt::format(
          "Activation buffers A and B: {} banks each; entries {} bits{}.", e.dims.pes, p.entry_bits,
          has_table ? fmt::format(", position table {} bits", p.table_bits) : std::string())});
}

// The activation buffer module, built in steps; the members are the nets the steps share.
struct Actbuf {
  explicit Actbuf(Elab& e)
      : e(e),
        d(e.dims),
        p(e.p),
        P(d.pes),
        L(d.lanes),
        has_table(p.format != Format::Dense),
        EB(p.entry_bits),
        TB(p.table_bits),
        EA(d.ent_addr),
        TA(d.tab_addr),
        DW(std::max(EB, TB)),
        DA(std::max(EA, TA)),
        mod(actbuf_module(e)),
        m(mod) {}

  void ports();
  void lane_ranges();
  void memories();
  void memory(int buf, int b, bool table, const E& is_in, const E& lane_hit);
  void lane_read_data();
  void dma_read_data();

  // The geometry of a buffer's (0 = A, 1 = B) entries or table memories.
  const MemGeom& geometry(bool table, int buf) const {
    return table ? (buf ? p.act_out_table : p.act_in_table) : (buf ? p.act_out : p.act_in);
  }

  Elab& e;
  const Dims& d;
  const ArchParams& p;
  const int P, L;
  const bool has_table;
  const int EB, TB;  // entry and table word bits
  const int EA, TA;  // entry and table address bits
  const int DW, DA;  // the wider of the two: DMA data and address
  Module& mod;
  ModuleBuilder m;

  // ports: lane reads, encoder writes, DMA
  E clk, in_sel, busy;
  E l_bank, l_ere, l_eaddr, l_erdata, l_tre, l_taddr, l_trdata;
  E c_ewe, c_eaddr, c_edata, c_twe, c_taddr, c_tdata;
  E dma_ce, dma_we, dma_tab, dma_buf, dma_bank, dma_addr, dma_wdata, dma_rdata;
  std::vector<E> lane_ok[2][2];  // [table][buffer] -> per lane: its read is inside the memory
  std::vector<Mem> mems;         // every SRAM, in instance order
};

void Actbuf::ports() {
  clk = m.input("clk");
  in_sel = m.input("in_sel");
  busy = m.input("busy");
  l_bank = m.input("lane_bank", L * d.bank);
  l_ere = m.input("lane_ent_re", L);
  l_eaddr = m.input("lane_ent_addr", L * EA);
  l_erdata = m.output("lane_ent_rdata", L * EB);
  if (has_table) {
    l_tre = m.input("lane_tab_re", L);
    l_taddr = m.input("lane_tab_addr", L * TA);
    l_trdata = m.output("lane_tab_rdata", L * TB);
  }
  c_ewe = m.input("enc_ewe", P);
  c_eaddr = m.input("enc_eaddr", P * EA);
  c_edata = m.input("enc_edata", P * EB);
  if (has_table) {
    c_twe = m.input("enc_twe", P);
    c_taddr = m.input("enc_taddr", P * TA);
    c_tdata = m.input("enc_tdata", P * TB);
  }
  dma_ce = m.input("dma_ce");
  dma_we = m.input("dma_we");
  dma_tab = m.input("dma_tab");
  dma_buf = m.input("dma_buf");
  dma_bank = m.input("dma_bank", d.bank);
  dma_addr = m.input("dma_addr", DA);
  dma_wdata = m.input("dma_wdata", DW);
  dma_rdata = m.output("dma_rdata", DW);
  if (!has_table) m.unused(dma_tab);
  if (P == 1) m.unused(cat({l_bank, dma_bank}));
}

// A lane's reader prefetches past its block; reads past a memory's last word are dropped (a
// real macro does not define them), per lane and buffer.
void Actbuf::lane_ranges() {
  auto in_range = [&](const E& addr, int depth, const std::string& name) {
    if (depth >= (int64_t(1) << addr.width())) return ones(1);
    return m.wire(name, addr < lit(addr.width(), uint64_t(depth)));
  };
  for (int t = 0; t < (has_table ? 2 : 1); ++t)
    for (int buf = 0; buf < 2; ++buf)
      for (int l = 0; l < L; ++l) {
        const MemGeom& g = geometry(t == 1, buf);
        const E addr = t ? l_taddr.bits(l * TA, TA) : l_eaddr.bits(l * EA, EA);
        lane_ok[t][buf].push_back(
            in_range(addr, g.depth, fmt::format("{}{}_ok{}", t ? "t" : "e", buf ? "b" : "a", l)));
      }
}

// The SRAMs of both buffers, bank by bank: entries, then the position table.
void Actbuf::memories() {
  for (int buf = 0; buf < 2; ++buf) {
    E is_in = m.wire(fmt::format("in{}", buf), buf ? in_sel : !in_sel);
    for (int b = 0; b < P; ++b) {
      const int l = b % L;
      E lane_hit = P == 1 ? ones(1)
                          : m.wire(fmt::format("hit{}_{}", buf, b),
                                   l_bank.bits(l * d.bank, d.bank) == lit(d.bank, uint64_t(b)));
      for (int t = 0; t < (has_table ? 2 : 1); ++t) memory(buf, b, t == 1, is_in, lane_hit);
    }
  }
}

// One SRAM and its port: the owning lane reads it in the input buffer, its encoder writes it in
// the output buffer, the DMA port reaches it between runs.
void Actbuf::memory(int buf, int b, bool table, const E& is_in, const E& lane_hit) {
  const int l = b % L;
  const MemGeom& g = geometry(table, buf);
  const int aw = g.addr_bits(), dw = table ? TB : EB;
  const std::string n = fmt::format("{}{}_{}", table ? "t" : "e", buf ? "b" : "a", b);
  E laddr = table ? l_taddr.bits(l * TA, TA) : l_eaddr.bits(l * EA, EA);
  E lre = (table ? l_tre.bit(l) : l_ere.bit(l)) && lane_ok[table][buf][l];
  E cwe = table ? c_twe.bit(b) : c_ewe.bit(b);
  E caddr = table ? c_taddr.bits(b * TA, TA) : c_eaddr.bits(b * EA, EA);
  E cdata = table ? c_tdata.bits(b * TB, TB) : c_edata.bits(b * EB, EB);
  E dhit =
      m.wire(n + "_dma", dma_ce && (table ? dma_tab : !dma_tab) && (buf ? dma_buf : !dma_buf) &&
                             (P == 1 ? ones(1) : dma_bank == lit(d.bank, uint64_t(b))));
  E ce = m.wire(n + "_ce", mux(busy, mux(is_in, lre && lane_hit, cwe), dhit));
  E we = m.wire(n + "_we", mux(busy, !is_in && cwe, dma_we));
  E addr_full =
      m.wire(n + "_af", mux(busy, mux(is_in, zext(laddr, DA), zext(caddr, DA)), dma_addr));
  E wdata_full = m.wire(n + "_wf", mux(busy, zext(cdata, DW), dma_wdata));
  E rdata = m.wire(n + "_rd", dw);
  const Module& macro = e.sram({SramKind::OneRW, g.depth, dw});
  m.inst(macro, "u_" + n)
      .conn("clk", clk)
      .conn("ce", ce)
      .conn("we", we)
      .conn("addr", fit(m, n + "_a", addr_full, aw))
      .conn("wdata", fit(m, n + "_w", wdata_full, dw))
      .conn("rdata", rdata);
  mems.push_back({buf, b, table, rdata});
}

// Read data back to the lanes: the bank each lane read last cycle, of the input buffer.
void Actbuf::lane_read_data() {
  std::vector<E> erd, trd;
  for (int l = 0; l < L; ++l) {
    E sel = m.reg(fmt::format("lsel{}", l), d.bank);
    Body b = m.seq(clk);
    b.set(sel, l_bank.bits(l * d.bank, d.bank));
    E ev = zeros(EB), tv = has_table ? zeros(TB) : E();
    for (const Mem& mm : mems) {
      if (mm.bank % L != l) continue;
      E hit = (mm.buf ? in_sel : !in_sel) && (P == 1 ? ones(1) : eq(sel, uint64_t(mm.bank)));
      if (mm.table)
        tv = mux(hit, mm.rdata, tv);
      else
        ev = mux(hit, mm.rdata, ev);
    }
    erd.push_back(m.wire(fmt::format("lrd_e{}", l), ev));
    if (has_table) trd.push_back(m.wire(fmt::format("lrd_t{}", l), tv));
    if (P == 1) m.unused(sel);
  }
  m.assign(l_erdata, cat(std::vector<E>(erd.rbegin(), erd.rend())));
  if (has_table) m.assign(l_trdata, cat(std::vector<E>(trd.rbegin(), trd.rend())));
}

// DMA read data: the memory addressed last cycle.
void Actbuf::dma_read_data() {
  E q_tab = m.reg("q_tab", 1), q_buf = m.reg("q_buf", 1), q_bank = m.reg("q_bank", d.bank);
  {
    Body b = m.seq(clk);
    b.set(q_tab, dma_tab);
    b.set(q_buf, dma_buf);
    b.set(q_bank, dma_bank);
  }
  E dv = zeros(DW);
  for (const Mem& mm : mems) {
    E hit = (mm.table ? q_tab : !q_tab) && (mm.buf ? q_buf : !q_buf) &&
            (P == 1 ? ones(1) : eq(q_bank, uint64_t(mm.bank)));
    dv = mux(hit, zext(mm.rdata, DW), dv);
  }
  if (!has_table) m.unused(q_tab);
  if (P == 1) m.unused(q_bank);
  m.assign(dma_rdata, dv);
}

}  // namespace

const Module& build_actbuf(Elab& e) {
  Actbuf g(e);
  g.ports();
  g.lane_ranges();
  g.memories();
  g.lane_read_data();
  g.dma_read_data();
  return g.mod;
}

}  // namespace zasgen::rtl::arch
