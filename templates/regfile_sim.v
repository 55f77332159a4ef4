// Simulation view of the register file above: {{DEPTH}} words x {{WIDTH}} bits, the same ports,
// timing and state, as one array. A cycle-based simulator then writes one word a cycle instead
// of evaluating every word's register and clock gate (on 684 words: 1.9x faster, and the
// simulator builds 2.7x faster).
//
// The state keeps the synthesis view's registers, by index, for the activity counter (the macro
// manifest records the mapping): element i of `q` is word i's register (u_word<i>.q), bit i of
// `en_q` the enable register of word i's clock gate (u_word<i>.u_cg.en_q).
module {{MODULE}} (
  input  wire                  clk,
  input  wire                  rst_n,
  input  wire                  re,
  input  wire [{{ADDR_MSB}}:0] raddr,
  input  wire                  we,
  input  wire [{{ADDR_MSB}}:0] waddr,
  input  wire [{{DATA_MSB}}:0] wdata,
  output reg  [{{DATA_MSB}}:0] rdata
);
  reg [{{DATA_MSB}}:0] q [0:{{DEPTH_MSB}}] /* verilator public_flat_rd */;
  reg [{{DEPTH_MSB}}:0] en_q /* verilator public_flat_rd */;
  reg [{{ADDR_MSB}}:0] waddr_q;  // the word en_q enables (simulation only)
  reg [{{ADDR_MSB}}:0] raddr_q;

  always @(posedge clk) begin
    if (re) raddr_q <= raddr;
  end

  // The gates' enables, sampled on the falling edge; reset opens every gate.
  always @(negedge clk or negedge rst_n) begin
    if (!rst_n) begin
      en_q <= {{ENABLES_ON}};
    end else begin
      en_q <= we ? {{ENABLE_ONE}} << waddr : {{ENABLES_OFF}};
      waddr_q <= waddr;
    end
  end

  // Every word while every gate is open (in reset), else the one enabled. The write is blocking:
  // only the read multiplexer reads the words, so it sees the same values as with a
  // non-blocking write, and a cycle-based simulator stores the word directly instead of
  // through a delayed-assignment copy.
  integer i;
  /* verilator lint_off BLKSEQ */
  always @(posedge clk) begin
    if (&en_q) begin
      for (i = 0; i < {{DEPTH}}; i = i + 1) q[i] = wdata;
    end else if (|en_q) begin
      q[waddr_q] = wdata;
    end
  end
  /* verilator lint_on BLKSEQ */

  // The read multiplexer: zeros past the last word, as in the synthesis view.
  always @(*) begin
    rdata = {{ADDR_IN_RANGE}} ? q[raddr_q] : {{DATA_ZERO}};
  end
endmodule
