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
import type { FunctionInstance } from "../instances.ts";
import { HELPERS } from "./runtime_helpers.ts";
import { J, type JitHost } from "./state.ts";
import { wide } from "./values.ts";

/** Compiled code's function: JS-level words in, first result word out. */
export type DirectFunction = (...words: any[]) => any;

/**
 * Reads arguments at word `base` of `m`'s registers, calls `f` with `d`
 * units of stack, and writes the results there.
 */
export type EntryAdapter = (m: JitHost, base: number, f: DirectFunction, d: number) => void;

const I64 = 0x7e, F32 = 0x7d, F64 = 0x7c;

const entries = new Map<string, EntryAdapter>();
const interpreters = new Map<string, DirectFunction>();
const hosts = new Map<string, DirectFunction>();

const key = (type: FuncType) => `${type.params.join(",")}:${type.results.join(",")}`;

/**
 * Argument names of the JS-level words of `types`: all of them in order,
 * and per value its word's name and (for an i64) its high word's.
 */
function wordNames(types: readonly ValType[]): { names: string[]; pairs: [string, string][] } {
  const names: string[] = [];
  const pairs: [string, string][] = [];
  types.forEach((t, i) => {
    names.push(`x${i}`);
    if (t === I64) names.push(`y${i}`);
    pairs.push([`x${i}`, t === I64 ? `y${i}` : ""]);
  });
  return { names, pairs };
}

/** Statements storing values named by {@link wordNames} at `R[base + ...]`, 2 words each. */
function writeWords(types: readonly ValType[], names: (i: number) => [string, string]): string[] {
  return types.map((t, i) => {
    const w = `base + ${2 * i}`;
    const [v, h] = names(i);
    if (t === I64) return `R[${w}] = ${v}; R[${w} + 1] = ${h};`;
    if (t === F32) return `R[${w}] = H.f32Bits(${v});`;
    if (t === F64) return `R[${w}] = H.f64Bits(${v}); R[${w} + 1] = W.hi;`;
    return `R[${w}] = ${v};`;
  });
}

/** Expressions reading the value at `R[base + 2i]` (i64: [low, high]). */
function readWords(t: ValType, i: number): string[] {
  const w = `base + ${2 * i}`;
  if (t === I64) return [`R[${w}]`, `R[${w} + 1]`];
  if (t === F32) return [`H.f32FromBits(R[${w}])`];
  if (t === F64) return [`H.f64FromBits(R[${w}], R[${w} + 1])`];
  return [`R[${w}]`];
}

/** The results read from `R` at `base`, returned in the calling convention. */
function returnResults(results: readonly ValType[]): string {
  const words = results.flatMap((t, i) => readWords(t, i));
  if (words.length === 0) return "return;";
  const rest = words.slice(1).map((w, i) => `J.rs[${i}] = ${w};`).join(" ");
  return `const first = ${words[0]}; ${rest} return first;`;
}

function build<T>(params: string[], body: string[]): T {
  return new Function(
    "J",
    "H",
    "W",
    `"use strict"; return function (${params.join(", ")}) {\n${body.join("\n")}\n};`,
  )(J, HELPERS, wide) as T;
}

/** The adapter from registers to compiled code for functions of `type`. */
export function entryAdapter(type: FuncType): EntryAdapter {
  let adapter = entries.get(key(type));
  if (adapter === undefined) {
    const args = type.params.flatMap((t, i) => readWords(t, i));
    // The first result word is the return value, the others are in J.rs.
    let k = -1;
    const next = () => k++ < 0 ? "r0" : `J.rs[${k - 1}]`;
    const results = type.results.map((t) => [next(), t === I64 ? next() : ""] as [string, string]);
    adapter = build<EntryAdapter>(["m", "base", "f", "d"], [
      "let R = m.R;",
      `${k >= 0 ? "const r0 = " : ""}f(${["d", ...args].join(", ")});`,
      "R = m.R;",
      ...writeWords(type.results, (i) => results[i]),
    ]);
    entries.set(key(type), adapter);
  }
  return adapter;
}

/**
 * A `direct` function that writes its arguments to registers `m.R` at
 * `base` (both set up by `enter`), makes `call`, and returns the results
 * read back from there; `leave` runs however the call ends.
 */
function throughRegisters(
  type: FuncType,
  names: string[],
  pairs: [string, string][],
  code: { enter: string[]; words: string; call: string; leave: string },
): DirectFunction {
  return build<DirectFunction>(["d", ...names], [
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
    adapter = throughRegisters(type, names, pairs, {
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
    adapter = throughRegisters(type, names, pairs, {
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
 * What a function instance's `direct` is until first called: installs the
 * adapter its kind needs (the structured tier replaces it with compiled
 * code once the function is compiled).
 */
export function lazyDirect(this: FunctionInstance, ...words: unknown[]): unknown {
  const adapter = this.code === null ? hostAdapter(this.type) : interpreterAdapter(this.type);
  if (this.direct === lazyDirect) this.direct = adapter;
  return adapter.apply(this, words);
}
