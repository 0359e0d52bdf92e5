/**
 * A cursor over a token list with the small parsing helpers every part of
 * the text parser needs: looking ahead, expecting punctuation and keywords,
 * and failing with a message that names the offending token and its place.
 *
 * @module
 */

import { decodeUtf8 } from "../binary/reader.ts";
import {
  concreteHeapType,
  HeapType,
  isRefType,
  refType,
  type ValType,
  VALTYPE_BY_NAME,
} from "../binary/types.ts";
import type { CompileError } from "../errors.ts";
import { Tok, type Token, type TokenList } from "./lexer.ts";
import { parseU32 } from "./numbers.ts";

/** How a token is named in error messages. */
export function describeToken(t: Token): string {
  if (t.kind === Tok.eof) return "end of input";
  const text = t.text.length > 40 ? t.text.slice(0, 37) + "..." : t.text;
  return t.kind === Tok.string ? `string ${text}` : `"${text}"`;
}

const VALTYPES = VALTYPE_BY_NAME;
const HEAP_TYPES: Readonly<Record<string, number>> = HeapType;

/** A position in a token list, with lookahead and expectation helpers. */
export class Cursor {
  readonly list: TokenList;
  readonly toks: Token[];
  pos: number;
  /**
   * The type names of the module being parsed, so that `(ref $t)` resolves
   * while value types are read (set by the module parser).
   */
  typeNames: ReadonlyMap<string, number> | null = null;

  constructor(list: TokenList, pos = 0) {
    this.list = list;
    this.toks = list.tokens;
    this.pos = pos;
  }

  /** The token `k` places ahead (the end-of-input token past the end). */
  peek(k = 0): Token {
    const i = this.pos + k;
    return i < this.toks.length ? this.toks[i] : this.toks[this.toks.length - 1];
  }

  /** Consumes and returns the current token. */
  next(): Token {
    const t = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }

  /** An error located at the given token (default: the current one). */
  error(reason: string, t: Token = this.peek()): CompileError {
    return this.list.error(reason, t.start);
  }

  /** Throws "unexpected token X, expected `what`" at the current token. */
  unexpected(what: string): never {
    const t = this.peek();
    throw this.error(`unexpected token ${describeToken(t)}, expected ${what}`);
  }

  /** True when the current token is the keyword (word) `kw`. */
  isWord(kw: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === Tok.word && t.text === kw;
  }

  /** The keyword after a `(` at the current position, or null. */
  parenKeyword(k = 0): string | null {
    if (this.peek(k).kind !== Tok.lparen) return null;
    const t = this.peek(k + 1);
    return t.kind === Tok.word ? t.text : null;
  }

  /** True when the cursor is at `(` followed by the keyword `kw`. */
  atParen(kw: string): boolean {
    return this.peek().kind === Tok.lparen && this.isWord(kw, 1);
  }

  /** Consumes `(` and the keyword `kw`. */
  openParen(kw: string): void {
    if (!this.atParen(kw)) this.unexpected(`"(${kw}"`);
    this.pos += 2;
  }

  /** Consumes `(`. */
  lparen(): void {
    if (this.peek().kind !== Tok.lparen) this.unexpected('"("');
    this.next();
  }

  /** Consumes `)`. */
  rparen(what?: string): void {
    if (this.peek().kind !== Tok.rparen) this.unexpected(what === undefined ? '")"' : what);
    this.next();
  }

  /** Consumes the keyword `kw`. */
  keyword(kw: string): void {
    if (!this.isWord(kw)) this.unexpected(`"${kw}"`);
    this.next();
  }

  /** Consumes an identifier if there is one, returning its text (with the `$`). */
  optId(): string | null {
    const t = this.peek();
    if (t.kind !== Tok.id) return null;
    this.next();
    return t.text;
  }

  /** Consumes a string literal and returns its bytes. */
  string(): Uint8Array {
    const t = this.peek();
    if (t.kind !== Tok.string) this.unexpected("a string");
    this.next();
    return t.bytes!;
  }

  /** Consumes a string that must be valid UTF-8 (import, export and module names). */
  name(): Uint8Array {
    const t = this.peek();
    const bytes = this.string();
    if (decodeUtf8(bytes, 0, bytes.length) === null) {
      throw this.error("malformed UTF-8 encoding", t);
    }
    return bytes;
  }

  /** Consumes a `u32` literal. */
  u32(what = "an unsigned 32-bit integer"): number {
    const t = this.peek();
    if (t.kind !== Tok.word) this.unexpected(what);
    const v = parseU32(t.text);
    if (v === null) {
      if (/^[0-9]/.test(t.text)) {
        throw this.error(`constant out of range or malformed: "${t.text}"`, t);
      }
      this.unexpected(what);
    }
    this.next();
    return v;
  }

  /** True when the current token is a `u32` literal. */
  atU32(): boolean {
    const t = this.peek();
    return t.kind === Tok.word && t.text.charCodeAt(0) >= 48 && t.text.charCodeAt(0) <= 57;
  }

  /** The value type at the cursor, if it starts one (not consumed; `(ref ...)` reads as 0 here). */
  peekValType(): ValType | null {
    const t = this.peek();
    if (t.kind === Tok.word && Object.hasOwn(VALTYPES, t.text)) return VALTYPES[t.text];
    return this.atParen("ref") ? 0 : null;
  }

  /** Consumes a value type: a name (`i32`, `anyref` ...) or `(ref null? ht)`. */
  valType(): ValType {
    const t = this.peek();
    if (t.kind === Tok.word && Object.hasOwn(VALTYPES, t.text)) {
      this.next();
      return VALTYPES[t.text];
    }
    if (!this.atParen("ref")) this.unexpected("a value type");
    this.pos += 2;
    const nullable = this.isWord("null");
    if (nullable) this.next();
    const ht = this.heapType();
    this.rparen();
    return refType(ht, nullable);
  }

  /** Consumes a heap type: an abstract one's name, a type index or `$name`. */
  heapType(): number {
    const t = this.peek();
    if (t.kind === Tok.word && Object.hasOwn(HEAP_TYPES, t.text)) {
      this.next();
      return HEAP_TYPES[t.text];
    }
    if (t.kind === Tok.id) {
      const index = this.typeNames?.get(t.text);
      if (index === undefined) throw this.error(`unknown type ${t.text}`, t);
      this.next();
      return concreteHeapType(index);
    }
    if (this.atU32()) return concreteHeapType(this.u32("a heap type"));
    this.unexpected("a heap type");
  }

  /** Consumes a reference type (`funcref`, `(ref null $t)` ...). */
  refType(): ValType {
    const at = this.peek();
    const t = this.valType();
    if (!isRefType(t)) throw this.error("malformed reference type", at);
    return t;
  }

  /** Skips a parenthesized group starting at the current `(`. */
  skipGroup(): void {
    let depth = 0;
    do {
      const t = this.next();
      if (t.kind === Tok.lparen) depth++;
      else if (t.kind === Tok.rparen) depth--;
      else if (t.kind === Tok.eof) this.unexpected('")"');
    } while (depth > 0);
  }
}
