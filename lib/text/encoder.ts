/**
 * The binary encoder: a {@link TextModule} to the bytes of a WebAssembly
 * module, with sections in the order the binary format requires and a
 * `name` custom section carrying the text's identifiers.
 *
 * @module
 */

import { encodeUtf8 } from "../binary/reader.ts";
import type { FuncType, Limits, TableType } from "../binary/types.ts";
import { expressionMarks, type TextElem, type TextModule } from "./ast.ts";
import { ByteWriter } from "./writer.ts";

function writeLimits(w: ByteWriter, l: Limits): void {
  const shared = l.shared ? 0x02 : 0x00;
  if (l.address64) {
    // memory64 / table64: flag bit 2, u64 bounds.
    w.byte((l.max === undefined ? 0x04 : 0x05) | shared);
    w.u64(BigInt(l.min));
    if (l.max !== undefined) w.u64(BigInt(l.max));
    return;
  }
  if (l.max === undefined) {
    w.byte(shared);
    w.u32(l.min);
  } else {
    w.byte(shared | 0x01);
    w.u32(l.min);
    w.u32(l.max);
  }
}

function writeTableType(w: ByteWriter, t: TableType): void {
  w.valType(t.element);
  writeLimits(w, t.limits);
}

/**
 * Writes a constant expression; when `marks` is given, it receives its
 * instructions' source marks (see {@link expressionMarks}) at their offsets in
 * `w`, closed by a mark without a source (-1), so that offsets after the
 * expression are not taken for a part of it.
 */
function writeExpr(w: ByteWriter, bytes: Uint8Array, marks: number[] | undefined): void {
  const known = marks === undefined ? undefined : expressionMarks.get(bytes);
  if (known !== undefined) {
    for (let i = 0; i < known.length; i += 2) marks!.push(w.length + known[i], known[i + 1]);
  }
  w.bytes(bytes);
  if (known !== undefined) marks!.push(w.length, -1);
}

/** A defined table: with an initialiser expression, `0x40 0x00` first. */
function writeDefinedTable(
  w: ByteWriter,
  t: TableType & { initBytes?: Uint8Array },
  marks: number[] | undefined,
): void {
  if (t.initBytes === undefined) return writeTableType(w, t);
  w.byte(0x40);
  w.byte(0x00);
  writeTableType(w, t);
  writeExpr(w, t.initBytes, marks);
}

/** Writes a type definition: a function, struct or array type, with `sub` when it has one. */
function writeTypeDef(w: ByteWriter, t: FuncType): void {
  if (t.supertype !== undefined || t.final === false) {
    w.byte(t.final === false ? 0x50 : 0x4f);
    if (t.supertype === undefined) w.u32(0);
    else {
      w.u32(1);
      w.u32(t.supertype);
    }
  }
  const writeField = (f: { type: number; mutable: boolean }) => {
    w.valType(f.type);
    w.byte(f.mutable ? 1 : 0);
  };
  if (t.kind === 1) {
    w.byte(0x5f);
    w.u32(t.fields!.length);
    t.fields!.forEach(writeField);
  } else if (t.kind === 2) {
    w.byte(0x5e);
    writeField(t.fields![0]);
  } else {
    w.byte(0x60);
    w.u32(t.params.length);
    for (const p of t.params) w.valType(p);
    w.u32(t.results.length);
    for (const r of t.results) w.valType(r);
  }
}

/**
 * Appends a section with the given id whose contents `fill` writes. `fill`
 * gets a list for source marks (offset in the contents, source offset) when
 * `sourceMap` is given; they are added to it with absolute offsets.
 */
function section(
  out: ByteWriter,
  id: number,
  fill: (w: ByteWriter, marks: number[] | undefined) => void,
  sourceMap?: number[],
): void {
  const w = new ByteWriter(256);
  const marks = sourceMap === undefined ? undefined : [];
  fill(w, marks);
  out.byte(id);
  out.u32(w.length);
  const start = out.length;
  out.bytes(w.view());
  if (marks !== undefined) {
    for (let i = 0; i < marks.length; i += 2) sourceMap!.push(start + marks[i], marks[i + 1]);
  }
}

