/**
 * The WAST script format of the spec test suite: a sequence of commands
 * that define modules, invoke their exports and assert outcomes. Text
 * modules are encoded while parsing; modules that a script expects to be
 * invalid or malformed keep their source so a runner can check the failure
 * itself.
 *
 * @module
 */

import { decodeUtf8 } from "../binary/reader.ts";
import { CompileError } from "../errors.ts";
import { Cursor, describeToken } from "./cursor.ts";
import { encodeModule } from "./encoder.ts";
import { parseV128 } from "./instructions.ts";
import { Tok, tokenize } from "./lexer.ts";
import { parseModule, parseModuleFields } from "./module_parser.ts";
import { parseF32, parseF64, parseI32, parseI64 } from "./numbers.ts";

/** A concrete value: an argument, or an exactly expected result. */
export type WastValue =
  /** `value` is the signed 32-bit interpretation of the bits. */
  | { type: "i32"; value: number }
  /** `value` is the signed 64-bit interpretation of the bits. */
  | { type: "i64"; value: bigint }
  /** `bits` is the IEEE 754 bit pattern as an unsigned 32-bit number. */
  | { type: "f32"; bits: number }
  /** `bits` is the IEEE 754 bit pattern as an unsigned 64-bit BigInt. */
  | { type: "f64"; bits: bigint }
  /** The 16 bytes in memory order (little-endian lanes). */
  | { type: "v128"; bytes: Uint8Array }
  /** `ref.null func` (null), or `ref.func N` in an expected result (a function index). */
  | { type: "funcref"; value: null | number }
  /** `ref.null extern` (null), or the host reference `ref.extern N`. */
  | { type: "externref"; value: null | number }
  /** `ref.null exn` (or `noexn`): a null exception reference. */
  | { type: "exnref"; value: null };

/** The NaN patterns a result may be checked against. */
export type NanKind = "canonical" | "arithmetic";

/** A lane of a v128 result pattern: an f32 (number) or f64 (BigInt) bit pattern, or a NaN kind. */
export type WastLane = number | bigint | NanKind;

/** What `assert_return` expects of one result. */
export type WastExpected =
  | WastValue
  /** Any NaN of the given kind. */
  | { type: "f32" | "f64"; nan: NanKind }
  /** A float vector with at least one NaN pattern lane; the other lanes are exact bit patterns. */
  | { type: "v128"; shape: "f32x4" | "f64x2"; lanes: WastLane[] }
  /** Any non-null reference (`ref.func` or `ref.extern` without an index). */
  | { type: "funcref" | "externref"; value: "nonnull" }
  /** A GC reference of the given kind (`ref.struct`, `ref.array`, `ref.i31`, `ref.eq`, `ref.any`). */
  | { type: "gcref"; kind: "struct" | "array" | "i31" | "eq" | "any" }
  /** `(ref.null)` without a heap type: a null reference of any type. */
  | { type: "anynull" }
  /** `(either r1 r2 ...)`: any one of the results (implementation-defined outcomes). */
  | { type: "either"; options: WastExpected[] };

/** A module as a script gives it. */
export type WastModule =
  /**
   * A module in the text format. `text` is its source, `(module ...)`.
   * `bytes` is its encoding; inside `assert_invalid` and `assert_malformed`
   * encoding may fail, and then `error` holds the failure instead.
   */
  | { kind: "text"; name?: string; text: string; bytes?: Uint8Array; error?: CompileError }
  /** `(module binary "...")`: the concatenated bytes. */
  | { kind: "binary"; name?: string; bytes: Uint8Array }
  /** `(module quote "...")`: the strings concatenated as they are, to be parsed by the runner. */
  | { kind: "quote"; name?: string; text: string };

/** An action: call an export, or read an exported global. */
export type WastAction =
  /** `module` is the `$name` of a defined module; absent means the latest one. */
  | { kind: "invoke"; module?: string; name: string; args: WastValue[] }
  | { kind: "get"; module?: string; name: string };

