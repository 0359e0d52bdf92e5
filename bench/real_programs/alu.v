// A 16-bit ALU with a multiplier (add, subtract, logic, shifts, compare,
// 16x16 multiply with the high half), a registered result and flags, next
// to the 8-bit counter: the "larger" yosys workload of bench/real_programs.ts
// (`synth -top top`).
module alu16 (
    input  wire        clk,
    input  wire [ 3:0] op,
    input  wire [15:0] a,
    input  wire [15:0] b,
    output reg  [15:0] y,
    output reg         zero,
    output reg         carry
);
  wire [31:0] product = a * b;
  reg  [16:0] r;
  always @(*) begin
    case (op)
      4'd0: r = {1'b0, a} + {1'b0, b};
      4'd1: r = {1'b0, a} - {1'b0, b};
      4'd2: r = {1'b0, a & b};
      4'd3: r = {1'b0, a | b};
      4'd4: r = {1'b0, a ^ b};
      4'd5: r = {1'b0, ~a};
      4'd6: r = {a, 1'b0} >> 1 << b[3:0];
      4'd7: r = {1'b0, a >> b[3:0]};
      4'd8: r = {1'b0, $signed(a) >>> b[3:0]};
      4'd9: r = {16'd0, $signed(a) < $signed(b)};
      4'd10: r = {16'd0, a < b};
      4'd11: r = {1'b0, product[15:0]};
      4'd12: r = {1'b0, product[31:16]};
      4'd13: r = {1'b0, a + 16'd1};
      4'd14: r = {1'b0, b - 16'd1};
      default: r = {1'b0, a};
    endcase
  end
  always @(posedge clk) begin
    y <= r[15:0];
    carry <= r[16];
    zero <= r[15:0] == 16'd0;
  end
endmodule

module top (
    input  wire        clk,
    input  wire        rst,
    input  wire [ 3:0] op,
    input  wire [15:0] b,
    output wire [15:0] y,
    output wire        zero,
    output wire        carry,
    output wire        wrap
);
  wire [7:0] count;
  counter c (
      .clk(clk),
      .rst(rst),
      .en(1'b1),
      .load(1'b0),
      .up(1'b1),
      .d(8'd0),
      .q(count),
      .wrap(wrap)
  );
  alu16 u (
      .clk(clk),
      .op(op),
      .a({count, count}),
      .b(b),
      .y(y),
      .zero(zero),
      .carry(carry)
  );
endmodule
