/**
 * Evaluation of constant expressions of more than one instruction (3.0):
 * GC allocations (`struct.new`, `array.new_fixed` ...), `ref.i31`, the
 * `any`/`extern` conversions and the extended-constant arithmetic, on a
 * small stack of values (each its register words, or a reference).
 *
 * @module
 */

import { Op } from "../binary/opcodes.ts";
import type { ConstExpr, ConstInstruction } from "../binary/types.ts";
import { RuntimeError } from "../errors.ts";
import {
  arrayKind,
  elementWords,
  externalize,
  internalize,
  Kind,
  newArrayData,
  newStruct,
  structLayout,
  WasmArray,
} from "../interpreter/gc_heap.ts";
import type { GlobalInstance, InstanceState } from "../interpreter/instances.ts";

/** A value on the evaluation stack: its words (up to four), or a reference. */
interface Value {
  w: number[];
  ref: unknown;
}

function words(...w: number[]): Value {
  return { w, ref: null };
}

function reference(ref: unknown): Value {
  return { w: [], ref };
}

/** The canonical type id of the module's type `index`, recorded when the module was validated. */
export type CanonIds = (index: number) => number;

/** Stores a value of a storage kind into `out` at `o` (the layout of `gc_heap.ts`). */
function store(
  kind: number,
  v: Value,
  out: unknown[] | Uint8Array | Uint16Array | Int32Array,
  o: number,
) {
  switch (kind) {
    case Kind.ref:
      (out as unknown[])[o] = v.ref;
      return;
    case Kind.i8:
      out[o] = v.w[0] & 0xff;
      return;
    case Kind.i16:
      out[o] = v.w[0] & 0xffff;
      return;
    default:
      for (let k = 0; k < elementWords(kind); k++) out[o + k] = v.w[k];
  }
}

/** i64 addition, subtraction or multiplication on word pairs. */
function i64Op(op: number, a: number[], b: number[]): Value {
  const x = BigInt.asIntN(64, (BigInt(a[1]) << 32n) | BigInt(a[0] >>> 0));
  const y = BigInt.asIntN(64, (BigInt(b[1]) << 32n) | BigInt(b[0] >>> 0));
  const r = BigInt.asUintN(64, op === 0x7c ? x + y : op === 0x7d ? x - y : x * y);
  return words(Number(r & 0xffffffffn) | 0, Number(r >> 32n) | 0);
}

/** Evaluates a validated constant expression into `out`. */
export function evalConstStack(
  expr: ConstExpr,
  state: InstanceState,
  canonId: CanonIds,
  out: GlobalInstance,
): void {
  const stack: Value[] = [];
  for (const ins of expr.instructions) stack.push(evalOne(ins, stack, state, canonId));
  const v = stack[0];
  out.bits.fill(0);
  for (let i = 0; i < v.w.length; i++) out.bits[i] = v.w[i];
  out.ref = v.ref;
}

function evalOne(
  ins: ConstInstruction,
  stack: Value[],
  state: InstanceState,
  canonId: CanonIds,
): Value {
  switch (ins.op) {
    case Op.i32_const:
    case Op.f32_const:
      return words(ins.a);
    case Op.i64_const:
    case Op.f64_const:
      return words(ins.a, ins.b);
    case Op.v128_const: {
      const v = new DataView(ins.v128!.buffer, ins.v128!.byteOffset, 16);
      return words(
        v.getInt32(0, true),
        v.getInt32(4, true),
        v.getInt32(8, true),
        v.getInt32(12, true),
      );
    }
    case Op.ref_null:
      return reference(null);
    case Op.ref_func:
      return reference(state.functions[ins.a]);
    case Op.global_get: {
      const g = state.globals[ins.a];
      return { w: Array.from(g.bits), ref: g.ref };
    }
    case 0x6a: // i32.add
    case 0x6b: // i32.sub
    case 0x6c: { // i32.mul
      const b = stack.pop()!.w[0], a = stack.pop()!.w[0];
      return words(ins.op === 0x6a ? (a + b) | 0 : ins.op === 0x6b ? (a - b) | 0 : Math.imul(a, b));
    }
    case 0x7c: // i64.add
    case 0x7d: // i64.sub
    case 0x7e: { // i64.mul
      const b = stack.pop()!.w, a = stack.pop()!.w;
      return i64Op(ins.op, a, b);
    }
    case Op.ref_i31:
      return reference((stack.pop()!.w[0] << 1) >> 1);
    case Op.any_convert_extern:
      return reference(internalize(stack.pop()!.ref));
    case Op.extern_convert_any:
      return reference(externalize(stack.pop()!.ref));
    case Op.struct_new:
    case Op.struct_new_default: {
      const t = canonId(ins.a);
      const l = structLayout(t);
      const f: unknown[] = new Array(l.size).fill(0);
      const n = l.kinds.length;
      const values = ins.op === Op.struct_new ? stack.splice(stack.length - n, n) : null;
      for (let i = 0; i < n; i++) {
        if (values !== null) store(l.kinds[i], values[i], f, l.offsets[i]);
        else if (l.kinds[i] === Kind.ref) f[l.offsets[i]] = null;
      }
      return reference(newStruct(t, f, state.gc));
    }
    case Op.array_new:
    case Op.array_new_default:
    case Op.array_new_fixed: {
      const t = canonId(ins.a);
      const kind = arrayKind(t);
      const words = elementWords(kind);
      let values: Value[];
      if (ins.op === Op.array_new_fixed) values = stack.splice(stack.length - ins.b, ins.b);
      else {
        const n = stack.pop()!.w[0] >>> 0;
        const init = ins.op === Op.array_new ? stack.pop()! : null;
        const d = newArrayData(kind, n, state.gc);
        if (init !== null) { for (let i = 0; i < n; i++) store(kind, init, d, i * words); }
        return reference(new WasmArray(t, n, d));
      }
      const d = newArrayData(kind, values.length, state.gc);
      values.forEach((v, i) => store(kind, v, d, i * words));
      return reference(new WasmArray(t, values.length, d));
    }
  }
  throw new RuntimeError(`cannot evaluate constant instruction ${ins.op}`);
}
