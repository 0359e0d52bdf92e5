/**
 * The binary decoder: turns module bytes into a {@link WasmModule} and
 * rejects every malformed input (the spec's "binary format" chapter) with a
 * {@link CompileError} naming the problem and its byte offset. Typing rules
 * ("invalid" modules) are the validator's job, in `lib/validate`.
 *
 * Function bodies are kept as byte ranges, but every instruction is decoded
 * once here so that malformed code is caught at decode time.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { type Features, FEATURES_3_0, requireFeature } from "./features.ts";
import { decodeNameSection } from "./name_section.ts";
import {
  Instruction,
  readInstruction,
  readRefType as readRefTypeRaw,
  readValType as readValTypeRaw,
} from "./instruction.ts";
import { Op } from "./opcodes.ts";
import { ByteReader } from "./reader.ts";
import {
  type ConstExpr,
  type ConstInstruction,
  type DataSegment,
  type ElementSegment,
  type Export,
  ExternKind,
  type FieldType,
  type FuncType,
  type GlobalType,
  type Import,
  isRefType,
  type Limits,
  PackedType,
  refType,
  type TableType,
  TypeKind,
  ValType,
  type WasmModule,
} from "./types.ts";

/** Section ids of the binary format. */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  /** Exception tags (exception handling), between memory and global. */
  tag: 13,
} as const;

/**
 * Position of each non-custom section id in the required order (data count
 * sits before code, the tag section between memory and global).
 */
const SECTION_RANK = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];

/** The largest number of locals the binary format allows in one function (2^32 - 1). */
const MAX_LOCALS = 0xffffffff;
/** The most locals we accept in one function. */
export const MAX_LOCALS_SUPPORTED = 50_000;

/**
 * Decodes a binary module. Throws {@link CompileError} if the bytes are not
 * a well-formed WebAssembly 2.0 module.
 *
 * @example
 * ```ts
 * const m = decodeModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
 * m.types.length; // 0
 * ```
 */
export function decodeModule(bytes: Uint8Array, options: DecodeOptions = {}): WasmModule {
  return new ModuleDecoder(bytes, options.checkCode ?? true, options.features ?? FEATURES_3_0)
    .decode();
}

/** Options of {@link decodeModule}. */
export interface DecodeOptions {
  /**
   * Decode every instruction of every function body to reject malformed
   * code here (default true). Compilation turns this off because the
   * translator decodes (and validates) each body anyway, in one pass.
   */
  checkCode?: boolean;
  /** The WebAssembly features to accept (default: all of 3.0). */
  features?: Features;
}

class ModuleDecoder {
  private readonly r: ByteReader;
  private readonly m: WasmModule;
  private readonly ins = new Instruction();
  /** Number of entries in the function section (0 if absent). */
  private functionCount = 0;
  private sawCode = false;
  private sawData = false;
  private readonly checkBodies: boolean;

  constructor(bytes: Uint8Array, checkBodies: boolean, features: Features) {
    this.checkBodies = checkBodies;
    this.r = new ByteReader(bytes);
    this.m = {
      bytes,
      types: [],
      imports: [],
      functions: [],
      tables: [],
      memories: [],
      globals: [],
      tags: [],
      exports: [],
      elements: [],
      codes: [],
      data: [],
      customSections: [],
      importedFunctionCount: 0,
      importedTableCount: 0,
      importedMemoryCount: 0,
      importedGlobalCount: 0,
      importedTagCount: 0,
      features,
    };
  }

