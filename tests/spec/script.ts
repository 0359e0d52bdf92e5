/**
 * Runs the commands of one spec script against a fresh runtime, through the
 * public API only (`mod.ts`), with the `spectest` host module built by the
 * host module builder.
 */

import { useLoopEntries, useRegisterTierOnly } from "../../lib/runtime/runtime.ts";
import { WasmArray, WasmStruct } from "../../lib/interpreter/gc_heap.ts";
import {
  type CompiledModule,
  CompileError,
  LinkError,
  type Module,
  Runtime,
  type RuntimeConfig,
  RuntimeError,
  WasmException,
  wat2wasm,
} from "../../mod.ts";
import type {
  WastAction,
  WastCommand,
  WastExpected,
  WastModule,
  WastValue,
} from "../../lib/text/index.ts";

/** The outcome of one script. */
export interface ScriptResult {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
  skipReasons: string[];
}

/** Host values standing for `ref.extern N`, one stable object per N. */
const externs = new Map<number, object>();
function externRef(n: number): object {
  let v = externs.get(n);
  if (v === undefined) {
    v = { externref: n };
    externs.set(n, v);
  }
  return v;
}

async function spectest(runtime: Runtime): Promise<void> {
  const b = runtime.newHostModuleBuilder("spectest");
  const nop = () => {};
  const prints: [string, ("i32" | "i64" | "f32" | "f64")[]][] = [
    ["print", []],
    ["print_i32", ["i32"]],
    ["print_i64", ["i64"]],
    ["print_f32", ["f32"]],
    ["print_f64", ["f64"]],
    ["print_i32_f32", ["i32", "f32"]],
    ["print_f64_f64", ["f64", "f64"]],
  ];
  for (const [name, params] of prints) {
    b.newFunctionBuilder().withFunc(nop, params, []).export(name);
  }
  await b
    .exportGlobal("global_i32", "i32", 666)
    .exportGlobal("global_i64", "i64", 666n)
    .exportGlobal("global_f32", "f32", 666.6)
    .exportGlobal("global_f64", "f64", 666.6)
    .exportTable("table", { element: "funcref", min: 10, max: 20 })
    .exportTable("table64", { element: "funcref", min: 10, max: 20, address64: true })
    .exportMemory("memory", { min: 1, max: 2 })
    .exportMemory("shared_memory", { min: 1, max: 2, shared: true })
    .instantiate();
}

/** The argument in `callRaw` form: an unsigned bit pattern, or a reference. */
function rawArg(v: WastValue | Extract<WastExpected, { type: "gcref" }>): unknown {
  switch (v.type) {
    case "i32":
      return BigInt(v.value >>> 0);
    case "i64":
      return BigInt.asUintN(64, v.value);
    case "f32":
      return BigInt(v.bits >>> 0);
    case "f64":
      return v.bits;
    case "v128": {
      let x = 0n;
      for (let i = 15; i >= 0; i--) x = (x << 8n) | BigInt(v.bytes[i]);
      return x;
    }
    case "funcref":
      return null;
    case "externref":
      return v.value === null ? null : externRef(v.value);
    case "gcref":
      return undefined;
    case "exnref":
      return null;
  }
}

function isNan32(bits: number, kind: string): boolean {
  const b = bits >>> 0;
  return kind === "canonical" ? (b & 0x7fffffff) === 0x7fc00000 : (b & 0x7fc00000) === 0x7fc00000;
}

function isNan64(bits: bigint, kind: string): boolean {
  const b = bits & 0x7fffffffffffffffn;
  return kind === "canonical"
    ? b === 0x7ff8000000000000n
    : (b & 0x7ff8000000000000n) === 0x7ff8000000000000n;
}

