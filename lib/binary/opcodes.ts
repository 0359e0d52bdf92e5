/**
 * The instruction set of WebAssembly 2.0 as one table: every instruction's
 * text name, binary opcode, immediate kind and (for instructions with a
 * fixed signature) operand and result types. The decoder, the validator and
 * the text encoder all read this table, so an instruction is described once.
 *
 * Opcodes are flattened into one number space, the "op id":
 * - single-byte opcodes keep their byte value (0x00..0xFF);
 * - `0xFC n` (saturating truncation, bulk memory, tables) is `0x100 + n`;
 * - `0xFD n` (SIMD) is `0x200 + n`;
 * - `0xFB n` (GC) is `0x400 + n`.
 * - `0xFE n` (threads: atomics) is `0x300 + n` (see `isAtomicOp`).
 *
 * @module
 */

/** First op id of the `0xFC` prefixed instructions. */
export const PREFIX_FC = 0x100;
/** First op id of the `0xFD` (SIMD) prefixed instructions. */
export const PREFIX_FD = 0x200;
/** First op id of the `0xFB` (GC) prefixed instructions. */
export const PREFIX_FB = 0x400;
/**
 * First op id of the relaxed SIMD instructions, `0xFD n` with n from 0x100:
 * `0xFD n` is `PREFIX_FD_RELAXED + (n - 0x100)`. (The ids between are left
 * to the other prefixes of WebAssembly 3.0.)
 */
export const PREFIX_FD_RELAXED = 0x500;
/** The first relaxed SIMD sub-opcode (the u32 after 0xFD). */
export const RELAXED_SIMD_FIRST_SUB = 0x100;
/** First op id of the `0xFE` (threads: atomic) prefixed instructions, up to 0x3FF. */
export const PREFIX_FE = 0x300;
/** One past the largest op id. */
export const OP_COUNT = 0x600;

/** True for the op ids of `0xFB` (GC) instructions. */
export function isGcOp(id: number): boolean {
  return id >= PREFIX_FB && id < PREFIX_FB + 0x100;
}

/** True for the op ids of the 0xFE (threads) instructions. */
export function isAtomicOp(id: number): boolean {
  return id >= PREFIX_FE && id < PREFIX_FE + 0x100;
}

/** The shape of an instruction's immediate operands. */
export const Imm = {
  /** No immediates. */
  none: 0,
  /** A block type: `0x40`, a value type, or an s33 type index. */
  blockType: 1,
  /** A label index (`br`, `br_if`). */
  label: 2,
  /** A vector of label indices and a default (`br_table`). */
  brTable: 3,
  /** A function index (`call`, `ref.func`). */
  func: 4,
  /** A type index and a table index (`call_indirect`). */
  callIndirect: 5,
  /** A local index. */
  local: 6,
  /** A global index. */
  global: 7,
  /** A table index (`table.get` and friends). */
  table: 8,
  /** A memory argument: alignment exponent and offset. */
  memArg: 9,
  /** A single zero byte standing for memory 0 (`memory.size`, `memory.grow`, `memory.fill`). */
  memZero: 10,
  /** An s32 constant. */
  i32: 11,
  /** An s64 constant. */
  i64: 12,
  /** An f32 bit pattern. */
  f32: 13,
  /** An f64 bit pattern. */
  f64: 14,
  /** A reference type (`ref.null`). */
  refType: 15,
  /** A vector of value types (typed `select`). */
  selectTypes: 16,
  /** An element segment index (`elem.drop`). */
  elem: 17,
  /** A data segment index (`data.drop`). */
  data: 18,
  /** An element segment index and a table index (`table.init`). */
  tableInit: 19,
  /** Destination and source table indices (`table.copy`). */
  tableCopy: 20,
  /** A data segment index and a zero byte (`memory.init`). */
  memoryInit: 21,
  /** Two zero bytes (`memory.copy`). */
  memoryCopy: 22,
  /** 16 bytes (`v128.const`). */
  v128: 23,
  /** A lane index byte. */
  lane: 24,
  /** A memory argument and a lane index byte. */
  memArgLane: 25,
  /** 16 lane index bytes (`i8x16.shuffle`). */
  shuffle: 26,
  /** A type index (`call_ref`, `struct.new`, `array.get` ...). */
  typeIndex: 40,
  /** Two u32 indices (`struct.get` type and field, `array.copy` types, `array.new_fixed` type and count ...). */
  twoIndices: 41,
  /** A heap type, the nullability given by the opcode (`ref.test`, `ref.cast`). */
  heapType: 42,
  /** Cast flags, a label and two heap types (`br_on_cast`, `br_on_cast_fail`). */
  brOnCast: 43,
  /** A memory argument whose alignment must be the natural one (atomics). */
  atomicMemArg: 27,
  /** A reserved zero byte that names no memory (`atomic.fence`). */
  zeroByte: 28,
  /** A tag index (`throw`, the legacy `catch`). */
  tag: 29,
  /** A block type and a vector of catch clauses (`try_table`). */
  tryTable: 30,
} as const;

/** One of the codes in {@link Imm}. */
export type Imm = typeof Imm[keyof typeof Imm];