  decode(): WasmModule {
    const r = this.r;
    this.expectBytes(MAGIC, "magic header not detected");
    this.expectBytes(VERSION, "unknown binary version");
    let lastRank = 0;
    while (!r.atEnd()) {
      const idAt = r.pos;
      const id = r.u8();
      if (id > SectionId.tag) r.fail("malformed section id", idAt);
      if (id === SectionId.tag) requireFeature(this.m.features, "exceptions", idAt);
      const size = r.u32();
      const start = r.pos;
      if (size > r.bytes.length - start) r.fail("length out of bounds", start);
      const end = start + size;
      if (id !== SectionId.custom) {
        const rank = SECTION_RANK[id];
        if (rank <= lastRank) r.fail("unexpected content after last section", idAt);
        lastRank = rank;
      }
      r.end = end;
      r.inSection = true;
      this.section(id);
      if (r.pos !== end) r.fail("section size mismatch", r.pos);
      r.inSection = false;
      r.end = r.bytes.length;
    }
    const m = this.m;
    if (!this.sawCode && this.functionCount !== 0) {
      r.fail("function and code section have inconsistent lengths", r.pos);
    }
    if (!this.sawData && m.dataCount !== undefined && m.dataCount !== 0) {
      r.fail("data count and data section have inconsistent lengths", r.pos);
    }
    const names = m.customSections.find((s) => s.name === "name");
    if (names) m.names = decodeNameSection(m.bytes, names.start, names.end);
    return m;
  }

  private expectBytes(expected: number[], reason: string): void {
    const r = this.r;
    for (const b of expected) {
      if (r.atEnd()) r.fail("unexpected end");
      if (r.bytes[r.pos] !== b) r.fail(reason, r.pos);
      r.pos++;
    }
  }

  private section(id: number): void {
    const r = this.r, m = this.m;
    switch (id) {
      case SectionId.custom: {
        const name = r.name();
        m.customSections.push({ name, start: r.pos, end: r.end });
        r.pos = r.end;
        return;
      }
      case SectionId.type:
        this.vec(() => this.recGroup());
        return;
      case SectionId.import:
        this.vec(() => m.imports.push(this.import()));
        return;
      case SectionId.function:
        this.vec(() => m.functions.push(r.u32()));
        this.functionCount = m.functions.length;
        return;
      case SectionId.table:
        this.vec(() => m.tables.push(this.definedTable()));
        return;
      case SectionId.memory:
        this.vec(() => m.memories.push({ limits: this.limits(true) }));
        return;
      case SectionId.global:
        this.vec(() => {
          const type = this.globalType();
          m.globals.push({ type, init: this.constExpr() });
        });
        return;
      case SectionId.export:
        this.vec(() => m.exports.push(this.export()));
        return;
      case SectionId.start:
        m.start = r.u32();
        return;
      case SectionId.element:
        this.vec(() => m.elements.push(this.element()));
        return;
      case SectionId.dataCount:
        m.dataCount = r.u32();
        return;
      case SectionId.tag:
        this.vec(() => m.tags.push(this.tagType()));
        return;
      case SectionId.code:
        this.sawCode = true;
        this.codeSection();
        return;
      case SectionId.data:
        this.sawData = true;
        this.dataSection();
        return;
    }
  }

  /** Reads a vector, calling `item` once per element. */
  private vec(item: () => void): number {
    const n = this.r.vecLength(1);
    for (let i = 0; i < n; i++) item();
    return n;
  }

  /** Reads a value type, checking that the features it needs are on. */
  private valType(): ValType {
    const at = this.r.pos;
    const t = readValTypeRaw(this.r);
    this.checkTypeFeature(t, at);
    return t;
  }

  private refType(): ValType {
    const at = this.r.pos;
    const t = readRefTypeRaw(this.r);
    this.checkTypeFeature(t, at);
    return t;
  }

  /** Beyond 2.0's types: typed references need functionReferences; any/eq/i31/struct/array gc. */
  private checkTypeFeature(t: ValType, at: number): void {
    if (t === ValType.funcref || t === ValType.externref || !isRefType(t)) return;
    if (t === ValType.exnref || t === ValType.nullexnref) {
      requireFeature(this.m.features, "exceptions", at);
    } else if (t < 0x100 && t !== ValType.nullfuncref && t !== ValType.nullexternref) {
      requireFeature(this.m.features, "gc", at);
    } else requireFeature(this.m.features, "functionReferences", at);
  }

