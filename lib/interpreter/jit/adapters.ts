/**
 * The glue between the structured tier's calling convention (values as
 * JavaScript arguments, see `codegen.ts`) and the register file's (values
 * as words at a frame base): generated once per function signature.
 *
 * - {@link entryAdapter}: the interpreter calls compiled code: arguments
 *   read from the caller's registers, results written back.
 * - {@link interpreterAdapter}: compiled code calls a function that is not
 *   compiled: it runs in the interpreter on a machine of its own.
 * - {@link hostAdapter}: compiled code calls a host function, which reads
 *   and writes the registers of the machine that runs the call.
 *
 * @module
 */

import type { FuncType, ValType } from "../../binary/types.ts";
import { RuntimeError } from "../../errors.ts";
import { type FunctionInstance, setDirectAdapters } from "../instances.ts";
import { HELPERS } from "./runtime_helpers.ts";
import { J, type JitHost } from "./state.ts";
import { wide } from "./values.ts";
import { jsWords } from "./variables.ts";

/** Compiled code's function: JS-level words in, first result word out. */
export type DirectFunction = (...words: any[]) => any;

/**
 * Reads arguments at word `base` of `m`'s registers, calls its function's
 * compiled code with `d` units of stack, and writes the results there.
 */
export type EntryAdapter = (m: JitHost, base: number, d: number) => void;

const I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

const interpreters = new Map<string, DirectFunction>();
const hosts = new Map<string, DirectFunction>();

const key = (type: { readonly params: readonly ValType[]; readonly results: readonly ValType[] }) =>
  `${type.params.join(",")}:${type.results.join(",")}`;

/** Word offsets of values of `types` in a register frame (2 words each, a v128 4). */
function registerOffsets(types: readonly ValType[]): number[] {
  let at = 0;
  return types.map((t) => {
    const here = at;
    at += t === V128 ? 4 : 2;
    return here;
  });
}

/**
 * Argument names of the JS-level words of `types`: all of them in order,
 * and per value the names of its words.
 */
function wordNames(types: readonly ValType[]): { names: string[]; pairs: string[][] } {
  const pairs = types.map((t, i) => ["x", "y", "z", "u"].slice(0, jsWords(t)).map((c) => c + i));
  return { names: pairs.flat(), pairs };
}

/** Statements storing values named by {@link wordNames} at their register offsets from `base`. */
function writeWords(types: readonly ValType[], names: (i: number) => string[]): string[] {
  const offsets = registerOffsets(types);
  return types.map((t, i) => {
    const w = `base + ${offsets[i]}`;
    const [v, h] = names(i);
    if (t === I64) return `R[${w}] = ${v}; R[${w} + 1] = ${h};`;
    if (t === F32) return `R[${w}] = H.f32Bits(${v});`;
    if (t === F64) return `R[${w}] = H.f64Bits(${v}); R[${w} + 1] = W.hi;`;
    if (t === V128) return names(i).map((x, k) => `R[${w} + ${k}] = ${x};`).join(" ");
    return `R[${w}] = ${v};`;
  });
}

/** Expressions reading the JS-level words of the value of type `t` at `R[base + at]`. */
function readWords(t: ValType, at: number): string[] {
  const w = `base + ${at}`;
  if (t === I64) return [`R[${w}]`, `R[${w} + 1]`];
  if (t === F32) return [`H.f32FromBits(R[${w}])`];
  if (t === F64) return [`H.f64FromBits(R[${w}], R[${w} + 1])`];
  if (t === V128) return [0, 1, 2, 3].map((k) => `R[${w} + ${k}]`);
  return [`R[${w}]`];
}

/** Expressions reading the JS-level words of values of `types` stored from `R[base]` on. */
function readAll(types: readonly ValType[], pick?: readonly number[]): string[] {
  const offsets = registerOffsets(types);
  if (pick !== undefined) return pick.flatMap((i) => readWords(types[i], offsets[i]));
  return types.flatMap((t, i) => readWords(t, offsets[i]));
}

/** The results read from `R` at `base`, returned in the calling convention. */
function returnResults(results: readonly ValType[]): string {
  const words = readAll(results);
  if (words.length === 0) return "return;";
  const rest = words.slice(1).map((w, i) => `J.rs[${i}] = ${w};`).join(" ");
  return `const first = ${words[0]}; ${rest} return first;`;
}

/** Compiles an adapter named `name` (the name shows in profiles); its body may call `F`, `callee`. */
function build<T>(name: string, params: string[], body: string[], callee?: DirectFunction): T {
  return new Function(
    "J",
    "H",
    "W",
    "F",
    `"use strict"; return function ${name}(${params.join(", ")}) {\n${body.join("\n")}\n};`,
  )(J, HELPERS, wide, callee) as T;
}

/** The body of the entry adapter for functions of a signature (see {@link entryAdapter}). */
const entryBodies = new Map<string, string[]>();

