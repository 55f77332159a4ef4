// Test wrapper for harness/scatter_psum_harness.cpp: the scatter's bank enables and addresses
// drive the partial-sum compute port, as in <name>_lane; the tap selects come out so that the
// harness can compute the PE products, which it feeds back one cycle later (stage A).
// The generated module names come in as macros and the widths as parameters (from Dims):
//   +define+ZT_SCATTER=<name>_scatter +define+ZT_PSUM=<name>_psum -GT=... (test_scatter_psum.cpp)
module zt_scatter_psum #(
  parameter int T = 9,       // partial-sum banks = max_r * max_s
  parameter int PA = 6,      // partial-sum address bits
  parameter int TI = 4,      // tap index bits
  parameter int IY = 5,      // i_y bits
  parameter int IX = 5,      // i_x bits
  parameter int KR = 2,      // kernel height bits
  parameter int KS = 2,      // kernel width bits
  parameter int PW = 1,      // pad / yoff bits
  parameter int CH = 6,      // oh bits
  parameter int CW = 6,      // ow bits
  parameter int PT = 4,      // pitch bits
  parameter int PRODW = 576, // pes * T * (act_bits + weight_bits)
  parameter int NP = 4,      // positions the drain reads per cycle
  parameter int SW = 4,      // bank number bits
  parameter int DW = 384     // NP * pes * acc_bits
) (
  input  wire            clk,
  input  wire            rst_n,
  // scatter (stage M)
  input  wire            i_valid,
  input  wire [IY-1:0]   i_y,
  input  wire [IX-1:0]   i_x,
  input  wire [KR-1:0]   r,
  input  wire [KS-1:0]   s,
  input  wire [1:0]      stride,
  input  wire [PW-1:0]   yoff,
  input  wire [PW-1:0]   pad,
  input  wire [CH-1:0]   oh,
  input  wire [CW-1:0]   ow,
  input  wire [PT-1:0]   pitch,
  output wire [T-1:0]    o_en,
  output wire [T*PA-1:0] o_addr,
  output wire [T*TI-1:0] o_tap,
  // partial sums
  input  wire            c_set,
  input  wire [PRODW-1:0] a_prod,
  input  wire            d_set,
  input  wire [T-1:0]    d_en,
  input  wire [T*PA-1:0] d_addr,
  input  wire [NP*SW-1:0] d_sel,
  output wire [DW-1:0]   d_word,
  input  wire [1:0]      z_mask,
  input  wire [T-1:0]    z_en,
  input  wire [T*PA-1:0] z_addr,
  output wire            o_busy
);

  `ZT_SCATTER u_scatter (
    .i_valid(i_valid), .i_y(i_y), .i_x(i_x), .r(r), .s(s), .stride(stride), .yoff(yoff),
    .pad(pad), .oh(oh), .ow(ow), .pitch(pitch), .o_en(o_en), .o_addr(o_addr), .o_tap(o_tap)
  );

  `ZT_PSUM u_psum (
    .clk(clk), .rst_n(rst_n), .c_set(c_set), .m_en(o_en), .m_addr(o_addr), .a_prod(a_prod),
    .d_set(d_set), .d_en(d_en), .d_addr(d_addr), .d_sel(d_sel), .d_word(d_word),
    .z_mask(z_mask),
    .z_en(z_en), .z_addr(z_addr), .o_busy(o_busy)
  );

endmodule