/** Checks one raw result against its expectation; returns a description of the mismatch, or null. */
function check(actual: unknown, e: WastExpected): string | null {
  const show = (x: unknown) => typeof x === "bigint" ? `0x${x.toString(16)}` : String(x);
  if (e.type === "either") {
    const misses = e.options.map((o) => check(actual, o));
    return misses.includes(null) ? null : `expected either of: ${misses.join(" | ")}`;
  }
  if (e.type === "anynull") {
    return actual === null ? null : `expected a null reference, got ${show(actual)}`;
  }
  if ("nan" in e) {
    const ok = e.type === "f32"
      ? isNan32(Number(actual as bigint), e.nan)
      : isNan64(actual as bigint, e.nan);
    return ok ? null : `expected nan:${e.nan}, got ${show(actual)}`;
  }
  if (e.type === "v128" && "lanes" in e) {
    const v = actual as bigint;
    const n = e.shape === "f32x4" ? 4 : 2;
    const width = BigInt(128 / n);
    for (let i = 0; i < n; i++) {
      const lane = (v >> (BigInt(i) * width)) & ((1n << width) - 1n);
      const want = e.lanes[i];
      if (want === "canonical" || want === "arithmetic") {
        const ok = n === 4 ? isNan32(Number(lane), want) : isNan64(lane, want);
        if (!ok) return `lane ${i}: expected nan:${want}, got ${show(lane)}`;
      } else if (BigInt(want) !== lane && BigInt.asUintN(Number(width), BigInt(want)) !== lane) {
        return `lane ${i}: expected ${show(BigInt(want))}, got ${show(lane)}`;
      }
    }
    return null;
  }
  if (e.type === "gcref") {
    const ok = e.kind === "struct"
      ? actual instanceof WasmStruct
      : e.kind === "array"
      ? actual instanceof WasmArray
      : e.kind === "i31"
      ? typeof actual === "number"
      : e.kind === "eq"
      ? actual instanceof WasmStruct || actual instanceof WasmArray || typeof actual === "number"
      : actual !== null && actual !== undefined;
    return ok ? null : `expected a ${e.kind} reference, got ${show(actual)}`;
  }
  if ("value" in e && e.value === "nonnull") {
    return actual !== null && actual !== undefined ? null : "expected a non-null reference";
  }
  const expected = rawArg(e as WastValue);
  if (e.type === "funcref") {
    return (e.value === null) === (actual === null)
      ? null
      : `expected ${show(e.value)}, got ${show(actual)}`;
  }
  return actual === expected ? null : `expected ${show(expected)}, got ${show(actual)}`;
}