  /** Reads one entry of the type section: a rec group, or a sub type standing alone. */
  private recGroup(): void {
    const r = this.r, m = this.m;
    const at = r.pos;
    if (r.bytes[r.pos] === 0x4e && r.pos < r.end) {
      requireFeature(m.features, "gc", at);
      r.pos++;
      const start = m.types.length;
      const n = r.vecLength(1);
      for (let i = 0; i < n; i++) m.types.push(this.subType());
      for (let i = start; i < m.types.length; i++) {
        m.types[i].recStart = start;
        m.types[i].recSize = n;
      }
      return;
    }
    m.types.push(this.subType());
  }

  private subType(): FuncType {
    const r = this.r;
    const at = r.pos;
    const b = r.pos < r.end ? r.bytes[r.pos] : -1;
    if (b === 0x50 || b === 0x4f) {
      requireFeature(this.m.features, "gc", at);
      r.pos++;
      const n = r.vecLength(1);
      let supertype: number | undefined;
      for (let i = 0; i < n; i++) {
        const s = r.u32();
        if (i > 0) r.fail("multiple supertypes", at);
        supertype = s;
      }
      const t = this.compType();
      if (supertype !== undefined) t.supertype = supertype;
      if (b === 0x50) t.final = false;
      return t;
    }
    return this.compType();
  }

  private compType(): FuncType {
    const r = this.r;
    const at = r.pos;
    const form = r.u8();
    if (form === 0x60) {
      const params: ValType[] = [], results: ValType[] = [];
      const np = r.vecLength(1);
      for (let i = 0; i < np; i++) params.push(this.valType());
      const nr = r.vecLength(1);
      for (let i = 0; i < nr; i++) results.push(this.valType());
      return { params, results };
    }
    if (form === 0x5f || form === 0x5e) {
      requireFeature(this.m.features, "gc", at);
      const fields: FieldType[] = [];
      if (form === 0x5f) {
        const n = r.vecLength(2);
        for (let i = 0; i < n; i++) fields.push(this.fieldType());
      } else fields.push(this.fieldType());
      return {
        params: [],
        results: [],
        kind: form === 0x5f ? TypeKind.struct : TypeKind.array,
        fields,
      };
    }
    return r.fail(
      this.m.features.gc ? "malformed composite type" : "integer representation too long",
      at,
    );
  }

  private fieldType(): FieldType {
    const r = this.r;
    const b = r.pos < r.end ? r.bytes[r.pos] : -1;
    let type: number;
    if (b === PackedType.i8 || b === PackedType.i16) {
      r.pos++;
      type = b;
    } else type = this.valType();
    const at = r.pos;
    const mut = r.u8();
    if (mut > 1) r.fail("malformed mutability", at);
    return { type, mutable: mut === 1 };
  }

  /** A tag type: the attribute byte 0 (exception), then a type index. */
  private tagType(): number {
    const r = this.r;
    const at = r.pos;
    if (r.u8() !== 0) r.fail("malformed tag attribute", at);
    return r.u32();
  }

  /**
   * Limits: flags (bit 0: a maximum follows; bit 1: shared, for memories
   * only (threads); bit 2: 64-bit addresses, whose bounds are u64), then the
   * bounds.
   */
  private limits(memory = false): Limits {
    const r = this.r;
    const at = r.pos;
    const flag = r.u8();
    if ((flag & ~(memory ? 0x07 : 0x05)) !== 0) return r.fail("integer too large", at);
    const shared = (flag & 0x02) !== 0;
    // A shared memory without a maximum decodes; the validator rejects it.
    if (shared) requireFeature(this.m.features, "threads", at);
    let limits: Limits;
    if (flag & 0x04) {
      requireFeature(this.m.features, "memory64", at);
      const min = this.u64Number();
      limits = (flag & 0x01)
        ? { min, max: this.u64Number(), address64: true }
        : { min, address64: true };
    } else {
      const min = r.u32();
      limits = (flag & 0x01) ? { min, max: r.u32() } : { min };
    }
    if (shared) limits.shared = true;
    return limits;
  }

  /** A u64 as a number (exact up to 2^53; larger bounds only ever fail limit checks). */
  private u64Number(): number {
    const lo = this.r.u64();
    return this.r.hi * 4294967296 + lo;
  }

