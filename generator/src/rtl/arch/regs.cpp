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
  void write_register(Body& t, const Register& r);
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
  // per register, in register-map order: its byte address
  std::vector<E> offsets;
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

// Write channel: address and data together, one transaction at a time. The address is decoded
// where the write is accepted, as the read response does: the same logic, which a cycle-based
// simulator then skips in the cycles without a write. An aligned, full-word write to a register
// answers OKAY; any other write answers SLVERR and changes nothing. In the same block: the
// writable fields (RW, write-1-to-pulse, write-1-to-clear) and the strobes, one-cycle pulses of
// the strobed registers when they are written.
void Regs::write_channel() {
  E wfire = m.wire("wfire", awvalid && wvalid && !bvalid, "a write is accepted this cycle");
  m.assign(awready, wfire);
  m.assign(wready, wfire);
  Body b = m.seq_reset(clk, rst_n, "write: response, fields and strobes");
  for (FieldNets& fn : fields) {
    if (fn.field->access == Access::W1P) b.set(fn.value, zeros(1));
    if (fn.field->access == Access::W1C)
      b.if_(fn.hw_in, [&](Body& t) { t.set(fn.value, ones(1)); });
  }
  for (const auto& [reg, strobe] : strobes) b.set(strobe, zeros(1));
  std::vector<std::pair<std::vector<E>, Body::Fn>> items;
  for (size_t i = 0; i < map.regs.size(); ++i)
    items.push_back({{offsets[i]}, [this, i](Body& t) { write_register(t, map.regs[i]); }});
  b.if_(
      wfire,
      [&](Body& t) {
        t.set(bvalid, ones(1));
        t.set(bresp, lit(2, 2));  // SLVERR unless a register takes the write
        t.if_(eq(wstrb, 0xF), [&](Body& u) { u.switch_(awaddr, items, nullptr); });
      },
      [&](Body& t) { t.if_(bready, [&](Body& u) { u.set(bvalid, zeros(1)); }); });
  // Write-1-to-pulse fields read as zero.
  for (FieldNets& fn : fields)
    if (fn.field->access == Access::W1P) fn.value = zeros(1);
}

// An accepted write to register r: OKAY, its writable fields and its strobe.
void Regs::write_register(Body& t, const Register& r) {
  t.set(bresp, lit(2, 0));
  for (FieldNets& fn : fields) {
    if (fn.reg != &r) continue;
    const Field& f = *fn.field;
    const E wbits = wdata.bits(f.lsb, f.width);
    switch (f.access) {
      case Access::RW:
        t.set(fn.value, wbits);
        break;
      case Access::W1P:
        t.set(fn.value, wbits);
        break;
      case Access::W1C:  // the hardware's set wins over a clear in the same cycle
        t.if_(wbits && !fn.hw_in, [&](Body& u) { u.set(fn.value, zeros(1)); });
        break;
      case Access::RO:
        break;
    }
  }
  for (const auto& [reg, strobe] : strobes)
    if (reg == &r) t.set(strobe, ones(1));
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
  g.read_channel();
  g.read_response();
  return g.mod;
}

}  // namespace zasgen::rtl::arch
