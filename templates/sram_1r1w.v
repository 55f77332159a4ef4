// Behavioural model of a two-port SRAM macro (one read port, one write port): {{DEPTH}} words x
// {{WIDTH}} bits. Synchronous: re=1 reads raddr into rdata (one-cycle latency; rdata holds
// between reads); we=1 writes wdata at waddr. Synthesis maps the module to a macro (blackbox
// attribute); simulators run this body.
//
// Simulation only: n_reads and n_writes count the accesses (the activity of a power estimate);
// n_range counts accesses to an address at or past the depth, n_collide reads and writes of one
// address in one cycle (whose read data a real macro does not define): zasgen reads the
// counters after a run and reports any misuse as an error.
(* blackbox *)
module {{MODULE}} (
  input  wire                  clk,
  input  wire                  re,
  input  wire [{{ADDR_MSB}}:0] raddr,
  input  wire                  we,
  input  wire [{{ADDR_MSB}}:0] waddr,
  input  wire [{{DATA_MSB}}:0] wdata,
  output reg  [{{DATA_MSB}}:0] rdata
);
  /* verilator coverage_off */
  // The bit cells (toggle counts would be noise); simulators may load and read them directly.
  reg [{{DATA_MSB}}:0] mem [0:{{DEPTH_MSB}}] /* verilator public_flat_rw */;

  // The write is blocking and follows the read: this block is the only reader of the cells,
  // so a read in the cycle of a write to its address still returns the old word, as with a
  // non-blocking write, and a cycle-based simulator stores the word directly instead of
  // through a delayed-assignment copy.
  /* verilator lint_off BLKSEQ */
  always @(posedge clk) begin
    if (re) rdata <= mem[raddr];
    if (we) mem[waddr] = wdata;
  end
  /* verilator lint_on BLKSEQ */

`ifndef SYNTHESIS
  reg [63:0] n_reads /* verilator public_flat_rd */;
  reg [63:0] n_writes /* verilator public_flat_rd */;
  reg [63:0] n_range /* verilator public_flat_rd */;
  reg [63:0] n_collide /* verilator public_flat_rd */;
  initial begin
    n_reads = 64'd0;
    n_writes = 64'd0;
    n_range = 64'd0;
    n_collide = 64'd0;
  end
  always @(posedge clk) begin
    if (re) n_reads <= n_reads + 64'd1;
    if (we) n_writes <= n_writes + 64'd1;
    if ((re && {1'b0, raddr} >= {{DEPTH_BITS}}) || (we && {1'b0, waddr} >= {{DEPTH_BITS}}))
      n_range <= n_range + 64'd1;
    if (re && we && raddr == waddr) n_collide <= n_collide + 64'd1;
  end
`endif
  /* verilator coverage_on */
endmodule
