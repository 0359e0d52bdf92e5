/**
 * Module fields of the text format, parsed in two passes. The first pass
 * visits every field to assign indices to identifiers (so that names may be
 * used before their definition) and to read the explicit type definitions
 * (so that implicit type uses can find them). The second pass parses each
 * field completely, expanding abbreviations (inline imports and exports,
 * inline element and data segments) into a {@link TextModule}.
 *
 * @module
 */

import {
  type ExternKind,
  type FieldType,
  type FuncType,
  type Limits,
  type RefType,
  type ValType,
  ValType as VT,
} from "../binary/types.ts";
import type { ModuleScope, TextElem, TextModule } from "./ast.ts";
import { Cursor } from "./cursor.ts";
import {
  type BodyScope,
  parseExpr,
  parseFoldedExpr,
  parseFuncIndex,
  parseInstrs,
} from "./instructions.ts";
import { Tok, tokenize } from "./lexer.ts";
import { parseNat } from "./numbers.ts";
import {
  parseParams,
  parseResults,
  parseTypeIndex,
  parseTypeUse,
  signatureKey,
} from "./typeuse.ts";
import { ByteWriter } from "./writer.ts";

const EXTERN_KINDS: Record<string, ExternKind> = {
  func: 0,
  table: 1,
  memory: 2,
  global: 3,
  tag: 4,
};
type ExternName = "func" | "table" | "memory" | "global" | "tag";

/** True when the table fields at the cursor (after its id and exports) hold an inline segment. */
function hasInlineElem(c: Cursor): boolean {
  const start = c.pos;
  // An address type (`i64`) is a value type too: skip it.
  if (c.isWord("i64") || c.isWord("i32")) c.next();
  const inline = c.peekValType() !== null;
  c.pos = start;
  return inline;
}

/** Parses a whole text (a `(module ...)` or bare module fields) into a {@link TextModule}. */
export function parseModuleText(text: string): TextModule {
  const c = new Cursor(tokenize(text));
  let mod: TextModule;
  if (c.atParen("module")) mod = parseModule(c);
  else mod = parseFields(c, undefined);
  if (c.peek().kind !== Tok.eof) c.unexpected("end of input");
  return mod;
}

/** Parses `(module $name? field*)` at the cursor, consuming the closing parenthesis. */
export function parseModule(c: Cursor): TextModule {
  c.openParen("module");
  const id = c.optId();
  const mod = parseFields(c, id === null ? undefined : id.slice(1));
  c.rparen('a module field or ")"');
  return mod;
}

interface Field {
  kind: string;
  /** Token index just after the field's keyword. */
  pos: number;
}

/** A per-kind counter and name map, filled in the first pass. */
interface Space {
  count: number;
  names: Map<string, number>;
  label: string;
}

function declare(c: Cursor, space: Space, id: string | null, at: number): number {
  const index = space.count++;
  if (id !== null) {
    if (space.names.has(id)) throw c.list.error(`duplicate ${space.label} ${id}`, at);
    space.names.set(id, index);
  }
  return index;
}

/** Parses bare module fields (no `(module` wrapper) up to a `)` or the end of input. */
export function parseModuleFields(c: Cursor): TextModule {
  return parseFields(c, undefined);
}

