/**
 * Generates one random, valid function body. Every statement leaves the
 * operand stack as it found it and every expression pushes exactly one value
 * of the type asked for, so validity holds by construction and the minimiser
 * can drop statements freely. Loops run a bounded number of times (a counter
 * local the rest of the body never writes), and branches never target a loop.
 *
 * @module
 */

import { s32, u32 } from "../../tests/helpers/binary_builder.ts";
import { ExpressionGenerator } from "./expression_gen.ts";
import { EXTERNREF, F32, F64, FUNCREF, I32, I64, op, OPS_BY_RESULT, V128 } from "./op_pools.ts";
import { memory1Store } from "./wasm3_gen.ts";

export type { ModuleScope } from "./expression_gen.ts";

/** Generates the statements and tail of one function. */
export class FunctionGenerator extends ExpressionGenerator {
  /** The function's statements, result-producing tail, and declared locals. */
  generate(): { statements: number[][]; tail: number[]; locals: number[] } {
    this.labels.push({ loop: false, types: this.type.results });
    const statements: number[][] = [];
    const n = this.rnd.range(1, 12);
    for (let i = 0; i < n && this.fuel > 0; i++) statements.push(this.statement(3));
    const tail = this.type.results.flatMap((t) => this.expr(t, 4));
    return { statements, tail, locals: this.locals.slice(this.paramCount) };
  }

  statements(depth: number): number[] {
    const out: number[] = [];
    const n = this.rnd.int(4);
    for (let i = 0; i < n && this.fuel > 0; i++) out.push(...this.statement(depth));
    return out;
  }

  /** Code with no net effect on the operand stack. */
  statement(depth: number): number[] {
    this.fuel--;
    const d = Math.max(depth, 1);
    switch (this.rnd.weighted([6, 3, 6, 3, 3, 3, 2, 2, 2, 2, 1, 4, 3, this.scope.wasm3 ? 5 : 0])) {
      case 0: {
        const i = this.rnd.int(this.locals.length);
        if (this.locals.length === 0 || this.reserved.has(i)) return [];
        return [...this.expr(this.locals[i], d + 1), 0x21, ...u32(i)];
      }
      case 1: {
        const globals = this.scope.globals.flatMap((g, i) => g.mutable ? [i] : []);
        if (globals.length < 2) return []; // Global 0 is the call budget: never written here.
        const g = this.rnd.pick(globals.slice(1));
        return [...this.expr(this.scope.globals[g].type, d + 1), 0x24, ...u32(g)];
      }
      case 2:
        return this.withOperands(this.rnd.pick(OPS_BY_RESULT.get("void")!), d + 1);
      case 3: {
        const type = this.rnd.pick([I32, I64, F32, F64, V128, FUNCREF, EXTERNREF]);
        return [...this.expr(type, d + 1), 0x1a];
      }
      case 4:
        return this.callStatement(d);
      case 5: {
        const types: number[] = [];
        return [
          ...this.cond(),
          0x04,
          0x40,
          ...this.nested(false, types, () => this.statements(depth - 1)),
          0x05,
          ...this.nested(false, types, () => this.statements(depth - 1)),
          0x0b,
        ];
      }
      case 6:
        return depth > 0 ? this.block([], depth, () => []) : [];
      case 7:
        return depth > 0 ? this.loop([], depth, () => []) : [];
      case 8:
        return this.branch(d);
      case 9:
        return this.branchTable(d);
      case 10:
        return this.rnd.chance(0.3) ? [...this.cond(), 0x04, 0x40, 0x00, 0x0b] : [];
      case 11:
        return this.bulkMemory();
      case 12:
        return this.tableStatement();
      default:
        return this.wasm3Statement(d);
    }
  }

