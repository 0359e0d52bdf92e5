/**
 * Instructions in the text format, flat and folded, encoded straight to
 * bytes as they are parsed. Names (labels, locals, functions, ...) are
 * resolved here against the scopes the module parser collected beforehand.
 *
 * @module
 */

import {
  Imm,
  isAtomicOp,
  Op,
  type OpInfo,
  OPS_BY_NAME,
  PREFIX_FB,
  PREFIX_FC,
  PREFIX_FD,
  PREFIX_FD_RELAXED,
  PREFIX_FE,
  simdSubOpcode,
} from "../binary/opcodes.ts";
import { heapTypeOf, isNullable } from "../binary/types.ts";
import { expressionMarks, type ModuleScope } from "./ast.ts";
import { type Cursor, describeToken } from "./cursor.ts";
import { Tok, type Token } from "./lexer.ts";
import {
  parseF32,
  parseF64,
  parseI32,
  parseI64,
  parseIntBits,
  parseNat,
  parseU32,
} from "./numbers.ts";
import { findOrAddType, parseTypeIndex, parseTypeUse } from "./typeuse.ts";
import { ByteWriter } from "./writer.ts";

/** What the instructions of one function body (or constant expression) can refer to. */
export interface BodyScope {
  module: ModuleScope;
  /** Parameter and local names (with `$`) to local index. */
  locals: Map<string, number>;
  /** Labels of the enclosing blocks, innermost last; null for unnamed blocks. */
  labels: (string | null)[];
  /**
   * When set, receives pairs (byte offset in the body, source offset) at the
   * start of each instruction, so validation errors can name a line and column.
   */
  marks?: number[];
}

/** Records that the instruction about to be written at `w.length` comes from source offset `at`. */
function mark(s: BodyScope, w: ByteWriter, at: number): void {
  s.marks?.push(w.length, at);
}

/** The keywords that start a block instruction. */
const BLOCK_OPS = new Set(["block", "loop", "if", "try_table", "try"]);

/**
 * Keywords that may follow `(` right after an instruction sequence without
 * being an instruction; any other `(word` is reported as an unknown operator.
 */
const CLAUSES = new Set([
  "then",
  "else",
  "param",
  "result",
  "local",
  "type",
  "item",
  // try_table's catch clauses; the legacy try's `do`, `catch`, `catch_all` and `delegate`.
  "catch",
  "catch_ref",
  "catch_all",
  "catch_all_ref",
  "do",
  "delegate",
]);

/** Words that end an instruction sequence in flat code (besides `end` and `else`). */
const FLAT_ENDS = new Set(["end", "else", "catch", "catch_all", "delegate"]);

/** `try_table`'s catch clause keywords, by their binary kind. */
const CATCH_CLAUSES = ["catch", "catch_ref", "catch_all", "catch_all_ref"];

/** Writes an op id as its opcode bytes. */
function writeOp(w: ByteWriter, id: number): void {
  if (isAtomicOp(id)) {
    w.byte(0xfe);
    w.u32(id - PREFIX_FE);
  } else if (id >= PREFIX_FD_RELAXED) {
    w.byte(0xfd);
    w.u32(simdSubOpcode(id));
  } else if (id >= PREFIX_FB) {
    w.byte(0xfb);
    w.u32(id - PREFIX_FB);
  } else if (id >= PREFIX_FD) {
    w.byte(0xfd);
    w.u32(id - PREFIX_FD);
  } else if (id >= PREFIX_FC) {
    w.byte(0xfc);
    w.u32(id - PREFIX_FC);
  } else {
    w.byte(id);
  }
}

/**
 * Parses instructions (flat or folded) until a token that cannot start
 * one: `)`, `end`, `else`, or anything unexpected, which the caller reports.
 */
export function parseInstrs(c: Cursor, s: BodyScope, w: ByteWriter): void {
  for (;;) {
    const t = c.peek();
    if (t.kind === Tok.lparen) {
      const kw = c.peek(1);
      if (kw.kind !== Tok.word || CLAUSES.has(kw.text)) return;
      parseFolded(c, s, w);
    } else if (t.kind === Tok.word) {
      if (FLAT_ENDS.has(t.text)) return;
      parseFlat(c, s, w);
    } else {
      return;
    }
  }
}

/**
 * Parses a constant expression up to (not including) `)` and returns its
 * bytes with `end`; the marks it leaves in `s` move to {@link expressionMarks}.
 */
