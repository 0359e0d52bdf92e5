/**
 * Prints the instruction table of lib/interpreter/README.md from `OP_SPECS`:
 *   deno run tools/readme_table.ts
 * Paste its output over the table (ops_test.ts checks that every op is there).
 */
import { OP_SPECS } from "../lib/interpreter/ops.ts";
const meaning = (name: string, kinds: string): string => {
  const fixed: Record<string, string> = {
    unreachable: 'trap "unreachable"',
    br: "jump to t",
    br_if: "jump to t if r ≠ 0",
    br_unless: "jump to t if r = 0",
    br_table: "followed by n+1 targets: jump to target[min(r, n)] (r unsigned)",
    call: "call function n with arguments (and later results) at frame offset r",
    call_indirect: "call table n₁[r₁] after checking it has type n₂; arguments at r₂",
    return: "return (results already at the frame base)",
    return32: "copy 32-bit r to the frame base, return",
    return64: "copy 64-bit r to the frame base, return",
    throw: "throw an exception of tag n with the values from r (unwinds to a handler)",
    throw_ref: "rethrow the exception of exnref r (null: trap)",
    mov32: "d ← s (32 bits)",
    mov64: "d ← s (64 bits)",
    mov128: "d ← s (128 bits)",
    movref: "d ← s (reference)",
    const32: "d ← imm",
    const64: "d ← (lo, hi)",
    const128: "d ← four words",
    memory_size: "d ← memory 0 size in pages",
    memory_grow: "d ← memory.grow(r)",
    ref_null: "d ← null",
    ref_func: "d ← function n",
    ref_is_null: "d ← (r = null)",
    atomic:
      "0xFE sub-opcode n & 255 on memory n >> 8 (`atomic_ops.ts`): d ← result; address r₂ + offset; operands r₃, r₄",
    canon_f32: "deterministic profile: r ← canonical NaN if r is a NaN",
    canon_f64: "deterministic profile: r ← canonical NaN if r is a NaN",
    canon_f32x4: "deterministic profile: each NaN lane of r ← canonical NaN",
    canon_f64x2: "deterministic profile: each NaN lane of r ← canonical NaN",
    table_get: "d ← table n[r]",
    table_set: "table n[r₁] ← r₂",
    table_size: "d ← size of table n",
    table_grow: "d ← table.grow(init r₁, delta r₂) on table n",
    table_fill: "table.fill(start, value, count) on table n",
    table_copy: "table.copy(dst, src, count) from table n₂ to n₁",
    table_init: "table.init(dst, src, count) of segment n₂ into table n₁",
    elem_drop: "drop element segment n",
    memory_init: "memory.init(dst, src, count) of data segment n",
    data_drop: "drop data segment n",
    memory_copy: "memory.copy(dst, src, count)",
    memory_fill: "memory.fill(dst, byte, count)",
    unsupported: "trap (no longer emitted)",
    listen_enter: "call the function's listener with its parameters (listened code only)",
    listen_exit: "call the function's listener with its results (listened code only)",
    i64_shl_imm: "d ← i64.shl(a, imm) (imm in 0..63)",
    i64_shr_s_imm: "d ← i64.shr_s(a, imm)",
    i64_shr_u_imm: "d ← i64.shr_u(a, imm)",
    i64_rotl_imm: "d ← i64.rotl(a, imm) (rotr is rotl by 64 − imm)",
    load32_ai: "d ← load32 at ((a + imm) mod 2³²) + offset (i32.add folded into the load)",
    load64_ai: "d ← load64 at ((a + imm) mod 2³²) + offset",
    load8_u_ai: "d ← load8_u at ((a + imm) mod 2³²) + offset",
    store32_ai: "store32 of r₂ at ((r₁ + imm) mod 2³²) + offset",
    store64_ai: "store64 of r₂ at ((r₁ + imm) mod 2³²) + offset",
    store8_ai: "store8 of r₂ at ((r₁ + imm) mod 2³²) + offset",
    load32_aa: "d ← load32 at ((a + x) mod 2³²) + offset (i32.add folded into the load)",
    load64_aa: "d ← load64 at ((a + x) mod 2³²) + offset",
    load8_u_aa: "d ← load8_u at ((a + x) mod 2³²) + offset",
    store32_aa: "store32 of r₂ at ((r₁ + x) mod 2³²) + offset",
    store64_aa: "store64 of r₂ at ((r₁ + x) mod 2³²) + offset",
    store8_aa: "store8 of r₂ at ((r₁ + x) mod 2³²) + offset",
    i32_shl_add_imm: "d ← (x << shift) + imm (a scaled index: i32.shl then i32.add of constants)",
    consume_fuel: 'fuel -= imm; trap "out of fuel" below zero (metered code only)',
    v128_load: "d ← 16 bytes at ((r + imm) mod 2³²) + offset",
    v128_load8x8_s: "d ← 8 bytes at ((r + imm) mod 2³²) + offset, sign-extended to i16 lanes",
    v128_load8x8_u: "d ← 8 bytes at ((r + imm) mod 2³²) + offset, zero-extended to i16 lanes",
    v128_load_ext: "d ← v128.load8x8/16x4/32x2 (s/u), loadN_splat or loadN_zero (sub-opcode n)",
    v128_store: "store 16 bytes of r₂ at ((r₁ + imm) mod 2³²) + offset",
    v128_load_lane: "d ← vector r₂ with lane (n >> 8) loaded from r₁ + offset",
    v128_store_lane: "store lane (n >> 8) of r₂ at r₁ + offset",
    v128_shuffle: "d ← i8x16.shuffle(a, b) with 16 lane indices packed in 4 words",
    v128_splat: "d ← splat of scalar r (shape by sub-opcode n)",
    v128_extract: "d ← lane (n >> 8) of r",
    v128_replace: "d ← vector r₁ with lane (n >> 8) set to scalar r₂",
    v128_bitselect: "d ← bits of a where mask is 1, of b where it is 0",
    v128_int_unary:
      "d ← integer-lane unary op n (abs, neg, popcnt, extend, all_true, bitmask...) of a",
    v128_int_binary:
      "d ← integer-lane binary op n (arithmetic, compare, narrow, extmul, dot...) of a and b (b is an i32 for shifts)",
    v128_float_unary: "d ← float-lane unary op n (abs, neg, sqrt, rounding, conversions) of a",
    v128_float_binary: "d ← float-lane binary op n of a and b",
  };
  if (fixed[name]) return fixed[name];
  if (name.startsWith("select")) return "d ← (c ≠ 0 ? a : b)";
  if (name.startsWith("global_get")) return "d ← global n";
  if (name.startsWith("global_set")) return "global n ← r";
  if (name.startsWith("load")) {
    return `d ← ${name} at r + offset (u32 address + u32 offset, no wrap)`;
  }
  if (name.startsWith("store")) return `store ${name.slice(5) || ""}-bit value r₂ at r₁ + offset`;
  if (name.startsWith("br_i32_")) {
    return `jump to t if i32.${name.slice(7).replace("_imm", "")}(a, ${
      name.endsWith("_imm") ? "imm" : "b"
    })`;
  }
  if (name.endsWith("_imm")) return `d ← ${name.replace("_imm", "").replace("_", ".")}(a, imm)`;
  if (kinds === "rrr") return `d ← ${name.replace("_", ".")}(a, b)`;
  if (kinds === "rr") return `d ← ${name.replace("_", ".")}(a)`;
  return name;
};
const rows = OP_SPECS.map(([name, kinds], i) =>
  `| ${i} | \`${name}\` | ${kinds.split("").join(" ") || "—"} | ${meaning(name, kinds)} |`
);
console.log(rows.join("\n"));