/** One command of a script. `line` is the 1-based line of its opening parenthesis. */
export type WastCommand =
  | { type: "module"; line: number; module: WastModule }
  /**
   * `(module definition $name? ...)`: a module that is compiled (and must be
   * valid) but not instantiated; `(module instance)` instantiates it later.
   */
  | { type: "module_definition"; line: number; module: WastModule }
  /**
   * `(module instance $instance? $definition?)`: a new instance of a defined
   * module (default: the latest definition), named `instance` if given.
   */
  | { type: "module_instance"; line: number; instance?: string; definition?: string }
  /** Makes the module `name` (default: the latest) importable as `as`. */
  | { type: "register"; line: number; as: string; name?: string }
  | { type: "action"; line: number; action: WastAction }
  | { type: "assert_return"; line: number; action: WastAction; expected: WastExpected[] }
  /** A trap from an action, or (with `module`) from instantiating a module. Exactly one is set. */
  | { type: "assert_trap"; line: number; action?: WastAction; module?: WastModule; message: string }
  | { type: "assert_exhaustion"; line: number; action: WastAction; message: string }
  /** An action that throws a wasm exception no handler catches (exception handling). */
  | { type: "assert_exception"; line: number; action: WastAction }
  | {
    type:
      | "assert_invalid"
      | "assert_malformed"
      | "assert_unlinkable"
      | "assert_uninstantiable";
    line: number;
    module: WastModule;
    message: string;
  };

function utf8(c: Cursor): string {
  const bytes = c.string();
  return decodeUtf8(bytes, 0, bytes.length) ?? String.fromCharCode(...bytes);
}

/**
 * Parses a module at `(module`. When `capture` is set, a text module that
 * fails to parse is returned with its error instead of throwing.
 */
function parseWastModule(c: Cursor, capture: boolean): WastModule {
  const start = c.pos;
  const first = c.peek();
  c.openParen("module");
  const definition = c.isWord("definition");
  if (definition) c.next();
  const id = c.optId();
  const name = id === null ? {} : { name: id.slice(1) };
  if (c.isWord("binary") || c.isWord("quote")) {
    const binary = c.next().text === "binary";
    const parts: Uint8Array[] = [];
    while (c.peek().kind === Tok.string) parts.push(c.string());
    c.rparen('a string or ")"');
    if (!binary) {
      const text = parts.map((p) => decodeUtf8(p, 0, p.length) ?? String.fromCharCode(...p));
      return { kind: "quote", ...name, text: text.join("") };
    }
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return { kind: "binary", ...name, bytes };
  }
  c.pos = start;
  if (definition) {
    // The module parser does not know `definition`: parse the fields after it.
    c.pos += 3 + (id === null ? 0 : 1);
    const bytes = encodeModule(parseModuleFields(c));
    c.rparen();
    return { kind: "text", ...name, text: c.list.source.slice(first.start, c.peek(-1).end), bytes };
  }
  if (!capture) {
    const bytes = encodeModule(parseModule(c));
    return { kind: "text", ...name, text: c.list.source.slice(first.start, c.peek(-1).end), bytes };
  }
  try {
    const bytes = encodeModule(parseModule(c));
    return { kind: "text", ...name, text: c.list.source.slice(first.start, c.peek(-1).end), bytes };
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    c.pos = start;
    c.skipGroup();
    return {
      kind: "text",
      ...name,
      text: c.list.source.slice(first.start, c.peek(-1).end),
      error: e,
    };
  }
}