/** Parses module fields up to a `)` or the end of input (not consumed). */
function parseFields(c: Cursor, name: string | undefined): TextModule {
  const fields: Field[] = [];
  while (c.peek().kind === Tok.lparen) {
    const kw = c.parenKeyword();
    if (kw === null) {
      c.next();
      c.unexpected("a module field");
    }
    fields.push({ kind: kw, pos: c.pos + 2 });
    c.skipGroup();
  }
  const endPos = c.pos;
  const t = c.peek();
  if (t.kind !== Tok.rparen && t.kind !== Tok.eof) c.unexpected("a module field");

  const space = (label: string): Space => ({ count: 0, names: new Map(), label });
  const spaces = {
    type: space("type"),
    func: space("function"),
    table: space("table"),
    memory: space("memory"),
    global: space("global"),
    tag: space("tag"),
    elem: space("elem segment"),
    data: space("data segment"),
  };
  const scope: ModuleScope = {
    types: [],
    typeNames: spaces.type.names,
    funcNames: spaces.func.names,
    tableNames: spaces.table.names,
    memoryNames: spaces.memory.names,
    globalNames: spaces.global.names,
    tagNames: spaces.tag.names,
    elemNames: spaces.elem.names,
    dataNames: spaces.data.names,
    explicitTypeCount: 0,
    usesDataCount: false,
    typeBySignature: new Map(),
  };

  // Pass 0: type names, so that type definitions may refer to any type.
  const outerTypeNames = c.typeNames;
  c.typeNames = spaces.type.names;
  for (const f of fields) {
    c.pos = f.pos;
    const at = c.peek(-2).start;
    if (f.kind === "type") declare(c, spaces.type, c.optId(), at);
    else if (f.kind === "rec") {
      while (c.atParen("type")) {
        const start = c.pos;
        c.pos += 2;
        declare(c, spaces.type, c.optId(), c.peek(-2).start);
        c.pos = start;
        c.skipGroup();
      }
    }
  }
  scope.fieldNames = new Map();

  // Pass 1: identifiers, explicit types, and the imports-first rule.
  let firstDefinition: string | null = null;
  for (const f of fields) {
    c.pos = f.pos;
    const at = c.peek(-2).start;
    switch (f.kind) {
      case "type": {
        c.optId();
        parseTypeDef(c, scope);
        break;
      }
      case "rec": {
        const start = scope.types.length;
        while (c.atParen("type")) {
          c.pos += 2;
          c.optId();
          parseTypeDef(c, scope);
        }
        const n = scope.types.length - start;
        if (n > 1) {
          // Implicit type uses only pick types alone in their rec group.
          for (const [key, index] of scope.typeBySignature) {
            if (index >= start) scope.typeBySignature.delete(key);
          }
        }
        for (let i = start; i < scope.types.length; i++) {
          scope.types[i].recStart = start;
          scope.types[i].recSize = n;
        }
        if (n === 0) scope.types.length = start;
        break;
      }
      case "import": {
        c.name();
        c.name();
        const kind = c.parenKeyword();
        if (kind === null || !(kind in EXTERN_KINDS)) {
          c.lparen();
          c.unexpected('"func", "table", "memory" or "global"');
        }
        if (firstDefinition !== null) throw c.list.error(`import after ${firstDefinition}`, at);
        c.pos += 2;
        declare(c, spaces[kind as ExternName], c.optId(), at);
        break;
      }
      case "func":
      case "table":
      case "memory":
      case "global":
      case "tag": {
        declare(c, spaces[f.kind], c.optId(), at);
        while (c.atParen("export")) c.skipGroup();
        if (c.atParen("import")) {
          if (firstDefinition !== null) throw c.list.error(`import after ${firstDefinition}`, at);
        } else {
          firstDefinition ??= f.kind === "func" ? "function" : f.kind;
          if (f.kind === "table" && hasInlineElem(c)) spaces.elem.count++;
          if (f.kind === "memory" && c.atParen("data")) spaces.data.count++;
        }
        break;
      }
      case "elem":
      case "data":
        declare(c, spaces[f.kind], c.optId(), at);
        break;
      case "export":
      case "start":
        break;
      default:
        throw c.list.error(`unknown module field "${f.kind}"`, c.peek(-1).start);
    }
  }
  scope.explicitTypeCount = scope.types.length;

  // Pass 2: everything else, in text order (which fixes the order of implicit types).
  const mod: TextModule = {
    name,
    types: scope.types,
    imports: [],
    funcs: [],
    tables: [],
    memories: [],
    globals: [],
    tags: [],
    exports: [],
    elems: [],
    datas: [],
    usesDataCount: false,
    funcNames: new Map(),
    localNames: new Map(),
  };
  const counts = { func: 0, table: 0, memory: 0, global: 0, tag: 0 };
  const constScope: BodyScope = { module: scope, locals: new Map(), labels: [], marks: [] };
  for (const f of fields) {
    c.pos = f.pos;
    switch (f.kind) {
      case "type":
      case "rec":
        c.pos = f.pos - 2;
        c.skipGroup();
        continue;
      case "import": {
        const module = c.name(), field = c.name();
        c.lparen();
        const kind = c.next().text as ExternName;
        const id = c.optId();
        const index = counts[kind]++;
        importDesc(c, scope, mod, kind, index, id, module, field);
        c.rparen();
        break;
      }
      case "func":
      case "table":
      case "memory":
      case "global":
      case "tag": {
        const kind = f.kind;
        const id = c.optId();
        const index = counts[kind]++;
        while (c.atParen("export")) {
          c.pos += 2;
          mod.exports.push({ name: c.name(), kind: EXTERN_KINDS[kind], index });
          c.rparen();
        }
        if (c.atParen("import")) {
          c.pos += 2;
          const module = c.name(), field = c.name();
          c.rparen();
          importDesc(c, scope, mod, kind, index, id, module, field);
        } else if (kind === "func") {
          parseFunc(c, scope, mod, index, id);
        } else if (kind === "table") {
          parseTable(c, constScope, mod, index);
        } else if (kind === "memory") {
          parseMemory(c, mod, index);
        } else if (kind === "tag") {
          mod.tags.push(parseTypeUse(c, scope, true).index);
        } else {
          const type = parseGlobalType(c);
          mod.globals.push({ type, init: parseExpr(c, constScope) });
        }
        break;
      }
      case "export": {
        const exportName = c.name();
        c.lparen();
        const kt = c.peek();
        const kind = EXTERN_KINDS[kt.text];
        if (kt.kind !== Tok.word || kind === undefined) {
          c.unexpected('"func", "table", "memory" or "global"');
        }
        c.next();
        const names = [
          scope.funcNames,
          scope.tableNames,
          scope.memoryNames,
          scope.globalNames,
          scope.tagNames,
        ][kind];
        const index = parseNamedIndex(c, names, kt.text);
        c.rparen();
        mod.exports.push({ name: exportName, kind, index });
        break;
      }
      case "start":
        if (mod.start !== undefined) {
          throw c.list.error("multiple start sections", c.peek(-1).start);
        }
        mod.start = parseFuncIndex(c, scope);
        break;
      case "elem":
        parseElem(c, constScope, mod);
        break;
      case "data":
        parseData(c, constScope, mod);
        break;
    }
    c.rparen();
  }
  mod.usesDataCount = scope.usesDataCount;
  c.pos = endPos;
  c.typeNames = outerTypeNames;
  return mod;
}