  private tableType(): TableType {
    const element = this.refType();
    return { element, limits: this.limits() };
  }

  /** A table of the table section: a table type, or `0x40 0x00` then a table type and its initialiser. */
  private definedTable(): TableType {
    const r = this.r;
    const at = r.pos;
    if (r.pos < r.end && r.bytes[r.pos] === 0x40) {
      requireFeature(this.m.features, "functionReferences", at);
      r.pos++;
      if (r.u8() !== 0x00) r.fail("malformed table", at);
      const t = this.tableType();
      t.init = this.constExpr();
      return t;
    }
    return this.tableType();
  }

  private globalType(): GlobalType {
    const r = this.r;
    const type = this.valType();
    const at = r.pos;
    const mut = r.u8();
    if (mut > 1) r.fail("malformed mutability", at);
    return { type, mutable: mut === 1 };
  }

  private import(): Import {
    const r = this.r, m = this.m;
    const offset = r.pos;
    const module = r.name();
    const name = r.name();
    const kindAt = r.pos;
    const kind = r.u8();
    switch (kind) {
      case ExternKind.func:
        m.importedFunctionCount++;
        return { module, name, offset, desc: { kind, typeIndex: r.u32() } };
      case ExternKind.table:
        m.importedTableCount++;
        return { module, name, offset, desc: { kind, type: this.tableType() } };
      case ExternKind.memory:
        m.importedMemoryCount++;
        return { module, name, offset, desc: { kind, type: { limits: this.limits(true) } } };
      case ExternKind.global:
        m.importedGlobalCount++;
        return { module, name, offset, desc: { kind, type: this.globalType() } };
      case ExternKind.tag:
        requireFeature(m.features, "exceptions", kindAt);
        m.importedTagCount++;
        return { module, name, offset, desc: { kind, typeIndex: this.tagType() } };
    }
    return r.fail("malformed import kind", kindAt);
  }

  private export(): Export {
    const r = this.r;
    const offset = r.pos;
    const name = r.name();
    const kindAt = r.pos;
    const kind = r.u8();
    if (kind > ExternKind.tag) r.fail("malformed export kind", kindAt);
    if (kind === ExternKind.tag) requireFeature(this.m.features, "exceptions", kindAt);
    return { name, kind: kind as ExternKind, index: r.u32(), offset };
  }

  /** Reads a constant expression up to and including its `end`. */
  private constExpr(): ConstExpr {
    const r = this.r, ins = this.ins;
    const offset = r.pos;
    const instructions: ConstInstruction[] = [];
    for (;;) {
      readInstruction(r, ins);
      if (ins.op === Op.end) return { instructions, offset };
      const item: ConstInstruction = { op: ins.op, offset: ins.offset, a: ins.a, b: ins.b };
      if (ins.op === Op.v128_const) item.v128 = ins.bytes.slice();
      instructions.push(item);
    }
  }

  private element(): ElementSegment {
    const r = this.r;
    const offset = r.pos;
    const flags = r.u32();
    if (flags > 7) r.fail("malformed elements segment kind", offset);
    // Bit 0: passive or declarative (else active); bit 1: explicit table index
    // (active) or declarative (non-active); bit 2: items are expressions.
    const active = (flags & 1) === 0;
    const mode = active ? "active" : (flags & 2) ? "declarative" : "passive";
    const table = active && (flags & 2) ? r.u32() : 0;
    const offsetExpr = active ? this.constExpr() : undefined;
    const usesExprs = (flags & 4) !== 0;
    // The function-index encodings hold non-null function references.
    let type: ValType = usesExprs ? ValType.funcref : refType(ValType.funcref, false);
    if (flags !== 0 && flags !== 4) {
      if (usesExprs) type = this.refType();
      else {
        const at = r.pos;
        if (r.u8() !== 0x00) r.fail("malformed element kind", at);
      }
    }
    const items: ConstExpr[] = [];
    const n = r.vecLength(1);
    for (let i = 0; i < n; i++) {
      if (usesExprs) items.push(this.constExpr());
      else {
        const at = r.pos;
        const index = r.u32();
        items.push({ offset: at, instructions: [{ op: Op.ref_func, offset: at, a: index, b: 0 }] });
      }
    }
    return { mode, table, offsetExpr, type, items, offset };
  }

