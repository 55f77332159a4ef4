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

namespace {

// The nets of one register field.
struct FieldNets {
  const Register* reg;
  const Field* field;
  E value;  // what reads return (a register, an input or a constant)
  E hw_in;  // W1C: set pulse from hardware
};

Module& regs_module(Elab& e) {
  return e.module("regs", {"Control/status registers behind an AXI4-Lite slave (32-bit data).",
                           "Generated from the register map; see regmap.md."});
}

// The register block, built in steps; the members are the nets the steps share.
struct Regs {
  explicit Regs(Elab& e) : map(e.regs), aw(map.addr_bits), mod(regs_module(e)), m(mod) {}

  void axi_ports();
  void address_constants();
  void field_ports();
  void write_channel();
  void field_registers();
  void write_strobes();
  void read_channel();
  void read_response();

  const RegMap& map;
  const int aw;
  Module& mod;
  ModuleBuilder m;

  // AXI4-Lite slave ports
  E clk, rst_n;
  E awvalid, awready, awaddr, wvalid, wready, wdata, wstrb, bvalid, bready, bresp;
  E arvalid, arready, araddr, rvalid, rready, rdata, rresp;
  // per register, in register-map order: its byte address, whether this cycle's write hits it
  std::vector<E> offsets, whit;
  // per field, in register-map order; per strobed register, its write strobe
  std::vector<FieldNets> fields;
  std::vector<std::pair<const Register*, E>> strobes;
  // read channel: a read is accepted, its decoded value, whether it names a register
  E rfire;
  std::vector<E> rvalues;  // per register of the map: its read value
};

// The AXI4-Lite slave's ports; the response channels are driven by registers.
void Regs::axi_ports() {
  clk = m.input("clk");
  rst_n = m.input("rst_n");
  awvalid = m.input("s_axi_awvalid");
  awready = m.output("s_axi_awready");
  awaddr = m.input("s_axi_awaddr", aw);
  wvalid = m.input("s_axi_wvalid");
  wready = m.output("s_axi_wready");
  wdata = m.input("s_axi_wdata", 32);
  wstrb = m.input("s_axi_wstrb", 4);
  bvalid = m.output_reg("s_axi_bvalid", 1, 0);
  bready = m.input("s_axi_bready");
  bresp = m.output_reg("s_axi_bresp", 2, 0);
  arvalid = m.input("s_axi_arvalid");
  arready = m.output("s_axi_arready");
  araddr = m.input("s_axi_araddr", aw);
  rvalid = m.output_reg("s_axi_rvalid", 1, 0);
  rready = m.input("s_axi_rready");
  rdata = m.output_reg("s_axi_rdata", 32, 0);
  rresp = m.output_reg("s_axi_rresp", 2, 0);
}

// The register offsets as named constants (byte addresses).
void Regs::address_constants() {
  for (const Register& r : map.regs)
    offsets.push_back(m.localparam("ADDR_" + r.name, aw, uint64_t(r.offset), "", true));
}

// Per-field ports, in register-map order, and the write strobe outputs.
void Regs::field_ports() {
  for (const Register& r : map.regs) {
    for (const Field& f : r.fields) {
      const std::string pn = field_port(r, f);
      FieldNets fn{&r, &f, E(), E()};
      switch (f.access) {
        case Access::RW:
          fn.value = m.output_reg(pn, f.width, f.reset);
          break;
        case Access::RO:
          fn.value = f.constant ? lit(f.width, f.reset) : m.input(pn, f.width);
          break;
        case Access::W1P:
          fn.value = m.output_reg(pn, 1, 0);
          break;
        case Access::W1C:
          fn.hw_in = m.input(pn + "_set");
          fn.value = m.output_reg(pn, 1, 0);
          break;
      }
      fields.push_back(fn);
    }
    if (r.strobe) strobes.push_back({&r, m.output_reg(lower(r.name) + "_wr", 1, 0)});
  }
}

// Write channel: address and data together, one transaction at a time; the register hit and
// the write response.
void Regs::write_channel() {
  E wfire = m.wire("wfire", awvalid && wvalid && !bvalid, "a write is accepted this cycle");
  m.assign(awready, wfire);
  m.assign(wready, wfire);
  E waddr_ok = m.wire("waddr_ok", eq(awaddr.bits(0, 2), 0) && eq(wstrb, 0xF),
                      "aligned, full-word writes only");
  for (size_t i = 0; i < map.regs.size(); ++i)
    whit.push_back(
        m.wire("w_" + lower(map.regs[i].name), wfire && waddr_ok && awaddr == offsets[i]));
  E wmapped = m.wire("wmapped", red_or(cat(std::vector<E>(whit.rbegin(), whit.rend()))),
                     "the write hits a register");
  Body b = m.seq_reset(clk, rst_n, "write response");
  b.if_(
      wfire,
      [&](Body& t) {
        t.set(bvalid, ones(1));
        t.set(bresp, mux(wmapped, lit(2, 0), lit(2, 2)));  // OKAY or SLVERR
      },
      [&](Body& t) { t.if_(bready, [&](Body& u) { u.set(bvalid, zeros(1)); }); });
}

// The writable fields' registers (RW, write-1-to-pulse, write-1-to-clear), register by register.
void Regs::field_registers() {
  size_t ri = 0;
  for (const Register& r : map.regs) {
    const E hit = whit[ri++];
    for (FieldNets& fn : fields) {
      if (fn.reg != &r) continue;
      const Field& f = *fn.field;
      const E wbits = wdata.bits(f.lsb, f.width);
      const E q = fn.value;  // the port is the register
      switch (f.access) {
        case Access::RW: {
          Body b = m.seq_reset(clk, rst_n);
          b.if_(hit, [&](Body& t) { t.set(q, wbits); });
          break;
        }
        case Access::W1P: {
          Body b = m.seq_reset(clk, rst_n);
          b.set(q, hit & wbits);
          fn.value = zeros(1);  // reads 0
          break;
        }
        case Access::W1C: {
          Body b = m.seq_reset(clk, rst_n);
          b.if_(
              fn.hw_in, [&](Body& t) { t.set(q, ones(1)); },
              [&](Body& t) { t.if_(hit & wbits, [&](Body& u) { u.set(q, zeros(1)); }); });
          break;
        }
        case Access::RO:
          break;
      }
    }
  }
}

// A one-cycle pulse per strobed register when it is written.
void Regs::write_strobes() {
  for (size_t i = 0; i < strobes.size(); ++i) {
    size_t idx = 0;
    for (size_t k = 0; k < map.regs.size(); ++k)
      if (&map.regs[k] == strobes[i].first) idx = k;
    Body b = m.seq_reset(clk, rst_n);
    b.set(strobes[i].second, whit[idx]);
  }
}

// Read channel: the read value of every register, assembled from its fields.
void Regs::read_channel() {
  rfire = m.wire("rfire", arvalid && !rvalid);
  m.assign(arready, rfire);
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
    rvalues.push_back(m.wire("rv_" + lower(r.name), cat(cat_parts)));
  }
}

