/**
 * Scratch vectors for the SIMD executor: three 16-byte vectors A, B
 * (operands) and C (result), each seen through every lane type. Ops on 8-
 * and 16-bit lanes copy their operands here (four words each), compute with
 * typed-array stores doing the wrapping, and copy C back; this allocates
 * nothing and makes every op safe when its result register overlaps an
 * operand. Ops on 32- and 64-bit lanes mostly work on the register file
 * directly.
 *
 * Lane i of a vector is at byte 16·k + i·width of this buffer, which is the
 * wasm lane order only on a little-endian host; the whole interpreter
 * assumes one (its `Float64Array` view of register pairs does too).
 *
 * @module
 */

const buffer = new ArrayBuffer(48);

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("wazero-ts needs a little-endian host");
}

/** Operand A as int32 lanes. */
export const A32: Int32Array = new Int32Array(buffer, 0, 4);
/** Operand A as int16 lanes. */
export const A16: Int16Array = new Int16Array(buffer, 0, 8);
/** Operand A as uint16 lanes. */
export const AU16: Uint16Array = new Uint16Array(buffer, 0, 8);
/** Operand A as int8 lanes. */
export const A8: Int8Array = new Int8Array(buffer, 0, 16);
/** Operand A as uint8 lanes. */
export const AU8: Uint8Array = new Uint8Array(buffer, 0, 16);
/** Operand A as f32 lanes. */
export const AF32: Float32Array = new Float32Array(buffer, 0, 4);
/** Operand A as f64 lanes. */
export const AF64: Float64Array = new Float64Array(buffer, 0, 2);

/** Operand B as int32 lanes. */
export const B32: Int32Array = new Int32Array(buffer, 16, 4);
/** Operand B as int16 lanes. */
export const B16: Int16Array = new Int16Array(buffer, 16, 8);
/** Operand B as uint16 lanes. */
export const BU16: Uint16Array = new Uint16Array(buffer, 16, 8);
/** Operand B as int8 lanes. */
export const B8: Int8Array = new Int8Array(buffer, 16, 16);
/** Operand B as uint8 lanes. */
export const BU8: Uint8Array = new Uint8Array(buffer, 16, 16);

/** The result as int32 lanes. */
export const C32: Int32Array = new Int32Array(buffer, 32, 4);
/** The result as int16 lanes. */
export const C16: Int16Array = new Int16Array(buffer, 32, 8);
/** The result as int8 lanes. */
export const C8: Int8Array = new Int8Array(buffer, 32, 16);
/** The result as uint8 lanes. */
export const CU8: Uint8Array = new Uint8Array(buffer, 32, 16);
/** The result as f32 lanes. */
export const CF32: Float32Array = new Float32Array(buffer, 32, 4);
/** The result as f64 lanes. */
export const CF64: Float64Array = new Float64Array(buffer, 32, 2);

/** A and B as one 32-byte table, for `i8x16.shuffle`. */
export const AB8: Uint8Array = new Uint8Array(buffer, 0, 32);

/** Copies the vector at word `a` of `R` into A. */
export function readA(R: Int32Array, a: number): void {
  A32[0] = R[a];
  A32[1] = R[a + 1];
  A32[2] = R[a + 2];
  A32[3] = R[a + 3];
}

/** Copies the vector at word `b` of `R` into B. */
export function readB(R: Int32Array, b: number): void {
  B32[0] = R[b];
  B32[1] = R[b + 1];
  B32[2] = R[b + 2];
  B32[3] = R[b + 3];
}

/** Copies C to the vector at word `d` of `R`. */
export function writeC(R: Int32Array, d: number): void {
  R[d] = C32[0];
  R[d + 1] = C32[1];
  R[d + 2] = C32[2];
  R[d + 3] = C32[3];
}