function parseAction(c: Cursor): WastAction {
  c.lparen();
  const t = c.next();
  if (t.text !== "invoke" && t.text !== "get") {
    c.pos--;
    c.unexpected('"invoke" or "get"');
  }
  const id = c.optId();
  const module = id === null ? {} : { module: id.slice(1) };
  const name = utf8(c);
  if (t.text === "get") {
    c.rparen();
    return { kind: "get", ...module, name };
  }
  const args: WastValue[] = [];
  while (c.peek().kind === Tok.lparen) {
    const v = parseConst(c, false);
    if ("nan" in v || "lanes" in v || ("value" in v && v.value === "nonnull")) {
      throw c.error("NaN pattern in argument");
    }
    args.push(v as WastValue);
  }
  c.rparen();
  return { kind: "invoke", ...module, name, args };
}

function nanKind(text: string): NanKind | null {
  return text === "nan:canonical" ? "canonical" : text === "nan:arithmetic" ? "arithmetic" : null;
}

/** Parses a `(t.const ...)` or reference value; NaN patterns only when `expected`. */
function parseConst(c: Cursor, expected: boolean): WastExpected {
  if (expected && c.atParen("either")) {
    c.pos += 2;
    const options: WastExpected[] = [];
    while (c.peek().kind === Tok.lparen) options.push(parseConst(c, true));
    c.rparen();
    return { type: "either", options };
  }
  c.lparen();
  const opTok = c.next();
  const t = c.peek();
  const bad = (): never => {
    throw c.error(`malformed constant ${describeToken(t)} for ${opTok.text}`, t);
  };
  let result: WastExpected;
  switch (opTok.text) {
    case "i32.const": {
      const v = parseI32(t.text);
      if (v === null || t.kind !== Tok.word) bad();
      c.next();
      result = { type: "i32", value: v! };
      break;
    }
    case "i64.const": {
      const v = parseI64(t.text);
      if (v === null || t.kind !== Tok.word) bad();
      c.next();
      result = { type: "i64", value: v! };
      break;
    }
    case "f32.const":
    case "f64.const": {
      const type = opTok.text === "f32.const" ? "f32" : "f64";
      const nan = expected ? nanKind(t.text) : null;
      if (nan !== null) {
        c.next();
        result = { type, nan };
        break;
      }
      if (t.kind !== Tok.word) bad();
      if (type === "f32") {
        const v = parseF32(t.text);
        if (v === null) bad();
        result = { type, bits: v! };
      } else {
        const v = parseF64(t.text);
        if (v === null) bad();
        result = { type, bits: v! };
      }
      c.next();
      break;
    }
    case "v128.const": {
      const shape = t.text;
      if (expected && (shape === "f32x4" || shape === "f64x2")) {
        const n = shape === "f32x4" ? 4 : 2;
        let hasNan = false;
        for (let i = 1; i <= n; i++) if (nanKind(c.peek(i).text) !== null) hasNan = true;
        if (hasNan) {
          c.next();
          const lanes: WastLane[] = [];
          for (let i = 0; i < n; i++) {
            const lt = c.next();
            const nan = nanKind(lt.text);
            const bits = nan ?? (n === 4 ? parseF32(lt.text) : parseF64(lt.text));
            if (bits === null || lt.kind !== Tok.word) throw c.error(`malformed ${shape} lane`, lt);
            lanes.push(bits);
          }
          result = { type: "v128", shape, lanes };
          break;
        }
      }
      const bytes = new Uint8Array(16);
      parseV128(c, bytes);
      result = { type: "v128", bytes };
      break;
    }
    case "ref.null": {
      if (expected && c.peek().kind === Tok.rparen) {
        result = { type: "anynull" };
        break;
      }
      // Every null is null: a heap type (abstract or a type index) only says which.
      const func = c.isWord("func") || c.isWord("nofunc");
      if (c.peek().kind === Tok.rparen) c.unexpected("a heap type");
      c.next();
      result = { type: func ? "funcref" : "externref", value: null };
      break;
    }
    case "ref.struct":
    case "ref.array":
    case "ref.i31":
    case "ref.eq":
    case "ref.any":
      if (!expected) c.unexpected("a constant");
      result = {
        type: "gcref",
        kind: opTok.text.slice(4) as "struct" | "array" | "i31" | "eq" | "any",
      };
      break;
    case "ref.host":
    case "ref.extern":
    case "ref.func": {
      const type = opTok.text === "ref.func" ? "funcref" : "externref";
      if (c.peek().kind === Tok.rparen) {
        if (!expected) c.unexpected("an index");
        result = { type, value: "nonnull" };
      } else {
        result = { type, value: c.u32() };
      }
      break;
    }
    default:
      c.pos--;
      c.unexpected("a constant");
  }
  c.rparen();
  return result;
}

