/**
 * WebAssembly 3.0 in generated modules: the deterministic features native
 * engines ship, so they can be cross-checked like the rest: tail calls
 * (`return_call` under an `if`), exceptions (a tag of one i32, `throw`,
 * `try_table` with `catch` and `catch_all`), a second memory (often 64-bit,
 * with i64 addresses) with loads and stores, and extended constant
 * expressions in global initialisers. Which of them a module may use is
 * given by {@link Wasm3Features}: what the native engine validates
 * ({@link nativeWasm3Features}), all of them without one.
 *
 * @module
 */

import { s32, s64, u32 } from "../../tests/helpers/binary_builder.ts";
import { F32, F64, I32, I64, op } from "./op_pools.ts";
import type { Random } from "./random.ts";

/** The 3.0 features a generated module may use. */
export interface Wasm3Features {
  tailCalls: boolean;
  exceptions: boolean;
  multiMemory: boolean;
  memory64: boolean;
  extendedConst: boolean;
}

/** Every feature off: modules as the 2.0 generator made them. */
export const NO_WASM3: Wasm3Features = {
  tailCalls: false,
  exceptions: false,
  multiMemory: false,
  memory64: false,
  extendedConst: false,
};

/** Every feature on. */
export const ALL_WASM3: Wasm3Features = {
  tailCalls: true,
  exceptions: true,
  multiMemory: true,
  memory64: true,
  extendedConst: true,
};

/** What a function body of a module using 3.0 may use. */
export interface Wasm3Scope {
  tailCalls: boolean;
  /** Tag 0, of type (i32), exists. */
  exceptions: boolean;
  /** Memory 1: its initial bytes and whether it takes i64 addresses; null when absent. */
  memory1: { bytes: number; address64: boolean } | null;
  extendedConst: boolean;
}

// Minimal modules that only validate with each feature (hand-assembled).
const PROBES: Record<keyof Wasm3Features, number[]> = {
  // (func (return_call 0))
  tailCalls: [1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 6, 1, 4, 0, 0x12, 0, 0x0b],
  // (tag (param i32)) (func (block (try_table (catch_all 0)))) — exnref's try_table
  exceptions: [
    ...[1, 8, 2, 0x60, 0, 0, 0x60, 1, 0x7f, 0],
    ...[3, 2, 1, 0],
    ...[13, 3, 1, 0, 1],
    ...[10, 13, 1, 11, 0, 0x02, 0x40, 0x1f, 0x40, 1, 2, 0, 0x0b, 0x0b, 0x0b],
  ],
  // two memories
  multiMemory: [5, 5, 2, 0, 0, 0, 0],
  // (memory i64 0)
  memory64: [5, 3, 1, 4, 0],
  // (global i32 (i32.add (i32.const 1) (i32.const 2)))
  extendedConst: [6, 9, 1, 0x7f, 0, 0x41, 1, 0x41, 2, 0x6a, 0x0b],
};

/** The 3.0 features the host's native WebAssembly validates (all of them without one). */
export function nativeWasm3Features(): Wasm3Features {
  const W = (globalThis as { WebAssembly?: { validate(b: BufferSource): boolean } }).WebAssembly;
  if (W === undefined) return { ...ALL_WASM3 };
  const out = { ...NO_WASM3 };
  for (const [name, body] of Object.entries(PROBES) as [keyof Wasm3Features, number[]][]) {
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...body]);
    try {
      out[name] = W.validate(bytes);
    } catch {
      out[name] = false;
    }
  }
  return out;
}

/** An extended constant expression of `type` (i32 or i64): a sum, difference or product. */
export function extendedConstInit(rnd: Random, type: number): number[] {
  const opByte = type === I32 ? rnd.pick([0x6a, 0x6b, 0x6c]) : rnd.pick([0x7c, 0x7d, 0x7e]);
  const constant = () =>
    type === I32
      ? [0x41, ...s32(rnd.u32() | 0)]
      : [0x42, ...s64(rnd.chance(0.5) ? rnd.u64() : BigInt(rnd.int(1000)))];
  return [...constant(), ...constant(), opByte];
}

/** The store and load ops of memory 1 for each scalar type, with natural alignment (log2). */
const STORES: Record<number, [string, number][]> = {
  [I32]: [["i32.store", 2], ["i32.store8", 0], ["i32.store16", 1]],
  [I64]: [["i64.store", 3], ["i64.store32", 2]],
  [F32]: [["f32.store", 2]],
  [F64]: [["f64.store", 3]],
};
const LOADS: Record<number, [string, number][]> = {
  [I32]: [["i32.load", 2], ["i32.load8_s", 0], ["i32.load16_u", 1]],
  [I64]: [["i64.load", 3], ["i64.load32_s", 2], ["i64.load8_u", 0]],
  [F32]: [["f32.load", 2]],
  [F64]: [["f64.load", 3]],
};

/** An address in memory 1: mostly in bounds, sometimes at the edge or far out. */
export function memory1Address(rnd: Random, m: NonNullable<Wasm3Scope["memory1"]>): number[] {
  const at = rnd.weighted([90, 4, 2]) === 0
    ? rnd.int(Math.max(1, m.bytes - 16))
    : rnd.chance(0.6)
    ? m.bytes - rnd.int(17)
    : rnd.u32();
  if (!m.address64) return [0x41, ...s32(at | 0)];
  // i64 addresses: sometimes past 2^32, where only a 64-bit memory's bounds check catches it.
  return [0x42, ...s64(rnd.chance(0.05) ? (1n << 32n) + BigInt(at) : BigInt(at))];
}

/** A memory argument naming memory 1 (flag 0x40 in the alignment field). */
function memory1Arg(rnd: Random, natural: number, m: NonNullable<Wasm3Scope["memory1"]>) {
  const offset = rnd.chance(0.95) ? rnd.int(33) : rnd.pick([m.bytes, 65536]);
  return [...u32(rnd.int(natural + 1) | 0x40), 1, ...u32(offset)];
}

/** A load from memory 1 of `type` (a scalar), its address already pushed by the caller's code. */
export function memory1Load(
  rnd: Random,
  m: NonNullable<Wasm3Scope["memory1"]>,
  type: number,
): number[] {
  const [name, natural] = rnd.pick(LOADS[type]);
  return [...memory1Address(rnd, m), ...op(name), ...memory1Arg(rnd, natural, m)];
}

/** A store to memory 1 of a value of `type`: `value` is the code that pushes it. */
export function memory1Store(
  rnd: Random,
  m: NonNullable<Wasm3Scope["memory1"]>,
  type: number,
  value: number[],
): number[] {
  const [name, natural] = rnd.pick(STORES[type]);
  return [...memory1Address(rnd, m), ...value, ...op(name), ...memory1Arg(rnd, natural, m)];
}