export function parseExpr(c: Cursor, s: BodyScope): Uint8Array {
  return constantExpression(s, (w) => {
    parseInstrs(c, s, w);
    if (c.peek().kind !== Tok.rparen) c.unexpected('an instruction or ")"');
  });
}

/** Parses a single folded instruction as a constant expression (see {@link parseExpr}). */
export function parseFoldedExpr(c: Cursor, s: BodyScope): Uint8Array {
  return constantExpression(s, (w) => parseFolded(c, s, w));
}

function constantExpression(s: BodyScope, parse: (w: ByteWriter) => void): Uint8Array {
  const from = s.marks?.length ?? 0;
  const w = new ByteWriter(16);
  parse(w);
  w.byte(Op.end);
  const bytes = w.toBytes();
  if (s.marks !== undefined) expressionMarks.set(bytes, s.marks.splice(from));
  return bytes;
}

/** Parses one folded instruction `( ... )` at the cursor. */
export function parseFolded(c: Cursor, s: BodyScope, w: ByteWriter): void {
  c.lparen();
  const t = c.peek();
  if (t.kind !== Tok.word) c.unexpected("an instruction");
  c.next();
  if (t.text === "block" || t.text === "loop") {
    mark(s, w, t.start);
    writeOp(w, t.text === "block" ? Op.block : Op.loop);
    const label = c.optId();
    parseBlockType(c, s, w);
    s.labels.push(label);
    parseInstrs(c, s, w);
    s.labels.pop();
    mark(s, w, c.peek().start);
    c.rparen('an instruction or ")"');
    w.byte(Op.end);
    return;
  }
  if (t.text === "try_table") {
    mark(s, w, t.start);
    writeOp(w, Op.try_table);
    const label = c.optId();
    parseBlockType(c, s, w);
    parseCatchClauses(c, s, w);
    s.labels.push(label);
    parseInstrs(c, s, w);
    s.labels.pop();
    mark(s, w, c.peek().start);
    c.rparen('an instruction or ")"');
    w.byte(Op.end);
    return;
  }
  if (t.text === "try") {
    mark(s, w, t.start);
    writeOp(w, Op.try);
    const label = c.optId();
    parseBlockType(c, s, w);
    s.labels.push(label);
    c.openParen("do");
    parseInstrs(c, s, w);
    c.rparen('an instruction or ")"');
    if (c.atParen("delegate")) {
      c.pos += 2;
      s.labels.pop();
      w.byte(Op.delegate);
      w.u32(parseLabel(c, s));
      c.rparen();
      c.rparen();
      return;
    }
    while (c.atParen("catch") || c.atParen("catch_all")) {
      c.pos++;
      mark(s, w, c.peek().start);
      const kw = c.next().text;
      if (kw === "catch") {
        w.byte(Op.catch);
        w.u32(parseIndex(c, s.module.tagNames, "tag"));
      } else w.byte(Op.catch_all);
      parseInstrs(c, s, w);
      c.rparen('an instruction or ")"');
    }
    s.labels.pop();
    mark(s, w, c.peek().start);
    c.rparen();
    w.byte(Op.end);
    return;
  }
  if (t.text === "if") {
    const label = c.optId();
    const bt = new ByteWriter(4);
    parseBlockType(c, s, bt);
    while (c.peek().kind === Tok.lparen && !c.atParen("then")) parseFolded(c, s, w);
    mark(s, w, t.start);
    writeOp(w, Op.if);
    w.bytes(bt.view());
    s.labels.push(label);
    c.openParen("then");
    parseInstrs(c, s, w);
    c.rparen('an instruction or ")"');
    if (c.atParen("else")) {
      mark(s, w, c.peek(1).start);
      c.pos += 2;
      w.byte(Op.else);
      parseInstrs(c, s, w);
      c.rparen('an instruction or ")"');
    }
    s.labels.pop();
    mark(s, w, c.peek().start);
    c.rparen();
    w.byte(Op.end);
    return;
  }
  const info = OPS_BY_NAME.get(t.text);
  if (info === undefined || info.id === Op.end || info.id === Op.else) {
    throw c.error(`unknown operator "${t.text}"`, t);
  }
  const imm = new ByteWriter(8);
  parsePlain(c, s, imm, info, t);
  while (c.peek().kind === Tok.lparen) parseFolded(c, s, w);
  c.rparen('a folded instruction or ")"');
  mark(s, w, t.start);
  w.bytes(imm.view());
}