/** Everything the table knows about one instruction. */
export interface OpInfo {
  /** The op id (see the module documentation). */
  id: number;
  /** The text-format name, e.g. `i32.add`. */
  name: string;
  imm: Imm;
  /**
   * Operand types popped, bottom first, as value type codes; `null` for
   * instructions whose typing depends on immediates or context (control,
   * variables, calls, `select`, references, tables, `drop`).
   */
  params: number[] | null;
  /** Result types pushed; `null` exactly when `params` is. */
  results: number[] | null;
  /** log2 of the natural alignment for memory accesses, else 0. */
  align: number;
  /** Number of lanes for lane-indexed instructions, else 0. */
  lanes: number;
}

const I = 0x7f, L = 0x7e, F = 0x7d, D = 0x7c, V = 0x7b;
const TYPE_LETTERS: Record<string, number> = { i: I, l: L, f: F, d: D, v: V };

function types(letters: string): number[] {
  return [...letters].map((c) => TYPE_LETTERS[c]);
}

/** Op info indexed by op id; entries for unassigned opcodes are undefined. */
export const OPS: (OpInfo | undefined)[] = new Array(OP_COUNT);
/** Op info by text name. */
export const OPS_BY_NAME: Map<string, OpInfo> = new Map();

/**
 * Registers an instruction. `sig` is `"params:results"` in type letters
 * (i = i32, l = i64, f = f32, d = f64, v = v128), or `null` for
 * context-typed instructions.
 */
function op(
  id: number,
  name: string,
  imm: Imm,
  sig: string | null,
  align = 0,
  lanes = 0,
): void {
  let params: number[] | null = null, results: number[] | null = null;
  if (sig !== null) {
    const [p, r] = sig.split(":");
    params = types(p);
    results = types(r);
  }
  const info: OpInfo = { id, name, imm, params, results, align, lanes };
  OPS[id] = info;
  // Typed `select` shares its name with plain `select`; the name maps to the plain form.
  if (!OPS_BY_NAME.has(name)) OPS_BY_NAME.set(name, info);
}

// Control instructions.
op(0x00, "unreachable", Imm.none, null);
op(0x01, "nop", Imm.none, ":");
op(0x02, "block", Imm.blockType, null);
op(0x03, "loop", Imm.blockType, null);
op(0x04, "if", Imm.blockType, null);
op(0x05, "else", Imm.none, null);
op(0x0b, "end", Imm.none, null);
op(0x0c, "br", Imm.label, null);
op(0x0d, "br_if", Imm.label, null);
op(0x0e, "br_table", Imm.brTable, null);
op(0x0f, "return", Imm.none, null);
op(0x10, "call", Imm.func, null);
op(0x11, "call_indirect", Imm.callIndirect, null);
// Tail calls (WebAssembly 3.0).
op(0x12, "return_call", Imm.func, null);
op(0x13, "return_call_indirect", Imm.callIndirect, null);

// Exception handling (and its legacy instructions: try, catch, rethrow, delegate, catch_all).
op(0x06, "try", Imm.blockType, null);
op(0x07, "catch", Imm.tag, null);
op(0x08, "throw", Imm.tag, null);
op(0x09, "rethrow", Imm.label, null);
op(0x0a, "throw_ref", Imm.none, null);
op(0x18, "delegate", Imm.label, null);
op(0x19, "catch_all", Imm.none, null);
op(0x1f, "try_table", Imm.tryTable, null);

// Parametric instructions.
op(0x1a, "drop", Imm.none, null);
op(0x1b, "select", Imm.none, null);
op(0x1c, "select", Imm.selectTypes, null);

// Variable instructions.
op(0x20, "local.get", Imm.local, null);
op(0x21, "local.set", Imm.local, null);
op(0x22, "local.tee", Imm.local, null);
op(0x23, "global.get", Imm.global, null);
op(0x24, "global.set", Imm.global, null);

// Table instructions.
op(0x25, "table.get", Imm.table, null);
op(0x26, "table.set", Imm.table, null);

// Memory instructions: [opcode, name, signature, natural alignment (log2)].
const memoryOps: [number, string, string, number][] = [
  [0x28, "i32.load", "i:i", 2],
  [0x29, "i64.load", "i:l", 3],
  [0x2a, "f32.load", "i:f", 2],
  [0x2b, "f64.load", "i:d", 3],
  [0x2c, "i32.load8_s", "i:i", 0],
  [0x2d, "i32.load8_u", "i:i", 0],
  [0x2e, "i32.load16_s", "i:i", 1],
  [0x2f, "i32.load16_u", "i:i", 1],
  [0x30, "i64.load8_s", "i:l", 0],
  [0x31, "i64.load8_u", "i:l", 0],
  [0x32, "i64.load16_s", "i:l", 1],
  [0x33, "i64.load16_u", "i:l", 1],
  [0x34, "i64.load32_s", "i:l", 2],
  [0x35, "i64.load32_u", "i:l", 2],
  [0x36, "i32.store", "ii:", 2],
  [0x37, "i64.store", "il:", 3],
  [0x38, "f32.store", "if:", 2],
  [0x39, "f64.store", "id:", 3],
  [0x3a, "i32.store8", "ii:", 0],
  [0x3b, "i32.store16", "ii:", 1],
  [0x3c, "i64.store8", "il:", 0],
  [0x3d, "i64.store16", "il:", 1],
  [0x3e, "i64.store32", "il:", 2],
];
for (const [code, name, sig, align] of memoryOps) {
  op(code, name, Imm.memArg, sig, align);
}
op(0x3f, "memory.size", Imm.memZero, ":i");
op(0x40, "memory.grow", Imm.memZero, "i:i");

