/**
 * Generates a random, valid WebAssembly 2.0 module from a seed (in the
 * spirit of wasm-smith): host imports that log their calls, functions with
 * random control flow, a memory, a funcref and an externref table, globals,
 * element and data segments (active, passive, declarative). Each function
 * suitable for JavaScript is exported through a wrapper that resets a call
 * budget, so `call_indirect` cycles end in a trap instead of exhausting the
 * stack.
 *
 * @module
 */

import { s32, s64, u32 } from "../../tests/helpers/binary_builder.ts";
import { FunctionGenerator, type ModuleScope } from "./function_gen.ts";
import type { FunctionIR, FuncTypeIR, GlobalIR, ModuleIR } from "./module_ir.ts";
import { EXTERNREF, F32, F64, FUNCREF, I32, I64, SCALARS, V128, zeroConstant } from "./op_pools.ts";
import { Random } from "./random.ts";
import {
  extendedConstInit,
  nativeWasm3Features,
  type Wasm3Features,
  type Wasm3Scope,
} from "./wasm3_gen.ts";

/** The 3.0 features generated modules use unless told: what native WebAssembly validates. */
let defaultWasm3: Wasm3Features | undefined;

/** Calls a wrapper allows before the budget check traps (`unreachable`). */
export const CALL_BUDGET = 100;

/** The host functions every generated module imports from "env". */
export const HOST_IMPORTS: { name: string; params: number[]; results: number[] }[] = [
  { name: "log_i32", params: [I32], results: [] },
  { name: "log_i64", params: [I64], results: [] },
  { name: "log_f64", params: [F64], results: [] },
  { name: "mix", params: [I32, I32], results: [I32] },
];

/** A generated module and what the runner needs to know about it. */
export interface GeneratedModule {
  seed: number;
  ir: ModuleIR;
  /** Whether arithmetic NaNs are canonicalised (results then compare exactly with native). */
  canonicalNaNs: boolean;
}

/**
 * Generates the module of `seed`. `canonicalNaNs: true` canonicalises
 * arithmetic NaNs even where the seed chose not to (the same module
 * otherwise), to tell NaN-dependent differences from divergences.
 */