/** Parses a storage type: a value type, or the packed `i8`/`i16`. */
function parseStorageType(c: Cursor): number {
  if (c.isWord("i8") || c.isWord("i16")) return c.next().text === "i8" ? 0x78 : 0x77;
  return c.valType();
}

/** Parses a field type: a storage type or `(mut storagetype)`. */
function parseFieldType(c: Cursor): FieldType {
  if (c.atParen("mut")) {
    c.pos += 2;
    const type = parseStorageType(c);
    c.rparen();
    return { type, mutable: true };
  }
  return { type: parseStorageType(c), mutable: false };
}

/**
 * Parses a type definition after `(type $id?`, up to its closing parenthesis
 * (consumed): `(func ...)`, `(struct ...)`, `(array ...)`, or `(sub final?
 * $super? comptype)`; appends it to the module's types.
 */
function parseTypeDef(c: Cursor, scope: ModuleScope): void {
  const index = scope.types.length;
  let supertype: number | undefined, final = true;
  const sub = c.atParen("sub");
  if (sub) {
    c.pos += 2;
    final = false;
    if (c.isWord("final")) {
      c.next();
      final = true;
    }
    while (c.peek().kind === Tok.id || c.atU32()) {
      if (supertype !== undefined) throw c.error("multiple supertypes");
      supertype = parseTypeIndex(c, scope);
    }
  }
  let t: FuncType;
  if (c.atParen("struct")) {
    c.pos += 2;
    const fields: FieldType[] = [];
    const names = new Map<string, number>();
    while (c.atParen("field")) {
      c.pos += 2;
      const id = c.optId();
      if (id !== null) {
        if (names.has(id)) throw c.error(`duplicate field ${id}`);
        names.set(id, fields.length);
        fields.push(parseFieldType(c));
      } else {
        while (c.peek().kind !== Tok.rparen) fields.push(parseFieldType(c));
      }
      c.rparen();
    }
    c.rparen('"(field" or ")"');
    scope.fieldNames!.set(index, names);
    t = { params: [], results: [], kind: 1, fields };
  } else if (c.atParen("array")) {
    c.pos += 2;
    const field = parseFieldType(c);
    c.rparen();
    t = { params: [], results: [], kind: 2, fields: [field] };
  } else {
    c.openParen("func");
    const params: ValType[] = [], results: ValType[] = [];
    parseParams(c, params, []);
    parseResults(c, results);
    c.rparen('"(param", "(result" or ")"');
    t = { params, results };
  }
  if (sub) c.rparen();
  if (supertype !== undefined) t.supertype = supertype;
  if (!final) t.final = false;
  c.rparen();
  if (t.kind === undefined && final && supertype === undefined) {
    const key = signatureKey(t.params, t.results);
    if (!scope.typeBySignature.has(key)) scope.typeBySignature.set(key, index);
  }
  scope.types.push(t);
}

