/**
 * Runs a module in one engine — the host's native `WebAssembly` or one of
 * wazero-ts's tier modes — calling every exported function with fixed
 * arguments, and records what an observer can see: results as bit patterns,
 * traps, memory, exported globals and the calls made to host imports.
 *
 * @module
 */

import { setSplitPolicy } from "../../lib/interpreter/jit/codegen.ts";
import { setJsTierMaxWords } from "../../lib/interpreter/js_tier/js_tier.ts";
import { useLoopEntries, useRegisterTierOnly } from "../../lib/runtime/runtime.ts";
import { type Module, Runtime, type RuntimeConfig, WasmException } from "../../mod.ts";
import type { ModuleIR } from "./module_ir.ts";
import { F32, F64, I32, I64 } from "./op_pools.ts";

/** The wazero-ts configurations compared with each other (the first is the reference). */
export const OUR_MODES = [
  "interpret",
  "eager",
  "second-call",
  "register",
  "loops",
  "loop-entry",
  "split",
  "fuel",
  "metered-interpret",
  "metered-eager",
  "metered-loop-entry",
] as const;
/**
 * The "metered" modes give each call a small fuel budget: out-of-fuel traps
 * and the fuel left must be the same in every tier, so they are compared
 * with each other (not with the unmetered modes).
 */
export const METERED_MODES: readonly OurMode[] = [
  "metered-interpret",
  "metered-eager",
  "metered-loop-entry",
];
/** One of {@link OUR_MODES}. */
export type OurMode = typeof OUR_MODES[number];

/** A value as its type and bit pattern. */
export interface Bits {
  type: number;
  bits: bigint;
}

/** What one call showed. */
export interface CallObservation {
  name: string;
  args: number;
  /** Results, or the trap's message. */
  outcome: { values: Bits[] } | { trap: string };
  memory: Uint8Array;
  globals: Bits[];
  log: string[];
  /** Fuel left after the call (metered modes only). */
  fuelLeft?: number;
}

/** Everything one engine showed for one module. */
export interface Observation {
  engine: string;
  /** "ok", or why compiling or instantiating failed. */
  instantiated: string;
  calls: CallObservation[];
}

/** Argument sets every export is called with, by type. */
const ARGUMENTS: Record<number, (number | bigint)[]> = {
  [I32]: [0, 1, -1, -0x80000000],
  [I64]: [0n, 7n, -1n, -0x8000000000000000n],
  [F32]: [0, 1.5, -Infinity, -0],
  [F64]: [0, -2.5, 1e300, NaN],
};
/** How many times each export is called (with argument set 0, 1, ...). */
export const ARGUMENT_SETS = 4;

/** The bit pattern of a JavaScript-convention value of `type`. */
export function toBits(type: number, v: unknown): bigint {
  switch (type) {
    case I32:
      return BigInt((v as number) >>> 0);
    case I64:
      return BigInt.asUintN(64, v as bigint);
    case F32:
      return BigInt(new Uint32Array(new Float32Array([v as number]).buffer)[0]);
    case F64:
      return new BigUint64Array(new Float64Array([v as number]).buffer)[0];
    default:
      return v === null ? 0n : 1n;
  }
}

function formatLogValue(v: unknown): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

/** The exports to call and read, in order. */
function exportPlan(ir: ModuleIR) {
  const functions = ir.exports.filter((e) => e.kind === 0).map((e) => {
    const fn = ir.functions[e.index - ir.imports.length];
    return { name: e.name, type: ir.types[fn.type] };
  });
  const globals = ir.exports.filter((e) => e.kind === 3).map((e) => ({
    name: e.name,
    type: ir.globals[e.index].type,
  }));
  return { functions, globals };
}

function hostFunctions(log: string[]) {
  return {
    log_i32: (x: number) => void log.push(`log_i32(${x})`),
    log_i64: (x: bigint) => void log.push(`log_i64(${x})`),
    log_f64: (x: number) => void log.push(`log_f64(${formatLogValue(x)})`),
    mix: (a: number, b: number) => {
      log.push(`mix(${a},${b})`);
      return (Math.imul(a, 31) + b) | 0;
    },
  };
}

/**
 * What stopped a call: an uncaught wasm exception as its tag's i32 payload
 * (the same text in every engine), anything else as its name and message.
 */
function errorText(e: unknown, nativeTag?: unknown): string {
  if (e instanceof WasmException) return `exception(${e.values[0]})`;
  const W = (globalThis as any).WebAssembly;
  if (W?.Exception !== undefined && e instanceof W.Exception && nativeTag !== undefined) {
    return `exception(${(e as any).getArg(nativeTag, 0)})`;
  }
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Runs the module in the host's native WebAssembly (the yardstick). */
export function runNative(bytes: Uint8Array, ir: ModuleIR): Observation {
  const log: string[] = [];
  const plan = exportPlan(ir);
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {
      env: hostFunctions(log),
    });
  } catch (e) {
    return { engine: "native", instantiated: errorText(e), calls: [] };
  }
  const exports = instance.exports as Record<string, any>;
  const calls: CallObservation[] = [];
  for (let set = 0; set < ARGUMENT_SETS; set++) {
    for (const f of plan.functions) {
      const args = f.type.params.map((t) => ARGUMENTS[t][set]);
      let outcome: CallObservation["outcome"];
      try {
        const r = exports[f.name](...args);
        const list = f.type.results.length === 1 ? [r] : f.type.results.length === 0 ? [] : r;
        outcome = { values: f.type.results.map((t, i) => ({ type: t, bits: toBits(t, list[i]) })) };
      } catch (e) {
        outcome = { trap: errorText(e, exports.tag) };
      }
      calls.push({
        name: f.name,
        args: set,
        outcome,
        memory: new Uint8Array(exports.mem.buffer).slice(),
        globals: plan.globals.map((g) => ({
          type: g.type,
          bits: toBits(g.type, exports[g.name].value),
        })),
        log: log.splice(0),
      });
    }
  }
  return { engine: "native", instantiated: "ok", calls };
}

