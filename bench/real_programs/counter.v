// An 8-bit up/down counter with synchronous reset, load and enable: the
// "small" yosys workload of bench/real_programs.ts.
module counter (
    input  wire       clk,
    input  wire       rst,
    input  wire       en,
    input  wire       load,
    input  wire       up,
    input  wire [7:0] d,
    output reg  [7:0] q,
    output wire       wrap
);
  always @(posedge clk) begin
    if (rst) q <= 8'd0;
    else if (load) q <= d;
    else if (en) q <= up ? q + 8'd1 : q - 8'd1;
  end
  assign wrap = en & (up ? &q : ~|q);
endmodule