  private codeSection(): void {
    const r = this.r, m = this.m;
    const countAt = r.pos;
    const n = r.vecLength(1);
    if (n !== this.functionCount) {
      r.fail("function and code section have inconsistent lengths", countAt);
    }
    for (let i = 0; i < n; i++) {
      const offset = r.pos;
      const size = r.u32();
      if (size > r.end - r.pos) r.fail("unexpected end of section or function", offset);
      const bodyEnd = r.pos + size;
      const sectionEnd = r.end;
      r.end = bodyEnd;
      const locals = this.locals();
      const start = r.pos;
      if (this.checkBodies) this.checkCode(bodyEnd);
      r.pos = bodyEnd;
      r.end = sectionEnd;
      m.codes.push({ locals, start, end: bodyEnd, offset });
    }
  }

  private locals(): ValType[] {
    const r = this.r;
    const groups = r.vecLength(2);
    const counts: number[] = [], types: ValType[] = [];
    let total = 0;
    for (let i = 0; i < groups; i++) {
      const at = r.pos;
      const count = r.u32();
      total += count;
      if (total > MAX_LOCALS) r.fail("too many locals", at);
      counts.push(count);
      types.push(this.valType());
    }
    // An implementation limit (the same as wasmparser's) so that a few bytes
    // cannot make us allocate gigabytes for one function's locals.
    if (total > MAX_LOCALS_SUPPORTED) {
      throw new CompileError(
        `too many locals: ${total} declared, the limit is ${MAX_LOCALS_SUPPORTED}`,
        r.pos,
      );
    }
    const locals: ValType[] = new Array(total);
    let k = 0;
    for (let i = 0; i < groups; i++) {
      for (let j = 0; j < counts[i]; j++) locals[k++] = types[i];
    }
    return locals;
  }

  /**
   * Decodes every instruction of a body, checking that blocks nest and that
   * the final `end` is the body's last byte.
   */
  private checkCode(bodyEnd: number): void {
    const r = this.r, ins = this.ins;
    let depth = 1;
    while (depth > 0) {
      if (r.pos >= bodyEnd) r.fail("END opcode expected", bodyEnd);
      readInstruction(r, ins);
      switch (ins.op) {
        case Op.block:
        case Op.loop:
        case Op.if:
        case Op.try_table:
        case Op.try:
          depth++;
          break;
        case Op.end:
        case Op.delegate:
          depth--;
          break;
        case Op.memory_init:
        case Op.data_drop:
          if (this.m.dataCount === undefined) r.fail("data count section required", ins.offset);
          break;
      }
    }
    if (r.pos !== bodyEnd) r.fail("section size mismatch", r.pos);
  }

  private dataSection(): void {
    const r = this.r, m = this.m;
    const countAt = r.pos;
    const n = r.vecLength(1);
    if (m.dataCount !== undefined && n !== m.dataCount) {
      r.fail("data count and data section have inconsistent lengths", countAt);
    }
    for (let i = 0; i < n; i++) {
      const offset = r.pos;
      const flags = r.u32();
      let segment: DataSegment;
      if (flags === 1) {
        segment = { mode: "passive", memory: 0, start: 0, end: 0, offset };
      } else if (flags === 0 || flags === 2) {
        const memory = flags === 2 ? r.u32() : 0;
        if (memory !== 0) requireFeature(m.features, "multiMemory", offset);
        segment = {
          mode: "active",
          memory,
          offsetExpr: this.constExpr(),
          start: 0,
          end: 0,
          offset,
        };
      } else {
        return r.fail("malformed data segment kind", offset);
      }
      const len = r.u32();
      segment.start = r.pos;
      r.take(len);
      segment.end = r.pos;
      m.data.push(segment);
    }
  }
}
