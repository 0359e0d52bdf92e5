/**
 * The malformed-input check of one module: compiling it may only succeed or
 * fail with a `CompileError` (never another exception, a hang or runaway
 * memory), and when it compiles it is instantiated (imports stubbed) and
 * its exports are run under a deadline, where only `RuntimeError`,
 * `LinkError`, `ExitError` and `WasmException` (an exception no handler
 * caught, from a module with exception handling) may come out.
 *
 * @module
 */

import {
  CompileError,
  ExitError,
  LinkError,
  Runtime,
  RuntimeError,
  WasmException,
} from "../../mod.ts";
import type { CompiledModule } from "../../mod.ts";
import { hasNativeWasm, usesWhatNativeLacks } from "./native_lacks.ts";
import process from "node:process";

/** A robustness problem a mutant revealed. */
export interface MalformedFinding {
  what: string;
}

/** Compiling longer than this is reported (mutants are at most a few hundred KB). */
const COMPILE_BUDGET_MS = 5_000;
/** A mutant of at most a few hundred KB has no business making the process grow more than this. */
const MAX_COMPILE_GROWTH_MB = 1_000;
/** Each call of an export gets this deadline. */
const CALL_DEADLINE_MS = 50;

/** Checks one (possibly malformed) module; returns the finding, if any, and whether it compiled. */
export async function checkMalformed(
  bytes: Uint8Array,
): Promise<{ compiled: boolean; finding?: MalformedFinding }> {
  const runtime = new Runtime({ memoryLimitPages: 1024, tableLimit: 100_000 });
  try {
    const t0 = performance.now();
    const rss0 = process.memoryUsage().rss;
    let compiled: CompiledModule;
    try {
      compiled = await runtime.compileModule(bytes);
    } catch (e) {
      if (!(e instanceof CompileError)) {
        return { compiled: false, finding: { what: `compile threw ${describe(e)}` } };
      }
      // Native engines also accept later proposals (tail calls, typed references...): not a finding.
      return slow(t0) ?? { compiled: false };
    }
    if (slow(t0)) return slow(t0)!;
    const grown = (process.memoryUsage().rss - rss0) / 2 ** 20;
    if (grown > MAX_COMPILE_GROWTH_MB) {
      return {
        compiled: true,
        finding: { what: `compiling grew memory by ${grown.toFixed(0)} MB` },
      };
    }
    // What native WebAssembly (a superset of 2.0) rejects, we must reject too.
    if (
      hasNativeWasm && !WebAssembly.validate(bytes as BufferSource) && !engineRestriction(bytes) &&
      !(await usesWhatNativeLacks(bytes))
    ) {
      return { compiled: true, finding: { what: "we accept what native rejects" } };
    }
    return { compiled: true, finding: await runCompiled(runtime, compiled) };
  } finally {
    runtime.close();
  }
}

/**
 * True when native WebAssembly rejects `bytes` for a rule of its own, not
 * the spec's: V8 and JavaScriptCore refuse a module that uses both the legacy
 * exception instructions (`try`/`catch`/`delegate`) and `try_table`, which
 * no spec forbids (mutant 1329_6 of seed 778).
 */
function engineRestriction(bytes: Uint8Array): boolean {
  try {
    new WebAssembly.Module(bytes as BufferSource);
    return false;
  } catch (e) {
    return /legacy/i.test(String(e));
  }
}

function slow(t0: number): { compiled: boolean; finding: MalformedFinding } | undefined {
  const ms = performance.now() - t0;
  return ms > COMPILE_BUDGET_MS
    ? { compiled: false, finding: { what: `compiling took ${ms.toFixed(0)} ms` } }
    : undefined;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
}

/** Stubs every function import (returning zeros), instantiates, runs each export. */
async function runCompiled(
  runtime: Runtime,
  compiled: CompiledModule,
): Promise<MalformedFinding | undefined> {
  const byModule = new Map<string, CompiledModule["importedFunctions"][number][]>();
  for (const f of compiled.importedFunctions) {
    const list = byModule.get(f.import!.module) ?? [];
    list.push(f);
    byModule.set(f.import!.module, list);
  }
  try {
    await stubImports(runtime, byModule);
  } catch {
    return undefined; // Imports we cannot stub (v128 parameters): nothing to run.
  }
  try {
    // A mutant's start function may loop forever (mutant 635_2 of seed 613244922 did): it gets
    // the calls' deadline too.
    const module = runtime.instantiateSync(compiled, { name: null, timeout: CALL_DEADLINE_MS });
    for (const name of module.exportNames()) {
      const fn = module.exportedFunction(name);
      if (fn === undefined) continue;
      try {
        fn.withOptions({ timeout: CALL_DEADLINE_MS }).call(...fn.definition.paramTypes.map(zero));
      } catch (e) {
        if (!(e instanceof RuntimeError || e instanceof ExitError || e instanceof WasmException)) {
          return { what: `${name} threw ${describe(e)}` };
        }
      }
    }
  } catch (e) {
    if (
      !(e instanceof RuntimeError || e instanceof LinkError || e instanceof ExitError ||
        e instanceof WasmException)
    ) {
      return { what: `instantiation threw ${describe(e)}` };
    }
  }
  return undefined;
}

async function stubImports(
  runtime: Runtime,
  byModule: Map<string, CompiledModule["importedFunctions"][number][]>,
): Promise<void> {
  for (const [name, functions] of byModule) {
    let builder = runtime.newHostModuleBuilder(name);
    const seen = new Set<string>();
    for (const f of functions) {
      if (seen.has(f.import!.name)) continue;
      seen.add(f.import!.name);
      builder = builder.newFunctionBuilder()
        .withFunc(() => zeros(f.resultTypes), [...f.paramTypes], [...f.resultTypes])
        .export(f.import!.name);
    }
    await builder.instantiate();
  }
}

function zero(type: string): unknown {
  return type === "i64"
    ? 0n
    : type === "funcref" || type === "externref"
    ? null
    : type === "v128"
    ? 0n
    : 0;
}

function zeros(types: readonly string[]): unknown {
  return types.length === 0 ? undefined : types.length === 1 ? zero(types[0]) : types.map(zero);
}