function writeElem(w: ByteWriter, e: TextElem, marks: number[] | undefined): void {
  const usesExprs = e.exprs !== undefined;
  // Bit 0: passive or declarative; bit 1: explicit table (active) or declarative;
  // bit 2: items are expressions.
  let flags = usesExprs ? 4 : 0;
  const explicitTable = e.mode === "active" && (e.table !== 0 || e.type !== 0x70);
  if (e.mode === "passive") flags |= 1;
  else if (e.mode === "declarative") flags |= 3;
  else if (explicitTable) flags |= 2;
  w.u32(flags);
  if (e.mode === "active") {
    if (explicitTable) w.u32(e.table);
    writeExpr(w, e.offset!, marks);
  }
  if (e.mode !== "active" || explicitTable) {
    // elemkind 0x00 (funcref) for index lists, a reference type for expressions.
    if (usesExprs) w.valType(e.type);
    else w.byte(0x00);
  }
  if (usesExprs) {
    w.u32(e.exprs!.length);
    for (const x of e.exprs!) writeExpr(w, x, marks);
  } else {
    w.u32(e.funcs!.length);
    for (const f of e.funcs!) w.u32(f);
  }
}

function writeName(w: ByteWriter, s: string): void {
  w.vecBytes(encodeUtf8(s));
}

function writeNameMap(w: ByteWriter, names: Map<number, string>): void {
  const entries = [...names].sort((a, b) => a[0] - b[0]);
  w.u32(entries.length);
  for (const [index, name] of entries) {
    w.u32(index);
    writeName(w, name);
  }
}

/**
 * Encodes a parsed text module in the binary format. When `sourceMap` is
 * given, it receives pairs (byte offset in the module, source offset) at the
 * start of each instruction of each function body and constant expression,
 * in increasing order; a source offset of -1 marks the end of a body or
 * expression (the bytes from there on come from no instruction).
 */