/** Parses one flat instruction (a plain one, or a whole `block`/`loop`/`if ... end`). */
function parseFlat(c: Cursor, s: BodyScope, w: ByteWriter): void {
  const t = c.next();
  if (BLOCK_OPS.has(t.text)) {
    const op = t.text === "block"
      ? Op.block
      : t.text === "loop"
      ? Op.loop
      : t.text === "if"
      ? Op.if
      : t.text === "try"
      ? Op.try
      : Op.try_table;
    mark(s, w, t.start);
    writeOp(w, op);
    const label = c.optId();
    parseBlockType(c, s, w);
    if (op === Op.try_table) parseCatchClauses(c, s, w);
    s.labels.push(label);
    parseInstrs(c, s, w);
    if (op === Op.try) {
      if (c.isWord("delegate")) {
        c.next();
        s.labels.pop();
        w.byte(Op.delegate);
        w.u32(parseLabel(c, s));
        return;
      }
      while (c.isWord("catch") || c.isWord("catch_all")) {
        const kw = c.next().text;
        if (kw === "catch") {
          w.byte(Op.catch);
          w.u32(parseIndex(c, s.module.tagNames, "tag"));
        } else w.byte(Op.catch_all);
        parseInstrs(c, s, w);
      }
    }
    if (op === Op.if && c.isWord("else")) {
      mark(s, w, c.next().start);
      checkEndLabel(c, label);
      w.byte(Op.else);
      parseInstrs(c, s, w);
    }
    if (!c.isWord("end")) c.unexpected('an instruction or "end"');
    mark(s, w, c.next().start);
    checkEndLabel(c, label);
    s.labels.pop();
    w.byte(Op.end);
    return;
  }
  const info = OPS_BY_NAME.get(t.text);
  if (info === undefined) throw c.error(`unknown operator "${t.text}"`, t);
  mark(s, w, t.start);
  parsePlain(c, s, w, info, t);
}

/**
 * Parses `try_table`'s catch clauses, `(catch $tag $label)` and the like,
 * and writes their vector. Labels are counted from outside the try_table.
 */
function parseCatchClauses(c: Cursor, s: BodyScope, w: ByteWriter): void {
  const clauses: number[][] = [];
  for (;;) {
    const kind = CATCH_CLAUSES.findIndex((kw) => c.atParen(kw));
    if (kind < 0) break;
    c.pos += 2;
    const tag = kind < 2 ? parseIndex(c, s.module.tagNames, "tag") : -1;
    clauses.push([kind, tag, parseLabel(c, s)]);
    c.rparen();
  }
  w.u32(clauses.length);
  for (const [kind, tag, label] of clauses) {
    w.byte(kind);
    if (tag >= 0) w.u32(tag);
    w.u32(label);
  }
}

/** Consumes the optional label after `end`/`else`, which must repeat the block's label. */
function checkEndLabel(c: Cursor, label: string | null): void {
  const t = c.peek();
  if (t.kind !== Tok.id) return;
  if (t.text !== label) {
    throw c.error(
      label === null
        ? `mismatching label ${t.text}: the block has no label`
        : `mismatching label ${t.text}, expected ${label}`,
      t,
    );
  }
  c.next();
}

/** Parses a block type and writes its encoding. */
function parseBlockType(c: Cursor, s: BodyScope, w: ByteWriter): void {
  const use = parseTypeUse(c, s.module, false, false);
  if (use.explicit) w.s32(use.index);
  else if (use.params.length === 0 && use.results.length === 0) w.byte(0x40);
  else if (use.params.length === 0 && use.results.length === 1) w.valType(use.results[0]);
  else w.s32(findOrAddType(s.module, use.params, use.results));
}

/** True when the current token can be an index: a `$id` or an unsigned number. */
function atIndex(c: Cursor): boolean {
  const t = c.peek();
  return t.kind === Tok.id || c.atU32();
}

/** Resolves an index into one of the module's index spaces. */
function parseIndex(c: Cursor, names: Map<string, number>, space: string): number {
  const t = c.peek();
  if (t.kind === Tok.id) {
    const index = names.get(t.text);
    if (index === undefined) throw c.error(`unknown ${space} ${t.text}`, t);
    c.next();
    return index;
  }
  return c.u32(`a ${space} index`);
}

/** Resolves a function index (exported for element segments and exports). */
export function parseFuncIndex(c: Cursor, scope: ModuleScope): number {
  return parseIndex(c, scope.funcNames, "function");
}

