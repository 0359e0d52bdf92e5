/**
 * The generator's module representation, and its binary encoding. Function
 * bodies are kept as lists of stack-neutral statements so the minimiser can
 * drop any of them and still have a valid module.
 *
 * @module
 */

import { funcType, HEADER, name, section, u32, vec } from "../../tests/helpers/binary_builder.ts";

/** A function type by value type codes. */
export interface FuncTypeIR {
  params: number[];
  results: number[];
}

/** An imported function of module "env". */
export interface ImportIR {
  name: string;
  type: number;
}

/** A defined function. */
export interface FunctionIR {
  type: number;
  /** Declared locals (beyond the parameters), one type each. */
  locals: number[];
  /** Runs first; never dropped (the call-budget check lives here). */
  prologue: number[];
  /** Each pushes nothing and pops nothing (the minimiser drops them freely). */
  statements: number[][];
  /** Pushes the function's results. */
  tail: number[];
}

/** A global: type, mutability, constant initialiser (without its `end`). */
export interface GlobalIR {
  type: number;
  mutable: boolean;
  init: number[];
}

/** An element segment of function indices (`null` for `ref.null func`), as expressions. */
export interface ElemIR {
  mode: "active" | "passive" | "declarative";
  /** Active segments: table 0, at this offset. */
  offset: number;
  funcs: (number | null)[];
}

/** A data segment. */
export interface DataIR {
  mode: "active" | "passive";
  offset: number;
  bytes: number[];
}

/** An export. kind: 0 function, 1 table, 2 memory, 3 global, 4 tag. */
export interface ExportIR {
  name: string;
  kind: number;
  index: number;
}

/** A whole module. */
export interface ModuleIR {
  types: FuncTypeIR[];
  imports: ImportIR[];
  functions: FunctionIR[];
  /** Table 0 is funcref, table 1 externref. */
  tables: { ref: number; min: number; max?: number }[];
  memory: { min: number; max?: number };
  /** A second memory (multiple memories), 64-bit or not. */
  memory1?: { min: number; max?: number; address64: boolean };
  /** Tags (exception handling), by function type index. */
  tags?: number[];
  globals: GlobalIR[];
  exports: ExportIR[];
  /** The start function, if any. */
  start?: number;
  elems: ElemIR[];
  datas: DataIR[];
}

function limits(min: number, max?: number): number[] {
  return max === undefined ? [0, ...u32(min)] : [1, ...u32(min), ...u32(max)];
}

function encodeElem(e: ElemIR): number[] {
  // Flags 4/5/7: element expressions of type funcref (so null entries are allowed).
  const exprs = vec(
    e.funcs.map((f) => f === null ? [0xd0, 0x70, 0x0b] : [0xd2, ...u32(f), 0x0b]),
  );
  if (e.mode === "active") return [4, 0x41, ...signed(e.offset), 0x0b, ...exprs];
  return [e.mode === "passive" ? 5 : 7, 0x70, ...exprs];
}

function signed(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

/** Locals as run-length [count, type] groups. */
function localGroups(locals: number[]): number[][] {
  const groups: number[][] = [];
  let i = 0;
  while (i < locals.length) {
    let j = i;
    while (j < locals.length && locals[j] === locals[i]) j++;
    groups.push([...u32(j - i), locals[i]]);
    i = j;
  }
  return groups;
}

/** The binary module. */
export function encodeModule(m: ModuleIR): Uint8Array {
  const sections: number[][] = [];
  sections.push(section(1, vec(m.types.map((t) => funcType(t.params, t.results)))));
  sections.push(
    section(2, vec(m.imports.map((i) => [...name("env"), ...name(i.name), 0, ...u32(i.type)]))),
  );
  sections.push(section(3, vec(m.functions.map((f) => u32(f.type)))));
  sections.push(section(4, vec(m.tables.map((t) => [t.ref, ...limits(t.min, t.max)]))));
  const memories = [limits(m.memory.min, m.memory.max)];
  if (m.memory1 !== undefined) {
    const l = limits(m.memory1.min, m.memory1.max);
    if (m.memory1.address64) l[0] |= 4;
    memories.push(l);
  }
  sections.push(section(5, vec(memories)));
  if (m.tags !== undefined) sections.push(section(13, vec(m.tags.map((t) => [0, ...u32(t)]))));
  sections.push(
    section(6, vec(m.globals.map((g) => [g.type, g.mutable ? 1 : 0, ...g.init, 0x0b]))),
  );
  sections.push(
    section(7, vec(m.exports.map((e) => [...name(e.name), e.kind, ...u32(e.index)]))),
  );
  if (m.start !== undefined) sections.push(section(8, u32(m.start)));
  sections.push(section(9, vec(m.elems.map(encodeElem))));
  // The data count section lets code use memory.init and data.drop.
  sections.push(section(12, u32(m.datas.length)));
  sections.push(section(
    10,
    vec(m.functions.map((f) => {
      const body = [
        ...vec(localGroups(f.locals)),
        ...f.prologue,
        ...f.statements.flat(),
        ...f.tail,
        0x0b,
      ];
      return [...u32(body.length), ...body];
    })),
  ));
  sections.push(section(
    11,
    vec(
      m.datas.map((d) =>
        d.mode === "active"
          ? [0, 0x41, ...signed(d.offset), 0x0b, ...vec(d.bytes.map((b) => [b]))]
          : [1, ...vec(d.bytes.map((b) => [b]))]
      ),
    ),
  ));
  const total = HEADER.length + sections.reduce((n, s) => n + s.length, 0);
  const out = new Uint8Array(total);
  out.set(HEADER, 0);
  let at = HEADER.length;
  for (const s of sections) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}
