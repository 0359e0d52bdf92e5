/**
 * The expression half of the function body generator (`function_gen.ts` has
 * the statements). Every statement leaves the
 * operand stack as it found it and every expression pushes exactly one value
 * of the type asked for, so validity holds by construction and the minimiser
 * can drop statements freely. Loops run a bounded number of times (a counter
 * local the rest of the body never writes), and branches never target a loop.
 *
 * @module
 */

import type { OpInfo } from "../../lib/binary/opcodes.ts";
import { s32, s64, u32 } from "../../tests/helpers/binary_builder.ts";
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  I32,
  I64,
  makesArithmeticNaN,
  op,
  opcode,
  OPS_BY_RESULT,
  SCALARS,
  V128,
} from "./op_pools.ts";
import type { Random } from "./random.ts";
import { memory1Load, type Wasm3Scope } from "./wasm3_gen.ts";

/** What a function body may refer to in its module. */
export interface ModuleScope {
  /** Function index → type index, imports first. */
  functionTypes: number[];
  types: { params: number[]; results: number[] }[];
  /** The index of a function type, added to the module when new. */
  typeIndex(params: number[], results: number[]): number;
  globals: { type: number; mutable: boolean }[];
  /** Initial memory size in bytes (code may grow it). */
  memoryBytes: number;
  /** Table 0's initial entries: function indices, or null. */
  tableEntries: (number | null)[];
  /** Initial sizes of table 0 (funcref) and table 1 (externref). */
  tableSizes: [number, number];
  elemCount: number;
  dataCount: number;
  /** Replace arithmetic NaNs by the canonical NaN, so results compare exactly with native. */
  canonicalNaNs: boolean;
  /** The 3.0 features the module uses (see `wasm3_gen.ts`); absent for a 2.0 module. */
  wasm3?: Wasm3Scope;
}

interface Label {
  loop: boolean;
  types: number[];
}

const INT32_POOL = [0, 1, -1, 2, 7, 31, 32, 0x7fffffff, -0x80000000, 0xff, 0x8000, 65536, 100];
const INT64_POOL = [0n, 1n, -1n, 63n, 64n, 0x7fffffffffffffffn, -0x8000000000000000n, 0xffffffffn];
const F64_POOL = [0, -0, 1, -1, 0.5, 1e10, -1e10, 2 ** 31, 2 ** 63, Infinity, -Infinity, NaN, 3.7];

/** Generates expressions; `FunctionGenerator` adds statements and whole bodies. */
export abstract class ExpressionGenerator {
  readonly locals: number[];
  protected readonly paramCount: number;
  /** Loop counters and NaN-canonicalisation scratch locals: the random code never reads or writes them. */
  protected readonly reserved = new Set<number>();
  protected readonly labels: Label[] = [];
  protected readonly scratch = new Map<number, number>();
  protected fuel: number;

  constructor(
    readonly rnd: Random,
    readonly scope: ModuleScope,
    readonly index: number,
    readonly type: { params: number[]; results: number[] },
  ) {
    this.locals = [...type.params];
    this.paramCount = type.params.length;
    const extra = rnd.range(0, 6);
    for (let i = 0; i < extra; i++) this.locals.push(rnd.pick([I32, I64, F32, F64, V128, FUNCREF]));
    this.fuel = rnd.range(30, 400);
  }

  /** The function's statements and its result-producing tail. */
  /** Stack-neutral code (blocks hold some): see {@link FunctionGenerator}. */
  abstract statements(depth: number): number[];

  protected newLocal(type: number): number {
    this.locals.push(type);
    return this.locals.length - 1;
  }

