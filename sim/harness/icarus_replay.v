// Replays a bus trace recorded from the Verilator model of a design (RtlModel::record, written
// by sim/src/icarus.cpp) on the same RTL in another simulator, and checks every response:
// AXI4-Lite read values and responses, store-stream beats, interrupt arrivals, and the cycle at
// which every operation ends. It drives the pins exactly as sim/harness/zsim_api.cpp does
// (inputs change with the clock low; outputs are sampled after they settle, before the rising
// edge), so a correct design behaves identically cycle by cycle.
//
// A template: the placeholders TOP (the design's top module) and ADDR_MSB (its AXI address MSB)
// in double braces are filled by sim/src/icarus.cpp; it is never edited per design. The trace
// file is given at run time:
//   vvp replay.vvp +trace=FILE
// Prints "REPLAY PASS ..." or "REPLAY FAIL ..." as its last line.
`timescale 1ns / 1ps
module zas_replay;
  reg clk = 1'b0;
  reg rst_n = 1'b0;
  reg s_axi_awvalid = 1'b0;
  wire s_axi_awready;
  reg [{{ADDR_MSB}}:0] s_axi_awaddr = 0;
  reg s_axi_wvalid = 1'b0;
  wire s_axi_wready;
  reg [31:0] s_axi_wdata = 32'd0;
  reg [3:0] s_axi_wstrb = 4'hf;
  wire s_axi_bvalid;
  reg s_axi_bready = 1'b0;
  wire [1:0] s_axi_bresp;
  reg s_axi_arvalid = 1'b0;
  wire s_axi_arready;
  reg [{{ADDR_MSB}}:0] s_axi_araddr = 0;
  wire s_axi_rvalid;
  reg s_axi_rready = 1'b0;
  wire [31:0] s_axi_rdata;
  wire [1:0] s_axi_rresp;
  wire irq;
  reg ld_valid = 1'b0;
  wire ld_ready;
  reg [31:0] ld_data = 32'd0;
  wire st_valid;
  reg st_ready = 1'b0;
  wire [31:0] st_data;

  {{TOP}} dut (
    .clk(clk), .rst_n(rst_n),
    .s_axi_awvalid(s_axi_awvalid), .s_axi_awready(s_axi_awready), .s_axi_awaddr(s_axi_awaddr),
    .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready), .s_axi_wdata(s_axi_wdata),
    .s_axi_wstrb(s_axi_wstrb),
    .s_axi_bvalid(s_axi_bvalid), .s_axi_bready(s_axi_bready), .s_axi_bresp(s_axi_bresp),
    .s_axi_arvalid(s_axi_arvalid), .s_axi_arready(s_axi_arready), .s_axi_araddr(s_axi_araddr),
    .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready), .s_axi_rdata(s_axi_rdata),
    .s_axi_rresp(s_axi_rresp),
    .irq(irq),
    .ld_valid(ld_valid), .ld_ready(ld_ready), .ld_data(ld_data),
    .st_valid(st_valid), .st_ready(st_ready), .st_data(st_data)
  );

  reg [63:0] cycles = 64'd0;
  integer fd, rc, guard, stall, done, resp, errors;
  integer op_index, reads, beats_out, beats_in, irqs;
  reg [1023:0] trace_path;
  reg [63:0] begin_cycle, start, finish, count, n, i, max_cycles;
  integer kind, status, got_status;
  reg [31:0] addr, data, got, beat;
  reg fire;

  // One clock cycle; the caller has set the inputs and waited #1 for the outputs to settle.
  task clock_cycle;
    begin
      clk = 1'b1;
      #5;
      clk = 1'b0;
      #4;
      cycles = cycles + 1;
    end
  endtask

  task fail;
    input [8*160-1:0] what;
    begin
      $display("REPLAY FAIL at operation %0d (cycle %0d): %0s", op_index, cycles, what);
      $fclose(fd);
      $finish;
    end
  endtask

  task next_word;  // one hex word of the trace into `beat`
    begin
      rc = $fscanf(fd, "%h", beat);
      if (rc != 1) fail("the trace ends inside an operation");
    end
  endtask

  // AXI4-Lite write, as zsim_axi_write: address and data together, then the response.
  task axi_write;
    begin
      s_axi_awaddr = addr;
      s_axi_awvalid = 1'b1;
      s_axi_wdata = data;
      s_axi_wvalid = 1'b1;
      s_axi_wstrb = 4'hf;
      guard = 0;
      resp = -2;
      done = 0;
      while (!done) begin
        #1;
        fire = s_axi_awready && s_axi_wready;
        clock_cycle;
        if (fire) done = 1;
        else begin
          guard = guard + 1;
          if (guard > 1000) begin
            resp = -1;
            done = 1;
          end
        end
      end
      if (resp != -1) begin
        s_axi_awvalid = 1'b0;
        s_axi_wvalid = 1'b0;
        s_axi_bready = 1'b1;
        done = 0;
        while (!done) begin
          #1;
          fire = s_axi_bvalid;
          got_status = s_axi_bresp;
          clock_cycle;
          if (fire) begin
            s_axi_bready = 1'b0;
            resp = got_status;
            done = 1;
          end else begin
            guard = guard + 1;
            if (guard > 1000) begin
              resp = -1;
              done = 1;
            end
          end
        end
      end
    end
  endtask

  // AXI4-Lite read, as zsim_axi_read; the value lands in `got`.
  task axi_read;
    begin
      s_axi_araddr = addr;
      s_axi_arvalid = 1'b1;
      guard = 0;
      resp = -2;
      done = 0;
      while (!done) begin
        #1;
        fire = s_axi_arready;
        clock_cycle;
        if (fire) done = 1;
        else begin
          guard = guard + 1;
          if (guard > 1000) begin
            resp = -1;
            done = 1;
          end
        end
      end
      if (resp != -1) begin
        s_axi_arvalid = 1'b0;
        s_axi_rready = 1'b1;
        done = 0;
        while (!done) begin
          #1;
          fire = s_axi_rvalid;
          got = s_axi_rdata;
          got_status = s_axi_rresp;
          clock_cycle;
          if (fire) begin
            s_axi_rready = 1'b0;
            resp = got_status;
            done = 1;
          end else begin
            guard = guard + 1;
            if (guard > 1000) begin
              resp = -1;
              done = 1;
            end
          end
        end
      end
    end
  endtask

  initial begin
    errors = 0;
    op_index = -1;
    reads = 0;
    beats_out = 0;
    beats_in = 0;
    irqs = 0;
    if (!$value$plusargs("trace=%s", trace_path)) begin
      $display("REPLAY FAIL: no +trace=FILE given");
      $finish;
    end
    fd = $fopen(trace_path, "r");
    if (fd == 0) begin
      $display("REPLAY FAIL: cannot open the trace %0s", trace_path);
      $finish;
    end
    // The reset sequence of zsim_create: 4 cycles in reset, 2 after.
    repeat (4) begin
      #1;
      clock_cycle;
    end
    rst_n = 1'b1;
    repeat (2) begin
      #1;
      clock_cycle;
    end
    rc = $fscanf(fd, "%d", begin_cycle);
    if (rc != 1) fail("the trace has no header");
    op_index = 0;
    if (begin_cycle != cycles) fail("the trace was not recorded from the model's reset");
    forever begin
      rc = $fscanf(fd, "%d", kind);
      if (rc != 1 || kind == 0) begin
        $display("REPLAY PASS: %0d operations, %0d cycles, %0d register reads, %0d load beats, %0d store beats, %0d interrupt waits, all identical",
                 op_index, cycles, reads, beats_in, beats_out, irqs);
        $fclose(fd);
        $finish;
      end
      rc = $fscanf(fd, "%d %d", start, finish);
      if (rc != 2) fail("malformed operation header");
      if (cycles != start) begin
        $display("  expected the operation to start at cycle %0d", start);
        fail("cycle count diverged");
      end
      case (kind)
        1: begin  // write
          rc = $fscanf(fd, "%h %h %d", addr, data, status);
          if (rc != 3) fail("malformed write");
          axi_write;
          if (resp != status) begin
            $display("  write 0x%h <- 0x%h: response %0d, recorded %0d", addr, data, resp, status);
            fail("write response differs");
          end
        end
        2: begin  // read
          rc = $fscanf(fd, "%h %h %d", addr, data, status);
          if (rc != 3) fail("malformed read");
          axi_read;
          reads = reads + 1;
          if (resp != status || got !== data) begin
            $display("  read 0x%h: got 0x%h (response %0d), recorded 0x%h (response %0d)", addr,
                     got, resp, data, status);
            fail("read value differs");
          end
        end
        3: begin  // load stream: n beats offered (all listed), count accepted
          rc = $fscanf(fd, "%d %d", n, count);
          if (rc != 2) fail("malformed load stream");
          i = 0;
          stall = 0;
          done = 0;
          if (n > 0) next_word;
          while (i < n && !done) begin
            ld_valid = 1'b1;
            ld_data = beat;
            #1;
            fire = ld_ready;
            clock_cycle;
            if (fire) begin
              i = i + 1;
              stall = 0;
              if (i < n) next_word;
            end else begin
              stall = stall + 1;
              if (stall > 1000) done = 1;
            end
          end
          ld_valid = 1'b0;
          if (done) begin  // skip the beats after the refused one
            while (i + 1 < n) begin
              next_word;
              n = n - 1;
            end
          end
          beats_in = beats_in + i;
          if (i != count) begin
            $display("  %0d load beats accepted, recorded %0d", i, count);
            fail("load-stream acceptance differs");
          end
        end
        4: begin  // store stream: n beats requested, count received (listed)
          rc = $fscanf(fd, "%d %d", n, count);
          if (rc != 2) fail("malformed store stream");
          st_ready = 1'b1;
          i = 0;
          stall = 0;
          done = 0;
          while (i < n && !done) begin
            #1;
            fire = st_valid;
            got = st_data;
            clock_cycle;
            if (fire) begin
              if (i >= count) fail("the store stream gives a beat it did not give when recorded");
              next_word;
              if (got !== beat) begin
                $display("  store beat %0d of %0d: got 0x%h, recorded 0x%h", i, count, got, beat);
                fail("store-stream beat differs");
              end
              i = i + 1;
              beats_out = beats_out + 1;
              stall = 0;
            end else begin
              stall = stall + 1;
              if (stall > 1000) done = 1;
            end
          end
          st_ready = 1'b0;
          if (i != count) begin
            $display("  %0d store beats, recorded %0d", i, count);
            fail("store-stream length differs");
          end
        end
        5: begin  // wait for the interrupt
          rc = $fscanf(fd, "%d %d", max_cycles, status);
          if (rc != 2) fail("malformed interrupt wait");
          got_status = 0;
          i = 0;
          while (i < max_cycles && got_status == 0) begin
            #1;
            if (irq === 1'b1) got_status = 1;
            else if (cycles >= finish && status == 1) fail("no interrupt by the recorded cycle");
            else begin
              if (irq !== 1'b0) fail("the interrupt line is X or Z");
              clock_cycle;
              i = i + 1;
            end
          end
          irqs = irqs + 1;
          if (got_status != status) fail("the interrupt came (or not) unlike the recording");
        end
        6: begin  // free-running cycles
          rc = $fscanf(fd, "%d", n);
          if (rc != 1) fail("malformed step");
          i = 0;
          while (i < n) begin
            #1;
            clock_cycle;
            i = i + 1;
          end
        end
        default: fail("unknown operation kind");
      endcase
      if (cycles != finish) begin
        $display("  the operation ended at cycle %0d, recorded %0d", cycles, finish);
        fail("cycle count diverged");
      end
      op_index = op_index + 1;
    end
  end
endmodule
