/**
 * A tiny assembler of binary modules for validation tests: sections are
 * written byte by byte, instructions by name (looked up in the opcode table)
 * followed by their immediates as raw bytes.
 *
 * @module
 */

import assert from "node:assert/strict";
import { OPS_BY_NAME, PREFIX_FC, PREFIX_FD, simdSubOpcode } from "../../lib/binary/opcodes.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import type { Features } from "../../lib/binary/features.ts";
import type { WasmModule } from "../../lib/binary/types.ts";
import { CompileError } from "../../lib/errors.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";

/** Value type bytes. */
export const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
/** Reference type bytes. */
export const FUNCREF = 0x70, EXTERNREF = 0x6f;
/** The empty block type. */
export const EMPTY = 0x40;

import { u32 } from "../helpers/binary_builder.ts";
export { u32 };

/** A name: length and UTF-8 bytes. */
export function str(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...u32(bytes.length), ...bytes];
}

/**
 * Instruction bytes: each string is an instruction name and becomes its
 * opcode; each number is a raw byte (an immediate written by hand).
 */
export function code(...parts: (string | number)[]): number[] {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "number") {
      out.push(p);
      continue;
    }
    const info = OPS_BY_NAME.get(p);
    if (info === undefined) throw new Error(`no instruction ${p}`);
    if (info.id >= PREFIX_FD) out.push(0xfd, ...u32(simdSubOpcode(info.id)));
    else if (info.id >= PREFIX_FC) out.push(0xfc, ...u32(info.id - PREFIX_FC));
    else out.push(info.id);
  }
  return out;
}

/** Assembles a module section by section; every method returns the new index. */
export class ModuleBuilder {
  #types: number[][] = [];
  #imports: number[][] = [];
  #funcs: number[] = [];
  #tables: number[][] = [];
  #memories: number[][] = [];
  #globals: number[][] = [];
  #exports: number[][] = [];
  #start?: number;
  #elems: number[][] = [];
  #dataCount?: number;
  #codes: number[][] = [];
  #data: number[][] = [];
  #importedFuncs = 0;
  #importedGlobals = 0;
  #importedTables = 0;

  /** Adds a function type. */
  type(params: number[], results: number[]): number {
    this.#types.push([0x60, ...u32(params.length), ...params, ...u32(results.length), ...results]);
    return this.#types.length - 1;
  }

  /** Imports a function of the given type. */
  importFunc(type: number): number {
    this.#imports.push([...str("m"), ...str(`f${this.#imports.length}`), 0, ...u32(type)]);
    return this.#importedFuncs++;
  }

  /** Imports a global. */
  importGlobal(type: number, mutable = false): number {
    this.#imports.push([
      ...str("m"),
      ...str(`g${this.#imports.length}`),
      3,
      type,
      mutable ? 1 : 0,
    ]);
    return this.#importedGlobals++;
  }

  /** Imports a table. */
  importTable(elem: number, min: number, max?: number): number {
    this.#imports.push([
      ...str("m"),
      ...str(`t${this.#imports.length}`),
      1,
      elem,
      ...limits(min, max),
    ]);
    return this.#importedTables++;
  }

  /** Imports a memory. */
  importMemory(min: number, max?: number): void {
    this.#imports.push([...str("m"), ...str(`m${this.#imports.length}`), 2, ...limits(min, max)]);
  }

  /** Defines a function; `body` excludes the final `end`, which is appended. */
  func(type: number, body: number[], locals: number[] = []): number {
    this.#funcs.push(type);
    const localBytes = [...u32(locals.length), ...locals.flatMap((t) => [1, t])];
    const all = [...localBytes, ...body, 0x0b];
    this.#codes.push([...u32(all.length), ...all]);
    return this.#importedFuncs + this.#funcs.length - 1;
  }

  /** Defines a table. */
  table(elem: number, min: number, max?: number): number {
    this.#tables.push([elem, ...limits(min, max)]);
    return this.#importedTables + this.#tables.length - 1;
  }

  /** Defines a memory. */
  memory(min: number, max?: number): void {
    this.#memories.push(limits(min, max));
  }

  /** Defines a global; `init` excludes the final `end`. */
  global(type: number, mutable: boolean, init: number[]): number {
    this.#globals.push([type, mutable ? 1 : 0, ...init, 0x0b]);
    return this.#importedGlobals + this.#globals.length - 1;
  }

  /** Exports an entity (kind: 0 func, 1 table, 2 memory, 3 global). */
  export(name: string, kind: number, index: number): void {
    this.#exports.push([...str(name), kind, ...u32(index)]);
  }

  /** Sets the start function. */
  start(index: number): void {
    this.#start = index;
  }

  /** Adds an element segment given its raw encoding (flags included). */
  elem(raw: number[]): void {
    this.#elems.push(raw);
  }

  /** Adds a data segment given its raw encoding (flags included). */
  data(raw: number[]): void {
    this.#data.push(raw);
  }

  /** Emits a data count section with the given count. */
  dataCount(n: number): void {
    this.#dataCount = n;
  }

  /** The module's bytes. */
  bytes(): Uint8Array {
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, items: number[][] | undefined) => {
      if (items === undefined || items.length === 0) return;
      const body = [...u32(items.length), ...items.flat()];
      out.push(id, ...u32(body.length));
      // A loop, not a spread: code sections of big test modules exceed the argument limit.
      for (const byte of body) out.push(byte);
    };
    section(1, this.#types);
    section(2, this.#imports);
    section(3, this.#funcs.map((t) => u32(t)));
    section(4, this.#tables);
    section(5, this.#memories);
    section(6, this.#globals);
    section(7, this.#exports);
    if (this.#start !== undefined) {
      out.push(8, ...u32(u32(this.#start).length), ...u32(this.#start));
    }
    section(9, this.#elems);
    if (this.#dataCount !== undefined) {
      out.push(12, ...u32(u32(this.#dataCount).length), ...u32(this.#dataCount));
    }
    section(10, this.#codes);
    section(11, this.#data);
    return new Uint8Array(out);
  }

  /** The features to decode and validate under (default: all of 3.0). */
  features?: Features;

  /** Decodes the module (which must be well-formed). */
  decode(features?: Features): WasmModule {
    const f = features ?? this.features;
    return decodeModule(this.bytes(), f ? { features: f } : {});
  }
}

function limits(min: number, max?: number): number[] {
  return max === undefined ? [0, ...u32(min)] : [1, ...u32(min), ...u32(max)];
}

/** A module holding one function of type `params -> results` with the given body. */
export function funcModule(
  params: number[],
  results: number[],
  body: number[],
  setup?: (b: ModuleBuilder) => void,
  locals: number[] = [],
): ModuleBuilder {
  const b = new ModuleBuilder();
  const t = b.type(params, results);
  setup?.(b);
  b.func(t, body, locals);
  return b;
}

/** Asserts that the module validates. */
export function assertValid(b: ModuleBuilder): void {
  validateModule(b.decode());
}

/**
 * Asserts that validation fails with a {@link CompileError} whose message
 * starts with `prefix`; returns the error for further checks.
 */
export function assertInvalid(b: ModuleBuilder, prefix: string): CompileError {
  const m = b.decode();
  let error: unknown;
  try {
    validateModule(m);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CompileError, `expected a CompileError, got ${error}`);
  assert.ok(
    error.message.startsWith(prefix),
    `expected a message starting with "${prefix}", got "${error.message}"`,
  );
  return error;
}