// The read response, decoded where the read is accepted: the addressed register's value, or
// zeros and SLVERR for an unmapped or unaligned address (the offsets are word-aligned). Decoding
// inside the register's enable, not in a separate always @(*), keeps the same logic but lets a
// cycle-based simulator skip it in the cycles without a read.
void Regs::read_response() {
  std::vector<std::pair<std::vector<E>, Body::Fn>> items;
  for (size_t i = 0; i < map.regs.size(); ++i)
    items.push_back({{offsets[i]}, [&, i](Body& t) {
                       t.set(rdata, rvalues[i]);
                       t.set(rresp, lit(2, 0));
                     }});
  Body b = m.seq_reset(clk, rst_n, "read response");
  b.if_(
      rfire,
      [&](Body& t) {
        t.set(rvalid, ones(1));
        t.set(rdata, zeros(32));
        t.set(rresp, lit(2, 2));
        t.switch_(araddr, items, nullptr);
      },
      [&](Body& t) { t.if_(rready, [&](Body& u) { u.set(rvalid, zeros(1)); }); });
}

}  // namespace

const Module& build_regs(Elab& e) {
  Regs g(e);
  g.axi_ports();
  g.address_constants();
  g.field_ports();
  g.write_channel();
  g.field_registers();
  g.write_strobes();
  g.read_channel();
  g.read_response();
  return g.mod;
}

}  // namespace zasgen::rtl::arch