/** Parses the description of an imported entity after its optional `$id`. */
function importDesc(
  c: Cursor,
  scope: ModuleScope,
  mod: TextModule,
  kind: ExternName,
  index: number,
  id: string | null,
  module: Uint8Array,
  name: Uint8Array,
): void {
  if (kind === "func") {
    const use = parseTypeUse(c, scope, true);
    if (id !== null) mod.funcNames.set(index, id.slice(1));
    mod.imports.push({ module, name, desc: { kind: 0, typeIndex: use.index } });
  } else if (kind === "table") {
    const limits = parseLimits(c);
    mod.imports.push({ module, name, desc: { kind: 1, type: { limits, element: c.refType() } } });
  } else if (kind === "memory") {
    mod.imports.push({ module, name, desc: { kind: 2, type: { limits: parseMemoryLimits(c) } } });
  } else if (kind === "tag") {
    mod.imports.push({
      module,
      name,
      desc: { kind: 4, typeIndex: parseTypeUse(c, scope, true).index },
    });
  } else {
    mod.imports.push({ module, name, desc: { kind: 3, type: parseGlobalType(c) } });
  }
}

function parseNamedIndex(c: Cursor, names: Map<string, number>, what: string): number {
  const t = c.peek();
  if (t.kind === Tok.id) {
    const index = names.get(t.text);
    if (index === undefined) throw c.error(`unknown ${what} ${t.text}`, t);
    c.next();
    return index;
  }
  return c.u32(`a ${what} index`);
}

/** Parses `[i32|i64] min [max]`: 64-bit (memory64, table64) limits are u64. */
function parseLimits(c: Cursor): Limits {
  if (c.isWord("i64")) {
    c.next();
    const min = u64Limit(c);
    if (c.atU32()) return { min, max: u64Limit(c), address64: true };
    return { min, address64: true };
  }
  if (c.isWord("i32")) c.next();
  const min = c.u32("a limit");
  if (c.atU32()) return { min, max: c.u32("a limit") };
  return { min };
}

/** A memory's limits, then `shared` (threads) if present. */
function parseMemoryLimits(c: Cursor): Limits {
  const limits = parseLimits(c);
  const t = c.peek();
  if (t.kind === Tok.word && t.text === "shared") {
    c.next();
    limits.shared = true;
  }
  return limits;
}

/** A u64 limit as a number (exact up to 2^53; larger ones only fail limit checks). */
function u64Limit(c: Cursor): number {
  const t = c.peek();
  const v = t.kind === Tok.word && /^[0-9]/.test(t.text) ? parseNat(t.text) : null;
  if (v === null || v > 0xffffffffffffffffn) c.unexpected("a 64-bit limit");
  c.next();
  return Number(v);
}

