/**
 * f32 and f64 operations whose WebAssembly semantics differ from the obvious
 * JavaScript expression.
 *
 * Two kinds of helpers live here:
 * - value helpers (`fmin`, `fnearest`, ...) take and return numbers; the
 *   executor reads operands through its `Float32Array`/`Float64Array` views
 *   and stores the result the same way. One function serves both widths when
 *   the result of an f32 input is itself an f32 value (min, max, rounding to
 *   an integer never produce a value that needs re-rounding);
 * - bitwise helpers (`f32Abs`, `f64Copysign`, ...) work on the `Int32Array`
 *   view with absolute low-word indices, like the i64 helpers, because the
 *   spec defines abs, neg and copysign on the sign bit alone: a NaN payload
 *   (even a signalling one) must come through unchanged, which a round trip
 *   through a JavaScript number does not guarantee.
 *
 * What needs no helper: f32 add, sub, mul, div and sqrt are
 * `Math.fround(a op b)` on the f32 operands. Computing in double and rounding
 * once more to single gives the correctly rounded single result because
 * 53 ≥ 2·24 + 2 (Figueroa, "When is double rounding innocuous?", 1995), so
 * the double rounding cannot create a false tie. f64 arithmetic is
 * JavaScript arithmetic. Comparisons are JavaScript comparisons (NaN is
 * unordered in both).
 *
 * NaN results: where the spec produces a NaN from a computation (not a bit
 * move), any quiet NaN is conforming; the helpers return the canonical `NaN`
 * rather than an input NaN, since an f64 signalling NaN read through a
 * `Float64Array` keeps its signalling bit and would be an invalid result.
 *
 * @module
 */

/** 2^52: from here on every f64 is an integer. */
const TWO_52 = 4503599627370496;

/**
 * f32.min / f64.min. `Math.min` already orders -0 below +0 and propagates
 * NaN, as the spec requires; only the NaN itself is replaced (see the module
 * note).
 */
export function fmin(a: number, b: number): number {
  const r = Math.min(a, b);
  return r === r ? r : NaN;
}

/** f32.max / f64.max: `Math.max` with the same NaN replacement as `fmin`. */
export function fmax(a: number, b: number): number {
  const r = Math.max(a, b);
  return r === r ? r : NaN;
}

/** f32.ceil / f64.ceil. `Math.ceil` keeps -0 and gives -0 for (-1, 0), as the spec does. */
export function fceil(x: number): number {
  const r = Math.ceil(x);
  return r === r ? r : NaN;
}

/** f32.floor / f64.floor. `Math.floor` keeps -0, as the spec does. */
export function ffloor(x: number): number {
  const r = Math.floor(x);
  return r === r ? r : NaN;
}

/** f32.trunc / f64.trunc. `Math.trunc` keeps -0 and gives -0 for (-1, 0), as the spec does. */
export function ftrunc(x: number): number {
  const r = Math.trunc(x);
  return r === r ? r : NaN;
}

/**
 * f32.nearest / f64.nearest: round half to even, keeping the sign of zero.
 * `Math.round` rounds halves up, so it does not fit. Below 2^52, adding and
 * subtracting 2^52 leaves exactly the integer the FPU's default
 * round-to-nearest-even mode picks; from 2^52 on the value is an integer.
 * An f32 input needs no re-rounding: its nearest integer is an f32 too.
 */
export function fnearest(x: number): number {
  if (x > 0) return x < TWO_52 ? x + TWO_52 - TWO_52 : x;
  // Negating keeps -0 for inputs in [-0.5, 0).
  if (x < 0) return x > -TWO_52 ? -(-x + TWO_52 - TWO_52) : x;
  return x === x ? x : NaN;
}

/** f32.abs on bits: clears the sign bit of R[a] into R[dst]. */
export function f32Abs(R: Int32Array, dst: number, a: number): void {
  R[dst] = R[a] & 0x7fffffff;
}

/** f32.neg on bits: flips the sign bit of R[a] into R[dst]. */
export function f32Neg(R: Int32Array, dst: number, a: number): void {
  R[dst] = R[a] ^ -0x80000000;
}

/** f32.copysign on bits: the magnitude of R[a] with the sign of R[b]. */
export function f32Copysign(R: Int32Array, dst: number, a: number, b: number): void {
  R[dst] = (R[a] & 0x7fffffff) | (R[b] & -0x80000000);
}

/** f64.abs on bits: the sign is bit 31 of the high word (dst + 1). */
export function f64Abs(R: Int32Array, dst: number, a: number): void {
  R[dst] = R[a];
  R[dst + 1] = R[a + 1] & 0x7fffffff;
}

/** f64.neg on bits: flips bit 31 of the high word. */
export function f64Neg(R: Int32Array, dst: number, a: number): void {
  R[dst] = R[a];
  R[dst + 1] = R[a + 1] ^ -0x80000000;
}

/** f64.copysign on bits: the magnitude of a with the sign of b. */
export function f64Copysign(R: Int32Array, dst: number, a: number, b: number): void {
  const hi = (R[a + 1] & 0x7fffffff) | (R[b + 1] & -0x80000000);
  R[dst] = R[a];
  R[dst + 1] = hi;
}

/** f32.min, for executors that prefer per-type names (same function as `fmin`). */
export const f32Min: (a: number, b: number) => number = fmin;
/** f64.min (same function as `fmin`). */
export const f64Min: (a: number, b: number) => number = fmin;
/** f32.max (same function as `fmax`). */
export const f32Max: (a: number, b: number) => number = fmax;
/** f64.max (same function as `fmax`). */
export const f64Max: (a: number, b: number) => number = fmax;
