/**
 * The typed-reference and GC register ops (see `gc_heap.ts` for what the
 * values are). Reached from `executeRare`, so neither the hot switch nor the
 * code of 2.0 modules changes; the register-code tier runs them through the
 * same `default` body.
 *
 * @module
 */

import { RuntimeError } from "../../errors.ts";
import type { InstanceState } from "../instances.ts";
import {
  type ArrayData,
  arrayKind,
  elementWords,
  externalize,
  internalize,
  Kind,
  newArrayData,
  newStruct,
  OBJECT_BYTES,
  refTest,
  structLayout,
  WasmArray,
  type WasmStruct,
  WORD_BYTES,
} from "../gc_heap.ts";

/** What the GC ops need of the machine: its registers and the pending `call_ref` callee. */
export interface GcRegisters {
  R: Int32Array;
  refs: unknown[];
  refCallee: unknown;
}

/** The first register op of this file. */
export const FIRST_GC_OP = 382;

function trap(message: string): never {
  throw new RuntimeError(message);
}

function struct(v: unknown): WasmStruct {
  if (v === null) trap("null structure reference");
  return v as WasmStruct;
}

function array(v: unknown): WasmArray {
  if (v === null) trap("null array reference");
  return v as WasmArray;
}

/** Reads a value of a storage kind from registers at word `w` into `out[o..]`. */
function readReg(
  R: Int32Array,
  refs: unknown[],
  kind: number,
  w: number,
  out: ArrayData,
  o: number,
) {
  switch (kind) {
    case Kind.ref:
      (out as unknown[])[o] = refs[w >> 1];
      return;
    case Kind.i8:
      out[o] = R[w] & 0xff;
      return;
    case Kind.i16:
      out[o] = R[w] & 0xffff;
      return;
    case Kind.w32:
      out[o] = R[w];
      return;
    case Kind.w64:
      out[o] = R[w];
      out[o + 1] = R[w + 1];
      return;
    default:
      out[o] = R[w];
      out[o + 1] = R[w + 1];
      out[o + 2] = R[w + 2];
      out[o + 3] = R[w + 3];
  }
}

/** Writes the value at `src[o..]` of a storage kind to registers at word `w`. */
function writeReg(
  R: Int32Array,
  refs: unknown[],
  kind: number,
  w: number,
  src: ArrayData,
  o: number,
  mode: number,
) {
  switch (kind) {
    case Kind.ref:
      refs[w >> 1] = (src as unknown[])[o];
      return;
    case Kind.i8: {
      const v = src[o] as number;
      R[w] = mode === 1 ? (v << 24) >> 24 : v;
      return;
    }
    case Kind.i16: {
      const v = src[o] as number;
      R[w] = mode === 1 ? (v << 16) >> 16 : v;
      return;
    }
    case Kind.w32:
      R[w] = src[o] as number;
      return;
    case Kind.w64:
      R[w] = src[o] as number;
      R[w + 1] = src[o + 1] as number;
      return;
    default:
      R[w] = src[o] as number;
      R[w + 1] = src[o + 1] as number;
      R[w + 2] = src[o + 2] as number;
      R[w + 3] = src[o + 3] as number;
  }
}

function checkRange(offset: number, n: number, length: number): void {
  if (offset + n > length) trap("out of bounds array access");
}

/** Element `i` of the instance's data segment as array elements of `kind`, `n` of them. */
function fromData(
  inst: InstanceState,
  segment: number,
  s: number,
  n: number,
  kind: number,
  out: ArrayData,
  d: number,
) {
  const data = inst.data[segment];
  const words = elementWords(kind);
  const size = kind === Kind.i8 ? 1 : kind === Kind.i16 ? 2 : 4 * words;
  if (s + n * size > data.length) trap("out of bounds memory access");
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < n; i++) {
    const at = s + i * size;
    if (kind === Kind.i8) out[d + i] = data[at];
    else if (kind === Kind.i16) out[d + i] = view.getUint16(at, true);
    else for (let k = 0; k < words; k++) out[(d + i) * words + k] = view.getInt32(at + 4 * k, true);
  }
}

