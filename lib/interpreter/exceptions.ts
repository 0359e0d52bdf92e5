/**
 * Exception handling's runtime objects: {@link Tag} (an exception tag, which
 * modules define, import and export) and {@link WasmException} (a thrown
 * exception: its tag and the values it carries). A `WasmException` is what
 * wasm code throws, what the host sees when no wasm handler catches it, and
 * what a host function throws to raise an exception wasm code can catch.
 *
 * The payload is kept in the register layout of the tag's parameters (each
 * value a slot of 2 words, a v128 4; references by slot in `refs`), so the
 * executor copies it to and from its registers word by word, NaN bits and
 * i64s intact.
 *
 * @module
 */

import { ValType, valTypeName } from "../binary/types.ts";
import { canonicalFuncId } from "../validate/type_canon.ts";

/** The value types a tag's parameters may have, by their text names. */
export type TagValueType =
  | "i32"
  | "i64"
  | "f32"
  | "f64"
  | "v128"
  | "funcref"
  | "externref"
  | "exnref";

const TYPE_BY_NAME: Readonly<Record<string, number>> = ValType;

/** The type of a tag: the types of its parameters (binary codes; see `ValType`), and no results. */
export interface TagType {
  /** The parameter types, in order. */
  readonly params: readonly number[];
  /** Always empty: tags have no results. */
  readonly results: readonly number[];
}

/** Words of a value of type `t` in the register layout. */
function wordsOf(t: number): number {
  return t === ValType.v128 ? 4 : 2;
}

/**
 * An exception tag: the identity exceptions are matched by, and the types
 * of the values they carry. Two tags are the same tag only if they are the
 * same object (a tag imported by several modules is one tag).
 *
 * @example
 * ```ts
 * import { Tag, WasmException } from "./mod.ts";
 * const tag = new Tag(["i32"]);
 * const e = new WasmException(tag, [42]);
 * e.is(tag); // true
 * e.getArg(tag, 0); // 42
 * ```
 */
export class Tag {
  /** The tag's type: its parameters (it has no results). */
  readonly type: TagType;
  /** Register words of the payload. */
  readonly words: number;
  /** Word offset of each parameter in the payload. */
  readonly offsets: Int32Array;
  /** A name for messages (the export or import name, when known). */
  debugName: string;
  /** The canonical id of the tag's function type (imports match by it; see type_canon.ts). */
  readonly typeId: number;

  /**
   * Creates a tag whose exceptions carry values of the given types.
   *
   * @param params the parameter types, by name (`"i32"`, ...) or binary code.
   * @param debugName a name for messages.
   * @param typeId the canonical id of the tag's type when a module defines it
   *   (its types may be concrete references); by default, that of a plain
   *   function type with these parameters.
   */
  constructor(params: readonly (TagValueType | number)[], debugName = "tag", typeId?: number) {
    const types = params.map((p) => {
      const t = typeof p === "number" ? p : TYPE_BY_NAME[p];
      if (t === undefined || valTypeName(t).startsWith("<")) {
        throw new TypeError(`not a value type: ${String(p)}`);
      }
      return t as ValType;
    });
    this.type = { params: types, results: [] };
    this.offsets = new Int32Array(types.length);
    let w = 0;
    types.forEach((t, i) => {
      this.offsets[i] = w;
      w += wordsOf(t);
    });
    this.words = w;
    this.debugName = debugName;
    this.typeId = typeId ?? canonicalFuncId(types, []);
  }

  /** The parameter types by name. */
  get paramTypes(): TagValueType[] {
    return this.type.params.map((t) => valTypeName(t) as TagValueType);
  }
}

const scratch = new DataView(new ArrayBuffer(8));

/** Reads the JS value of type `t` at word `at` of a payload (see `readValue` in the runtime). */
function payloadValue(words: readonly number[], refs: unknown[], at: number, t: number): unknown {
  switch (t) {
    case ValType.i32:
      return words[at];
    case ValType.i64:
      return BigInt.asIntN(64, (BigInt(words[at + 1]) << 32n) | BigInt(words[at] >>> 0));
    case ValType.f32:
      scratch.setInt32(0, words[at], true);
      return scratch.getFloat32(0, true);
    case ValType.f64:
      scratch.setInt32(0, words[at], true);
      scratch.setInt32(4, words[at + 1], true);
      return scratch.getFloat64(0, true);
    case ValType.v128: {
      let v = 0n;
      for (let i = 3; i >= 0; i--) v = (v << 32n) | BigInt(words[at + i] >>> 0);
      return v;
    }
    default: {
      const v = refs[at >> 1];
      return v === undefined ? null : v;
    }
  }
}

