// Behavioural model of a two-port SRAM macro (one read port, one write port): {{DEPTH}} words x
// {{WIDTH}} bits. Synchronous: re=1 reads raddr into rdata (one-cycle latency; rdata holds
// between reads); we=1 writes wdata at waddr. A read and a write of the same address in one cycle
// return the old data. Synthesis maps the module to a macro (blackbox attribute).
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
  reg [{{DATA_MSB}}:0] mem [0:{{DEPTH_MSB}}];  // the bit cells: toggle counts would be noise
  /* verilator coverage_on */

  always @(posedge clk) begin
    if (re) rdata <= mem[raddr];
    if (we) mem[waddr] <= wdata;
  end
endmodule
