/**
 * i32 operations that JavaScript has no single operator for. Values are
 * plain int32 numbers (what an `Int32Array` read yields); results are int32
 * numbers, ready to be stored back into the register file.
 *
 * @module
 */

import { RuntimeError } from "../../errors.ts";

/**
 * Throws the spec's trap. Kept out of line so the hot functions that call it
 * stay small enough to be inlined.
 *
 * @param message the trap message, in the spec's words.
 */
export function trap(message: string): never {
  throw new RuntimeError(message);
}

/**
 * i32.ctz: trailing zero bits, 32 for 0. `x & -x` isolates the lowest set
 * bit, whose position `Math.clz32` (a single instruction) then reveals.
 */
export function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** i32.popcnt: the SWAR bit count, all in int32 arithmetic (no table, no loop). */
export function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * i32.div_s. A double quotient of two int32 values is never off by one
 * after truncation (both fit in 53 bits), and `| 0` wraps nothing but
 * INT32_MIN / -1, which traps first.
 */
export function divS32(a: number, b: number): number {
  if (b === 0) trap("integer divide by zero");
  if (a === -0x80000000 && b === -1) trap("integer overflow");
  return (a / b) | 0;
}

/** i32.div_u on int32 bit patterns; returns the int32 bit pattern of the quotient. */
export function divU32(a: number, b: number): number {
  if (b === 0) trap("integer divide by zero");
  return ((a >>> 0) / (b >>> 0)) | 0;
}

/**
 * i32.rem_s. JavaScript's `%` is exact and takes the dividend's sign, as the
 * spec does; INT32_MIN % -1 gives -0, which `| 0` turns into the spec's 0.
 */
export function remS32(a: number, b: number): number {
  if (b === 0) trap("integer divide by zero");
  return (a % b) | 0;
}

/** i32.rem_u on int32 bit patterns. */
export function remU32(a: number, b: number): number {
  if (b === 0) trap("integer divide by zero");
  return ((a >>> 0) % (b >>> 0)) | 0;
}

/** i32.rotl; JavaScript shift counts are already taken mod 32, as the spec wants. */
export function rotl32(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** i32.rotr; JavaScript shift counts are already taken mod 32, as the spec wants. */
export function rotr32(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}