function parseLabel(c: Cursor, s: BodyScope): number {
  const t = c.peek();
  if (t.kind === Tok.id) {
    const at = s.labels.lastIndexOf(t.text);
    if (at < 0) throw c.error(`unknown label ${t.text}`, t);
    c.next();
    return s.labels.length - 1 - at;
  }
  return c.u32("a label");
}

function parseLane(c: Cursor): number {
  const t = c.peek();
  const v = t.kind === Tok.word ? parseU32(t.text) : null;
  if (v === null || v > 255) {
    if (t.kind === Tok.word && /^[0-9]/.test(t.text)) {
      throw c.error(`malformed lane index "${t.text}"`, t);
    }
    c.unexpected("a lane index");
  }
  c.next();
  return v;
}

/** Parses an optional memory index (multiple memories); 0 when absent. */
function parseMemoryIndex(c: Cursor, m: ModuleScope): number {
  return atIndex(c) ? parseIndex(c, m.memoryNames, "memory") : 0;
}

/**
 * Parses `[memory] offset=N align=N` and writes the memarg (alignment as
 * log2; flag bit 6 and the index for a memory other than 0; a u64 offset).
 */
function parseMemArg(c: Cursor, w: ByteWriter, info: OpInfo, m: ModuleScope): void {
  writeMemArg(c, w, info, parseMemoryIndex(c, m));
}

/** Parses `offset=N align=N` and writes the memarg of `memory`. */
function writeMemArg(c: Cursor, w: ByteWriter, info: OpInfo, memory: number): void {
  let offset = 0n, align = info.align;
  let t = c.peek();
  if (t.kind === Tok.word && t.text.startsWith("offset=")) {
    const v = /^[0-9]/.test(t.text.slice(7)) ? parseNat(t.text.slice(7)) : null;
    if (v === null || v > 0xffffffffffffffffn) {
      throw c.error(`malformed memory offset "${t.text}"`, t);
    }
    offset = v;
    c.next();
    t = c.peek();
  }
  if (t.kind === Tok.word && t.text.startsWith("align=")) {
    const v = parseU32(t.text.slice(6));
    if (v === null) throw c.error(`malformed memory alignment "${t.text}"`, t);
    if (v === 0 || (v & (v - 1)) !== 0) {
      throw c.error(`alignment must be a power of two, found ${t.text.slice(6)}`, t);
    }
    align = 31 - Math.clz32(v);
    c.next();
  }
  if (memory !== 0) {
    w.u32(align | 0x40);
    w.u32(memory);
  } else {
    w.u32(align);
  }
  w.u64(offset);
}

function constError(c: Cursor, t: Token, type: string): never {
  if (t.kind !== Tok.word) c.unexpected(`an ${type} constant`);
  throw c.error(`malformed or out-of-range ${type} constant "${t.text}"`, t);
}

/** Parses the 16 bytes of a `v128.const` (shape and lanes) into `out`. */
export function parseV128(c: Cursor, out: Uint8Array): void {
  const shapeTok = c.peek();
  if (shapeTok.kind !== Tok.word) c.unexpected("a vector shape");
  const view = new DataView(out.buffer, out.byteOffset, 16);
  const shape = shapeTok.text;
  c.next();
  const lane = (type: string): Token => {
    const t = c.peek();
    if (t.kind !== Tok.word) c.unexpected(`an ${type} constant`);
    c.next();
    return t;
  };
  switch (shape) {
    case "i8x16":
    case "i16x8": {
      const bits = shape === "i8x16" ? 8 : 16;
      for (let i = 0; i < 128 / bits; i++) {
        const t = lane(`i${bits}`);
        const v = parseIntBits(t.text, bits);
        if (v === null) constError(c, t, `i${bits}`);
        if (bits === 8) view.setUint8(i, Number(v));
        else view.setUint16(i * 2, Number(v), true);
      }
      return;
    }
    case "i32x4":
      for (let i = 0; i < 4; i++) {
        const t = lane("i32");
        const v = parseI32(t.text);
        if (v === null) constError(c, t, "i32");
        view.setInt32(i * 4, v, true);
      }
      return;
    case "i64x2":
      for (let i = 0; i < 2; i++) {
        const t = lane("i64");
        const v = parseI64(t.text);
        if (v === null) constError(c, t, "i64");
        view.setBigInt64(i * 8, v, true);
      }
      return;
    case "f32x4":
      for (let i = 0; i < 4; i++) {
        const t = lane("f32");
        const v = parseF32(t.text);
        if (v === null) constError(c, t, "f32");
        view.setUint32(i * 4, v, true);
      }
      return;
    case "f64x2":
      for (let i = 0; i < 2; i++) {
        const t = lane("f64");
        const v = parseF64(t.text);
        if (v === null) constError(c, t, "f64");
        view.setBigUint64(i * 8, v, true);
      }
      return;
    default:
      throw c.error(
        `unexpected token ${describeToken(shapeTok)}, expected a vector shape`,
        shapeTok,
      );
  }
}

