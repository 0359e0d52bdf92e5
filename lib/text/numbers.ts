/**
 * Numeric literals of the text format: integers in decimal or hex with `_`
 * separators, and floats (decimal, hex, `inf`, `nan`, `nan:0x...`) rounded
 * exactly to f32 or f64. Float conversion uses BigInt arithmetic so that
 * every literal rounds once, to nearest-even, directly to the target format;
 * going through a JS number first would round twice for f32.
 *
 * Every function returns `null` for text that is not a literal of the
 * requested kind or is out of range, leaving the error message to the caller.
 *
 * @module
 */

const DEC_RE = /^[0-9](?:_?[0-9])*$/;
const HEX_RE = /^0x[0-9a-fA-F](?:_?[0-9a-fA-F])*$/;
const DEC_FLOAT_RE =
  /^([0-9](?:_?[0-9])*)(?:\.([0-9](?:_?[0-9])*)?)?(?:[eE]([+-]?[0-9](?:_?[0-9])*))?$/;
const HEX_FLOAT_RE =
  /^0x([0-9a-fA-F](?:_?[0-9a-fA-F])*)(?:\.([0-9a-fA-F](?:_?[0-9a-fA-F])*)?)?(?:[pP]([+-]?[0-9](?:_?[0-9])*))?$/;

/** Parses an unsigned integer literal (`uN` without range check) to a BigInt. */
export function parseNat(text: string): bigint | null {
  if (DEC_RE.test(text)) {
    return BigInt(text.length < 16 ? Number(text.replaceAll("_", "")) : text.replaceAll("_", ""));
  }
  if (HEX_RE.test(text)) return BigInt(text.replaceAll("_", ""));
  return null;
}

/** Parses a `u32` literal (indices, limits, offsets): no sign, at most 2^32-1. */
export function parseU32(text: string): number | null {
  const c = text.charCodeAt(0);
  if (c < 48 || c > 57) return null;
  if (text.length < 10 && DEC_RE.test(text) && !text.includes("_")) return Number(text);
  const v = parseNat(text);
  if (v === null || v > 0xffffffffn) return null;
  return Number(v);
}

/**
 * Parses an `iN` literal (`bits` ≤ 64): unsigned up to 2^N-1, or signed
 * within -2^(N-1)..2^(N-1)-1 when it carries a sign. Returns the value
 * modulo 2^N (that is, its two's complement bit pattern) as a BigInt.
 */
export function parseIntBits(text: string, bits: number): bigint | null {
  let sign = 0;
  let body = text;
  const c = text.charCodeAt(0);
  if (c === 43 /* + */ || c === 45 /* - */) {
    sign = c === 45 ? -1 : 1;
    body = text.slice(1);
  }
  const v = parseNat(body);
  if (v === null) return null;
  const limit = 1n << BigInt(bits);
  if (sign === 0) return v < limit ? v : null;
  const half = limit >> 1n;
  if (sign > 0) return v < half ? v : null;
  return v <= half ? (limit - v) % limit : null;
}

/** Parses an `i32` literal to its value as a signed 32-bit number. */
export function parseI32(text: string): number | null {
  // Plain short decimals are by far the most common: skip BigInt for them.
  if (text.length < 10 && /^-?[0-9]+$/.test(text)) return Number(text) | 0;
  const v = parseIntBits(text, 32);
  return v === null ? null : Number(BigInt.asIntN(32, v));
}

/** Parses an `i64` literal to its value as a signed 64-bit BigInt. */
export function parseI64(text: string): bigint | null {
  const v = parseIntBits(text, 64);
  return v === null ? null : BigInt.asIntN(64, v);
}

/** Layout of a binary floating-point format. */
interface FloatFormat {
  /** Significand bits including the implicit leading one. */
  precision: number;
  /** Smallest exponent of a normal number. */
  emin: number;
  /** Largest exponent of a finite number. */
  emax: number;
}

const F32: FloatFormat = { precision: 24, emin: -126, emax: 127 };
const F64: FloatFormat = { precision: 53, emin: -1022, emax: 1023 };

/**
 * Parses an `f32` literal to its IEEE 754 bit pattern (an unsigned 32-bit
 * number).
 */
export function parseF32(text: string): number | null {
  const r = parseFloatBits(text, F32);
  return r === null ? null : Number(r);
}

