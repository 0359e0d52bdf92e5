/**
 * The differential check of one module: every wazero-ts mode against the
 * interpreter (exactly), and the interpreter against the host's native
 * WebAssembly when there is one (under `--jitless` there is none, and our
 * modes are still compared with each other).
 *
 * @module
 */

import { compareObservations, type Divergence } from "./compare.ts";
import { METERED_MODES, type Observation, OUR_MODES, runNative, runOurs } from "./engines.ts";
import type { ModuleIR } from "./module_ir.ts";
import { encodeModule } from "./module_ir.ts";
import { hasNativeWasm, usesWhatNativeLacks } from "./native_lacks.ts";

/** What checking one module found. */
export interface CheckResult {
  calls: number;
  nanOnly: number;
  divergence?: Divergence;
}

/** Runs `ir` everywhere and compares; stops at the first divergence. */
export async function checkModule(ir: ModuleIR, canonicalNaNs: boolean): Promise<CheckResult> {
  const bytes = encodeModule(ir);
  const reference = await runOurs(bytes, ir, OUR_MODES[0]);
  let meteredReference: Observation | undefined;
  let nanOnly = 0;
  for (const mode of OUR_MODES.slice(1)) {
    const other = await runOurs(bytes, ir, mode);
    let base = reference;
    if (METERED_MODES.includes(mode)) {
      if (meteredReference === undefined) {
        meteredReference = other;
        continue;
      }
      base = meteredReference;
    }
    const c = compareObservations(base, other, true, canonicalNaNs);
    nanOnly += c.nanOnly;
    if (c.divergence) return { calls: reference.calls.length, nanOnly, divergence: c.divergence };
  }
  // A module native rejects for a feature its engine lacks (memory64 on Bun) is compared among
  // our modes only.
  const nativeRuns = hasNativeWasm &&
    (WebAssembly.validate(bytes as BufferSource) || !(await usesWhatNativeLacks(bytes)));
  if (nativeRuns) {
    const c = compareObservations(runNative(bytes, ir), reference, false, canonicalNaNs);
    nanOnly += c.nanOnly;
    if (c.divergence) return { calls: reference.calls.length, nanOnly, divergence: c.divergence };
  }
  return { calls: reference.calls.length, nanOnly };
}