// Constants.
op(0x41, "i32.const", Imm.i32, ":i");
op(0x42, "i64.const", Imm.i64, ":l");
op(0x43, "f32.const", Imm.f32, ":f");
op(0x44, "f64.const", Imm.f64, ":d");

/** Registers consecutive opcodes sharing one signature. */
function run(first: number, sig: string, names: string[]): void {
  names.forEach((name, i) => op(first + i, name, Imm.none, sig));
}

// Numeric instructions, in opcode order.
run(0x45, "i:i", ["i32.eqz"]);
run(0x46, "ii:i", [
  "i32.eq",
  "i32.ne",
  "i32.lt_s",
  "i32.lt_u",
  "i32.gt_s",
  "i32.gt_u",
  "i32.le_s",
  "i32.le_u",
  "i32.ge_s",
  "i32.ge_u",
]);
run(0x50, "l:i", ["i64.eqz"]);
run(0x51, "ll:i", [
  "i64.eq",
  "i64.ne",
  "i64.lt_s",
  "i64.lt_u",
  "i64.gt_s",
  "i64.gt_u",
  "i64.le_s",
  "i64.le_u",
  "i64.ge_s",
  "i64.ge_u",
]);
run(0x5b, "ff:i", ["f32.eq", "f32.ne", "f32.lt", "f32.gt", "f32.le", "f32.ge"]);
run(0x61, "dd:i", ["f64.eq", "f64.ne", "f64.lt", "f64.gt", "f64.le", "f64.ge"]);
run(0x67, "i:i", ["i32.clz", "i32.ctz", "i32.popcnt"]);
run(0x6a, "ii:i", [
  "i32.add",
  "i32.sub",
  "i32.mul",
  "i32.div_s",
  "i32.div_u",
  "i32.rem_s",
  "i32.rem_u",
  "i32.and",
  "i32.or",
  "i32.xor",
  "i32.shl",
  "i32.shr_s",
  "i32.shr_u",
  "i32.rotl",
  "i32.rotr",
]);
run(0x79, "l:l", ["i64.clz", "i64.ctz", "i64.popcnt"]);
run(0x7c, "ll:l", [
  "i64.add",
  "i64.sub",
  "i64.mul",
  "i64.div_s",
  "i64.div_u",
  "i64.rem_s",
  "i64.rem_u",
  "i64.and",
  "i64.or",
  "i64.xor",
  "i64.shl",
  "i64.shr_s",
  "i64.shr_u",
  "i64.rotl",
  "i64.rotr",
]);
run(0x8b, "f:f", [
  "f32.abs",
  "f32.neg",
  "f32.ceil",
  "f32.floor",
  "f32.trunc",
  "f32.nearest",
  "f32.sqrt",
]);
run(0x92, "ff:f", [
  "f32.add",
  "f32.sub",
  "f32.mul",
  "f32.div",
  "f32.min",
  "f32.max",
  "f32.copysign",
]);
run(0x99, "d:d", [
  "f64.abs",
  "f64.neg",
  "f64.ceil",
  "f64.floor",
  "f64.trunc",
  "f64.nearest",
  "f64.sqrt",
]);
run(0xa0, "dd:d", [
  "f64.add",
  "f64.sub",
  "f64.mul",
  "f64.div",
  "f64.min",
  "f64.max",
  "f64.copysign",
]);
run(0xa7, "l:i", ["i32.wrap_i64"]);
run(0xa8, "f:i", ["i32.trunc_f32_s", "i32.trunc_f32_u"]);
run(0xaa, "d:i", ["i32.trunc_f64_s", "i32.trunc_f64_u"]);
run(0xac, "i:l", ["i64.extend_i32_s", "i64.extend_i32_u"]);
run(0xae, "f:l", ["i64.trunc_f32_s", "i64.trunc_f32_u"]);
run(0xb0, "d:l", ["i64.trunc_f64_s", "i64.trunc_f64_u"]);
run(0xb2, "i:f", ["f32.convert_i32_s", "f32.convert_i32_u"]);
run(0xb4, "l:f", ["f32.convert_i64_s", "f32.convert_i64_u"]);
run(0xb6, "d:f", ["f32.demote_f64"]);
run(0xb7, "i:d", ["f64.convert_i32_s", "f64.convert_i32_u"]);
run(0xb9, "l:d", ["f64.convert_i64_s", "f64.convert_i64_u"]);
run(0xbb, "f:d", ["f64.promote_f32"]);
run(0xbc, "f:i", ["i32.reinterpret_f32"]);
run(0xbd, "d:l", ["i64.reinterpret_f64"]);
run(0xbe, "i:f", ["f32.reinterpret_i32"]);
run(0xbf, "l:d", ["f64.reinterpret_i64"]);
run(0xc0, "i:i", ["i32.extend8_s", "i32.extend16_s"]);
run(0xc2, "l:l", ["i64.extend8_s", "i64.extend16_s", "i64.extend32_s"]);

// Reference instructions.
op(0xd0, "ref.null", Imm.refType, null);
op(0xd1, "ref.is_null", Imm.none, null);
op(0xd2, "ref.func", Imm.func, null);