/** Parses an `f64` literal to its IEEE 754 bit pattern (an unsigned 64-bit BigInt). */
export function parseF64(text: string): bigint | null {
  return parseFloatBits(text, F64);
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Parses the digits of an exponent, clamping absurd magnitudes that round to 0 or ∞ anyway. */
function parseExponent(text: string | undefined): number {
  if (text === undefined) return 0;
  const clean = text.replaceAll("_", "");
  const v = Number(clean);
  return Math.max(-1e9, Math.min(1e9, v));
}

function parseFloatBits(text: string, fmt: FloatFormat): bigint | null {
  let negative = false;
  let body = text;
  const c = text.charCodeAt(0);
  if (c === 43 || c === 45) {
    negative = c === 45;
    body = text.slice(1);
  }
  const p = fmt.precision;
  const expBits = fmt === F32 ? 8 : 11;
  const fracBits = BigInt(p - 1);
  const signBit = negative ? 1n << BigInt(p - 1 + expBits) : 0n;
  const expAllOnes = ((1n << BigInt(expBits)) - 1n) << fracBits;
  if (body === "inf") return signBit | expAllOnes;
  if (body === "nan") return signBit | expAllOnes | (1n << (fracBits - 1n));
  if (body.startsWith("nan:")) {
    const payload = body.slice(4);
    if (!HEX_RE.test(payload)) return null;
    const v = BigInt(payload.replaceAll("_", ""));
    if (v === 0n || v >= 1n << fracBits) return null;
    return signBit | expAllOnes | v;
  }
  let num: bigint, den = 1n;
  let m = HEX_FLOAT_RE.exec(body);
  if (m !== null) {
    const intDigits = m[1].replaceAll("_", "");
    const fracDigits = (m[2] ?? "").replaceAll("_", "");
    const mant = BigInt("0x" + intDigits + fracDigits);
    let e = parseExponent(m[3]) - 4 * fracDigits.length;
    if (mant === 0n) return signBit;
    // Bring out-of-range exponents back to where the result is already 0 or ∞.
    const mbits = bitLength(mant);
    if (mbits + e > fmt.emax + 2) e = fmt.emax + 2 - mbits;
    if (mbits + e < fmt.emin - p - 2) e = fmt.emin - p - 2 - mbits;
    if (e >= 0) num = mant << BigInt(e);
    else {
      num = mant;
      den = 1n << BigInt(-e);
    }
  } else {
    m = DEC_FLOAT_RE.exec(body);
    if (m === null) return null;
    const intDigits = m[1].replaceAll("_", "");
    const fracDigits = (m[2] ?? "").replaceAll("_", "");
    const digits = (intDigits + fracDigits).replace(/^0+/, "");
    if (digits === "") return signBit;
    const e = parseExponent(m[3]) - fracDigits.length;
    // value < 10^(digits.length + e); value ≥ 10^(digits.length - 1 + e).
    if (digits.length + e < -400) return signBit;
    if (digits.length - 1 + e > 400) return null;
    const mant = BigInt(digits);
    if (e >= 0) num = mant * 10n ** BigInt(e);
    else {
      num = mant;
      den = 10n ** BigInt(-e);
    }
  }
  const bits = roundToFormat(num, den, fmt);
  return bits === null ? null : signBit | bits;
}

/**
 * Rounds the positive rational `num / den` to nearest-even in the given
 * format; returns the bit pattern without the sign, or null when it rounds
 * to infinity (the text format rejects such literals).
 */
function roundToFormat(num: bigint, den: bigint, fmt: FloatFormat): bigint | null {
  const p = fmt.precision;
  const bias = fmt.emax;
  const fracBits = BigInt(p - 1);
  // Find E with 2^E ≤ num/den < 2^(E+1).
  let e = bitLength(num) - bitLength(den);
  const below = e >= 0 ? num < den << BigInt(e) : num << BigInt(-e) < den;
  if (below) e--;
  if (e > fmt.emax) return null;
  if (e < fmt.emin) e = fmt.emin;
  const shift = p - 1 - e;
  let n = num, d = den;
  if (shift >= 0) n <<= BigInt(shift);
  else d <<= BigInt(-shift);
  let q = n / d;
  const r2 = (n - q * d) * 2n;
  if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
  if (q === 1n << BigInt(p)) {
    q >>= 1n;
    e++;
  }
  if (e > fmt.emax) return null;
  const hidden = 1n << fracBits;
  if (q < hidden) return q; // subnormal (or zero): biased exponent 0
  return (BigInt(e + bias) << fracBits) | (q - hidden);
}
