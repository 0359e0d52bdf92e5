/**
 * What a call of an exported function did, for comparing tiers: its results
 * as raw bits, or its trap message and wasm stack trace.
 *
 * @module
 */

import { type Module, RuntimeError } from "../../mod.ts";

/**
 * Calls export `name` of `m` with `args` as raw bits (a number is taken as
 * its 32 bits, a bigint as is) and returns the results' bits, or
 * `{ trap, stack }` when it traps.
 */
export function callOutcome(m: Module, name: string, args: readonly unknown[]): unknown {
  try {
    const bits = args.map((a) => typeof a === "number" ? BigInt(a >>> 0) : a);
    return m.exportedFunction(name)!.callRaw(...bits);
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    return { trap: e.message, stack: (e as RuntimeError & { wasmStack: string[] }).wasmStack };
  }
}