const MODULE_FIELDS = new Set([
  "type",
  "import",
  "func",
  "table",
  "memory",
  "global",
  "export",
  "start",
  "elem",
  "data",
]);

/** Parses a WAST script into its commands. Throws a `CompileError` for malformed scripts. */
export function parseWast(text: string): WastCommand[] {
  const c = new Cursor(tokenize(text));
  const commands: WastCommand[] = [];
  const first = c.parenKeyword();
  if (first !== null && MODULE_FIELDS.has(first)) {
    // A script may consist of just the fields of one module, without `(module`.
    const bytes = encodeModule(parseModuleFields(c));
    if (c.peek().kind !== Tok.eof) c.unexpected("end of input");
    return [{ type: "module", line: 1, module: { kind: "text", text, bytes } }];
  }
  while (c.peek().kind !== Tok.eof) {
    const head = c.peek();
    const kw = c.parenKeyword();
    if (kw === null) c.unexpected("a command");
    const line = c.list.position(head.start).line;
    switch (kw) {
      case "module": {
        if (c.isWord("instance", 2)) {
          c.pos += 3;
          const instance = c.optId();
          const definition = c.optId();
          c.rparen();
          commands.push({
            type: "module_instance",
            line,
            ...(instance === null ? {} : { instance: instance.slice(1) }),
            ...(definition === null ? {} : { definition: definition.slice(1) }),
          });
          continue;
        }
        const type = c.isWord("definition", 2) ? "module_definition" : "module";
        commands.push({ type, line, module: parseWastModule(c, false) });
        continue;
      }
      case "invoke":
      case "get":
        commands.push({ type: "action", line, action: parseAction(c) });
        continue;
    }
    c.pos += 2;
    switch (kw) {
      case "register": {
        const as = utf8(c);
        const id = c.optId();
        commands.push(
          id === null
            ? { type: "register", line, as }
            : { type: "register", line, as, name: id.slice(1) },
        );
        break;
      }
      case "assert_return": {
        const action = parseAction(c);
        const expected: WastExpected[] = [];
        while (c.peek().kind === Tok.lparen) expected.push(parseConst(c, true));
        commands.push({ type: "assert_return", line, action, expected });
        break;
      }
      case "assert_trap": {
        if (c.atParen("module")) {
          const module = parseWastModule(c, false);
          commands.push({ type: "assert_trap", line, module, message: utf8(c) });
        } else {
          const action = parseAction(c);
          commands.push({ type: "assert_trap", line, action, message: utf8(c) });
        }
        break;
      }
      case "assert_exhaustion": {
        const action = parseAction(c);
        commands.push({ type: "assert_exhaustion", line, action, message: utf8(c) });
        break;
      }
      case "assert_exception":
        commands.push({ type: "assert_exception", line, action: parseAction(c) });
        break;
      case "assert_invalid":
      case "assert_malformed":
      case "assert_unlinkable":
      case "assert_uninstantiable": {
        const capture = kw === "assert_invalid" || kw === "assert_malformed";
        const module = parseWastModule(c, capture);
        commands.push({ type: kw, line, module, message: utf8(c) });
        break;
      }
      default:
        throw c.error(`unknown command "${kw}"`, c.peek(-1));
    }
    c.rparen();
  }
  return commands;
}