/** Runs the GC op at `pc`; returns the next pc. */
export function executeGc(
  m: GcRegisters,
  inst: InstanceState,
  code: Int32Array,
  pc: number,
  b: number,
): number {
  const R = m.R, refs = m.refs;
  switch (code[pc]) {
    case 382 /* ref_as_non_null */: {
      const v = refs[(b + code[pc + 2]) >> 1];
      if (v === null) trap("null reference");
      refs[(b + code[pc + 1]) >> 1] = v;
      return pc + 3;
    }
    case 383 /* call_ref_prepare */: {
      const v = refs[(b + code[pc + 1]) >> 1];
      if (v === null) trap("null function reference");
      m.refCallee = v;
      return pc + 2;
    }
    case 384 /* ref_test */:
      R[b + code[pc + 1]] = refTest(refs[(b + code[pc + 2]) >> 1], code[pc + 3]) ? 1 : 0;
      return pc + 4;
    case 385 /* ref_test_fail */:
      R[b + code[pc + 1]] = refTest(refs[(b + code[pc + 2]) >> 1], code[pc + 3]) ? 0 : 1;
      return pc + 4;
    case 386 /* ref_cast */: {
      const v = refs[(b + code[pc + 2]) >> 1];
      if (!refTest(v, code[pc + 3])) trap("cast failure");
      refs[(b + code[pc + 1]) >> 1] = v;
      return pc + 4;
    }
    case 387 /* ref_eq */:
      R[b + code[pc + 1]] = refs[(b + code[pc + 2]) >> 1] === refs[(b + code[pc + 3]) >> 1] ? 1 : 0;
      return pc + 4;
    case 388 /* ref_i31 */:
      refs[(b + code[pc + 1]) >> 1] = (R[b + code[pc + 2]] << 1) >> 1;
      return pc + 3;
    case 389 /* i31_get */: {
      const v = refs[(b + code[pc + 2]) >> 1];
      if (v === null) trap("null i31 reference");
      R[b + code[pc + 1]] = code[pc + 3] === 1 ? v as number : (v as number) & 0x7fffffff;
      return pc + 4;
    }
    case 390 /* any_convert_extern */:
      refs[(b + code[pc + 1]) >> 1] = internalize(refs[(b + code[pc + 2]) >> 1]);
      return pc + 3;
    case 391 /* extern_convert_any */:
      refs[(b + code[pc + 1]) >> 1] = externalize(refs[(b + code[pc + 2]) >> 1]);
      return pc + 3;
    case 392 /* struct_new */:
    case 393 /* struct_new_default */: {
      const withValues = code[pc] === 392;
      const t = code[pc + (withValues ? 3 : 2)];
      const l = structLayout(t);
      const f: unknown[] = new Array(l.size).fill(0);
      const base = b + code[pc + 2];
      for (let i = 0; i < l.kinds.length; i++) {
        const kind = l.kinds[i];
        if (withValues) readReg(R, refs, kind, base + l.regs[i], f, l.offsets[i]);
        else if (kind === Kind.ref) f[l.offsets[i]] = null;
      }
      refs[(b + code[pc + 1]) >> 1] = newStruct(t, f, inst.gc);
      return pc + (withValues ? 4 : 3);
    }
    case 394 /* struct_get */: {
      const s = struct(refs[(b + code[pc + 2]) >> 1]);
      const l = structLayout(code[pc + 3]);
      const i = code[pc + 4];
      writeReg(R, refs, l.kinds[i], b + code[pc + 1], s.f, l.offsets[i], code[pc + 5]);
      return pc + 6;
    }
    case 395 /* struct_set */: {
      const s = struct(refs[(b + code[pc + 1]) >> 1]);
      const l = structLayout(code[pc + 3]);
      const i = code[pc + 4];
      readReg(R, refs, l.kinds[i], b + code[pc + 2], s.f, l.offsets[i]);
      return pc + 5;
    }
    case 396 /* array_new */:
    case 397 /* array_new_default */: {
      const withValue = code[pc] === 396;
      const t = code[pc + (withValue ? 4 : 3)];
      const n = R[b + code[pc + (withValue ? 3 : 2)]] >>> 0;
      const kind = arrayKind(t);
      const d = newArrayData(kind, n, inst.gc);
      if (withValue) {
        const words = elementWords(kind);
        const w = b + code[pc + 2];
        for (let i = 0; i < n; i++) readReg(R, refs, kind, w, d, i * words);
      }
      refs[(b + code[pc + 1]) >> 1] = new WasmArray(t, n, d);
      return pc + (withValue ? 5 : 4);
    }
    case 398 /* array_new_fixed */: {
      const t = code[pc + 3], n = code[pc + 4];
      const kind = arrayKind(t);
      const d = newArrayData(kind, n, inst.gc);
      const words = elementWords(kind), regWords = kind === Kind.v128 ? 4 : 2;
      const base = b + code[pc + 2];
      for (let i = 0; i < n; i++) readReg(R, refs, kind, base + i * regWords, d, i * words);
      refs[(b + code[pc + 1]) >> 1] = new WasmArray(t, n, d);
      return pc + 5;
    }
    case 399 /* array_new_data */:
    case 400 /* array_new_elem */: {
      const t = code[pc + 4], segment = code[pc + 5];
      const s = R[b + code[pc + 2]] >>> 0, n = R[b + code[pc + 3]] >>> 0;
      const kind = arrayKind(t);
      let d: ArrayData;
      if (code[pc] === 399) {
        const size = kind === Kind.i8 ? 1 : kind === Kind.i16 ? 2 : 4 * elementWords(kind);
        if (s + n * size > inst.data[segment].length) trap("out of bounds memory access");
        d = newArrayData(kind, n, inst.gc);
        fromData(inst, segment, s, n, kind, d, 0);
      } else {
        const elems = inst.elements[segment];
        if (s + n > elems.length) trap("out of bounds table access");
        inst.gc?.charge(OBJECT_BYTES + WORD_BYTES * n);
        d = elems.slice(s, s + n);
      }
      refs[(b + code[pc + 1]) >> 1] = new WasmArray(t, n, d);
      return pc + 6;
    }
    case 401 /* array_get */: {
      const a = array(refs[(b + code[pc + 2]) >> 1]);
      const i = R[b + code[pc + 3]] >>> 0;
      if (i >= a.length) trap("out of bounds array access");
      const kind = arrayKind(code[pc + 4]);
      writeReg(R, refs, kind, b + code[pc + 1], a.d, i * elementWords(kind), code[pc + 5]);
      return pc + 6;
    }
    case 402 /* array_set */: {
      const a = array(refs[(b + code[pc + 1]) >> 1]);
      const i = R[b + code[pc + 2]] >>> 0;
      if (i >= a.length) trap("out of bounds array access");
      const kind = arrayKind(code[pc + 4]);
      readReg(R, refs, kind, b + code[pc + 3], a.d, i * elementWords(kind));
      return pc + 5;
    }
    case 403 /* array_len */:
      R[b + code[pc + 1]] = array(refs[(b + code[pc + 2]) >> 1]).length;
      return pc + 3;
    case 404 /* array_fill */: {
      const a = array(refs[(b + code[pc + 1]) >> 1]);
      const d = R[b + code[pc + 2]] >>> 0, n = R[b + code[pc + 4]] >>> 0;
      checkRange(d, n, a.length);
      const kind = arrayKind(code[pc + 5]);
      const words = elementWords(kind);
      for (let i = 0; i < n; i++) readReg(R, refs, kind, b + code[pc + 3], a.d, (d + i) * words);
      return pc + 6;
    }
    case 405 /* array_copy */: {
      const dst = array(refs[(b + code[pc + 1]) >> 1]);
      const d = R[b + code[pc + 2]] >>> 0;
      const src = array(refs[(b + code[pc + 3]) >> 1]);
      const s = R[b + code[pc + 4]] >>> 0, n = R[b + code[pc + 5]] >>> 0;
      checkRange(d, n, dst.length);
      checkRange(s, n, src.length);
      const words = elementWords(arrayKind(code[pc + 6]));
      if (Array.isArray(dst.d)) {
        const from = (src.d as unknown[]).slice(s, s + n);
        for (let i = 0; i < n; i++) dst.d[d + i] = from[i];
      } else {
        (dst.d as Int32Array).set(
          (src.d as Int32Array).slice(s * words, (s + n) * words),
          d * words,
        );
      }
      return pc + 7;
    }
    case 406 /* array_init_data */:
    case 407 /* array_init_elem */: {
      const a = array(refs[(b + code[pc + 1]) >> 1]);
      const d = R[b + code[pc + 2]] >>> 0;
      const s = R[b + code[pc + 3]] >>> 0, n = R[b + code[pc + 4]] >>> 0;
      const kind = arrayKind(code[pc + 5]), segment = code[pc + 6];
      checkRange(d, n, a.length);
      if (code[pc] === 406) fromData(inst, segment, s, n, kind, a.d, d);
      else {
        const elems = inst.elements[segment];
        if (s + n > elems.length) trap("out of bounds table access");
        for (let i = 0; i < n; i++) (a.d as unknown[])[d + i] = elems[s + i];
      }
      return pc + 7;
    }
  }
  throw new RuntimeError(`unknown register op ${code[pc]}`);
}