/** Writes the JS value `v` of type `t` at word `at` of a payload. */
function writePayloadValue(
  words: number[],
  refs: unknown[],
  at: number,
  t: number,
  v: unknown,
): void {
  const fail = (what: string) => new TypeError(`expected ${what}, got ${typeof v}`);
  switch (t) {
    case ValType.i32:
      if (typeof v !== "number") throw fail("a number for an i32");
      words[at] = v | 0;
      return;
    case ValType.i64: {
      if (typeof v !== "bigint" && !(typeof v === "number" && Number.isSafeInteger(v))) {
        throw fail("a bigint for an i64");
      }
      const x = BigInt.asUintN(64, BigInt(v));
      words[at] = Number(x & 0xffffffffn) | 0;
      words[at + 1] = Number(x >> 32n) | 0;
      return;
    }
    case ValType.f32:
      if (typeof v !== "number") throw fail("a number for an f32");
      scratch.setFloat32(0, v, true);
      words[at] = scratch.getInt32(0, true);
      return;
    case ValType.f64:
      if (typeof v !== "number") throw fail("a number for an f64");
      scratch.setFloat64(0, v, true);
      words[at] = scratch.getInt32(0, true);
      words[at + 1] = scratch.getInt32(4, true);
      return;
    case ValType.v128: {
      if (typeof v !== "bigint") throw fail("a bigint for a v128");
      let x = BigInt.asUintN(128, v);
      for (let i = 0; i < 4; i++) {
        words[at + i] = Number(x & 0xffffffffn) | 0;
        x >>= 32n;
      }
      return;
    }
    default:
      refs[at >> 1] = internalValues ? v ?? null : refConverters.toWasm(v, t);
  }
}

const NO_REFS: unknown[] = [];

/**
 * How reference values cross the public API of exceptions (`values`,
 * `getArg`, the constructor): installed by the runtime's API
 * (`lib/runtime/function.ts`), so that a function reference is a
 * `WasmFunction` to the host and a function instance to wasm, and `any`
 * values are internalised and externalised. This layer cannot import the API.
 */
const refConverters = {
  /** A host value for a slot of canonical reference type `t` (may throw TypeError). */
  toWasm: (v: unknown, _t: number): unknown => v ?? null,
  /** A reference value as the host sees it. */
  toHost: (v: unknown): unknown => v,
};

/** @internal Installs the API's reference conversions (see {@link refConverters}). */
export function setExceptionRefConverters(
  toWasm: (v: unknown, t: number) => unknown,
  toHost: (v: unknown) => unknown,
): void {
  refConverters.toWasm = toWasm;
  refConverters.toHost = toHost;
}

/** Set while an exception is made from values already in wasm's representation. */
let internalValues = false;

/**
 * @internal An exception carrying values already in wasm's representation
 * (function instances, internalised references): for the JS API facade,
 * which converts values itself.
 */
export function exceptionOfInternalValues(tag: Tag, values: readonly unknown[]): WasmException {
  internalValues = true;
  try {
    return new WasmException(tag, values);
  } finally {
    internalValues = false;
  }
}

/** @internal The values of an exception in wasm's representation (for the JS API facade). */
export function internalValuesOf(e: WasmException): unknown[] {
  const params = e.tag.type.params;
  return params.map((t, i) => payloadValue(e.payload, e.refs, e.tag.offsets[i], t));
}

/** The payload {@link WasmException.fromRegisters} hands its constructor. */
let raw: { payload: number[]; refs: unknown[] } | null = null;

/**
 * A WebAssembly exception: thrown by `throw` (or a host function), caught by
 * wasm handlers whose tag is {@link tag}; one that no handler catches
 * reaches the host as this error. Traps are never `WasmException`s. It is an
 * `Error` (`instanceof Error`); one thrown by wasm has no JavaScript `stack`.
 *
 * @example
 * ```ts
 * import { Tag, WasmException } from "./mod.ts";
 * const tag = new Tag(["i32", "f64"]);
 * try {
 *   throw new WasmException(tag, [1, 2.5]);
 * } catch (e) {
 *   if (e instanceof WasmException && e.is(tag)) console.log(e.values); // [1, 2.5]
 * }
 * ```
 */