// 0xFC: saturating truncation, bulk memory and table instructions.
run(PREFIX_FC + 0, "f:i", ["i32.trunc_sat_f32_s", "i32.trunc_sat_f32_u"]);
run(PREFIX_FC + 2, "d:i", ["i32.trunc_sat_f64_s", "i32.trunc_sat_f64_u"]);
run(PREFIX_FC + 4, "f:l", ["i64.trunc_sat_f32_s", "i64.trunc_sat_f32_u"]);
run(PREFIX_FC + 6, "d:l", ["i64.trunc_sat_f64_s", "i64.trunc_sat_f64_u"]);
op(PREFIX_FC + 8, "memory.init", Imm.memoryInit, "iii:");
op(PREFIX_FC + 9, "data.drop", Imm.data, ":");
op(PREFIX_FC + 10, "memory.copy", Imm.memoryCopy, "iii:");
op(PREFIX_FC + 11, "memory.fill", Imm.memZero, "iii:");
op(PREFIX_FC + 12, "table.init", Imm.tableInit, "iii:");
op(PREFIX_FC + 13, "elem.drop", Imm.elem, ":");
op(PREFIX_FC + 14, "table.copy", Imm.tableCopy, "iii:");
op(PREFIX_FC + 15, "table.grow", Imm.table, null);
op(PREFIX_FC + 16, "table.size", Imm.table, null);
op(PREFIX_FC + 17, "table.fill", Imm.table, null);

// 0xFD: SIMD.
const simdMemoryOps: [number, string, string, number][] = [
  [0x00, "v128.load", "i:v", 4],
  [0x01, "v128.load8x8_s", "i:v", 3],
  [0x02, "v128.load8x8_u", "i:v", 3],
  [0x03, "v128.load16x4_s", "i:v", 3],
  [0x04, "v128.load16x4_u", "i:v", 3],
  [0x05, "v128.load32x2_s", "i:v", 3],
  [0x06, "v128.load32x2_u", "i:v", 3],
  [0x07, "v128.load8_splat", "i:v", 0],
  [0x08, "v128.load16_splat", "i:v", 1],
  [0x09, "v128.load32_splat", "i:v", 2],
  [0x0a, "v128.load64_splat", "i:v", 3],
  [0x0b, "v128.store", "iv:", 4],
  [0x5c, "v128.load32_zero", "i:v", 2],
  [0x5d, "v128.load64_zero", "i:v", 3],
];
for (const [code, name, sig, align] of simdMemoryOps) {
  op(PREFIX_FD + code, name, Imm.memArg, sig, align);
}
op(PREFIX_FD + 0x0c, "v128.const", Imm.v128, ":v");
op(PREFIX_FD + 0x0d, "i8x16.shuffle", Imm.shuffle, "vv:v", 0, 32);
op(PREFIX_FD + 0x0e, "i8x16.swizzle", Imm.none, "vv:v");
run(PREFIX_FD + 0x0f, "i:v", ["i8x16.splat", "i16x8.splat", "i32x4.splat"]);
op(PREFIX_FD + 0x12, "i64x2.splat", Imm.none, "l:v");
op(PREFIX_FD + 0x13, "f32x4.splat", Imm.none, "f:v");
op(PREFIX_FD + 0x14, "f64x2.splat", Imm.none, "d:v");

// Lane access: [opcode, name, signature, lane count].
const laneOps: [number, string, string, number][] = [
  [0x15, "i8x16.extract_lane_s", "v:i", 16],
  [0x16, "i8x16.extract_lane_u", "v:i", 16],
  [0x17, "i8x16.replace_lane", "vi:v", 16],
  [0x18, "i16x8.extract_lane_s", "v:i", 8],
  [0x19, "i16x8.extract_lane_u", "v:i", 8],
  [0x1a, "i16x8.replace_lane", "vi:v", 8],
  [0x1b, "i32x4.extract_lane", "v:i", 4],
  [0x1c, "i32x4.replace_lane", "vi:v", 4],
  [0x1d, "i64x2.extract_lane", "v:l", 2],
  [0x1e, "i64x2.replace_lane", "vl:v", 2],
  [0x1f, "f32x4.extract_lane", "v:f", 4],
  [0x20, "f32x4.replace_lane", "vf:v", 4],
  [0x21, "f64x2.extract_lane", "v:d", 2],
  [0x22, "f64x2.replace_lane", "vd:v", 2],
];
for (const [code, name, sig, lanes] of laneOps) {
  op(PREFIX_FD + code, name, Imm.lane, sig, 0, lanes);
}

const cmpSuffixes = [
  "eq",
  "ne",
  "lt_s",
  "lt_u",
  "gt_s",
  "gt_u",
  "le_s",
  "le_u",
  "ge_s",
  "ge_u",
];
run(PREFIX_FD + 0x23, "vv:v", cmpSuffixes.map((s) => `i8x16.${s}`));
run(PREFIX_FD + 0x2d, "vv:v", cmpSuffixes.map((s) => `i16x8.${s}`));
run(PREFIX_FD + 0x37, "vv:v", cmpSuffixes.map((s) => `i32x4.${s}`));
const floatCmp = ["eq", "ne", "lt", "gt", "le", "ge"];
run(PREFIX_FD + 0x41, "vv:v", floatCmp.map((s) => `f32x4.${s}`));
run(PREFIX_FD + 0x47, "vv:v", floatCmp.map((s) => `f64x2.${s}`));
op(PREFIX_FD + 0x4d, "v128.not", Imm.none, "v:v");
run(PREFIX_FD + 0x4e, "vv:v", ["v128.and", "v128.andnot", "v128.or", "v128.xor"]);
op(PREFIX_FD + 0x52, "v128.bitselect", Imm.none, "vvv:v");
op(PREFIX_FD + 0x53, "v128.any_true", Imm.none, "v:i");