/** Runs one script. */
export async function runScript(
  commands: WastCommand[],
  config: RuntimeConfig = {},
  tiers: "register" | "loop-entry" | "default" = "default",
  skip?: { lines: number[]; reason: string },
): Promise<ScriptResult> {
  const result: ScriptResult = { passed: 0, failed: 0, skipped: 0, failures: [], skipReasons: [] };
  if (skip !== undefined) result.skipReasons.push(skip.reason);
  const runtime = new Runtime(config);
  if (tiers === "register") useRegisterTierOnly(runtime);
  else if (tiers === "loop-entry") useLoopEntries(runtime);
  await spectest(runtime);
  const named = new Map<string, Module>();
  let current: Module | undefined;
  const definitions = new Map<string, CompiledModule>();
  let lastDefinition: CompiledModule | undefined;

  const fail = (line: number, message: string) => {
    result.failed++;
    result.failures.push(`${line}: ${message}`);
  };

  const compile = (m: WastModule): Promise<CompiledModule> => {
    if (m.kind === "quote") return runtime.compileModule(wat2wasm(m.text));
    if (m.kind === "text" && m.bytes === undefined) return Promise.reject(m.error);
    return runtime.compileModule(m.bytes!);
  };
  const moduleFor = (name: string | undefined): Module => {
    const m = name === undefined ? current : named.get(name);
    if (m === undefined) throw new Error(`no module ${name ?? "(current)"}`);
    return m;
  };
  const perform = (action: WastAction): unknown[] => {
    const m = moduleFor(action.module);
    if (action.kind === "get") {
      const g = m.exportedGlobal(action.name);
      if (g === undefined) throw new Error(`no global "${action.name}"`);
      return [g.rawValue];
    }
    const f = m.exportedFunction(action.name);
    if (f === undefined) throw new Error(`no function "${action.name}"`);
    return f.callRaw(...action.args.map(rawArg));
  };
  const expectError = async (
    line: number,
    what: string,
    run: () => unknown,
    type: new (...args: never[]) => Error,
    message?: string,
  ) => {
    try {
      await run();
      fail(line, `${what}: expected ${type.name}${message ? ` "${message}"` : ""}, got success`);
    } catch (e) {
      if (!(e instanceof type)) {
        fail(line, `${what}: expected ${type.name}, got ${e}`);
      } else if (message !== undefined && !e.message.includes(message)) {
        fail(line, `${what}: expected "${message}", got "${e.message}"`);
      } else result.passed++;
    }
  };

  for (const cmd of commands) {
    if (skip?.lines.includes(cmd.line)) {
      result.skipped++;
      continue;
    }
    try {
      switch (cmd.type) {
        case "module": {
          const compiled = await compile(cmd.module);
          current = await runtime.instantiateModule(compiled, { name: null });
          if (cmd.module.name) named.set(cmd.module.name, current);
          result.passed++;
          break;
        }
        case "module_definition": {
          lastDefinition = await compile(cmd.module);
          if (cmd.module.name) definitions.set(cmd.module.name, lastDefinition);
          result.passed++;
          break;
        }
        case "module_instance": {
          const compiled = cmd.definition === undefined
            ? lastDefinition
            : definitions.get(cmd.definition);
          if (compiled === undefined) throw new Error(`no module definition ${cmd.definition}`);
          current = await runtime.instantiateModule(compiled, { name: null });
          if (cmd.instance) named.set(cmd.instance, current);
          result.passed++;
          break;
        }
        case "register":
          runtime.registerModule(cmd.as, moduleFor(cmd.name));
          result.passed++;
          break;
        case "action":
          perform(cmd.action);
          result.passed++;
          break;
        case "assert_return": {
          const actual = perform(cmd.action);
          const problems: string[] = [];
          if (actual.length !== cmd.expected.length) {
            problems.push(`expected ${cmd.expected.length} results, got ${actual.length}`);
          } else {
            cmd.expected.forEach((e, i) => {
              const p = check(actual[i], e);
              if (p !== null) problems.push(p);
            });
          }
          if (problems.length > 0) fail(cmd.line, `${cmd.action.name}: ${problems.join("; ")}`);
          else result.passed++;
          break;
        }
        case "assert_trap":
          if (cmd.action) {
            await expectError(
              cmd.line,
              cmd.action.name,
              () => perform(cmd.action!),
              RuntimeError,
              cmd.message,
            );
          } else {
            await expectError(
              cmd.line,
              "instantiate",
              async () => runtime.instantiateModule(await compile(cmd.module!), { name: null }),
              RuntimeError,
              cmd.message,
            );
          }
          break;
        case "assert_exhaustion":
          await expectError(
            cmd.line,
            cmd.action.name,
            () => perform(cmd.action),
            RuntimeError,
            cmd.message,
          );
          break;
        case "assert_exception":
          await expectError(
            cmd.line,
            cmd.action.name,
            () => perform(cmd.action),
            WasmException,
          );
          break;
        case "assert_invalid":
        case "assert_malformed":
          await expectError(cmd.line, cmd.type, () => compile(cmd.module), CompileError);
          break;
        case "assert_unlinkable": {
          const compiled = await compile(cmd.module);
          await expectError(
            cmd.line,
            "link",
            () => runtime.instantiateModule(compiled, { name: null }),
            LinkError,
          );
          break;
        }
        case "assert_uninstantiable": {
          const compiled = await compile(cmd.module);
          await expectError(
            cmd.line,
            "instantiate",
            () => runtime.instantiateModule(compiled, { name: null }),
            RuntimeError,
            cmd.message,
          );
          break;
        }
      }
    } catch (e) {
      fail(
        cmd.line,
        `${cmd.type}: unexpected ${
          e instanceof Error ? e.stack?.split("\n").slice(0, 3).join(" | ") : e
        }`,
      );
    }
  }
  runtime.close();
  return result;
}
