/**
 * The register instruction set: what the translator emits and the executor
 * runs. Code is an `Int32Array`; an instruction is its op number followed by
 * its operands, one word each (see README.md in this folder for the table).
 *
 * Operand kinds (one letter each in {@link OP_SPECS}):
 * - `r`: a register, as an offset in 32-bit words from the frame base (a
 *   slot is 8 bytes, so slot s is offset 2s; a v128 takes two slots);
 * - `i`: a 32-bit immediate;
 * - `t`: a branch target, an absolute index into the code;
 * - `n`: an index into one of the instance's spaces (function, global,
 *   table, type, segment) or a count.
 *
 * The executor's `switch` uses these numbers as literals (V8 only builds a
 * jump table for literal cases); a unit test checks that each literal there
 * matches the name in its comment.
 *
 * @module
 */

/** Name and operand kinds of each op, in op number order. */
export const OP_SPECS: readonly (readonly [string, string])[] = [
  // Control.
  ["unreachable", ""],
  ["br", "t"],
  ["br_if", "rt"],
  ["br_unless", "rt"],
  ["br_table", "rn"], // followed by n + 1 targets, the default last
  ["call", "nr"], // function index, argument base
  ["call_indirect", "nnrr"], // table, type index, element index register, argument base
  ["return", ""],
  ["return32", "r"],
  ["return64", "r"],
  // Moves and constants.
  ["mov32", "rr"],
  ["mov64", "rr"],
  ["mov128", "rr"],
  ["movref", "rr"],
  ["const32", "ri"],
  ["const64", "rii"], // low word, high word
  ["const128", "riiii"],
  ["select32", "rrrr"], // dst, a, b, condition
  ["select64", "rrrr"],
  ["select128", "rrrr"],
  ["selectref", "rrrr"],
  // Globals.
  ["global_get32", "rn"],
  ["global_get64", "rn"],
  ["global_get128", "rn"],
  ["global_getref", "rn"],
  ["global_set32", "nr"],
  ["global_set64", "nr"],
  ["global_set128", "nr"],
  ["global_setref", "nr"],
  // Memory: loads are dst, address, offset; stores are address, value, offset.
  ["load32", "rri"],
  ["load64", "rri"],
  ["load8_s", "rri"],
  ["load8_u", "rri"],
  ["load16_s", "rri"],
  ["load16_u", "rri"],
  ["load8_s_64", "rri"],
  ["load8_u_64", "rri"],
  ["load16_s_64", "rri"],
  ["load16_u_64", "rri"],
  ["load32_s_64", "rri"],
  ["load32_u_64", "rri"],
  ["store32", "rri"],
  ["store64", "rri"],
  ["store8", "rri"],
  ["store16", "rri"],
  ["memory_size", "r"],
  ["memory_grow", "rr"],
  // i32 arithmetic: dst, a, b.
  ["i32_add", "rrr"],
  ["i32_sub", "rrr"],
  ["i32_mul", "rrr"],
  ["i32_div_s", "rrr"],
  ["i32_div_u", "rrr"],
  ["i32_rem_s", "rrr"],
  ["i32_rem_u", "rrr"],
  ["i32_and", "rrr"],
  ["i32_or", "rrr"],
  ["i32_xor", "rrr"],
  ["i32_shl", "rrr"],
  ["i32_shr_s", "rrr"],
  ["i32_shr_u", "rrr"],
  ["i32_rotl", "rrr"],
  ["i32_rotr", "rrr"],
  // i32 with an immediate right operand: dst, a, imm.
  ["i32_add_imm", "rri"],
  ["i32_mul_imm", "rri"],
  ["i32_and_imm", "rri"],
  ["i32_or_imm", "rri"],
  ["i32_xor_imm", "rri"],
  ["i32_shl_imm", "rri"],
  ["i32_shr_s_imm", "rri"],
  ["i32_shr_u_imm", "rri"],
  // i32 unary: dst, a.
  ["i32_eqz", "rr"],
  ["i32_clz", "rr"],
  ["i32_ctz", "rr"],
  ["i32_popcnt", "rr"],
  ["i32_extend8_s", "rr"],
  ["i32_extend16_s", "rr"],
  // i32 comparisons: dst, a, b.
  ["i32_eq", "rrr"],
  ["i32_ne", "rrr"],
  ["i32_lt_s", "rrr"],
  ["i32_lt_u", "rrr"],
  ["i32_gt_s", "rrr"],
  ["i32_gt_u", "rrr"],
  ["i32_le_s", "rrr"],
  ["i32_le_u", "rrr"],
  ["i32_ge_s", "rrr"],
  ["i32_ge_u", "rrr"],
  // i32 comparisons with an immediate: dst, a, imm.
  ["i32_eq_imm", "rri"],
  ["i32_ne_imm", "rri"],
  ["i32_lt_s_imm", "rri"],
  ["i32_lt_u_imm", "rri"],
  ["i32_gt_s_imm", "rri"],
  ["i32_gt_u_imm", "rri"],
  ["i32_le_s_imm", "rri"],
  ["i32_le_u_imm", "rri"],
  ["i32_ge_s_imm", "rri"],
  ["i32_ge_u_imm", "rri"],
  // Fused i32 compare and branch: a, b, target.
  ["br_i32_eq", "rrt"],
  ["br_i32_ne", "rrt"],
  ["br_i32_lt_s", "rrt"],
  ["br_i32_lt_u", "rrt"],
  ["br_i32_gt_s", "rrt"],
  ["br_i32_gt_u", "rrt"],
  ["br_i32_le_s", "rrt"],
  ["br_i32_le_u", "rrt"],
  ["br_i32_ge_s", "rrt"],
  ["br_i32_ge_u", "rrt"],
  // Fused i32 compare with an immediate and branch: a, imm, target.
  ["br_i32_eq_imm", "rit"],
  ["br_i32_ne_imm", "rit"],
  ["br_i32_lt_s_imm", "rit"],
  ["br_i32_lt_u_imm", "rit"],
  ["br_i32_gt_s_imm", "rit"],
  ["br_i32_gt_u_imm", "rit"],
  ["br_i32_le_s_imm", "rit"],
  ["br_i32_le_u_imm", "rit"],
  ["br_i32_ge_s_imm", "rit"],
  ["br_i32_ge_u_imm", "rit"],
  // i64 arithmetic: dst, a, b.
  ["i64_add", "rrr"],
  ["i64_sub", "rrr"],
  ["i64_mul", "rrr"],
  ["i64_div_s", "rrr"],
  ["i64_div_u", "rrr"],
  ["i64_rem_s", "rrr"],
  ["i64_rem_u", "rrr"],
  ["i64_and", "rrr"],
  ["i64_or", "rrr"],
  ["i64_xor", "rrr"],
  ["i64_shl", "rrr"],
  ["i64_shr_s", "rrr"],
  ["i64_shr_u", "rrr"],
  ["i64_rotl", "rrr"],
  ["i64_rotr", "rrr"],
  ["i64_eqz", "rr"],
  ["i64_clz", "rr"],
  ["i64_ctz", "rr"],
  ["i64_popcnt", "rr"],
  ["i64_extend8_s", "rr"],
  ["i64_extend16_s", "rr"],
  ["i64_extend32_s", "rr"],
  ["i64_eq", "rrr"],
  ["i64_ne", "rrr"],
  ["i64_lt_s", "rrr"],
  ["i64_lt_u", "rrr"],
  ["i64_gt_s", "rrr"],
  ["i64_gt_u", "rrr"],
  ["i64_le_s", "rrr"],
  ["i64_le_u", "rrr"],
  ["i64_ge_s", "rrr"],
  ["i64_ge_u", "rrr"],
  // f32.
  ["f32_add", "rrr"],
  ["f32_sub", "rrr"],
  ["f32_mul", "rrr"],
  ["f32_div", "rrr"],
  ["f32_min", "rrr"],
  ["f32_max", "rrr"],
  ["f32_copysign", "rrr"],
  ["f32_abs", "rr"],
  ["f32_neg", "rr"],
  ["f32_ceil", "rr"],
  ["f32_floor", "rr"],
  ["f32_trunc", "rr"],
  ["f32_nearest", "rr"],
  ["f32_sqrt", "rr"],
  ["f32_eq", "rrr"],
  ["f32_ne", "rrr"],
  ["f32_lt", "rrr"],
  ["f32_gt", "rrr"],
  ["f32_le", "rrr"],
  ["f32_ge", "rrr"],
  // f64.
  ["f64_add", "rrr"],
  ["f64_sub", "rrr"],
  ["f64_mul", "rrr"],
  ["f64_div", "rrr"],
  ["f64_min", "rrr"],
  ["f64_max", "rrr"],
  ["f64_copysign", "rrr"],
  ["f64_abs", "rr"],
  ["f64_neg", "rr"],
  ["f64_ceil", "rr"],
  ["f64_floor", "rr"],
  ["f64_trunc", "rr"],
  ["f64_nearest", "rr"],
  ["f64_sqrt", "rr"],
  ["f64_eq", "rrr"],
  ["f64_ne", "rrr"],
  ["f64_lt", "rrr"],
  ["f64_gt", "rrr"],
  ["f64_le", "rrr"],
  ["f64_ge", "rrr"],
  // Conversions: dst, a.
  ["i32_wrap_i64", "rr"],
  ["i32_trunc_f32_s", "rr"],
  ["i32_trunc_f32_u", "rr"],
  ["i32_trunc_f64_s", "rr"],
  ["i32_trunc_f64_u", "rr"],
  ["i64_extend_i32_s", "rr"],
  ["i64_extend_i32_u", "rr"],
  ["i64_trunc_f32_s", "rr"],
  ["i64_trunc_f32_u", "rr"],
  ["i64_trunc_f64_s", "rr"],
  ["i64_trunc_f64_u", "rr"],
  ["f32_convert_i32_s", "rr"],
  ["f32_convert_i32_u", "rr"],
  ["f32_convert_i64_s", "rr"],
  ["f32_convert_i64_u", "rr"],
  ["f32_demote_f64", "rr"],
  ["f64_convert_i32_s", "rr"],
  ["f64_convert_i32_u", "rr"],
  ["f64_convert_i64_s", "rr"],
  ["f64_convert_i64_u", "rr"],
  ["f64_promote_f32", "rr"],
  ["i32_trunc_sat_f32_s", "rr"],
  ["i32_trunc_sat_f32_u", "rr"],
  ["i32_trunc_sat_f64_s", "rr"],
  ["i32_trunc_sat_f64_u", "rr"],
  ["i64_trunc_sat_f32_s", "rr"],
  ["i64_trunc_sat_f32_u", "rr"],
  ["i64_trunc_sat_f64_s", "rr"],
  ["i64_trunc_sat_f64_u", "rr"],
  // References.
  ["ref_null", "r"],
  ["ref_func", "rn"],
  ["ref_is_null", "rr"],
  // Tables.
  ["table_get", "rrn"], // dst, index, table
  ["table_set", "rrn"], // index, value, table
  ["table_size", "rn"],
  ["table_grow", "rrrn"], // dst, init value, delta, table
  ["table_fill", "rrrn"], // start, value, count, table
  ["table_copy", "rrrnn"], // dst index, src index, count, dst table, src table
  ["table_init", "rrrnn"], // dst index, src offset, count, table, segment
  ["elem_drop", "n"],
  // Bulk memory.
  ["memory_init", "rrrn"], // dst address, src offset, count, segment
  ["data_drop", "n"],
  ["memory_copy", "rrr"], // dst, src, count
  ["memory_fill", "rrr"], // dst, value, count
  // No longer emitted (SIMD runs since the ops below); kept so later op numbers stay put.
  ["unsupported", ""],
  // SIMD (simd.ts): one op per operand shape; `n` carries the wasm sub-opcode
  // (the byte after 0xFD), plus the lane index shifted left by 8 where there is one.
  ["v128_load", "rrii"], // dst, address, imm (a folded i32.add, else 0), offset
  ["v128_load_ext", "rrin"], // dst, address, offset, sub-opcode (extend, splat, zero forms)
  ["v128_store", "rrii"], // address, value, imm (a folded i32.add, else 0), offset
  ["v128_load_lane", "rrrin"], // dst, address, vector, offset, sub-opcode | lane << 8
  ["v128_store_lane", "rrin"], // address, vector, offset, sub-opcode | lane << 8
  ["v128_shuffle", "rrriiii"], // dst, a, b, the 16 lane indices packed 4 per word
  ["v128_splat", "rrn"], // dst, scalar, sub-opcode
  ["v128_extract", "rrn"], // dst, vector, sub-opcode | lane << 8
  ["v128_replace", "rrrn"], // dst, vector, scalar, sub-opcode | lane << 8
  ["v128_bitselect", "rrrr"], // dst, a, b, mask
  ["v128_int_unary", "rrn"], // dst, a, sub-opcode
  ["v128_int_binary", "rrrn"], // dst, a, b (a vector or an i32 shift count), sub-opcode
  ["v128_float_unary", "rrn"], // dst, a, sub-opcode
  ["v128_float_binary", "rrrn"], // dst, a, b, sub-opcode
  // Fuel metering (only in code compiled with fuel on): charges n instructions.
  ["consume_fuel", "i"],
  // Function listeners (only in code compiled with listeners): before/after events.
  ["listen_enter", ""],
  ["listen_exit", ""],
  // i64 shifts and rotations by a constant: dst, a, count (0..63).
  ["i64_shl_imm", "rri"],
  ["i64_shr_s_imm", "rri"],
  ["i64_shr_u_imm", "rri"],
  ["i64_rotl_imm", "rri"],
  // Loads and stores whose address is "register + constant" (an i32.add folded in):
  // the address is ((a + imm) mod 2^32) + offset, exactly as the two instructions.
  ["load32_ai", "rrii"], // dst, a, imm, offset
  ["load64_ai", "rrii"],
  ["load8_u_ai", "rrii"],
  ["store32_ai", "rrii"], // a, value, imm, offset
  ["store64_ai", "rrii"],
  ["store8_ai", "rrii"],
  // The same with "register + register" addresses: ((a + x) mod 2^32) + offset.
  ["load32_aa", "rrri"], // dst, a, x, offset
  ["load64_aa", "rrri"],
  ["load8_u_aa", "rrri"],
  ["store32_aa", "rrri"], // a, value, x, offset
  ["store64_aa", "rrri"],
  ["store8_aa", "rrri"],
  // (x << shift) + imm, the scaled-index address computation: dst, x, shift, imm.
  ["i32_shl_add_imm", "rrii"],
  // The commonest SIMD instructions, each its own op (no sub-opcode dispatch,
  // no scratch copies). v128.load8x8 with a folded i32.add as v128_load:
  ["v128_load8x8_s", "rrii"], // dst, address, imm, offset
  ["v128_load8x8_u", "rrii"],
  // Bitwise and integer lane arithmetic: dst, a, b.
  ["v128_and", "rrr"],
  ["v128_or", "rrr"],
  ["v128_xor", "rrr"],
  ["v128_andnot", "rrr"],
  ["i8x16_add", "rrr"],
  ["i8x16_sub", "rrr"],
  ["i16x8_add", "rrr"],
  ["i16x8_sub", "rrr"],
  ["i16x8_mul", "rrr"],
  ["i32x4_add", "rrr"],
  ["i32x4_sub", "rrr"],
  ["i32x4_mul", "rrr"],
  // Lane shifts: dst, vector, i32 count register.
  ["i16x8_shl", "rrr"],
  ["i16x8_shr_s", "rrr"],
  ["i16x8_shr_u", "rrr"],
  ["i32x4_shl", "rrr"],
  ["i32x4_shr_s", "rrr"],
  ["i32x4_shr_u", "rrr"],
  // Widening: dst, a.
  ["i32x4_extend_low_i16x8_s", "rr"],
  ["i32x4_extend_high_i16x8_s", "rr"],
  ["i32x4_extend_low_i16x8_u", "rr"],
  ["i32x4_extend_high_i16x8_u", "rr"],
  ["i16x8_extend_low_i8x16_s", "rr"],
  ["i16x8_extend_high_i8x16_s", "rr"],
  ["i16x8_extend_low_i8x16_u", "rr"],
  ["i16x8_extend_high_i8x16_u", "rr"],
  // Float lane arithmetic: dst, a, b.
  ["f32x4_add", "rrr"],
  ["f32x4_sub", "rrr"],
  ["f32x4_mul", "rrr"],
  ["f32x4_div", "rrr"],
  ["f64x2_add", "rrr"],
  ["f64x2_sub", "rrr"],
  ["f64x2_mul", "rrr"],
  ["f64x2_div", "rrr"],
  // More own SIMD ops: saturating and rounding lane arithmetic (dst, a, b), lane
  // equality, the i16 dot product, pairwise widening adds (dst, a), bitmasks and
  // any_true (an i32 dst, a), narrowing with saturation (dst, a, b).
  ["i8x16_add_sat_s", "rrr"],
  ["i8x16_add_sat_u", "rrr"],
  ["i8x16_sub_sat_s", "rrr"],
  ["i8x16_sub_sat_u", "rrr"],
  ["i8x16_avgr_u", "rrr"],
  ["i16x8_add_sat_s", "rrr"],
  ["i16x8_add_sat_u", "rrr"],
  ["i16x8_sub_sat_s", "rrr"],
  ["i16x8_sub_sat_u", "rrr"],
  ["i16x8_avgr_u", "rrr"],
  ["i8x16_eq", "rrr"],
  ["i8x16_ne", "rrr"],
  ["i32x4_dot_i16x8_s", "rrr"],
  ["i16x8_extadd_pairwise_i8x16_s", "rr"],
  ["i16x8_extadd_pairwise_i8x16_u", "rr"],
  ["i32x4_extadd_pairwise_i16x8_s", "rr"],
  ["i32x4_extadd_pairwise_i16x8_u", "rr"],
  ["i8x16_bitmask", "rr"],
  ["i16x8_bitmask", "rr"],
  ["i32x4_bitmask", "rr"],
  ["v128_any_true", "rr"],
  ["i8x16_narrow_i16x8_s", "rrr"],
  ["i8x16_narrow_i16x8_u", "rrr"],
  ["i16x8_narrow_i32x4_s", "rrr"],
  ["i16x8_narrow_i32x4_u", "rrr"],
  // Lane stores: address, vector, imm (a folded i32.add, else 0), offset, lane.
  ["v128_store32_lane", "rriii"],
  ["v128_store64_lane", "rriii"],
  // i16x8.add of a vector and a v128.load8x8 (the load fused in, as in image filters):
  // dst, a, address, imm (a folded i32.add, else 0), offset.
  ["i16x8_add_load8x8_s", "rrrii"],
  ["i16x8_add_load8x8_u", "rrrii"],
  // A loop latch: an i32 add, then a compare-and-branch on its result (which is still written):
  // dst, a, imm or b, the compare's right operand (imm or register), target.
  ["i32_add_imm_br_ne_imm", "rriit"],
  ["i32_add_imm_br_lt_s_imm", "rriit"],
  ["i32_add_imm_br_lt_u_imm", "rriit"],
  ["i32_add_imm_br_ne", "rrirt"],
  ["i32_add_imm_br_lt_s", "rrirt"],
  ["i32_add_imm_br_lt_u", "rrirt"],
  ["i32_add_br_ne_imm", "rrrit"],
  ["i32_add_br_lt_s_imm", "rrrit"],
  ["i32_add_br_lt_u_imm", "rrrit"],
  ["i32_add_br_ne", "rrrrt"],
  ["i32_add_br_lt_s", "rrrrt"],
  ["i32_add_br_lt_u", "rrrrt"],
  // load32 at a scaled index (i32_shl_add_imm folded in): dst, x, shift, imm, offset;
  // the address is (((x << shift) + imm) mod 2^32) + offset.
  ["load32_si", "rriii"],
  // f64.mul by a value just loaded (the load folded in; a NaN's bits do not survive a multiply
  // anyway): dst, a, address, imm (a folded i32.add, else 0), offset.
  ["f64_mul_load", "rrrii"],
  // A pointer step, then a load through the stepped pointer (*(p += imm)), both results kept:
  // pointer dst, pointer source, imm, load dst, offset.
  ["i32_add_imm_load32", "rriri"],
  ["i32_add_imm_load8_u", "rriri"],
  // An i32 add of a constant, then a branch on some register (a loop counter stepped before the
  // test): dst, a, imm, condition, target.
  ["i32_add_imm_br_if", "rrirt"],
  // An i32 add of a constant whose result goes to two registers (local.tee then local.set):
  // dst, a, imm, second dst.
  ["i32_add_imm_mov", "rrir"],
  // A step of an index then a load32 at that index, scaled (stack[--sp]), both results kept:
  // index dst, index source, imm, load dst, shift, imm2, offset.
  ["i32_add_imm_load32_si", "rririii"],
  // f32x4.mul by a vector just loaded (v128.load folded in; products make NaN bits moot):
  // dst, a, address, imm (a folded i32.add, else 0), offset.
  ["f32x4_mul_load", "rrrii"],
  // f64.mul of two values just loaded, one after the other (a[i] * b[j]):
  // dst, address 1, imm 1, offset 1, address 2, imm 2, offset 2.
  ["f64_mul_load2", "rriirii"],
  // A jump back to a loop whose first instruction is an i32 add of a constant: the add, then a
  // jump past it (the loop head's own copy still runs on entry): dst, a, imm, target.
  ["i32_add_imm_br", "rrit"],
  // Two i16x8_add_load8x8_u in a row, the second adding to the first's sum (a sum of rows):
  // dst, a, address 1, imm 1, offset 1, address 2, imm 2, offset 2.
  ["i16x8_add2_load8x8_u", "rrriirii"],
  // i32x4.mul of an i32x4.extend_{low,high}_i16x8_u and a vector (fixed-point scaling):
  // dst, the i16x8 operand, the i32x4 operand.
  ["i32x4_extend_low_i16x8_u_mul", "rrr"],
  ["i32x4_extend_high_i16x8_u_mul", "rrr"],
  // Unsigned byte compares (classify bytes), four lanes per word.
  ["i8x16_lt_u", "rrr"],
  ["i8x16_gt_u", "rrr"],
  // i32.add of a value just loaded (sum += a[i]): dst, a, address, imm (a folded i32.add, else
  // 0), offset.
  ["i32_add_load8_u", "rrrii"],
  ["i32_add_load32", "rrrii"],
  // The same widening multiply, then i32x4.shr_u of the products (fixed-point scaling, x * k >>
  // 16): dst, the i16x8 operand, the i32x4 operand, the shift count's register.
  ["i32x4_extend_low_i16x8_u_mul_shr_u", "rrrr"],
  ["i32x4_extend_high_i16x8_u_mul_shr_u", "rrrr"],
  // Relaxed SIMD with three vector operands (simd_relaxed.ts): madd/nmadd and dot_add.
  // dst, a, b, c, sub-opcode (0x105-0x108, 0x113).
  ["v128_relaxed_ternary", "rrrrn"],
  // Tail calls (WebAssembly 3.0): as call and call_indirect, but the callee replaces the frame
  // (its arguments move down to the frame base; no frame record is pushed).
  ["return_call", "nr"], // function index, argument base
  ["return_call_indirect", "nnrr"], // table, type index, element index register, argument base
  // Threads (atomic_ops.ts): every 0xFE instruction but atomic.fence. dst (unused by stores),
  // address, first operand, second operand (0 when the instruction has fewer), offset,
  // sub-opcode (the byte after 0xFE) plus 256 times the memory index.
  ["atomic", "rrrrin"],
  // The deterministic profile (translate/deterministic.ts): after an instruction that may compute
  // a NaN, its result register's NaNs become the canonical NaN (each lane's, for vectors).
  ["canon_f32", "r"],
  ["canon_f64", "r"],
  ["canon_f32x4", "r"],
  ["canon_f64x2", "r"],
  // Multiple memories and memory64 (execute/other_memories.ts; memory 0 with i32 addresses keeps
  // the ops above). An i64 address plus a u64 offset as an i32 address, trapping at 2^32 and
  // above (no memory is that large): dst, address, offset low word, offset high word.
  ["mem_addr64", "rrii"],
  // An i64 index as a u32, 2^32 - 1 when larger (out of bounds of any table): dst, index.
  ["i64_sat_u32", "rr"],
  // A load or store of any memory instruction on a memory other than 0: dst (loads), address,
  // memory, wasm op id, offset, vector (lane loads) or value (stores), lane.
  ["memx_load", "rrnnirn"],
  ["memx_store", "rrnnin"], // address, value, memory, wasm op id, offset, lane
  ["memx_size", "rn"], // dst (i32, or i64 for a 64-bit memory), memory
  ["memx_grow", "rrn"], // dst, delta, memory
  ["memx_fill", "rrrn"], // dst, value, count, memory
  ["memx_copy", "rrrnn"], // dst, src, count, dst memory, src memory
  ["memx_init", "rrrnn"], // dst, src offset, count, memory, segment
  // Exception handling: throw (tag index, the values' first register); throw_ref (the exnref).
  ["throw", "nr"],
  ["throw_ref", "r"],
  // Typed references and GC (execute/gc_ops.ts). Types are canonical: `n` a canonical type id,
  // `i` a canonical reference type (see lib/validate/type_canon.ts).
  ["ref_as_non_null", "rr"], // dst, ref: traps on null
  ["call_ref_prepare", "r"], // the callee of the next call_indirect with table -1
  ["ref_test", "rri"], // i32 dst, ref, type
  ["ref_test_fail", "rri"], // i32 dst, ref, type: 1 when the test fails
  ["ref_cast", "rri"], // dst, ref, type: traps on failure
  ["ref_eq", "rrr"],
  ["ref_i31", "rr"],
  ["i31_get", "rri"], // i32 dst, ref, 1 signed / 0 unsigned
  ["any_convert_extern", "rr"],
  ["extern_convert_any", "rr"],
  ["struct_new", "rrn"], // dst, first field's register (fields in a row), type
  ["struct_new_default", "rn"],
  ["struct_get", "rrnni"], // dst, ref, type, field, 0 plain / 1 signed / 2 unsigned
  ["struct_set", "rrnn"], // ref, value, type, field
  ["array_new", "rrrn"], // dst, value, length, type
  ["array_new_default", "rrn"], // dst, length, type
  ["array_new_fixed", "rrnn"], // dst, first element's register, type, count
  ["array_new_data", "rrrnn"], // dst, offset, length, type, segment
  ["array_new_elem", "rrrnn"],
  ["array_get", "rrrni"], // dst, ref, index, type, 0 plain / 1 signed / 2 unsigned
  ["array_set", "rrrn"], // ref, index, value, type
  ["array_len", "rr"],
  ["array_fill", "rrrrn"], // ref, offset, value, count, type
  ["array_copy", "rrrrrn"], // dst ref, dst offset, src ref, src offset, count, type
  ["array_init_data", "rrrrnn"], // ref, dst offset, src offset, count, type, segment
  ["array_init_elem", "rrrrnn"],
  // An array element's address, base + (i << shift), with the base in a register: dst, x, shift, y.
  ["i32_shl_add", "rrir"],
  // The same sum, then a load32 through it, both results kept (p = base + (i << 2); p->field):
  // sum dst, x, shift, y, load dst, offset.
  ["i32_shl_add_load32", "rrirri"],
  // An i32 add of a constant, then a store32 of the sum (x->n + 1, or n += 1 kept in a local and
  // stored), the sum still written: dst, a, imm, address, address imm (a folded i32.add, else 0),
  // offset.
  ["i32_add_imm_store32", "rririi"],
  // A load32, then a branch on the loaded value compared with a constant (x = p->kind; if (x ==
  // K)), the value still written: dst, address, offset, imm, target. (load8_u_br_*: the same
  // for a byte; `if (*p)` is a branch on ≠ 0.)
  ["load32_br_eq_imm", "rriit"],
  ["load32_br_ne_imm", "rriit"],
  ["load8_u_br_eq_imm", "rriit"],
  ["load8_u_br_ne_imm", "rriit"],
  // Two constants or two moves in a row (arguments, locals set): d1, imm1 (s1), d2, imm2 (s2).
  ["const32x2", "riri"],
  ["mov32x2", "rrrr"],
  // (a - b) >> k, the count of elements between two pointers: dst, a, b, k.
  ["i32_sub_shr_s_imm", "rrri"],
  // x & mask, then a branch on the result compared with a constant (a flag test), the result
  // still written: dst, x, mask, imm, target.
  ["i32_and_imm_br_eq_imm", "rriit"],
  ["i32_and_imm_br_ne_imm", "rriit"],
  // Two load32 in a row (a = p->x; b = p->y), in order: dst 1, address 1, offset 1, dst 2,
  // address 2, offset 2. A trap in the second is reported at the op's position + 1, where the
  // source map has the second load's entry.
  ["load32x2", "rrirri"],
];