// Lane loads and stores: [opcode, name, signature, natural alignment, lanes].
const laneMemoryOps: [number, string, string, number, number][] = [
  [0x54, "v128.load8_lane", "iv:v", 0, 16],
  [0x55, "v128.load16_lane", "iv:v", 1, 8],
  [0x56, "v128.load32_lane", "iv:v", 2, 4],
  [0x57, "v128.load64_lane", "iv:v", 3, 2],
  [0x58, "v128.store8_lane", "iv:", 0, 16],
  [0x59, "v128.store16_lane", "iv:", 1, 8],
  [0x5a, "v128.store32_lane", "iv:", 2, 4],
  [0x5b, "v128.store64_lane", "iv:", 3, 2],
];
for (const [code, name, sig, align, lanes] of laneMemoryOps) {
  op(PREFIX_FD + code, name, Imm.memArgLane, sig, align, lanes);
}

/** SIMD instructions with no immediates: [opcode, name, signature]. */
const simdPlain: [number, string, string][] = [
  [0x5e, "f32x4.demote_f64x2_zero", "v:v"],
  [0x5f, "f64x2.promote_low_f32x4", "v:v"],
  [0x60, "i8x16.abs", "v:v"],
  [0x61, "i8x16.neg", "v:v"],
  [0x62, "i8x16.popcnt", "v:v"],
  [0x63, "i8x16.all_true", "v:i"],
  [0x64, "i8x16.bitmask", "v:i"],
  [0x65, "i8x16.narrow_i16x8_s", "vv:v"],
  [0x66, "i8x16.narrow_i16x8_u", "vv:v"],
  [0x67, "f32x4.ceil", "v:v"],
  [0x68, "f32x4.floor", "v:v"],
  [0x69, "f32x4.trunc", "v:v"],
  [0x6a, "f32x4.nearest", "v:v"],
  [0x6b, "i8x16.shl", "vi:v"],
  [0x6c, "i8x16.shr_s", "vi:v"],
  [0x6d, "i8x16.shr_u", "vi:v"],
  [0x6e, "i8x16.add", "vv:v"],
  [0x6f, "i8x16.add_sat_s", "vv:v"],
  [0x70, "i8x16.add_sat_u", "vv:v"],
  [0x71, "i8x16.sub", "vv:v"],
  [0x72, "i8x16.sub_sat_s", "vv:v"],
  [0x73, "i8x16.sub_sat_u", "vv:v"],
  [0x74, "f64x2.ceil", "v:v"],
  [0x75, "f64x2.floor", "v:v"],
  [0x76, "i8x16.min_s", "vv:v"],
  [0x77, "i8x16.min_u", "vv:v"],
  [0x78, "i8x16.max_s", "vv:v"],
  [0x79, "i8x16.max_u", "vv:v"],
  [0x7a, "f64x2.trunc", "v:v"],
  [0x7b, "i8x16.avgr_u", "vv:v"],
  [0x7c, "i16x8.extadd_pairwise_i8x16_s", "v:v"],
  [0x7d, "i16x8.extadd_pairwise_i8x16_u", "v:v"],
  [0x7e, "i32x4.extadd_pairwise_i16x8_s", "v:v"],
  [0x7f, "i32x4.extadd_pairwise_i16x8_u", "v:v"],
  [0x80, "i16x8.abs", "v:v"],
  [0x81, "i16x8.neg", "v:v"],
  [0x82, "i16x8.q15mulr_sat_s", "vv:v"],
  [0x83, "i16x8.all_true", "v:i"],
  [0x84, "i16x8.bitmask", "v:i"],
  [0x85, "i16x8.narrow_i32x4_s", "vv:v"],
  [0x86, "i16x8.narrow_i32x4_u", "vv:v"],
  [0x87, "i16x8.extend_low_i8x16_s", "v:v"],
  [0x88, "i16x8.extend_high_i8x16_s", "v:v"],
  [0x89, "i16x8.extend_low_i8x16_u", "v:v"],
  [0x8a, "i16x8.extend_high_i8x16_u", "v:v"],
  [0x8b, "i16x8.shl", "vi:v"],
  [0x8c, "i16x8.shr_s", "vi:v"],
  [0x8d, "i16x8.shr_u", "vi:v"],
  [0x8e, "i16x8.add", "vv:v"],
  [0x8f, "i16x8.add_sat_s", "vv:v"],
  [0x90, "i16x8.add_sat_u", "vv:v"],
  [0x91, "i16x8.sub", "vv:v"],
  [0x92, "i16x8.sub_sat_s", "vv:v"],
  [0x93, "i16x8.sub_sat_u", "vv:v"],
  [0x94, "f64x2.nearest", "v:v"],
  [0x95, "i16x8.mul", "vv:v"],
  [0x96, "i16x8.min_s", "vv:v"],
  [0x97, "i16x8.min_u", "vv:v"],
  [0x98, "i16x8.max_s", "vv:v"],
  [0x99, "i16x8.max_u", "vv:v"],
  [0x9b, "i16x8.avgr_u", "vv:v"],
  [0x9c, "i16x8.extmul_low_i8x16_s", "vv:v"],
  [0x9d, "i16x8.extmul_high_i8x16_s", "vv:v"],
  [0x9e, "i16x8.extmul_low_i8x16_u", "vv:v"],
  [0x9f, "i16x8.extmul_high_i8x16_u", "vv:v"],
  [0xa0, "i32x4.abs", "v:v"],
  [0xa1, "i32x4.neg", "v:v"],
  [0xa3, "i32x4.all_true", "v:i"],
  [0xa4, "i32x4.bitmask", "v:i"],
  [0xa7, "i32x4.extend_low_i16x8_s", "v:v"],
  [0xa8, "i32x4.extend_high_i16x8_s", "v:v"],
  [0xa9, "i32x4.extend_low_i16x8_u", "v:v"],
  [0xaa, "i32x4.extend_high_i16x8_u", "v:v"],
  [0xab, "i32x4.shl", "vi:v"],
  [0xac, "i32x4.shr_s", "vi:v"],
  [0xad, "i32x4.shr_u", "vi:v"],
  [0xae, "i32x4.add", "vv:v"],
  [0xb1, "i32x4.sub", "vv:v"],
  [0xb5, "i32x4.mul", "vv:v"],
  [0xb6, "i32x4.min_s", "vv:v"],
  [0xb7, "i32x4.min_u", "vv:v"],
  [0xb8, "i32x4.max_s", "vv:v"],
  [0xb9, "i32x4.max_u", "vv:v"],
  [0xba, "i32x4.dot_i16x8_s", "vv:v"],
  [0xbc, "i32x4.extmul_low_i16x8_s", "vv:v"],
  [0xbd, "i32x4.extmul_high_i16x8_s", "vv:v"],
  [0xbe, "i32x4.extmul_low_i16x8_u", "vv:v"],
  [0xbf, "i32x4.extmul_high_i16x8_u", "vv:v"],
  [0xc0, "i64x2.abs", "v:v"],
  [0xc1, "i64x2.neg", "v:v"],
  [0xc3, "i64x2.all_true", "v:i"],
  [0xc4, "i64x2.bitmask", "v:i"],
  [0xc7, "i64x2.extend_low_i32x4_s", "v:v"],
  [0xc8, "i64x2.extend_high_i32x4_s", "v:v"],
  [0xc9, "i64x2.extend_low_i32x4_u", "v:v"],
  [0xca, "i64x2.extend_high_i32x4_u", "v:v"],
  [0xcb, "i64x2.shl", "vi:v"],
  [0xcc, "i64x2.shr_s", "vi:v"],
  [0xcd, "i64x2.shr_u", "vi:v"],
  [0xce, "i64x2.add", "vv:v"],
  [0xd1, "i64x2.sub", "vv:v"],
  [0xd5, "i64x2.mul", "vv:v"],
  [0xd6, "i64x2.eq", "vv:v"],
  [0xd7, "i64x2.ne", "vv:v"],
  [0xd8, "i64x2.lt_s", "vv:v"],
  [0xd9, "i64x2.gt_s", "vv:v"],
  [0xda, "i64x2.le_s", "vv:v"],
  [0xdb, "i64x2.ge_s", "vv:v"],
  [0xdc, "i64x2.extmul_low_i32x4_s", "vv:v"],
  [0xdd, "i64x2.extmul_high_i32x4_s", "vv:v"],
  [0xde, "i64x2.extmul_low_i32x4_u", "vv:v"],
  [0xdf, "i64x2.extmul_high_i32x4_u", "vv:v"],
  [0xe0, "f32x4.abs", "v:v"],
  [0xe1, "f32x4.neg", "v:v"],
  [0xe3, "f32x4.sqrt", "v:v"],
  [0xe4, "f32x4.add", "vv:v"],
  [0xe5, "f32x4.sub", "vv:v"],
  [0xe6, "f32x4.mul", "vv:v"],
  [0xe7, "f32x4.div", "vv:v"],
  [0xe8, "f32x4.min", "vv:v"],
  [0xe9, "f32x4.max", "vv:v"],
  [0xea, "f32x4.pmin", "vv:v"],
  [0xeb, "f32x4.pmax", "vv:v"],
  [0xec, "f64x2.abs", "v:v"],
  [0xed, "f64x2.neg", "v:v"],
  [0xef, "f64x2.sqrt", "v:v"],
  [0xf0, "f64x2.add", "vv:v"],
  [0xf1, "f64x2.sub", "vv:v"],
  [0xf2, "f64x2.mul", "vv:v"],
  [0xf3, "f64x2.div", "vv:v"],
  [0xf4, "f64x2.min", "vv:v"],
  [0xf5, "f64x2.max", "vv:v"],
  [0xf6, "f64x2.pmin", "vv:v"],
  [0xf7, "f64x2.pmax", "vv:v"],
  [0xf8, "i32x4.trunc_sat_f32x4_s", "v:v"],
  [0xf9, "i32x4.trunc_sat_f32x4_u", "v:v"],
  [0xfa, "f32x4.convert_i32x4_s", "v:v"],
  [0xfb, "f32x4.convert_i32x4_u", "v:v"],
  [0xfc, "i32x4.trunc_sat_f64x2_s_zero", "v:v"],
  [0xfd, "i32x4.trunc_sat_f64x2_u_zero", "v:v"],
  [0xfe, "f64x2.convert_low_i32x4_s", "v:v"],
  [0xff, "f64x2.convert_low_i32x4_u", "v:v"],
];
for (const [code, name, sig] of simdPlain) {
  op(PREFIX_FD + code, name, Imm.none, sig);
}