/** Parses the immediates of a plain instruction (its name already consumed) and encodes it. */
function parsePlain(c: Cursor, s: BodyScope, w: ByteWriter, info: OpInfo, opTok: Token): void {
  const m = s.module;
  if (info.id === Op.select && c.atParen("result")) {
    // Typed `select`: the text name is shared, the clause picks the opcode.
    const types: number[] = [];
    while (c.atParen("result")) {
      c.pos += 2;
      while (c.peek().kind !== Tok.rparen) types.push(c.valType());
      c.rparen();
    }
    w.byte(Op.select_t);
    w.u32(types.length);
    for (const t of types) w.valType(t);
    return;
  }
  if (info.imm === Imm.heapType) {
    // `ref.test`/`ref.cast` share a name; the reference type's nullability picks the opcode.
    const t = c.valType();
    writeOp(w, info.id + (isNullable(t) ? 1 : 0));
    w.heapType(heapTypeOf(t));
    return;
  }
  if (info.id === Op.end || info.id === Op.else) {
    throw c.error(`unexpected "${opTok.text}"`, opTok);
  }
  writeOp(w, info.id);
  switch (info.imm) {
    case Imm.none:
      return;
    case Imm.label:
      w.u32(parseLabel(c, s));
      return;
    case Imm.brTable: {
      const labels: number[] = [];
      while (atIndex(c)) labels.push(parseLabel(c, s));
      if (labels.length === 0) c.unexpected("a label");
      const dflt = labels.pop()!;
      w.u32(labels.length);
      for (const l of labels) w.u32(l);
      w.u32(dflt);
      return;
    }
    case Imm.func:
      w.u32(parseIndex(c, m.funcNames, "function"));
      return;
    case Imm.callIndirect: {
      const table = atIndex(c) ? parseIndex(c, m.tableNames, "table") : 0;
      const use = parseTypeUse(c, m, false);
      w.u32(use.index);
      w.u32(table);
      return;
    }
    case Imm.local: {
      const t = c.peek();
      if (t.kind === Tok.id) {
        const index = s.locals.get(t.text);
        if (index === undefined) throw c.error(`unknown local ${t.text}`, t);
        c.next();
        w.u32(index);
      } else {
        w.u32(c.u32("a local index"));
      }
      return;
    }
    case Imm.global:
      w.u32(parseIndex(c, m.globalNames, "global"));
      return;
    case Imm.table:
      w.u32(atIndex(c) ? parseIndex(c, m.tableNames, "table") : 0);
      return;
    case Imm.elem:
      w.u32(parseIndex(c, m.elemNames, "elem segment"));
      return;
    case Imm.data:
      m.usesDataCount = true;
      w.u32(parseIndex(c, m.dataNames, "data segment"));
      return;
    case Imm.memArg:
    case Imm.atomicMemArg:
      parseMemArg(c, w, info, m);
      return;
    case Imm.memArgLane: {
      // `v128.load8_lane $m 1` and `v128.load8_lane 1 0` name a memory, then the lane;
      // `v128.load8_lane 0` names the lane alone.
      const start = c.pos;
      let hasMemory = false;
      if (atIndex(c)) {
        hasMemory = c.peek().kind === Tok.id;
        c.next();
        const t = c.peek();
        hasMemory ||= atIndex(c) || (t.kind === Tok.word && /^(offset|align)=/.test(t.text));
        c.pos = start;
      }
      const memory = hasMemory ? parseIndex(c, m.memoryNames, "memory") : 0;
      writeMemArg(c, w, info, memory);
      w.byte(parseLane(c));
      return;
    }
    case Imm.memZero:
      w.u32(parseMemoryIndex(c, m));
      return;
    case Imm.zeroByte:
      w.byte(0);
      return;
    case Imm.memoryCopy:
      if (atIndex(c)) {
        w.u32(parseIndex(c, m.memoryNames, "memory"));
        w.u32(parseIndex(c, m.memoryNames, "memory"));
      } else {
        w.byte(0);
        w.byte(0);
      }
      return;
    case Imm.memoryInit: {
      m.usesDataCount = true;
      // `memory.init $mem $data` or `memory.init $data`.
      const start = c.pos;
      if (!atIndex(c)) c.unexpected("a data segment index");
      c.next();
      const two = atIndex(c);
      c.pos = start;
      const memory = two ? parseIndex(c, m.memoryNames, "memory") : 0;
      w.u32(parseIndex(c, m.dataNames, "data segment"));
      w.u32(memory);
      return;
    }
    case Imm.tableInit: {
      if (!atIndex(c)) c.unexpected("an elem segment index");
      c.next();
      if (atIndex(c)) {
        c.pos--;
        const table = parseIndex(c, m.tableNames, "table");
        w.u32(parseIndex(c, m.elemNames, "elem segment"));
        w.u32(table);
      } else {
        c.pos--;
        w.u32(parseIndex(c, m.elemNames, "elem segment"));
        w.u32(0);
      }
      return;
    }
    case Imm.tableCopy:
      if (atIndex(c)) {
        w.u32(parseIndex(c, m.tableNames, "table"));
        w.u32(parseIndex(c, m.tableNames, "table"));
      } else {
        w.u32(0);
        w.u32(0);
      }
      return;
    case Imm.i32: {
      const t = c.peek();
      const v = t.kind === Tok.word ? parseI32(t.text) : null;
      if (v === null) constError(c, t, "i32");
      c.next();
      w.s32(v);
      return;
    }
    case Imm.i64: {
      const t = c.peek();
      const v = t.kind === Tok.word ? parseI64(t.text) : null;
      if (v === null) constError(c, t, "i64");
      c.next();
      w.s64(v);
      return;
    }
    case Imm.f32: {
      const t = c.peek();
      const v = t.kind === Tok.word ? parseF32(t.text) : null;
      if (v === null) constError(c, t, "f32");
      c.next();
      w.u32le(v);
      return;
    }
    case Imm.f64: {
      const t = c.peek();
      const v = t.kind === Tok.word ? parseF64(t.text) : null;
      if (v === null) constError(c, t, "f64");
      c.next();
      w.u64le(v);
      return;
    }
    case Imm.refType:
      w.heapType(c.heapType());
      return;
    case Imm.typeIndex:
      w.u32(parseTypeIndex(c, m));
      return;
    case Imm.twoIndices: {
      const type = parseTypeIndex(c, m);
      w.u32(type);
      switch (info.id) {
        case Op.struct_get:
        case Op.struct_get_s:
        case Op.struct_get_u:
        case Op.struct_set: {
          const t = c.peek();
          const fields = m.fieldNames?.get(type);
          if (t.kind === Tok.id) {
            const index = fields?.get(t.text);
            if (index === undefined) throw c.error(`unknown field ${t.text}`, t);
            c.next();
            w.u32(index);
          } else w.u32(c.u32("a field index"));
          return;
        }
        case Op.array_copy:
          w.u32(parseTypeIndex(c, m));
          return;
        case Op.array_new_data:
        case Op.array_init_data:
          m.usesDataCount = true;
          w.u32(parseIndex(c, m.dataNames, "data segment"));
          return;
        case Op.array_new_elem:
        case Op.array_init_elem:
          w.u32(parseIndex(c, m.elemNames, "elem segment"));
          return;
      }
      w.u32(c.u32("a count"));
      return;
    }
    case Imm.brOnCast: {
      const label = parseLabel(c, s);
      const t1 = c.valType(), t2 = c.valType();
      w.byte((isNullable(t1) ? 1 : 0) | (isNullable(t2) ? 2 : 0));
      w.u32(label);
      w.heapType(heapTypeOf(t1));
      w.heapType(heapTypeOf(t2));
      return;
    }
    case Imm.tag:
      w.u32(parseIndex(c, m.tagNames, "tag"));
      return;
    case Imm.v128: {
      const bytes = new Uint8Array(16);
      parseV128(c, bytes);
      w.bytes(bytes);
      return;
    }
    case Imm.lane:
      w.byte(parseLane(c));
      return;
    case Imm.shuffle:
      for (let i = 0; i < 16; i++) w.byte(parseLane(c));
      return;
    case Imm.blockType:
    case Imm.selectTypes:
    case Imm.tryTable:
      // Handled before the switch (blocks never reach parsePlain).
      throw c.error(`unexpected "${opTok.text}"`, opTok);
  }
}