function parseGlobalType(c: Cursor): { type: ValType; mutable: boolean } {
  if (c.atParen("mut")) {
    c.pos += 2;
    const type = c.valType();
    c.rparen();
    return { type, mutable: true };
  }
  return { type: c.valType(), mutable: false };
}

function parseFunc(
  c: Cursor,
  scope: ModuleScope,
  mod: TextModule,
  index: number,
  id: string | null,
): void {
  const use = parseTypeUse(c, scope, true);
  const locals = new Map<string, number>();
  const names = new Map<number, string>();
  const localTypes: ValType[] = [];
  for (let i = 0; i < use.paramNames.length; i++) {
    const n = use.paramNames[i];
    if (n === null) continue;
    if (locals.has(n)) throw c.error(`duplicate local ${n}`);
    locals.set(n, i);
    names.set(i, n.slice(1));
  }
  let next = use.params.length;
  while (c.atParen("local")) {
    c.pos += 2;
    const t = c.peek();
    if (t.kind === Tok.id) {
      if (locals.has(t.text)) throw c.error(`duplicate local ${t.text}`, t);
      c.next();
      locals.set(t.text, next);
      names.set(next, t.text.slice(1));
      localTypes.push(c.valType());
      next++;
    } else {
      while (c.peek().kind !== Tok.rparen) {
        localTypes.push(c.valType());
        next++;
      }
    }
    c.rparen('a value type or ")"');
  }
  const w = new ByteWriter(64);
  const body: BodyScope = { module: scope, locals, labels: [], marks: [] };
  parseInstrs(c, body, w);
  if (c.peek().kind !== Tok.rparen) c.unexpected('an instruction or ")"');
  // The function's implicit `end` is located at its closing parenthesis.
  body.marks!.push(w.length, c.peek().start);
  w.byte(0x0b);
  if (id !== null) mod.funcNames.set(index, id.slice(1));
  if (names.size > 0) mod.localNames.set(index, names);
  mod.funcs.push({
    typeIndex: use.index,
    locals: localTypes,
    body: w.toBytes(),
    marks: body.marks,
  });
}

const I32_CONST_0 = new Uint8Array([0x41, 0x00, 0x0b]);
const I64_CONST_0 = new Uint8Array([0x42, 0x00, 0x0b]);

function parseTable(
  c: Cursor,
  constScope: BodyScope,
  mod: TextModule,
  index: number,
): void {
  const start = c.pos;
  let address64 = false;
  if (c.isWord("i64") || c.isWord("i32")) {
    address64 = c.isWord("i64");
    c.next();
  }
  if (c.peekValType() !== null) {
    // `(table [i64] reftype (elem ...))`: a table exactly as large as its inline segment.
    const type = c.refType();
    c.openParen("elem");
    const offset = address64 ? I64_CONST_0 : I32_CONST_0;
    const elem: TextElem = { mode: "active", table: index, offset, type };
    parseElemItems(c, constScope, elem, c.peek().kind === Tok.lparen);
    c.rparen();
    const n = (elem.funcs ?? elem.exprs!).length;
    const limits = address64 ? { min: n, max: n, address64 } : { min: n, max: n };
    mod.tables.push({ element: type, limits });
    mod.elems.push(elem);
    return;
  }
  c.pos = start;
  const limits = parseLimits(c);
  const element = c.refType();
  if (c.peek().kind === Tok.rparen) mod.tables.push({ limits, element });
  else mod.tables.push({ limits, element, initBytes: parseExpr(c, constScope) });
}

function parseMemory(c: Cursor, mod: TextModule, index: number): void {
  let address64 = false;
  const start = c.pos;
  if (c.isWord("i64") || c.isWord("i32")) {
    address64 = c.isWord("i64");
    c.next();
  }
  if (c.atParen("data")) {
    c.pos += 2;
    const bytes = parseStrings(c);
    c.rparen('a string or ")"');
    const pages = Math.ceil(bytes.length / 65536);
    if (address64) {
      mod.memories.push({ limits: { min: pages, max: pages, address64 } });
      mod.datas.push({ mode: "active", memory: index, offset: I64_CONST_0, bytes });
    } else {
      mod.memories.push({ limits: { min: pages, max: pages } });
      mod.datas.push({ mode: "active", memory: index, offset: I32_CONST_0, bytes });
    }
    return;
  }
  c.pos = start;
  mod.memories.push({ limits: parseMemoryLimits(c) });
}