// Typed function references (single-byte opcodes).
op(0x14, "call_ref", Imm.typeIndex, null);
op(0x15, "return_call_ref", Imm.typeIndex, null);
op(0xd3, "ref.eq", Imm.none, null);
op(0xd4, "ref.as_non_null", Imm.none, null);
op(0xd5, "br_on_null", Imm.label, null);
op(0xd6, "br_on_non_null", Imm.label, null);

// GC (0xFB prefix).
const gcOps: [number, string, Imm][] = [
  [0, "struct.new", Imm.typeIndex],
  [1, "struct.new_default", Imm.typeIndex],
  [2, "struct.get", Imm.twoIndices],
  [3, "struct.get_s", Imm.twoIndices],
  [4, "struct.get_u", Imm.twoIndices],
  [5, "struct.set", Imm.twoIndices],
  [6, "array.new", Imm.typeIndex],
  [7, "array.new_default", Imm.typeIndex],
  [8, "array.new_fixed", Imm.twoIndices],
  [9, "array.new_data", Imm.twoIndices],
  [10, "array.new_elem", Imm.twoIndices],
  [11, "array.get", Imm.typeIndex],
  [12, "array.get_s", Imm.typeIndex],
  [13, "array.get_u", Imm.typeIndex],
  [14, "array.set", Imm.typeIndex],
  [15, "array.len", Imm.none],
  [16, "array.fill", Imm.typeIndex],
  [17, "array.copy", Imm.twoIndices],
  [18, "array.init_data", Imm.twoIndices],
  [19, "array.init_elem", Imm.twoIndices],
  [20, "ref.test", Imm.heapType],
  [21, "ref.test", Imm.heapType],
  [22, "ref.cast", Imm.heapType],
  [23, "ref.cast", Imm.heapType],
  [24, "br_on_cast", Imm.brOnCast],
  [25, "br_on_cast_fail", Imm.brOnCast],
  [26, "any.convert_extern", Imm.none],
  [27, "extern.convert_any", Imm.none],
  [28, "ref.i31", Imm.none],
  [29, "i31.get_s", Imm.none],
  [30, "i31.get_u", Imm.none],
];
for (const [code, name, imm] of gcOps) op(PREFIX_FB + code, name, imm, null);
// 0xFE: threads (atomic memory accesses, wait/notify, fence); their alignment must be natural.
op(PREFIX_FE + 0x00, "memory.atomic.notify", Imm.atomicMemArg, "ii:i", 2);
op(PREFIX_FE + 0x01, "memory.atomic.wait32", Imm.atomicMemArg, "iil:i", 2);
op(PREFIX_FE + 0x02, "memory.atomic.wait64", Imm.atomicMemArg, "ill:i", 3);
op(PREFIX_FE + 0x03, "atomic.fence", Imm.zeroByte, ":");
/** Atomic access widths in opcode order: [value type, bits accessed ("" = all), log2 bytes]. */
const atomicWidths: ["i32" | "i64", string, number][] = [
  ["i32", "", 2],
  ["i64", "", 3],
  ["i32", "8", 0],
  ["i32", "16", 1],
  ["i64", "8", 0],
  ["i64", "16", 1],
  ["i64", "32", 2],
];
atomicWidths.forEach(([type, bits, align], i) => {
  const t = type === "i32" ? "i" : "l", u = bits === "" ? "" : "_u";
  op(PREFIX_FE + 0x10 + i, `${type}.atomic.load${bits}${u}`, Imm.atomicMemArg, `i:${t}`, align);
  op(PREFIX_FE + 0x17 + i, `${type}.atomic.store${bits}`, Imm.atomicMemArg, `i${t}:`, align);
  ["add", "sub", "and", "or", "xor", "xchg", "cmpxchg"].forEach((what, k) => {
    const sig = what === "cmpxchg" ? `i${t}${t}:${t}` : `i${t}:${t}`;
    const name = `${type}.atomic.rmw${bits}.${what}${u}`;
    op(PREFIX_FE + 0x1e + 7 * k + i, name, Imm.atomicMemArg, sig, align);
  });
});

