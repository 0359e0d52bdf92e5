/**
 * The deterministic profile (`RuntimeConfig.deterministic`): which wasm
 * instructions compute a float arithmetically, so that a NaN result must be
 * canonicalised (positive, quiet, zero payload: f32 `0x7fc00000`, f64
 * `0x7ff8000000000000`). WebAssembly lets such a NaN carry any payload, and
 * JavaScript engines differ (V8 keeps an operand's payload where
 * JavaScriptCore does not, and one engine's answer changes with its JIT
 * state), so without the profile the same module can give different bits.
 *
 * Loads, stores, constants, moves, reinterpretations, `abs`, `neg`,
 * `copysign`, `select` and the lane-selecting `pmin`/`pmax` are not
 * arithmetic: they keep their operands' bits and are left alone.
 *
 * With the profile on, the translator follows each of these instructions
 * with a `canon_*` register op on its result, so code compiled without the
 * profile is unchanged. The structured tier needs nothing for scalars (a NaN
 * number there always stands for the canonical NaN, see `jit/values.ts`); it
 * declines functions with the SIMD ones, which the register-code tier runs.
 *
 * @module
 */

import { OP_COUNT, OPS } from "../../binary/opcodes.ts";

/** The kind of NaN result an instruction may produce. */
export const NaNResult = { none: 0, f32: 1, f64: 2, f32x4: 3, f64x2: 4 } as const;

const SCALAR = /^(f32|f64)\.(add|sub|mul|div|min|max|sqrt|ceil|floor|trunc|nearest)$/;
const VECTOR =
  /^(f32x4|f64x2)\.(add|sub|mul|div|min|max|sqrt|ceil|floor|trunc|nearest|relaxed_madd|relaxed_nmadd|relaxed_min|relaxed_max)$/;

/** The {@link NaNResult} of each wasm op id. */
export const NAN_RESULT: Uint8Array = (() => {
  const table = new Uint8Array(OP_COUNT);
  for (const info of OPS) {
    if (info === undefined) continue;
    const name = info.name;
    let m = SCALAR.exec(name);
    if (m !== null) table[info.id] = m[1] === "f32" ? NaNResult.f32 : NaNResult.f64;
    m = VECTOR.exec(name);
    if (m !== null) table[info.id] = m[1] === "f32x4" ? NaNResult.f32x4 : NaNResult.f64x2;
  }
  const set = (name: string, kind: number) => {
    const info = OPS.find((o) => o?.name === name);
    if (info !== undefined) table[info.id] = kind;
  };
  set("f32.demote_f64", NaNResult.f32);
  set("f64.promote_f32", NaNResult.f64);
  set("f32x4.demote_f64x2_zero", NaNResult.f32x4);
  set("f64x2.promote_low_f32x4", NaNResult.f64x2);
  return table;
})();