  /** A statement of a 3.0 feature the module uses: a tail call, a throw, a try, a store to memory 1. */
  wasm3Statement(depth: number): number[] {
    const w = this.scope.wasm3!;
    const weights = [w.tailCalls ? 2 : 0, w.exceptions ? 2 : 0, w.exceptions ? 3 : 0];
    weights.push(w.memory1 !== null ? 4 : 0);
    if (weights.every((x) => x === 0)) return [];
    switch (this.rnd.weighted(weights)) {
      case 0:
        return this.tailCallStatement(depth);
      case 1: // if (cond) throw $tag(expr)
        return [
          ...this.cond(),
          0x04,
          0x40,
          ...this.nested(false, [], () => this.expr(I32, depth)),
          0x08,
          0,
          0x0b,
        ];
      case 2:
        return this.tryTableStatement(depth);
      default: {
        const t = this.rnd.pick([I32, I64, F32, F64]);
        return memory1Store(this.rnd, w.memory1!, t, this.expr(t, depth));
      }
    }
  }

  /** `if (cond) return_call f(...)`, f an earlier function with this function's results. */
  tailCallStatement(depth: number): number[] {
    const results = this.type.results;
    const candidates: number[] = [];
    for (let f = 0; f < this.index; f++) {
      const r = this.scope.types[this.scope.functionTypes[f]].results;
      if (r.length === results.length && r.every((t, i) => t === results[i])) candidates.push(f);
    }
    if (candidates.length === 0) return [];
    const f = this.rnd.pick(candidates);
    const t = this.scope.types[this.scope.functionTypes[f]];
    const call = this.nested(false, [], () => [...this.args(t.params, depth), 0x12, ...u32(f)]);
    return [...this.cond(), 0x04, 0x40, ...call, 0x0b];
  }

  /**
   * A `try_table` around statements: `catch $tag` lands the payload in a
   * block whose value is logged (log_i32, import 0), or `catch_all` leaves it.
   */
  tryTableStatement(depth: number): number[] {
    if (this.rnd.chance(0.6)) {
      const k = this.rnd.int(1000);
      return [
        0x02,
        I32,
        ...this.nested(false, [I32], () => [
          0x1f,
          0x40,
          1,
          0x00,
          0,
          0, // (catch $tag 0): to the enclosing block, with the i32
          ...this.nested(false, [], () => this.statements(depth - 1)),
          0x0b,
          0x41,
          ...s32(k),
        ]),
        0x0b,
        0x10,
        0,
      ];
    }
    return [
      0x02,
      0x40,
      ...this.nested(false, [], () => [
        0x1f,
        0x40,
        1,
        0x02,
        0, // (catch_all 0)
        ...this.nested(false, [], () => this.statements(depth - 1)),
        0x0b,
      ]),
      0x0b,
    ];
  }

  /** A call whose results are dropped: to a defined function, an import, or through the table. */
  callStatement(depth: number): number[] {
    if (this.rnd.chance(0.3)) {
      const entries = this.scope.tableEntries.flatMap((f, i) => f === null ? [] : [i]);
      if (entries.length > 0 && this.rnd.chance(0.9)) {
        // Through an entry of the right type: a call that runs.
        const slot = this.rnd.pick(entries);
        const ti = this.scope.functionTypes[this.scope.tableEntries[slot]!];
        const t = this.scope.types[ti];
        return [
          ...this.args(t.params, depth),
          0x41,
          ...s32(slot),
          0x11,
          ...u32(ti),
          0,
          ...t.results.map(() => 0x1a),
        ];
      }
      const ti = this.rnd.int(this.scope.types.length);
      const t = this.scope.types[ti];
      return [
        ...this.args(t.params, depth),
        ...this.tableIndex(0),
        0x11,
        ...u32(ti),
        0,
        ...t.results.map(() => 0x1a),
      ];
    }
    const f = this.rnd.int(this.index);
    const t = this.scope.types[this.scope.functionTypes[f]];
    return [...this.args(t.params, depth), 0x10, ...u32(f), ...t.results.map(() => 0x1a)];
  }

  /** The indices (innermost first) of labels a branch may target: never a loop (it would not end). */
  protected targets(): number[] {
    const out: number[] = [];
    for (let i = this.labels.length - 1; i >= 0; i--) {
      if (!this.labels[i].loop) out.push(this.labels.length - 1 - i);
    }
    return out;
  }

  protected labelTypes(relative: number): number[] {
    return this.labels[this.labels.length - 1 - relative].types;
  }