/**
 * Relaxed SIMD (WebAssembly 3.0): [sub-opcode, name, signature]. Their
 * implementation-defined results are fixed in `relaxed_simd.ts` of the
 * interpreter.
 */
const relaxedSimd: [number, string, string][] = [
  [0x100, "i8x16.relaxed_swizzle", "vv:v"],
  [0x101, "i32x4.relaxed_trunc_f32x4_s", "v:v"],
  [0x102, "i32x4.relaxed_trunc_f32x4_u", "v:v"],
  [0x103, "i32x4.relaxed_trunc_f64x2_s_zero", "v:v"],
  [0x104, "i32x4.relaxed_trunc_f64x2_u_zero", "v:v"],
  [0x105, "f32x4.relaxed_madd", "vvv:v"],
  [0x106, "f32x4.relaxed_nmadd", "vvv:v"],
  [0x107, "f64x2.relaxed_madd", "vvv:v"],
  [0x108, "f64x2.relaxed_nmadd", "vvv:v"],
  [0x109, "i8x16.relaxed_laneselect", "vvv:v"],
  [0x10a, "i16x8.relaxed_laneselect", "vvv:v"],
  [0x10b, "i32x4.relaxed_laneselect", "vvv:v"],
  [0x10c, "i64x2.relaxed_laneselect", "vvv:v"],
  [0x10d, "f32x4.relaxed_min", "vv:v"],
  [0x10e, "f32x4.relaxed_max", "vv:v"],
  [0x10f, "f64x2.relaxed_min", "vv:v"],
  [0x110, "f64x2.relaxed_max", "vv:v"],
  [0x111, "i16x8.relaxed_q15mulr_s", "vv:v"],
  [0x112, "i16x8.relaxed_dot_i8x16_i7x16_s", "vv:v"],
  [0x113, "i32x4.relaxed_dot_i8x16_i7x16_add_s", "vvv:v"],
];
for (const [sub, name, sig] of relaxedSimd) {
  op(PREFIX_FD_RELAXED + sub - RELAXED_SIMD_FIRST_SUB, name, Imm.none, sig);
}