/**
 * The adapter from registers to `code`, the compiled code of a function of
 * `type`, or a loop entry of one: `params` are then the types of all its
 * locals, laid out in registers as the interpreter keeps them, and `pick`
 * the indices of those the loop entry takes. Each compiled function gets
 * its own adapter, compiled on its own:
 * one adapter per signature, calling whichever function it was given, made
 * that call megamorphic for the engine (it could neither inline the callee
 * nor predict it), and the interpreter's calls into compiled code took 4–6%
 * longer on the `@yowasp/yosys` runs (bench/real_programs.ts).
 */
export function entryAdapter(
  type: FuncType,
  code: DirectFunction,
  params: readonly ValType[] = type.params,
  pick?: readonly number[],
): EntryAdapter {
  const signature = key({ params, results: type.results }) + (pick === undefined ? "" : `@${pick}`);
  let body = entryBodies.get(signature);
  if (body === undefined) {
    const args = readAll(params, pick);
    // The first result word is the return value, the others are in J.rs.
    let k = -1;
    const next = () => k++ < 0 ? "r0" : `J.rs[${k - 1}]`;
    const results = type.results.map((t) => Array.from({ length: jsWords(t) }, next));
    body = [
      "let R = m.R;",
      `${k >= 0 ? "const r0 = " : ""}F(${["d", ...args].join(", ")});`,
      "R = m.R;",
      ...writeWords(type.results, (i) => results[i]),
    ];
    entryBodies.set(signature, body);
  }
  return build<EntryAdapter>("entryAdapter", ["m", "base", "d"], body, code);
}

/**
 * A `direct` function that writes its arguments to registers `m.R` at
 * `base` (both set up by `enter`), makes `call`, and returns the results
 * read back from there; `leave` runs however the call ends.
 */
function throughRegisters(
  name: string,
  type: FuncType,
  names: string[],
  pairs: string[][],
  code: { enter: string[]; words: string; call: string; leave: string },
): DirectFunction {
  return build<DirectFunction>(name, ["d", ...names], [
    ...code.enter,
    "try {",
    `m.ensureWords(${code.words});`,
    "let R = m.R;",
    ...writeWords(type.params, (i) => pairs[i]),
    code.call,
    "R = m.R;",
    returnResults(type.results),
    `} finally { ${code.leave} }`,
  ]);
}

/** JS stack units an interpreted call from compiled code counts for (the interpreter's frame). */
const INTERPRETER_UNITS = 200;

/**
 * The `direct` function of a wasm function that is not compiled: called with
 * `this` the function instance, it runs it in the interpreter.
 */
export function interpreterAdapter(type: FuncType): DirectFunction {
  let adapter = interpreters.get(key(type));
  if (adapter === undefined) {
    const { names, pairs } = wordNames(type.params);
    const words = type.params.reduce((s, t) => s + 2 * (t === 0x7b ? 2 : 1), 0);
    const results = type.results.length * 2;
    adapter = throughRegisters("interpreterAdapter", type, names, pairs, {
      // The compiled frames below use J.top - d units; the nested machine gets what is left.
      enter: [
        "const host = J.machine, depth = J.depth;",
        `J.depth = J.top - d + ${INTERPRETER_UNITS};`,
        "const m = host.spawn(), base = 0;",
      ],
      words: `${Math.max(words, results) + 64}`,
      call: "m.runToEnd(this, 0);",
      leave: "J.depth = depth; host.release(m);",
    });
    interpreters.set(key(type), adapter);
  }
  return adapter;
}

/**
 * The `direct` function of a host function: called with `this` the function
 * instance, it passes the arguments through the running machine's registers.
 */
export function hostAdapter(type: FuncType): DirectFunction {
  let adapter = hosts.get(key(type));
  if (adapter === undefined) {
    const { names, pairs } = wordNames(type.params);
    adapter = throughRegisters("hostAdapter", type, names, pairs, {
      // A host function may call wasm again, which starts above the compiled frames below.
      enter: ["const m = J.machine, base = J.base, depth = J.depth;", "J.depth = J.top - d;"],
      words: "base + this.hostWords",
      call: "m.callHost(this, base, J.caller);",
      leave: "J.depth = depth;",
    });
    hosts.set(key(type), adapter);
  }
  return adapter;
}

/**
 * Where compiled code calls `fn`, whose frame takes `units`, with `d` units
 * left (the generated `C.deep`): past the wasm stack budget it traps; past
 * the JavaScript stack's share it runs in the interpreter, which keeps its
 * frames in a stack of its own, and nothing below it enters compiled code
 * again.
 */
export function callDeep(fn: FunctionInstance, units: number, d: number, args: unknown[]): unknown {
  const used = J.top - d;
  if (used + units > J.stackLimit) throw new RuntimeError("call stack exhausted");
  const limit = J.limit;
  J.limit = -1;
  try {
    return (interpreterAdapter(fn.type) as (...a: unknown[]) => unknown).apply(fn, [d, ...args]);
  } finally {
    J.limit = limit;
  }
}

// A function instance's `direct` starts as a stub that installs its adapter on the first call.
setDirectAdapters((fn) => fn.code === null ? hostAdapter(fn.type) : interpreterAdapter(fn.type));