function parseStrings(c: Cursor): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  while (c.peek().kind === Tok.string) {
    const b = c.string();
    parts.push(b);
    total += b.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Parses an offset: `(offset instr*)` or a single folded instruction. */
function parseOffset(c: Cursor, s: BodyScope): Uint8Array {
  if (c.atParen("offset")) {
    c.pos += 2;
    const e = parseExpr(c, s);
    c.rparen();
    return e;
  }
  if (c.peek().kind !== Tok.lparen) c.unexpected('"(offset" or a folded instruction');
  return parseFoldedExpr(c, s);
}

/** Parses element items: expressions (`(item ...)` or folded) or function indices. */
function parseElemItems(c: Cursor, s: BodyScope, elem: TextElem, exprs: boolean): void {
  if (!exprs) {
    const funcs: number[] = [];
    while (c.peek().kind !== Tok.rparen) funcs.push(parseFuncIndex(c, s.module));
    if (elem.type === VT.funcref) elem.funcs = funcs;
    else {
      // A segment of another type (a typed table's inline one) needs the expression encoding.
      elem.exprs = funcs.map((f) => {
        const w = new ByteWriter(8);
        w.byte(0xd2);
        w.u32(f);
        w.byte(0x0b);
        return w.toBytes();
      });
    }
    return;
  }
  const items: Uint8Array[] = [];
  while (c.peek().kind === Tok.lparen) {
    if (c.atParen("item")) {
      c.pos += 2;
      items.push(parseExpr(c, s));
      c.rparen();
    } else {
      items.push(parseFoldedExpr(c, s));
    }
  }
  // Expressions stay expressions: the compact index encoding would make the segment's type
  // `(ref func)` where the text said `funcref`.
  elem.exprs = items;
}

function parseElem(c: Cursor, s: BodyScope, mod: TextModule): void {
  c.optId();
  const elem: TextElem = { mode: "passive", table: 0, type: VT.funcref };
  let active = false;
  if (c.isWord("declare")) {
    c.next();
    elem.mode = "declarative";
  } else if (c.atParen("table")) {
    c.pos += 2;
    elem.table = parseNamedIndex(c, s.module.tableNames, "table");
    c.rparen();
    active = true;
  } else if (c.atU32()) {
    // The older abbreviation `(elem tableidx (offset ...) ...)`, still used by some scripts.
    elem.table = c.u32();
    active = true;
  } else if (c.peek().kind === Tok.lparen && !c.atParen("ref")) {
    active = true;
  }
  if (active) {
    elem.mode = "active";
    elem.offset = parseOffset(c, s);
  }
  if (c.isWord("func")) {
    c.next();
    parseElemItems(c, s, elem, false);
  } else if (c.peekValType() !== null) {
    elem.type = c.refType() as RefType;
    parseElemItems(c, s, elem, true);
  } else if (active) {
    parseElemItems(c, s, elem, false);
  } else {
    c.unexpected('"func" or a reference type');
  }
  mod.elems.push(elem);
}

function parseData(c: Cursor, s: BodyScope, mod: TextModule): void {
  c.optId();
  // The older abbreviation `(data memidx (offset ...) ...)`, still used by some scripts.
  const bareMemory = c.atU32() ? c.u32() : -1;
  if (bareMemory < 0 && c.peek().kind !== Tok.lparen) {
    mod.datas.push({ mode: "passive", memory: 0, bytes: parseStrings(c) });
    return;
  }
  let memory = Math.max(bareMemory, 0);
  if (bareMemory < 0 && c.atParen("memory")) {
    c.pos += 2;
    memory = parseNamedIndex(c, s.module.memoryNames, "memory");
    c.rparen();
  }
  const offset = parseOffset(c, s);
  mod.datas.push({ mode: "active", memory, offset, bytes: parseStrings(c) });
}