/** Op numbers by name, e.g. `OP.i32_add`. For the translator; the executor uses literals. */
export const OP: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(OP_SPECS.map(([name], i) => [name, i])),
);

/** The width in words of the instruction at `pc` (op word included). */
export function instructionWidth(code: Int32Array, pc: number): number {
  const op = code[pc];
  if (op === OP.br_table) return 3 + code[pc + 2] + 1;
  return 1 + OP_SPECS[op][1].length;
}

/** The branch targets of the instruction at `pc` (a `br_table`'s default last). */
export function branchTargets(code: Int32Array, pc: number): number[] {
  const op = code[pc];
  const out: number[] = [];
  const kinds = OP_SPECS[op][1];
  for (let k = 0; k < kinds.length; k++) if (kinds[k] === "t") out.push(code[pc + 1 + k]);
  if (op === OP.br_table) {
    for (let k = 0; k <= code[pc + 2]; k++) out.push(code[pc + 3 + k]);
  }
  return out;
}

/**
 * Renders register code as text, one instruction per line, e.g.
 * `4: i32_add r6 r0 r2`. Registers print as slot numbers with a `.5` suffix
 * for the high word of an i32-view offset; used by tests and debugging.
 */
export function disassemble(code: Int32Array): string[] {
  const lines: string[] = [];
  for (let pc = 0; pc < code.length;) {
    const op = code[pc];
    const spec = OP_SPECS[op];
    if (spec === undefined) {
      lines.push(`${pc}: <bad op ${op}>`);
      break;
    }
    const [name, kinds] = spec;
    const parts = [`${pc}: ${name}`];
    for (let k = 0; k < kinds.length; k++) {
      const v = code[pc + 1 + k];
      parts.push(kinds[k] === "r" ? `r${v / 2}` : kinds[k] === "t" ? `@${v}` : `${v}`);
    }
    if (op === OP.br_table) {
      for (let k = 0; k <= code[pc + 2]; k++) parts.push(`@${code[pc + 3 + k]}`);
    }
    lines.push(parts.join(" "));
    pc += instructionWidth(code, pc);
  }
  return lines;
}