export class WasmException {
  /** `"WasmException"` (an `Error`'s name: the class's prototype chain includes `Error`'s). */
  readonly name = "WasmException";
  /** What the exception is, for messages. */
  readonly message: string;
  /** The JavaScript stack where the host created it (exceptions thrown by wasm have none). */
  declare stack?: string;
  /** The exception's tag. */
  readonly tag: Tag;
  /** The payload in the register layout (see the module doc), int32 words. */
  readonly payload: number[];
  /** Reference values of the payload, by slot (word offset / 2). */
  readonly refs: unknown[];

  /**
   * Creates an exception of `tag` carrying `values` (one per tag parameter:
   * numbers for i32/f32/f64, bigints for i64/v128, references as they are).
   */
  constructor(tag: Tag, values: readonly unknown[]) {
    this.message = `wasm exception (${tag.debugName})`;
    this.tag = tag;
    if (raw !== null) {
      this.payload = raw.payload;
      this.refs = raw.refs;
      return;
    }
    (Error as { captureStackTrace?: (o: object, f: unknown) => void }).captureStackTrace?.(
      this,
      WasmException,
    );
    const params = tag.type.params;
    if (values.length !== params.length) {
      throw new TypeError(
        `tag ${tag.debugName} takes ${params.length} values, got ${values.length}`,
      );
    }
    this.payload = new Array(tag.words).fill(0);
    this.refs = hasRefs(params) ? [] : NO_REFS;
    params.forEach((t, i) => {
      writePayloadValue(this.payload, this.refs, tag.offsets[i], t, values[i]);
    });
  }

  /**
   * The exception thrown by wasm code: the payload copied from registers
   * (`R` from word `at`, references from `regRefs`).
   */
  static fromRegisters(tag: Tag, R: Int32Array, regRefs: unknown[], at: number): WasmException {
    const params = tag.type.params;
    let refs = NO_REFS;
    if (hasRefs(params)) {
      refs = [];
      params.forEach((t, i) => {
        if (isRef(t)) {
          const off = tag.offsets[i];
          refs[off >> 1] = regRefs[(at + off) >> 1];
        }
      });
    }
    // A plain array: a typed array costs microseconds to make (and to collect) for a few words.
    const payload: number[] = new Array(tag.words);
    for (let i = 0; i < payload.length; i++) payload[i] = R[at + i];
    raw = { payload, refs };
    try {
      return new WasmException(tag, NO_REFS);
    } finally {
      raw = null;
    }
  }

  /** Copies the payload into registers (`R` from word `at`, references into `regRefs`). */
  toRegisters(R: Int32Array, regRefs: unknown[], at: number): void {
    const payload = this.payload;
    for (let i = 0; i < payload.length; i++) R[at + i] = payload[i];
    if (this.refs === NO_REFS) return;
    const params = this.tag.type.params, offsets = this.tag.offsets;
    for (let i = 0; i < params.length; i++) {
      if (isRef(params[i])) regRefs[(at + offsets[i]) >> 1] = this.refs[offsets[i] >> 1];
    }
  }

  /**
   * The values the exception carries, as JS values: i64 and v128 as
   * bigints, function references as `WasmFunction`s (callable, as exported
   * functions), GC objects as opaque handles, host values as they were.
   */
  get values(): unknown[] {
    return internalValuesOf(this).map((v, i) =>
      isRef(this.tag.type.params[i]) ? refConverters.toHost(v) : v
    );
  }

  /** True when the exception's tag is `tag`. */
  is(tag: Tag): boolean {
    return this.tag === tag;
  }

  /** Value `index` of the exception, whose tag must be `tag` (as `WebAssembly.Exception`). */
  getArg(tag: Tag, index: number): unknown {
    if (tag !== this.tag) throw new TypeError("the exception's tag is not the given tag");
    const params = this.tag.type.params;
    if (!(index >= 0 && index < params.length)) {
      throw new RangeError(`index ${index} out of range (the tag has ${params.length} values)`);
    }
    const v = payloadValue(this.payload, this.refs, this.tag.offsets[index], params[index]);
    return isRef(params[index]) ? refConverters.toHost(v) : v;
  }
}

// An `Error` to the host (`instanceof Error`, `toString`), without the cost of an Error's
// construction: an `Error` captures a JavaScript stack, 5-30 µs, most of a throw, which code
// that throws often (C++ exceptions) must not pay. Exceptions thrown by wasm carry no stack.
Object.setPrototypeOf(WasmException.prototype, Error.prototype);

function isRef(t: number): boolean {
  return t !== ValType.i32 && t !== ValType.i64 && t !== ValType.f32 && t !== ValType.f64 &&
    t !== ValType.v128;
}

function hasRefs(types: readonly number[]): boolean {
  return types.some(isRef);
}
