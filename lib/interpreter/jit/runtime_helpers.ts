/**
 * `H`: every helper the structured tier's generated code calls, in one
 * object handed to each generated module. Pure functions of their operands,
 * plus the traps the spec defines.
 *
 * @module
 */

import * as i32 from "../numeric/i32.ts";
import * as float from "../numeric/float.ts";
import * as convert from "../numeric/convert.ts";
import * as pairs from "./i64_pairs.ts";
import * as values from "./values.ts";
import type { MemoryInstance } from "../instances.ts";
import { SIMD_R, simdKernel } from "./simd_kernels.ts";
import { narrowS16, narrowS8, narrowU16, narrowU8 } from "../simd/simd_words.ts";

/** The float lanes' scratch (`simd_facts.ts`): words in, f32 or f64 lanes out, and back. */
const FLOAT_SCRATCH = new ArrayBuffer(32);

/** memory.fill, with the spec's bounds check before any byte is written. */
function memoryFill(memory: MemoryInstance, d: number, value: number, n: number): void {
  d >>>= 0;
  n >>>= 0;
  if (d + n > memory.byteLength) i32.trap("out of bounds memory access");
  memory.bytes.fill(value, d, d + n);
}

/** memory.copy (overlapping ranges copy as if through a buffer). */
function memoryCopy(memory: MemoryInstance, d: number, s: number, n: number): void {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (s + n > memory.byteLength || d + n > memory.byteLength) {
    i32.trap("out of bounds memory access");
  }
  memory.bytes.copyWithin(d, s, s + n);
}

/** memory.init from a data segment (a dropped segment is empty). */
function memoryInit(memory: MemoryInstance, data: Uint8Array, d: number, s: number, n: number) {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (s + n > data.length || d + n > memory.byteLength) i32.trap("out of bounds memory access");
  memory.bytes.set(data.subarray(s, s + n), d);
}

/** The helpers, by the names the generated code uses. */
export const HELPERS: Readonly<Record<string, unknown>> = {
  trap: i32.trap,
  ctz32: i32.ctz32,
  popcnt32: i32.popcnt32,
  divS32: i32.divS32,
  divU32: i32.divU32,
  remS32: i32.remS32,
  remU32: i32.remU32,
  rotl32: i32.rotl32,
  rotr32: i32.rotr32,
  fmin: float.fmin,
  fmax: float.fmax,
  fceil: float.fceil,
  ffloor: float.ffloor,
  ftrunc: float.ftrunc,
  fnearest: float.fnearest,
  i32TruncS: convert.i32TruncS,
  i32TruncU: convert.i32TruncU,
  i32TruncSatS: convert.i32TruncSatS,
  i32TruncSatU: convert.i32TruncSatU,
  ...pairs,
  f32FromBits: values.f32FromBits,
  f32Bits: values.f32Bits,
  f64FromBits: values.f64FromBits,
  f64Bits: values.f64Bits,
  loadF32: values.loadF32,
  loadF64: values.loadF64,
  storeF32: values.storeF32,
  storeF64: values.storeF64,
  absF32: values.absF32,
  negF32: values.negF32,
  copysignF32: values.copysignF32,
  absF64: values.absF64,
  negF64: values.negF64,
  copysignF64: values.copysignF64,
  NaNBits: values.NaNBits,
  memoryFill,
  memoryCopy,
  memoryInit,
  SIMD_R,
  simdKernel,
  narrowS8,
  narrowS16,
  narrowU8,
  narrowU16,
  SF_I: new Int32Array(FLOAT_SCRATCH),
  SF_F: new Float32Array(FLOAT_SCRATCH),
  SF_D: new Float64Array(FLOAT_SCRATCH),
  /** What a dropped data segment becomes. */
  EMPTY_BYTES: new Uint8Array(0),
};
