// Behavioural model of a single-port SRAM macro: {{DEPTH}} words x {{WIDTH}} bits.
// Synchronous: on a clock edge with ce=1, we=1 writes wdata at addr; we=0 reads addr into rdata
// (one-cycle latency; rdata holds between reads). Synthesis maps the geometry-named module to a
// macro from the generated SRAM liberty (blackbox attribute); simulators run this body.
//
// Simulation only: n_reads and n_writes count the accesses (the activity of a power estimate);
// n_range counts accesses to an address at or past the depth, which a real macro would alias
// or corrupt: zasgen reads the counters after a run and reports any misuse as an error.
(* blackbox *)
module {{MODULE}} (
  input  wire                  clk,
  input  wire                  ce,
  input  wire                  we,
  input  wire [{{ADDR_MSB}}:0] addr,
  input  wire [{{DATA_MSB}}:0] wdata,
  output reg  [{{DATA_MSB}}:0] rdata
);
  /* verilator coverage_off */
  // The bit cells (toggle counts would be noise); simulators may load and read them directly.
  reg [{{DATA_MSB}}:0] mem [0:{{DEPTH_MSB}}] /* verilator public_flat_rw */;

  // The write is blocking: this block is the only reader of the cells, so it acts as a
  // non-blocking one, and a cycle-based simulator stores the word directly instead of through
  // a delayed-assignment copy.
  /* verilator lint_off BLKSEQ */
  always @(posedge clk) begin
    if (ce) begin
      if (we) mem[addr] = wdata;
      else rdata <= mem[addr];
    end
  end
  /* verilator lint_on BLKSEQ */

`ifndef SYNTHESIS
  reg [63:0] n_reads /* verilator public_flat_rd */;
  reg [63:0] n_writes /* verilator public_flat_rd */;
  reg [63:0] n_range /* verilator public_flat_rd */;
  initial begin
    n_reads = 64'd0;
    n_writes = 64'd0;
    n_range = 64'd0;
  end
  always @(posedge clk) begin
    if (ce && we) n_writes <= n_writes + 64'd1;
    if (ce && !we) n_reads <= n_reads + 64'd1;
    if (ce && {1'b0, addr} >= {{DEPTH_BITS}}) n_range <= n_range + 64'd1;
  end
`endif
  /* verilator coverage_on */
endmodule