  protected localsOf(type: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.locals.length; i++) {
      if (this.locals[i] === type && !this.reserved.has(i)) out.push(i);
    }
    return out;
  }

  // ---- Expressions ---------------------------------------------------------

  /** Code pushing one value of `type`. */
  expr(type: number, depth: number): number[] {
    this.fuel--;
    if (depth <= 0 || this.fuel <= 0 || this.rnd.chance(0.25)) return this.leaf(type);
    if (type === FUNCREF || type === EXTERNREF) return this.refExpr(type, depth);
    const memory1 = this.scope.wasm3?.memory1 ?? null;
    const load1 = memory1 !== null && SCALARS.includes(type) ? 2 : 0;
    switch (this.rnd.weighted([10, 2, 2, 3, 1, 1, type === I32 ? 3 : 0, 1, load1])) {
      case 0:
        return this.opExpr(type, depth);
      case 1:
        return this.callExpr(type, depth);
      case 2:
        return this.callIndirectExpr(type, depth);
      case 3:
        return this.blockExpr(type, depth);
      case 4: {
        const select = type === V128 ? [0x1c, 1, V128] : [0x1b];
        return [
          ...this.expr(type, depth - 1),
          ...this.expr(type, depth - 1),
          ...this.cond(),
          ...select,
        ];
      }
      case 5: {
        const locals = this.localsOf(type);
        if (locals.length === 0) return this.leaf(type);
        return [...this.expr(type, depth - 1), 0x22, ...u32(this.rnd.pick(locals))];
      }
      case 6:
        return this.i32Special(depth);
      case 7:
        return this.multiValueExpr(type, depth);
      default:
        return memory1Load(this.rnd, memory1!, type);
    }
  }

  /** A constant, local or global of `type`. */
  leaf(type: number): number[] {
    const choice = this.rnd.int(4);
    if (choice === 1) {
      const locals = this.localsOf(type);
      if (locals.length > 0) return [0x20, ...u32(this.rnd.pick(locals))];
    } else if (choice === 2) {
      const globals = this.scope.globals.flatMap((g, i) => g.type === type ? [i] : []);
      if (globals.length > 0) return [0x23, ...u32(this.rnd.pick(globals))];
    }
    return this.constant(type);
  }

  constant(type: number): number[] {
    const r = this.rnd;
    switch (type) {
      case I32:
        return [0x41, ...s32(r.chance(0.6) ? r.pick(INT32_POOL) : r.u32() | 0)];
      case I64:
        return [0x42, ...s64(r.chance(0.6) ? r.pick(INT64_POOL) : r.u64())];
      case F32: {
        const bits = new Uint8Array(new Float32Array([r.pick(F64_POOL)]).buffer);
        if (r.chance(0.3)) new DataView(bits.buffer).setUint32(0, r.u32(), true);
        return [0x43, ...bits];
      }
      case F64: {
        const bits = new Uint8Array(new Float64Array([r.pick(F64_POOL)]).buffer);
        if (r.chance(0.3)) new DataView(bits.buffer).setBigUint64(0, r.u64(), true);
        return [0x44, ...bits];
      }
      case V128:
        return [
          ...op("v128.const"),
          ...Array.from(
            { length: 16 },
            () => r.chance(0.5) ? r.pick([0, 0xff, 0x80, 0x7f]) : r.int(256),
          ),
        ];
      case FUNCREF:
        return r.chance(0.5)
          ? [0xd0, FUNCREF]
          : [0xd2, ...u32(r.int(this.scope.functionTypes.length))];
      default:
        return [0xd0, EXTERNREF];
    }
  }

  /** A fixed-signature instruction (numeric, memory, SIMD) with operands. */
  opExpr(type: number, depth: number): number[] {
    const info = this.rnd.pick(OPS_BY_RESULT.get(type)!);
    const code = this.withOperands(info, depth);
    return this.scope.canonicalNaNs && makesArithmeticNaN(info.name)
      ? [...code, ...this.canonicalize(type, info.name)]
      : code;
  }

  protected withOperands(info: OpInfo, depth: number): number[] {
    const out: number[] = [];
    info.params!.forEach((t, i) => {
      out.push(
        ...(i === 0 && info.imm !== 0 && isMemory(info) ? this.address() : this.expr(t, depth - 1)),
      );
    });
    out.push(...opcode(info.id));
    if (info.id === 0x3f) out.push(0);
    if (isMemory(info)) out.push(...this.memArg(info.align));
    if (info.lanes > 0 && info.imm !== 26) out.push(this.rnd.int(info.lanes));
    if (info.imm === 26) { for (let i = 0; i < 16; i++) out.push(this.rnd.int(32)); }
    return out;
  }

  /** Turns a NaN on top of the stack into the canonical NaN (as wasm-smith's canonicalize_nans). */
  protected canonicalize(type: number, name: string): number[] {
    let scratch = this.scratch.get(type);
    if (scratch === undefined) {
      this.scratch.set(type, scratch = this.newLocal(type));
      // It holds the raw NaN (payload nondeterministic): nothing else may read it.
      this.reserved.add(scratch);
    }
    const s = u32(scratch);
    if (type === F32) {
      return [0x21, ...s, 0x43, 0, 0, 0xc0, 0x7f, 0x20, ...s, 0x20, ...s, 0x20, ...s, 0x5c, 0x1b];
    }
    if (type === F64) {
      return [
        0x21,
        ...s,
        0x44,
        0,
        0,
        0,
        0,
        0,
        0,
        0xf8,
        0x7f,
        0x20,
        ...s,
        0x20,
        ...s,
        0x20,
        ...s,
        0x62,
        0x1b,
      ];
    }
    const f64 = name.startsWith("f64x2");
    const lane = f64 ? [0, 0, 0, 0, 0, 0, 0xf8, 0x7f] : [0, 0, 0xc0, 0x7f];
    const canon = [
      ...op("v128.const"),
      ...Array.from({ length: 16 / lane.length }, () => lane).flat(),
    ];
    return [
      0x21,
      ...s,
      0x20,
      ...s,
      ...canon,
      0x20,
      ...s,
      0x20,
      ...s,
      ...op(f64 ? "f64x2.eq" : "f32x4.eq"),
      ...op("v128.bitselect"),
    ];
  }

  /** An address: mostly in bounds, sometimes at the edge, sometimes anywhere. */
  address(): number[] {
    const bytes = this.scope.memoryBytes;
    switch (this.rnd.weighted([80, 2, 1, 1])) {
      case 0:
        return [0x41, ...s32(this.rnd.int(Math.max(1, bytes - 16)))];
      case 1:
        return [0x41, ...s32(bytes - this.rnd.int(17))];
      case 2:
        return [0x41, ...s32(this.rnd.u32() | 0)];
      default:
        return this.expr(I32, 2);
    }
  }

  memArg(natural: number): number[] {
    const offset = this.rnd.chance(0.99)
      ? this.rnd.int(this.rnd.chance(0.7) ? 17 : 1025)
      : this.rnd.pick([65536, this.scope.memoryBytes, 0xffffffff, 0x80000000]);
    return [...u32(this.rnd.int(natural + 1)), ...u32(offset)];
  }

  /** Functions whose first result is `type` (calls leave only that one). */
  protected callees(type: number): number[] {
    const out: number[] = [];
    for (let f = 0; f < this.index; f++) {
      if (this.scope.types[this.scope.functionTypes[f]].results[0] === type) out.push(f);
    }
    return out;
  }

  protected args(params: number[], depth: number): number[] {
    return params.flatMap((t) => this.expr(t, depth - 1));
  }

  protected dropAllBut(results: number[], keep: number): number[] {
    return results.slice(keep).map(() => 0x1a);
  }

  callExpr(type: number, depth: number): number[] {
    const callees = this.callees(type);
    if (callees.length === 0) return this.opExpr(type, depth);
    const f = this.rnd.pick(callees);
    const t = this.scope.types[this.scope.functionTypes[f]];
    return [...this.args(t.params, depth), 0x10, ...u32(f), ...this.dropAllBut(t.results, 1)];
  }

  /** Through table 0: the entry may be null, out of range, or of another type (all trap). */
  callIndirectExpr(type: number, depth: number): number[] {
    // Mostly through an entry of the right type (a call that runs), else any (a call that may trap).
    const matching = this.scope.tableEntries.flatMap((f, i) =>
      f !== null && this.scope.types[this.scope.functionTypes[f]].results[0] === type ? [i] : []
    );
    if (matching.length > 0 && this.rnd.chance(0.9)) {
      const slot = this.rnd.pick(matching);
      const ti = this.scope.functionTypes[this.scope.tableEntries[slot]!];
      const t = this.scope.types[ti];
      return [
        ...this.args(t.params, depth),
        0x41,
        ...s32(slot),
        0x11,
        ...u32(ti),
        0,
        ...this.dropAllBut(t.results, 1),
      ];
    }
    const types = this.scope.types.flatMap((t, i) => t.results[0] === type ? [i] : []);
    if (types.length === 0) return this.opExpr(type, depth);
    const ti = this.rnd.pick(types);
    const t = this.scope.types[ti];
    return [
      ...this.args(t.params, depth),
      ...this.tableIndex(0),
      0x11,
      ...u32(ti),
      0,
      ...this.dropAllBut(t.results, 1),
    ];
  }

  /** Mostly in range: every out-of-range index ends the call, and most of the body would go unrun. */
  /** Mostly in range: every out-of-range index ends the call, and most of the body would go unrun. */
  tableIndex(table: number): number[] {
    const size = this.scope.tableSizes[table];
    switch (this.rnd.weighted([18, 1, 1])) {
      case 0:
        return [0x41, ...s32(this.rnd.int(size))];
      case 1:
        return [0x41, ...s32(size + this.rnd.int(3))];
      default:
        return this.expr(I32, 1);
    }
  }

  protected blockType(results: number[], params: number[] = []): number[] {
    if (params.length === 0 && results.length === 0) return [0x40];
    if (params.length === 0 && results.length === 1) return [results[0]];
    return s32(this.scope.typeIndex(params, results));
  }

  /** A block, if or bounded loop producing `type`. */
  blockExpr(type: number, depth: number): number[] {
    const kind = this.rnd.weighted([3, 3, 3, 1]);
    if (kind === 0) return this.block([type], depth, () => this.expr(type, depth - 1));
    if (kind === 3) {
      // The value comes from a br_if; what falls through drops a value and ends unreachable, so
      // the block's end is reached by the branch alone (the structured tier once took the
      // dropped value for the block's result).
      return this.block([type], depth, () => [
        ...this.expr(type, depth - 1),
        ...this.cond(),
        0x0d,
        0x00,
        0x1a,
        ...this.expr(type, depth - 1),
        0x1a,
        0x00,
      ]);
    }
    if (kind === 1) {
      const arm = () =>
        this.nested(
          false,
          [type],
          () => [...this.statements(depth - 1), ...this.expr(type, depth - 1)],
        );
      return [...this.cond(), 0x04, ...this.blockType([type]), ...arm(), 0x05, ...arm(), 0x0b];
    }
    return this.loop([type], depth, () => this.expr(type, depth - 1));
  }

  /** A block with parameters and several results, of which the first is kept. */
  multiValueExpr(type: number, depth: number): number[] {
    const params = Array.from({ length: this.rnd.int(3) }, () => this.rnd.pick(SCALARS));
    const results = [
      type,
      ...Array.from({ length: this.rnd.range(1, 3) }, () => this.rnd.pick(SCALARS)),
    ];
    const body = () => [
      ...this.statements(depth - 1),
      ...params.map(() => 0x1a),
      ...results.flatMap((t) => this.expr(t, depth - 1)),
    ];
    return [
      ...this.args(params, depth),
      0x02,
      ...this.blockType(results, params),
      ...this.nested(false, results, body),
      0x0b,
      ...this.dropAllBut(results, 1),
    ];
  }

  protected nested<T>(loop: boolean, types: number[], body: () => T): T {
    this.labels.push({ loop, types });
    try {
      return body();
    } finally {
      this.labels.pop();
    }
  }

  protected block(results: number[], depth: number, tail: () => number[]): number[] {
    const body = this.nested(false, results, () => [...this.statements(depth - 1), ...tail()]);
    return [0x02, ...this.blockType(results), ...body, 0x0b];
  }

  /** A loop running 1–4 times: its counter is a fresh local nothing else writes. */
  protected loop(results: number[], depth: number, tail: () => number[]): number[] {
    const counter = this.newLocal(I32);
    this.reserved.add(counter);
    const c = u32(counter);
    const body = this.nested(true, [], () => [
      ...this.statements(depth - 1),
      // counter -= 1; continue while it is positive.
      0x20,
      ...c,
      0x41,
      1,
      0x6b,
      0x22,
      ...c,
      0x41,
      0,
      0x4a,
      0x0d,
      0,
      ...tail(),
    ]);
    return [
      0x41,
      this.rnd.range(1, 4),
      0x21,
      ...c,
      0x03,
      ...this.blockType(results),
      ...body,
      0x0b,
    ];
  }

  /** memory.size/grow, table.size/grow, ref.is_null. */
  i32Special(depth: number): number[] {
    switch (this.rnd.int(5)) {
      case 0:
        return [0x3f, 0];
      case 1:
        return [0x41, this.rnd.int(3), 0x40, 0];
      case 2:
        return [...op("table.size"), this.rnd.int(2)];
      case 3: {
        const table = this.rnd.int(2);
        return [
          ...this.refExpr(table === 0 ? FUNCREF : EXTERNREF, depth - 1),
          0x41,
          this.rnd.int(3),
          ...op("table.grow"),
          table,
        ];
      }
      default:
        return [...this.refExpr(this.rnd.chance(0.5) ? FUNCREF : EXTERNREF, depth - 1), 0xd1];
    }
  }

  refExpr(type: number, depth: number): number[] {
    const table = type === FUNCREF ? 0 : 1;
    switch (this.rnd.int(4)) {
      case 0:
        return [...this.tableIndex(table), 0x25, table];
      case 1:
        if (depth > 0) {
          return [
            ...this.refExpr(type, depth - 1),
            ...this.refExpr(type, depth - 1),
            ...this.cond(),
            0x1c,
            1,
            type,
          ];
        }
        return this.leaf(type);
      default:
        return this.leaf(type);
    }
  }

  /** An i32 condition, true or false about equally often. */
  cond(): number[] {
    return this.rnd.chance(0.5) ? [0x41, this.rnd.int(2)] : this.expr(I32, 2);
  }
}

/** Whether the instruction takes a memory argument. */
export function isMemory(info: OpInfo): boolean {
  return info.imm === 9 || info.imm === 25;
}
