// Behavioural model of a single-port SRAM macro: {{DEPTH}} words x {{WIDTH}} bits.
// Synchronous: on a clock edge with ce=1, we=1 writes wdata at addr; we=0 reads addr into rdata
// (one-cycle latency; rdata holds between reads). Synthesis maps the geometry-named module to a
// macro from the generated SRAM liberty (blackbox attribute); simulators run this body.
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
  reg [{{DATA_MSB}}:0] mem [0:{{DEPTH_MSB}}];  // the bit cells: toggle counts would be noise
  /* verilator coverage_on */

  always @(posedge clk) begin
    if (ce) begin
      if (we) mem[addr] <= wdata;
      else rdata <= mem[addr];
    end
  end
endmodule
