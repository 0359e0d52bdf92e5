/**
 * The tokenizer of the WebAssembly text format. It turns source text into a
 * flat token array once, so that parsers can look ahead freely and so that
 * every token can name its line and column in error messages.
 *
 * @module
 */

import { decodeUtf8, pushUtf8 } from "../binary/reader.ts";
import { CompileError } from "../errors.ts";

/** The kinds of token the text format has. */
export const Tok = {
  /** `(` */
  lparen: 0,
  /** `)` */
  rparen: 1,
  /** A string literal; its decoded bytes are in {@link Token.bytes}. */
  string: 2,
  /** An identifier: `$` followed by identifier characters. */
  id: 3,
  /**
   * Any other run of identifier characters: keywords (`func`, `i32.add`,
   * `offset=4`) and numbers alike, told apart by the parser from context.
   */
  word: 4,
  /** The end of the input. */
  eof: 5,
} as const;

/** One of the codes in {@link Tok}. */
export type Tok = typeof Tok[keyof typeof Tok];

/** A token: its kind, where it is, and its text. */
export interface Token {
  kind: Tok;
  /** Offset of the first character in the source. */
  start: number;
  /** Offset just past the last character. */
  end: number;
  /** The source text of the token (for strings: including the quotes). */
  text: string;
  /** Decoded contents of a string token. */
  bytes?: Uint8Array;
}

/** The tokens of a source text, plus what is needed to locate them. */
export class TokenList {
  readonly source: string;
  readonly tokens: Token[];
  /** Offsets at which each line starts; built on the first error only. */
  #lineStarts: number[] | null = null;

  constructor(source: string, tokens: Token[]) {
    this.source = source;
    this.tokens = tokens;
  }