  /** br_if (values dropped when not taken), or a br/return under an if. */
  branch(depth: number): number[] {
    const target = this.rnd.pick(this.targets());
    const types = this.labelTypes(target);
    if (this.rnd.chance(0.5)) {
      const values = types.flatMap((t) => this.expr(t, depth));
      return [...values, ...this.cond(), 0x0d, ...u32(target), ...types.map(() => 0x1a)];
    }
    // Inside the if, one more label encloses the code.
    const values = this.nested(false, [], () => types.flatMap((t) => this.expr(t, depth)));
    const jump = this.rnd.chance(0.2) && target === this.labels.length - 1
      ? [0x0f]
      : [0x0c, ...u32(target + 1)];
    return [...this.cond(), 0x04, 0x40, ...values, ...jump, 0x0b];
  }

  /** br_table, under an if, to labels that all take the same types. */
  branchTable(depth: number): number[] {
    const first = this.rnd.pick(this.targets());
    const types = this.labelTypes(first);
    const same = this.targets().filter((l) => {
      const other = this.labelTypes(l);
      return other.length === types.length && other.every((t, i) => t === types[i]);
    });
    const n = this.rnd.int(6);
    const labels = Array.from({ length: n + 1 }, () => this.rnd.pick(same) + 1);
    const cond = this.cond();
    const [values, index] = this.nested(false, [], () => [
      types.flatMap((t) => this.expr(t, depth)),
      this.rnd.chance(0.7) ? [0x41, this.rnd.int(n + 3)] : this.expr(I32, 1),
    ]);
    return [
      ...cond,
      0x04,
      0x40,
      ...values,
      ...index,
      0x0e,
      ...u32(n),
      ...labels.flatMap((l) => u32(l)),
      0x0b,
    ];
  }

  protected length(): number[] {
    return [
      0x41,
      ...s32(this.rnd.chance(0.95) ? this.rnd.int(65) : this.rnd.pick([65536, -1, 1 << 20])),
    ];
  }

  bulkMemory(): number[] {
    switch (this.rnd.weighted([3, 3, 2, 1])) {
      case 0:
        return [
          ...this.address(),
          ...this.expr(I32, 1),
          ...this.length(),
          ...op("memory.fill"),
          0,
        ];
      case 1:
        return [
          ...this.address(),
          ...this.address(),
          ...this.length(),
          ...op("memory.copy"),
          0,
          0,
        ];
      case 2:
        if (this.scope.dataCount === 0) return [];
        return [
          ...this.address(),
          // Segments are short: small offsets and lengths, or nearly every init would trap.
          0x41,
          this.rnd.int(4),
          0x41,
          this.rnd.int(this.rnd.chance(0.9) ? 5 : 64),
          ...op("memory.init"),
          ...u32(this.rnd.int(this.scope.dataCount)),
          0,
        ];
      default:
        if (this.scope.dataCount === 0) return [];
        return [...op("data.drop"), ...u32(this.rnd.int(this.scope.dataCount))];
    }
  }

  tableStatement(): number[] {
    const table = this.rnd.int(2);
    const ref = table === 0 ? FUNCREF : EXTERNREF;
    const n = [0x41, this.rnd.int(this.rnd.chance(0.9) ? 3 : 40)];
    switch (this.rnd.weighted([4, 2, 2, 1, 1])) {
      case 0:
        return [...this.tableIndex(table), ...this.refExpr(ref, 1), 0x26, table];
      case 1:
        return [
          ...this.tableIndex(table),
          ...this.refExpr(ref, 1),
          ...n,
          ...op("table.fill"),
          table,
        ];
      case 2:
        return [
          ...this.tableIndex(table),
          ...this.tableIndex(table),
          ...n,
          ...op("table.copy"),
          table,
          table,
        ];
      case 3:
        if (this.scope.elemCount === 0) return [];
        return [
          ...this.tableIndex(0),
          0x41,
          this.rnd.int(4),
          ...n,
          ...op("table.init"),
          ...u32(this.rnd.int(this.scope.elemCount)),
          0,
        ];
      default:
        if (this.scope.elemCount === 0) return [];
        return [...op("elem.drop"), ...u32(this.rnd.int(this.scope.elemCount))];
    }
  }
}
