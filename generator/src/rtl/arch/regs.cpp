// The register block: an AXI4-Lite slave and the registers of the register map (regmap.h).
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "elab.h"

namespace zasgen::rtl::arch {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// Port names of a field on the register block: <reg>_<field>, lower case.
std::string field_port(const Register& r, const Field& f) {
  return lower(r.name) + "_" + lower(f.name);
}

const Module& build_regs(Elab& e) {
  const RegMap& map = e.regs;
  const int aw = map.addr_bits;
  Module& mod =
      e.module("regs", {"Control/status registers behind an AXI4-Lite slave (32-bit data).",
                        "Generated from the register map; see regmap.md."});
  ModuleBuilder m(mod);
  E clk = m.input("clk");
  E rst_n = m.input("rst_n");
  E awvalid = m.input("s_axi_awvalid");
  E awready = m.output("s_axi_awready");
  E awaddr = m.input("s_axi_awaddr", aw);
  E wvalid = m.input("s_axi_wvalid");
  E wready = m.output("s_axi_wready");
  E wdata = m.input("s_axi_wdata", 32);
  E wstrb = m.input("s_axi_wstrb", 4);
  E bvalid = m.output("s_axi_bvalid");
  E bready = m.input("s_axi_bready");
  E bresp = m.output("s_axi_bresp", 2);
  E arvalid = m.input("s_axi_arvalid");
  E arready = m.output("s_axi_arready");
  E araddr = m.input("s_axi_araddr", aw);
  E rvalid = m.output("s_axi_rvalid");
  E rready = m.input("s_axi_rready");
  E rdata = m.output("s_axi_rdata", 32);
  E rresp = m.output("s_axi_rresp", 2);

  // Per-field ports, in register-map order.
  struct FieldNets {
    const Register* reg;
    const Field* field;
    E value;  // what reads return (a register, an input or a constant)
    E hw_in;  // W1C: set pulse from hardware
  };
  std::vector<FieldNets> fields;
  std::vector<std::pair<const Register*, E>> strobes;
  for (const Register& r : map.regs) {
    for (const Field& f : r.fields) {
      const std::string pn = field_port(r, f);
      FieldNets fn{&r, &f, E(), E()};
      switch (f.access) {
        case Access::RW:
          fn.value = m.output(pn, f.width);
          break;
        case Access::RO:
          fn.value = f.constant ? lit(f.width, f.reset) : m.input(pn, f.width);
          break;
        case Access::W1P:
          fn.value = m.output(pn, 1);
          break;
        case Access::W1C:
          fn.hw_in = m.input(pn + "_set");
          fn.value = m.output(pn, 1);
          break;
      }
      fields.push_back(fn);
    }
    if (r.strobe) strobes.push_back({&r, m.output(lower(r.name) + "_wr")});
  }

  // ---- write channel: address and data together, one transaction at a time.
  E bvalid_q = m.reg_reset("bvalid_q", 1, 0);
  E bresp_q = m.reg_reset("bresp_q", 2, 0);
  E wfire = m.wire("wfire", awvalid && wvalid && !bvalid_q, "a write is accepted this cycle");
  m.assign(awready, wfire);
  m.assign(wready, wfire);
  m.assign(bvalid, bvalid_q);
  m.assign(bresp, bresp_q);
  E waddr_ok = m.wire("waddr_ok", eq(awaddr.bits(0, 2), 0) && eq(wstrb, 0xF),
                      "aligned, full-word writes only");
  std::vector<E> whit;
  E any_w = zeros(1);
  for (const Register& r : map.regs) {
    E hit = m.wire("w_" + lower(r.name), wfire && waddr_ok && eq(awaddr, r.offset));
    whit.push_back(hit);
    any_w = any_w | hit;
  }
  E wmapped = m.wire("wmapped", any_w);
  {
    Body b = m.seq_reset(clk, rst_n, "write response");
    b.if_(
        wfire,
        [&](Body& t) {
          t.set(bvalid_q, ones(1));
          t.set(bresp_q, mux(wmapped, lit(2, 0), lit(2, 2)));  // OKAY or SLVERR
        },
        [&](Body& t) { t.if_(bready, [&](Body& u) { u.set(bvalid_q, zeros(1)); }); });
  }

  // ---- registers
  size_t ri = 0;
  for (const Register& r : map.regs) {
    const E hit = whit[ri++];
    for (FieldNets& fn : fields) {
      if (fn.reg != &r) continue;
      const Field& f = *fn.field;
      const std::string base = field_port(r, f) + "_q";
      const E wbits = wdata.bits(f.lsb, f.width);
      switch (f.access) {
        case Access::RW: {
          E q = m.reg_reset(base, f.width, f.reset);
          Body b = m.seq_reset(clk, rst_n);
          b.if_(hit, [&](Body& t) { t.set(q, wbits); });
          m.assign(fn.value, q);
          fn.value = q;
          break;
        }
        case Access::W1P: {
          E q = m.reg_reset(base, 1, 0);
          Body b = m.seq_reset(clk, rst_n);
          b.set(q, hit & wbits);
          m.assign(fn.value, q);
          fn.value = zeros(1);  // reads 0
          break;
        }
        case Access::W1C: {
          E q = m.reg_reset(base, 1, 0);
          Body b = m.seq_reset(clk, rst_n);
          b.if_(
              fn.hw_in, [&](Body& t) { t.set(q, ones(1)); },
              [&](Body& t) { t.if_(hit & wbits, [&](Body& u) { u.set(q, zeros(1)); }); });
          m.assign(fn.value, q);
          fn.value = q;
          break;
        }
        case Access::RO:
          break;
      }
    }
  }
  for (size_t i = 0; i < strobes.size(); ++i) {
    size_t idx = 0;
    for (size_t k = 0; k < map.regs.size(); ++k)
      if (&map.regs[k] == strobes[i].first) idx = k;
    E q = m.reg_reset(lower(strobes[i].first->name) + "_wr_q", 1, 0);
    Body b = m.seq_reset(clk, rst_n);
    b.set(q, whit[idx]);
    m.assign(strobes[i].second, q);
  }

  // ---- read channel
  E rvalid_q = m.reg_reset("rvalid_q", 1, 0);
  E rdata_q = m.reg_reset("rdata_q", 32, 0);
  E rresp_q = m.reg_reset("rresp_q", 2, 0);
  E rfire = m.wire("rfire", arvalid && !rvalid_q);
  m.assign(arready, rfire);
  m.assign(rvalid, rvalid_q);
  m.assign(rdata, rdata_q);
  m.assign(rresp, rresp_q);
  // The read value of every register, assembled from its fields.
  E rsel = zeros(32);
  E rhit_any = zeros(1);
  for (const Register& r : map.regs) {
    std::vector<std::pair<int, E>> parts;
    for (const FieldNets& fn : fields)
      if (fn.reg == &r) parts.push_back({fn.field->lsb, fn.value});
    std::sort(parts.begin(), parts.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<E> cat_parts;
    int top = 32;
    for (const auto& [lsb, v] : parts) {
      const int hi = lsb + v.width();
      if (hi < top) cat_parts.push_back(zeros(top - hi));
      cat_parts.push_back(v);
      top = lsb;
    }
    if (top > 0) cat_parts.push_back(zeros(top));
    E value = m.wire("rv_" + lower(r.name), cat(cat_parts));
    E hit = eq(araddr, r.offset);
    rsel = mux(hit, value, rsel);
    rhit_any = rhit_any | hit;
  }
  E rvalue = m.wire("rvalue", rsel);
  E rok = m.wire("rok", rhit_any && eq(araddr.bits(0, 2), 0));
  {
    Body b = m.seq_reset(clk, rst_n, "read response");
    b.if_(
        rfire,
        [&](Body& t) {
          t.set(rvalid_q, ones(1));
          t.set(rdata_q, mux(rok, rvalue, zeros(32)));
          t.set(rresp_q, mux(rok, lit(2, 0), lit(2, 2)));
        },
        [&](Body& t) { t.if_(rready, [&](Body& u) { u.set(rvalid_q, zeros(1)); }); });
  }
  return mod;
}

}  // namespace zasgen::rtl::arch