function runtimeFor(mode: OurMode): Runtime {
  const configs: Record<OurMode, RuntimeConfig> = {
    interpret: { jsTier: false },
    eager: { jsTier: 1 },
    "second-call": { jsTier: 2 },
    register: { jsTier: 1 },
    loops: { jsTier: 1 },
    "loop-entry": { jsTier: 1 },
    split: { jsTier: 1 },
    fuel: { jsTier: 1, fuel: true },
    "metered-interpret": { jsTier: false, fuel: true },
    "metered-eager": { jsTier: 1, fuel: true },
    "metered-loop-entry": { jsTier: 1, fuel: true },
  };
  // A small stack: generated code nests at most ~100 calls, and the recursion bomb ends sooner.
  const runtime = new Runtime({ ...configs[mode], maxStackBytes: 1 << 20 });
  if (mode === "register" || mode === "loops") return useRegisterTierOnly(runtime);
  // Calls interpreted, taken over by the structured tier at their loops (loop entries).
  return mode === "loop-entry" || mode === "metered-loop-entry" ? useLoopEntries(runtime) : runtime;
}

/** The split policy of the "split" mode (the spec suite's `--tier=split` too). */
const SPLIT_EVERYTHING = { above: 0, target: 1, maxBlock: 24, min: 0 };

/** A call that runs longer than this in our engine is reported as a hang. */
const CALL_TIMEOUT_MS = 10_000;

/** Runs the module in one wazero-ts mode. */
export async function runOurs(
  bytes: Uint8Array,
  ir: ModuleIR,
  mode: OurMode,
): Promise<Observation> {
  // "loops": the register-code tier compiles loop by loop, as for functions too big to compile whole.
  const oldMaxWords = mode === "loops" ? setJsTierMaxWords(0) : undefined;
  // "split": the structured tier splits every function into pieces of a few instructions, as it
  // splits large ones (generated functions are far below its sizes).
  const oldSplit = mode === "split" ? setSplitPolicy(SPLIT_EVERYTHING) : undefined;
  const runtime = runtimeFor(mode);
  try {
    return await observe(runtime, bytes, ir, mode);
  } finally {
    runtime.close();
    if (oldMaxWords !== undefined) setJsTierMaxWords(oldMaxWords);
    if (oldSplit !== undefined) setSplitPolicy(oldSplit);
  }
}

async function observe(
  runtime: Runtime,
  bytes: Uint8Array,
  ir: ModuleIR,
  mode: OurMode,
): Promise<Observation> {
  const log: string[] = [];
  const host = hostFunctions(log) as Record<string, (...a: any[]) => unknown>;
  let builder = runtime.newHostModuleBuilder("env");
  for (const imp of ir.imports) {
    const t = ir.types[imp.type];
    builder = builder.newFunctionBuilder()
      .withFunc(
        (_caller: unknown, ...a: unknown[]) => host[imp.name](...a),
        t.params.map(typeName),
        t.results.map(typeName),
      )
      .export(imp.name);
  }
  await builder.instantiate();
  let module: Module;
  try {
    module = runtime.instantiateSync(await runtime.compileModule(bytes), { name: null });
  } catch (e) {
    return { engine: mode, instantiated: errorText(e), calls: [] };
  }
  if (mode === "fuel") module.fuel = 1e15;
  const metered = METERED_MODES.includes(mode);
  // Varies with the module, so out-of-fuel lands anywhere from the first call to never.
  const budget = 20 + (bytes.length * 7919) % 3_000;
  const plan = exportPlan(ir);
  const calls: CallObservation[] = [];
  for (let set = 0; set < ARGUMENT_SETS; set++) {
    for (const f of plan.functions) {
      const fn = module.exportedFunction(f.name)!.withOptions({ timeout: CALL_TIMEOUT_MS });
      const args = f.type.params.map((t) => toBits(t, ARGUMENTS[t][set]));
      let outcome: CallObservation["outcome"];
      if (metered) module.fuel = budget;
      try {
        const r = fn.callRaw(...args) as bigint[];
        outcome = { values: f.type.results.map((t, i) => ({ type: t, bits: r[i] })) };
      } catch (e) {
        outcome = { trap: errorText(e) };
      }
      calls.push({
        name: f.name,
        args: set,
        outcome,
        memory: new Uint8Array(module.exportedMemory("mem")!.buffer).slice(),
        globals: plan.globals.map((g) => ({
          type: g.type,
          bits: module.exportedGlobal(g.name)!.rawValue as bigint,
        })),
        log: log.splice(0),
        fuelLeft: metered ? module.fuel : undefined,
      });
    }
  }
  return { engine: mode, instantiated: "ok", calls };
}

function typeName(t: number): "i32" | "i64" | "f32" | "f64" {
  return t === I32 ? "i32" : t === I64 ? "i64" : t === F32 ? "f32" : "f64";
}
