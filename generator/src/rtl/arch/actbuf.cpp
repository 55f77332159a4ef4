// The two ping-pong activation buffers (ARCH 4): `pes` banks each, a bank being an entries
// SRAM and a position-table SRAM. During a run the input buffer serves the lanes' decoders
// (lane l owns banks b with b mod lanes == l) and the output buffer takes the re-encoders'
// writes (PE b writes bank b); between runs the host reaches every bank through the DMA port.
#include <fmt/format.h>

#include "elab.h"
#include "zasgen/util.h"

namespace zasgen::rtl::arch {

const Module& build_actbuf(Elab& e) {
  const Dims& d = e.dims;
  const ArchParams& p = e.p;
  const int P = d.pes, L = d.lanes;
  const bool has_table = p.format != Format::Dense;
  const int EB = p.entry_bits, TB = p.table_bits;
  const int EA = d.ent_addr, TA = d.tab_addr;
  const int DW = std::max(EB, TB), DA = std::max(EA, TA);
  Module& mod = e.module(
      "actbuf",
      {fmt::format("Activation buffers A and B: {} banks each; entries {} bits{}.", P, EB,
                   has_table ? fmt::format(", position table {} bits", TB) : std::string())});
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E in_sel = m.input("in_sel");
  E busy = m.input("busy");
  E l_bank = m.input("lane_bank", L * d.bank);
  E l_ere = m.input("lane_ent_re", L);
  E l_eaddr = m.input("lane_ent_addr", L * EA);
  E l_erdata = m.output("lane_ent_rdata", L * EB);
  E l_tre, l_taddr, l_trdata;
  if (has_table) {
    l_tre = m.input("lane_tab_re", L);
    l_taddr = m.input("lane_tab_addr", L * TA);
    l_trdata = m.output("lane_tab_rdata", L * TB);
  }
  E c_ewe = m.input("enc_ewe", P);
  E c_eaddr = m.input("enc_eaddr", P * EA);
  E c_edata = m.input("enc_edata", P * EB);
  E c_twe, c_taddr, c_tdata;
  if (has_table) {
    c_twe = m.input("enc_twe", P);
    c_taddr = m.input("enc_taddr", P * TA);
    c_tdata = m.input("enc_tdata", P * TB);
  }
  E dma_ce = m.input("dma_ce");
  E dma_we = m.input("dma_we");
  E dma_tab = m.input("dma_tab");
  E dma_buf = m.input("dma_buf");
  E dma_bank = m.input("dma_bank", d.bank);
  E dma_addr = m.input("dma_addr", DA);
  E dma_wdata = m.input("dma_wdata", DW);
  E dma_rdata = m.output("dma_rdata", DW);
  if (!has_table) m.unused(dma_tab);
  if (P == 1) m.unused(cat({l_bank, dma_bank}));

  // A lane's reader prefetches past its block; reads past a memory's last word are dropped (a
  // real macro does not define them), per lane and buffer.
  auto in_range = [&](const E& addr, int depth, const std::string& name) {
    if (depth >= (int64_t(1) << addr.width())) return ones(1);
    return m.wire(name, addr < lit(addr.width(), uint64_t(depth)));
  };

  std::vector<E> lane_ok[2][2];  // [table][buffer] -> per lane
  for (int t = 0; t < (has_table ? 2 : 1); ++t)
    for (int buf = 0; buf < 2; ++buf)
      for (int l = 0; l < L; ++l) {
        const MemGeom& g =
            t ? (buf ? p.act_out_table : p.act_in_table) : (buf ? p.act_out : p.act_in);
        const E addr = t ? l_taddr.bits(l * TA, TA) : l_eaddr.bits(l * EA, EA);
        lane_ok[t][buf].push_back(
            in_range(addr, g.depth, fmt::format("{}{}_ok{}", t ? "t" : "e", buf ? "b" : "a", l)));
      }

  struct Mem {
    int buf, bank;
    bool table;
    E rdata;
  };
  std::vector<Mem> mems;
  for (int buf = 0; buf < 2; ++buf) {
    const MemGeom& eg = buf == 0 ? p.act_in : p.act_out;
    const MemGeom& tg = buf == 0 ? p.act_in_table : p.act_out_table;
    E is_in = m.wire(fmt::format("in{}", buf), buf ? in_sel : !in_sel);
    for (int b = 0; b < P; ++b) {
      const int l = b % L;
      E lane_hit = P == 1 ? ones(1)
                          : m.wire(fmt::format("hit{}_{}", buf, b),
                                   l_bank.bits(l * d.bank, d.bank) == lit(d.bank, uint64_t(b)));
      for (int t = 0; t < (has_table ? 2 : 1); ++t) {
        const bool table = t == 1;
        const MemGeom& g = table ? tg : eg;
        const int aw = g.addr_bits(), dw = table ? TB : EB;
        const std::string n = fmt::format("{}{}_{}", table ? "t" : "e", buf ? "b" : "a", b);
        E laddr = table ? l_taddr.bits(l * TA, TA) : l_eaddr.bits(l * EA, EA);
        E lre = (table ? l_tre.bit(l) : l_ere.bit(l)) && lane_ok[table][buf][l];
        E cwe = table ? c_twe.bit(b) : c_ewe.bit(b);
        E caddr = table ? c_taddr.bits(b * TA, TA) : c_eaddr.bits(b * EA, EA);
        E cdata = table ? c_tdata.bits(b * TB, TB) : c_edata.bits(b * EB, EB);
        E dhit = m.wire(n + "_dma", dma_ce && (table ? dma_tab : !dma_tab) &&
                                        (buf ? dma_buf : !dma_buf) &&
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
    }
  }

  // Read data back to the lanes: the bank each lane read last cycle, of the input buffer.
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

  // DMA read data: the memory addressed last cycle.
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
  return mod;
}

}  // namespace zasgen::rtl::arch