export function encodeModule(m: TextModule, sourceMap?: number[]): Uint8Array<ArrayBuffer> {
  const out = new ByteWriter(1024);
  out.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  if (m.types.length > 0) {
    section(out, 1, (w) => {
      // Rec groups count as one entry each.
      let entries = 0;
      for (let i = 0; i < m.types.length; i += m.types[i].recSize ?? 1) entries++;
      w.u32(entries);
      for (let i = 0; i < m.types.length;) {
        const t = m.types[i];
        if (t.recSize !== undefined) {
          w.byte(0x4e);
          w.u32(t.recSize);
          for (let k = 0; k < t.recSize; k++) writeTypeDef(w, m.types[i + k]);
          i += t.recSize;
        } else {
          writeTypeDef(w, t);
          i++;
        }
      }
    });
  }
  if (m.imports.length > 0) {
    section(out, 2, (w) => {
      w.u32(m.imports.length);
      for (const imp of m.imports) {
        w.vecBytes(imp.module);
        w.vecBytes(imp.name);
        const d = imp.desc;
        w.byte(d.kind);
        if (d.kind === 0) w.u32(d.typeIndex);
        else if (d.kind === 1) writeTableType(w, d.type);
        else if (d.kind === 2) writeLimits(w, d.type.limits);
        else if (d.kind === 4) {
          w.byte(0);
          w.u32(d.typeIndex);
        } else {
          w.valType(d.type.type);
          w.byte(d.type.mutable ? 1 : 0);
        }
      }
    });
  }
  if (m.funcs.length > 0) {
    section(out, 3, (w) => {
      w.u32(m.funcs.length);
      for (const f of m.funcs) w.u32(f.typeIndex);
    });
  }
  if (m.tables.length > 0) {
    section(out, 4, (w, marks) => {
      w.u32(m.tables.length);
      for (const t of m.tables) writeDefinedTable(w, t, marks);
    }, sourceMap);
  }
  if (m.memories.length > 0) {
    section(out, 5, (w) => {
      w.u32(m.memories.length);
      for (const mem of m.memories) writeLimits(w, mem.limits);
    });
  }
  if (m.tags.length > 0) {
    section(out, 13, (w) => {
      w.u32(m.tags.length);
      for (const t of m.tags) {
        w.byte(0); // attribute: exception
        w.u32(t);
      }
    });
  }
  if (m.globals.length > 0) {
    section(out, 6, (w, marks) => {
      w.u32(m.globals.length);
      for (const g of m.globals) {
        w.valType(g.type.type);
        w.byte(g.type.mutable ? 1 : 0);
        writeExpr(w, g.init, marks);
      }
    }, sourceMap);
  }
  if (m.exports.length > 0) {
    section(out, 7, (w) => {
      w.u32(m.exports.length);
      for (const e of m.exports) {
        w.vecBytes(e.name);
        w.byte(e.kind);
        w.u32(e.index);
      }
    });
  }
  if (m.start !== undefined) section(out, 8, (w) => w.u32(m.start!));
  if (m.elems.length > 0) {
    section(out, 9, (w, marks) => {
      w.u32(m.elems.length);
      for (const e of m.elems) writeElem(w, e, marks);
    }, sourceMap);
  }
  if (m.usesDataCount) section(out, 12, (w) => w.u32(m.datas.length));
  if (m.funcs.length > 0) {
    section(out, 10, (w, marks) => {
      w.u32(m.funcs.length);
      const body = new ByteWriter(256);
      for (const f of m.funcs) {
        body.length = 0;
        // Locals are stored as runs of equal types.
        const runs: [number, number][] = [];
        for (const t of f.locals) {
          const last = runs[runs.length - 1];
          if (last !== undefined && last[1] === t) last[0]++;
          else runs.push([1, t]);
        }
        body.u32(runs.length);
        for (const [n, t] of runs) {
          body.u32(n);
          body.valType(t);
        }
        body.bytes(f.body);
        w.u32(body.length);
        const bodyStart = w.length + body.length - f.body.length;
        const fm = marks === undefined ? undefined : f.marks;
        if (fm !== undefined) {
          for (let i = 0; i < fm.length; i += 2) marks!.push(bodyStart + fm[i], fm[i + 1]);
        }
        w.bytes(body.view());
        marks?.push(w.length, -1);
      }
    }, sourceMap);
  }
  if (m.datas.length > 0) {
    section(out, 11, (w, marks) => {
      w.u32(m.datas.length);
      for (const d of m.datas) {
        if (d.mode === "passive") w.byte(1);
        else if (d.memory === 0) {
          w.byte(0);
          writeExpr(w, d.offset!, marks);
        } else {
          w.byte(2);
          w.u32(d.memory);
          writeExpr(w, d.offset!, marks);
        }
        w.vecBytes(d.bytes);
      }
    }, sourceMap);
  }
  if (m.name !== undefined || m.funcNames.size > 0 || m.localNames.size > 0) {
    section(out, 0, (w) => {
      writeName(w, "name");
      if (m.name !== undefined) {
        const sub = new ByteWriter(32);
        writeName(sub, m.name);
        w.byte(0);
        w.vecBytes(sub.view());
      }
      if (m.funcNames.size > 0) {
        const sub = new ByteWriter(64);
        writeNameMap(sub, m.funcNames);
        w.byte(1);
        w.vecBytes(sub.view());
      }
      if (m.localNames.size > 0) {
        const sub = new ByteWriter(64);
        const funcs = [...m.localNames].sort((a, b) => a[0] - b[0]);
        sub.u32(funcs.length);
        for (const [index, names] of funcs) {
          sub.u32(index);
          writeNameMap(sub, names);
        }
        w.byte(2);
        w.vecBytes(sub.view());
      }
    });
  }
  return out.toBytes();
}