export function generateModule(
  seed: number,
  options: { canonicalNaNs?: boolean; wasm3?: Wasm3Features } = {},
): GeneratedModule {
  const rnd = new Random(seed);
  // 3.0 choices come from a stream of their own: without them a seed gives the module it always did.
  const r3 = new Random((seed ^ 0x3a3a3a3) >>> 0);
  const f3 = options.wasm3 ?? (defaultWasm3 ??= nativeWasm3Features());
  const use3 = Object.values(f3).some((on) => on) && r3.chance(0.5);
  const wasm3: Wasm3Scope | undefined = use3
    ? {
      tailCalls: f3.tailCalls && r3.chance(0.7),
      exceptions: f3.exceptions && r3.chance(0.7),
      memory1: f3.multiMemory && r3.chance(0.6)
        ? { bytes: r3.range(1, 2) * 65536, address64: f3.memory64 && r3.chance(0.6) }
        : null,
      extendedConst: f3.extendedConst && r3.chance(0.7),
    }
    : undefined;
  const types: FuncTypeIR[] = [];
  const typeIndex = (params: number[], results: number[]): number => {
    const same = (a: number[], b: number[]) =>
      a.length === b.length && a.every((x, i) => x === b[i]);
    const found = types.findIndex((t) => same(t.params, params) && same(t.results, results));
    if (found >= 0) return found;
    types.push({ params, results });
    return types.length - 1;
  };
  const imports = HOST_IMPORTS.map((h) => ({ name: h.name, type: typeIndex(h.params, h.results) }));

  const definedCount = rnd.range(1, 6);
  const functionTypes = imports.map((i) => i.type);
  for (let i = 0; i < definedCount; i++) {
    const internal = rnd.chance(0.2);
    const pool = internal ? [I32, I64, F32, F64, V128, FUNCREF] : SCALARS;
    const params = Array.from({ length: rnd.int(4) }, () => rnd.pick(pool));
    const results = Array.from({ length: rnd.weighted([2, 6, 2, 1]) }, () => rnd.pick(pool));
    functionTypes.push(typeIndex(params, results));
  }

  const globals: GlobalIR[] = [{ type: I32, mutable: true, init: [0x41, 0] }];
  const globalCount = rnd.int(6);
  for (let i = 0; i < globalCount; i++) {
    const type = rnd.pick([I32, I64, F32, F64, V128, FUNCREF]);
    let init = constantInit(rnd, type);
    if (wasm3?.extendedConst && (type === I32 || type === I64) && r3.chance(0.5)) {
      init = extendedConstInit(r3, type);
    }
    globals.push({ type, mutable: rnd.chance(0.7), init });
  }

  const memoryPages = rnd.weighted([1, 12, 4]);
  // Always a maximum: every call's observation copies the whole memory, and loops of
  // memory.grow in a module without one (seed 833) grew it so far that one module took minutes.
  const memoryMax = memoryPages + (rnd.chance(0.5) ? rnd.int(3) : 32);
  const tableSizes: [number, number] = [rnd.range(1, 10), rnd.range(0, 4)];
  const allFunctions = functionTypes.length;
  const elems: ModuleIR["elems"] = [];
  // Mostly a full table: calls through null entries trap, and a trap ends the call early.
  const activeLength = rnd.chance(0.7) ? tableSizes[0] : rnd.int(tableSizes[0] + 1);
  elems.push({
    mode: "active",
    offset: rnd.int(tableSizes[0] - activeLength + 1),
    funcs: Array.from(
      { length: activeLength },
      () => rnd.chance(0.15) ? null : rnd.int(allFunctions),
    ),
  });
  elems.push({
    mode: "passive",
    offset: 0,
    funcs: Array.from(
      { length: rnd.range(1, 6) },
      () => rnd.chance(0.15) ? null : rnd.int(allFunctions),
    ),
  });
  // Declares every function, so any body may take a `ref.func` of any of them.
  elems.push({
    mode: "declarative",
    offset: 0,
    funcs: Array.from({ length: allFunctions }, (_, i) => i),
  });

  const datas: ModuleIR["datas"] = [];
  const dataCount = rnd.range(0, 3);
  for (let i = 0; i < dataCount; i++) {
    const bytes = Array.from(
      { length: rnd.range(0, 24) },
      () => rnd.chance(0.3) ? rnd.pick([0, 0xff, 0x7f, 0xc0]) : rnd.int(256),
    );
    const active = memoryPages > 0 && rnd.chance(0.5);
    datas.push({
      mode: active ? "active" : "passive",
      offset: active ? rnd.int(memoryPages * 65536 - bytes.length) : 0,
      bytes,
    });
  }

  const scope: ModuleScope = {
    functionTypes,
    types,
    typeIndex,
    globals,
    memoryBytes: memoryPages * 65536,
    tableSizes,
    tableEntries: Array.from({ length: tableSizes[0] }, (_, i) => {
      const active = elems[0];
      return i >= active.offset && i < active.offset + active.funcs.length
        ? active.funcs[i - active.offset]
        : null;
    }),
    elemCount: elems.length,
    dataCount: datas.length,
    // Canonicalising draws no random numbers: forcing it gives the same module, NaN-canonical.
    canonicalNaNs: rnd.chance(0.8) ? true : options.canonicalNaNs ?? false,
    wasm3: wasm3 !== undefined && (wasm3.tailCalls || wasm3.exceptions || wasm3.memory1 !== null)
      ? wasm3
      : undefined,
  };
  // Tag 0, of type (i32): thrown and caught by the code, exported so the runner can read payloads.
  const tags = wasm3?.exceptions ? [typeIndex([I32], [])] : undefined;

  const functions: FunctionIR[] = [];
  for (let i = 0; i < definedCount; i++) {
    const index = imports.length + i;
    const type = types[functionTypes[index]];
    const { statements, tail, locals } = new FunctionGenerator(rnd, scope, index, type).generate();
    functions.push({
      type: functionTypes[index],
      locals,
      prologue: BUDGET_CHECK,
      statements,
      tail,
    });
  }

  // Wrappers: exported, they reset the call budget and call the function.
  const exports: ModuleIR["exports"] = [{ name: "mem", kind: 2, index: 0 }];
  if (tags !== undefined) exports.push({ name: "tag", kind: 4, index: 0 });
  for (let i = 0; i < definedCount; i++) {
    const index = imports.length + i;
    const type = types[functionTypes[index]];
    if (![...type.params, ...type.results].every((t) => SCALARS.includes(t))) continue;
    const wrapper = imports.length + functions.length;
    functions.push({
      type: functionTypes[index],
      locals: [],
      prologue: [0x41, ...s32(CALL_BUDGET), 0x24, 0],
      statements: [],
      tail: [...type.params.flatMap((_, p) => [0x20, p]), 0x10, ...u32(index)],
    });
    exports.push({ name: `f${i}`, kind: 0, index: wrapper });
  }
  let start: number | undefined;
  if (rnd.chance(0.1)) {
    // A start function: it logs, then runs a defined function (which may trap: instantiation fails).
    const callee = imports.length + rnd.int(definedCount);
    const t = types[functionTypes[callee]];
    start = imports.length + functions.length;
    functions.push({
      type: typeIndex([], []),
      locals: [],
      prologue: [0x41, ...s32(CALL_BUDGET), 0x24, 0],
      statements: [[0x41, 0x2a, 0x10, 0]], // log_i32(42)
      tail: [...t.params.flatMap(zeroConstant), 0x10, ...u32(callee), ...t.results.map(() => 0x1a)],
    });
  }
  if (rnd.chance(0.02)) {
    // Unbounded recursion, outside the budget: the call-stack-exhausted trap.
    const index = imports.length + functions.length;
    functions.push({
      type: typeIndex([I32], [I32]),
      locals: [],
      prologue: [],
      statements: [],
      tail: [0x20, 0, 0x41, 1, 0x6a, 0x10, ...u32(index), 0x41, 1, 0x6a],
    });
    exports.push({ name: "deep", kind: 0, index });
  }
  globals.forEach((g, i) => {
    if (SCALARS.includes(g.type)) exports.push({ name: `g${i}`, kind: 3, index: i });
  });

  return {
    seed,
    canonicalNaNs: scope.canonicalNaNs,
    ir: {
      types,
      imports,
      functions,
      tables: [
        {
          ref: FUNCREF,
          min: tableSizes[0],
          max: rnd.chance(0.5) ? tableSizes[0] + rnd.int(4) : undefined,
        },
        { ref: EXTERNREF, min: tableSizes[1] },
      ],
      memory: { min: memoryPages, max: memoryMax },
      memory1: wasm3?.memory1
        ? {
          min: wasm3.memory1.bytes / 65536,
          max: wasm3.memory1.bytes / 65536 + 1,
          address64: wasm3.memory1.address64,
        }
        : undefined,
      tags,
      globals,
      exports,
      start,
      elems,
      datas,
    },
  };
}

/** Traps once the wrapper's budget is spent; otherwise takes one call from it. */
const BUDGET_CHECK = [
  0x23,
  0,
  0x45,
  0x04,
  0x40,
  0x00,
  0x0b, // if (budget == 0) unreachable
  0x23,
  0,
  0x41,
  1,
  0x6b,
  0x24,
  0, // budget -= 1
];

function constantInit(rnd: Random, type: number): number[] {
  switch (type) {
    case I32:
      return [0x41, ...s32(rnd.u32() | 0)];
    case I64:
      return [0x42, ...s64(rnd.u64())];
    case F32:
      return [
        0x43,
        ...new Uint8Array(new Float32Array([rnd.pick([0, -0, 1.5, NaN, -Infinity])]).buffer),
      ];
    case F64:
      return [
        0x44,
        ...new Uint8Array(new Float64Array([rnd.pick([0, -0, 2.5, NaN, Infinity])]).buffer),
      ];
    case V128:
      return [0xfd, 0x0c, ...Array.from({ length: 16 }, () => rnd.int(256))];
    default:
      return [0xd0, FUNCREF];
  }
}