  /** The 1-based line and column of a source offset. */
  position(offset: number): { line: number; column: number } {
    if (this.#lineStarts === null) this.#lineStarts = lineStarts(this.source);
    const starts = this.#lineStarts;
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }

  /** A {@link CompileError} located at the given offset. */
  error(reason: string, offset: number): CompileError {
    return new CompileError(reason, this.position(offset));
  }
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && source.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

/** 1 for each ASCII code that may appear in identifiers, keywords and numbers. */
const ID_CHAR = new Uint8Array(128);
for (
  const c
    of "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+-./:<=>?@\\^_`|~"
) {
  ID_CHAR[c.charCodeAt(0)] = 1;
}

/** True when `c` (a char code) may be part of an identifier, keyword or number. */
export function isIdChar(c: number): boolean {
  return c < 128 && ID_CHAR[c] === 1;
}

function describe(c: number): string {
  if (c >= 0x21 && c < 0x7f) return `"${String.fromCharCode(c)}"`;
  return `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Splits `source` into tokens. Fails with a {@link CompileError} on
 * characters that cannot start a token, unterminated strings and comments,
 * bad escapes, unbalanced parentheses, and tokens that are not separated
 * from the next one (the spec requires whitespace, a comment or a
 * parenthesis in between).
 */
export function tokenize(source: string): TokenList {
  const tokens: Token[] = [];
  const list = new TokenList(source, tokens);
  const n = source.length;
  let i = 0;
  // After a string or word, another token may not follow without a separator.
  let needSeparator = false;
  // Offsets of the open parentheses, to report an unbalanced one where it is.
  const open: number[] = [];
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      needSeparator = false;
      continue;
    }
    if (c === 59 /* ; */) {
      if (source.charCodeAt(i + 1) !== 59) throw list.error(`unexpected character ";"`, i);
      while (i < n && source.charCodeAt(i) !== 10 && source.charCodeAt(i) !== 13) i++;
      needSeparator = false;
      continue;
    }
    if (c === 40 /* ( */) {
      if (source.charCodeAt(i + 1) === 59 /* ; */) {
        i = skipBlockComment(list, i);
        needSeparator = false;
        continue;
      }
      if (source.charCodeAt(i + 1) === 64 /* @ */) {
        // Annotations carry tool-specific data; this runtime reads none of them.
        i = skipAnnotation(list, i);
        needSeparator = false;
        continue;
      }
      tokens.push({ kind: Tok.lparen, start: i, end: i + 1, text: "(" });
      open.push(i);
      i++;
      needSeparator = false;
      continue;
    }
    if (c === 41 /* ) */) {
      if (open.pop() === undefined) throw list.error(`unexpected ")" without a matching "("`, i);
      tokens.push({ kind: Tok.rparen, start: i, end: i + 1, text: ")" });
      i++;
      needSeparator = false;
      continue;
    }
    if (needSeparator) throw list.error(`missing space before ${describe(c)}`, i);
    if (c === 34 /* " */) {
      const start = i;
      const [bytes, end] = readString(list, i);
      i = end;
      tokens.push({ kind: Tok.string, start, end, text: source.slice(start, end), bytes });
      needSeparator = true;
      continue;
    }
    if (c === 36 /* $ */ && source.charCodeAt(i + 1) === 34 /* " */) {
      // A quoted identifier `$"..."` names the same thing as `$...` with the decoded characters.
      const start = i;
      const [bytes, end] = readString(list, i + 1);
      const name = decodeUtf8(bytes, 0, bytes.length);
      if (name === null) throw list.error("malformed UTF-8 encoding in identifier", start);
      if (name.length === 0) throw list.error("empty identifier", start);
      i = end;
      tokens.push({ kind: Tok.id, start, end, text: "$" + name });
      needSeparator = true;
      continue;
    }
    if (isIdChar(c)) {
      const start = i;
      while (i < n && isIdChar(source.charCodeAt(i))) i++;
      const text = source.slice(start, i);
      const kind = c === 36 /* $ */ && i - start > 1 ? Tok.id : Tok.word;
      tokens.push({ kind, start, end: i, text });
      needSeparator = true;
      continue;
    }
    throw list.error(`unexpected character ${describe(c)}`, i);
  }
  if (open.length > 0) throw list.error(`unclosed "(": missing ")"`, open[open.length - 1]);
  tokens.push({ kind: Tok.eof, start: n, end: n, text: "" });
  return list;
}

/**
 * Skips the annotation `(@id ...)` starting at `i` (the annotations
 * proposal, part of WebAssembly 3.0); returns the offset after it. Its body
 * may hold any tokens, including reserved ones, as long as parentheses
 * balance and strings and comments are well-formed.
 */
function skipAnnotation(list: TokenList, i: number): number {
  const source = list.source;
  const start = i;
  const n = source.length;
  i += 2;
  if (source.charCodeAt(i) === 34 /* " */) {
    const [bytes, end] = readString(list, i);
    if (decodeUtf8(bytes, 0, bytes.length) === null) {
      throw list.error("malformed UTF-8 encoding in annotation id", i);
    }
    if (bytes.length === 0) throw list.error("empty annotation id", start);
    i = end;
  } else {
    const idStart = i;
    while (i < n && isIdChar(source.charCodeAt(i))) i++;
    if (i === idStart) throw list.error("empty annotation id", start);
  }
  let depth = 1;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
    } else if (c === 59 /* ; */ && source.charCodeAt(i + 1) === 59) {
      while (i < n && source.charCodeAt(i) !== 10 && source.charCodeAt(i) !== 13) i++;
    } else if (c === 40 /* ( */) {
      if (source.charCodeAt(i + 1) === 59) {
        i = skipBlockComment(list, i);
      } else {
        // Nested groups, `(@...)` ones included, are plain token trees here.
        depth++;
        i++;
      }
    } else if (c === 41 /* ) */) {
      i++;
      if (--depth === 0) return i;
    } else if (c === 34 /* " */) {
      i = readString(list, i)[1];
    } else if (c > 0x20 && c < 0x7f) {
      i++;
    } else {
      throw list.error(`illegal character ${describe(c)} in annotation`, i);
    }
  }
  throw list.error("unclosed annotation", start);
}

/** Skips a nested block comment starting at `i`; returns the offset after it. */
function skipBlockComment(list: TokenList, i: number): number {
  const source = list.source;
  const start = i;
  let depth = 0;
  const n = source.length;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 40 && source.charCodeAt(i + 1) === 59) {
      depth++;
      i += 2;
    } else if (c === 59 && source.charCodeAt(i + 1) === 41) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw list.error("unclosed block comment", start);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Reads the string literal at `i`; returns its bytes and the offset after it. */
function readString(list: TokenList, i: number): [Uint8Array, number] {
  const source = list.source;
  const start = i;
  const out: number[] = [];
  i++;
  for (;;) {
    if (i >= source.length) throw list.error("unclosed string", start);
    const c = source.charCodeAt(i);
    if (c === 34) return [new Uint8Array(out), i + 1];
    if (c < 0x20 || c === 0x7f) throw list.error(`control character ${describe(c)} in string`, i);
    if (c !== 92 /* \ */) {
      const cp = source.codePointAt(i)!;
      if (cp >= 0xd800 && cp <= 0xdfff) throw list.error("malformed UTF-16 in string", i);
      pushUtf8(out, cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = source.charCodeAt(i + 1);
    switch (e) {
      case 110: // n
        out.push(10);
        i += 2;
        continue;
      case 116: // t
        out.push(9);
        i += 2;
        continue;
      case 114: // r
        out.push(13);
        i += 2;
        continue;
      case 34: // "
      case 39: // '
      case 92: // \
        out.push(e);
        i += 2;
        continue;
      case 117: { // u{hex}
        if (source.charCodeAt(i + 2) !== 123) throw list.error("malformed \\u escape", i);
        let j = i + 3, cp = 0, digits = 0, lastUnderscore = false;
        for (;; j++) {
          const d = source.charCodeAt(j);
          if (d === 95 && digits > 0 && !lastUnderscore) {
            lastUnderscore = true;
            continue;
          }
          const v = hexValue(d);
          if (v < 0) break;
          lastUnderscore = false;
          cp = cp * 16 + v;
          digits++;
          if (cp > 0x10ffff) throw list.error("\\u escape out of range", i);
        }
        if (digits === 0 || lastUnderscore || source.charCodeAt(j) !== 125) {
          throw list.error("malformed \\u escape", i);
        }
        if (cp >= 0xd800 && cp <= 0xdfff) throw list.error("\\u escape is a surrogate", i);
        pushUtf8(out, cp);
        i = j + 1;
        continue;
      }
      default: {
        const h = hexValue(e), l = hexValue(source.charCodeAt(i + 2));
        if (h < 0 || l < 0) throw list.error("malformed escape in string", i);
        out.push(h * 16 + l);
        i += 3;
      }
    }
  }
}