/**
 * The sub-opcode (the u32 after 0xFD) of a SIMD op id: 0x00-0xFF, or
 * 0x100 and up for relaxed SIMD.
 */
export function simdSubOpcode(id: number): number {
  return id >= PREFIX_FD_RELAXED ? id - PREFIX_FD_RELAXED + RELAXED_SIMD_FIRST_SUB : id - PREFIX_FD;
}

/** Op ids of instructions the decoder and validator treat specially. */
export const Op = {
  unreachable: 0x00,
  nop: 0x01,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  br_table: 0x0e,
  return: 0x0f,
  call: 0x10,
  call_indirect: 0x11,
  return_call: 0x12,
  return_call_indirect: 0x13,
  try: 0x06,
  catch: 0x07,
  throw: 0x08,
  rethrow: 0x09,
  throw_ref: 0x0a,
  delegate: 0x18,
  catch_all: 0x19,
  try_table: 0x1f,
  drop: 0x1a,
  select: 0x1b,
  select_t: 0x1c,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  global_get: 0x23,
  global_set: 0x24,
  table_get: 0x25,
  table_set: 0x26,
  memory_size: 0x3f,
  memory_grow: 0x40,
  i32_const: 0x41,
  i64_const: 0x42,
  f32_const: 0x43,
  f64_const: 0x44,
  ref_null: 0xd0,
  ref_is_null: 0xd1,
  ref_func: 0xd2,
  memory_init: PREFIX_FC + 8,
  data_drop: PREFIX_FC + 9,
  memory_copy: PREFIX_FC + 10,
  memory_fill: PREFIX_FC + 11,
  table_init: PREFIX_FC + 12,
  elem_drop: PREFIX_FC + 13,
  table_copy: PREFIX_FC + 14,
  table_grow: PREFIX_FC + 15,
  table_size: PREFIX_FC + 16,
  table_fill: PREFIX_FC + 17,
  v128_const: PREFIX_FD + 0x0c,
  call_ref: 0x14,
  return_call_ref: 0x15,
  ref_eq: 0xd3,
  ref_as_non_null: 0xd4,
  br_on_null: 0xd5,
  br_on_non_null: 0xd6,
  struct_new: PREFIX_FB + 0,
  struct_new_default: PREFIX_FB + 1,
  struct_get: PREFIX_FB + 2,
  struct_get_s: PREFIX_FB + 3,
  struct_get_u: PREFIX_FB + 4,
  struct_set: PREFIX_FB + 5,
  array_new: PREFIX_FB + 6,
  array_new_default: PREFIX_FB + 7,
  array_new_fixed: PREFIX_FB + 8,
  array_new_data: PREFIX_FB + 9,
  array_new_elem: PREFIX_FB + 10,
  array_get: PREFIX_FB + 11,
  array_get_s: PREFIX_FB + 12,
  array_get_u: PREFIX_FB + 13,
  array_set: PREFIX_FB + 14,
  array_len: PREFIX_FB + 15,
  array_fill: PREFIX_FB + 16,
  array_copy: PREFIX_FB + 17,
  array_init_data: PREFIX_FB + 18,
  array_init_elem: PREFIX_FB + 19,
  ref_test: PREFIX_FB + 20,
  ref_test_null: PREFIX_FB + 21,
  ref_cast: PREFIX_FB + 22,
  ref_cast_null: PREFIX_FB + 23,
  br_on_cast: PREFIX_FB + 24,
  br_on_cast_fail: PREFIX_FB + 25,
  any_convert_extern: PREFIX_FB + 26,
  extern_convert_any: PREFIX_FB + 27,
  ref_i31: PREFIX_FB + 28,
  i31_get_s: PREFIX_FB + 29,
  i31_get_u: PREFIX_FB + 30,
} as const;

/** The name of an op id, for messages. */
export function opName(id: number): string {
  return OPS[id]?.name ?? `<opcode ${opBytesText(id)}>`;
}

/** How an op id is spelled in bytes, e.g. `0xfd 0x0c`. */
export function opBytesText(id: number): string {
  const hex = (n: number) => "0x" + n.toString(16).padStart(2, "0");
  if (id >= PREFIX_FD_RELAXED) return `0xfd ${hex(simdSubOpcode(id))}`;
  if (isAtomicOp(id)) return `0xfe ${hex(id - PREFIX_FE)}`;
  if (id >= PREFIX_FB) return `0xfb ${hex(id - PREFIX_FB)}`;
  if (id >= PREFIX_FD) return `0xfd ${hex(id - PREFIX_FD)}`;
  if (id >= PREFIX_FC) return `0xfc ${hex(id - PREFIX_FC)}`;
  return hex(id);
}
