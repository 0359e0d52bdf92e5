/**
 * Which 3.0 features the host's native WebAssembly lacks (Bun's
 * JavaScriptCore has no memory64), and whether a module uses one of them:
 * such a module tells nothing about us when native rejects it, so the
 * fuzzer's checks leave native out for it.
 *
 * @module
 */

import { CompileError, Runtime } from "../../mod.ts";
import type { FeatureConfig, FeatureName } from "../../lib/binary/features.ts";
import { nativeWasm3Features, type Wasm3Features } from "./wasm3_gen.ts";

/** Whether the host has a native WebAssembly to compare with. */
export const hasNativeWasm: boolean =
  typeof (globalThis as any).WebAssembly?.Instance === "function";

/**
 * The features of {@link nativeWasm3Features} the host's engine lacks, as
 * a `RuntimeConfig.features` that turns them off; null when it has them all.
 */
const NATIVE_LACKS: FeatureConfig | null = (() => {
  if (!hasNativeWasm) return null;
  const native = nativeWasm3Features();
  const names: Record<keyof Wasm3Features, FeatureName> = {
    tailCalls: "tailCall",
    exceptions: "exceptions",
    multiMemory: "multiMemory",
    memory64: "memory64",
    extendedConst: "extendedConst",
  };
  const off: Partial<Record<FeatureName, boolean>> = {};
  for (const [probe, name] of Object.entries(names) as [keyof Wasm3Features, FeatureName][]) {
    if (!native[probe]) off[name] = false;
  }
  return Object.keys(off).length === 0 ? null : off;
})();

/**
 * True when `bytes` uses a feature the native engine lacks: our runtime
 * rejects it with those features off (mutant 992238_9 of seed 990099, and
 * seed 1330463's module, a 64-bit memory each, under Bun).
 */
export async function usesWhatNativeLacks(bytes: Uint8Array): Promise<boolean> {
  if (NATIVE_LACKS === null) return false;
  const runtime = new Runtime({ features: NATIVE_LACKS });
  try {
    await runtime.compileModule(bytes);
    return false;
  } catch (e) {
    return e instanceof CompileError;
  } finally {
    runtime.close();
  }
}
