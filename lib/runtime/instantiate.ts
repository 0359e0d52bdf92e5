/**
 * Instantiation: links a compiled module's imports against modules already
 * in the runtime, creates its memories, tables, globals and functions, and
 * initialises segments in the spec's order (a trap leaves earlier writes in
 * place), then runs the start function.
 *
 * @module
 */

import { Op } from "../binary/opcodes.ts";
import {
  concreteHeapType,
  type ConstExpr,
  ExternKind,
  externKindName,
  type Import,
  isNullable,
  type Limits,
  refType,
  typeIndexOf,
  ValType,
  valTypeName,
  type WasmModule,
} from "../binary/types.ts";
import { canonMatches, isCanonSubtype } from "../validate/type_canon.ts";
import { evalConstStack } from "./const_eval.ts";
import { LinkError, RuntimeError } from "../errors.ts";
import {
  FunctionInstance,
  GlobalInstance,
  type InstanceState,
  internType,
  MemoryInstance,
  newInstanceState,
  TableInstance,
} from "../interpreter/instances.ts";
import type { CompiledModule } from "./compiled_module.ts";
import { canHoldGcObjects, type GcHeap } from "../interpreter/gc_accounting.ts";
import { Tag } from "../interpreter/exceptions.ts";
import type { ExportEntry, Module } from "./module.ts";

/** Runtime limits that instantiation applies. */
export interface InstantiationLimits {
  /** Maximum pages any memory may have. */
  memoryLimitPages: number;
  /** Maximum elements any table may have. */
  tableLimit: number;
  /** The GC heap limit the instance's allocations are charged to (none when absent). */
  gcHeap?: GcHeap;
  /** Allocate memories with room to grow (see `MemoryInstance`); the JS API's keep their size. */
  spareMemory?: boolean;
}

/**
 * What an import is resolved against: an instantiated module, or (for the
 * WebAssembly JS API, whose imports are JS objects) a stand-in holding one
 * entity.
 */
export type ImportProvider = Pick<Module, "exports" | "state">;

/**
 * A provider holding one entity (a function, table, memory or global
 * instance) as its export `name`, to resolve one import against.
 */
export function singleEntityProvider(
  name: string,
  kind: ExternKind,
  entity: unknown,
): ImportProvider {
  const state = { functions: [], tables: [], memories: [], globals: [], tags: [] } as Record<
    string,
    unknown[]
  >;
  state[["functions", "tables", "memories", "globals", "tags"][kind]].push(entity);
  return {
    exports: new Map([[name, { kind, index: 0 }]]),
    state: state as unknown as ImportProvider["state"],
  };
}

/** The result of linking and creating an instance, before its start function runs. */
export interface NewInstance {
  state: InstanceState;
  exports: Map<string, ExportEntry>;
}

function importText(imp: Import): string {
  return `import "${imp.module}" "${imp.name}"`;
}

/** A module's value type in canonical form (concrete indices as canonical ids; see type_canon.ts). */
export function canonValType(m: WasmModule, t: number): number {
  const i = typeIndexOf(t);
  return i < 0 ? t : refType(concreteHeapType(m.types[i].canonId!), isNullable(t));
}

/** Checks the spec's limits subtyping: `actual` (current size, max) within `expected`. */
function limitsMatch(size: number, max: number | undefined, expected: Limits): boolean {
  if (size < expected.min) return false;
  if (expected.max === undefined) return true;
  return max !== undefined && max <= expected.max;
}

/**
 * Resolves imports and creates the instance's entities; evaluates global
 * initialisers and element segment items. Does not write segments yet.
 */
export function link(
  compiled: CompiledModule,
  resolve: (moduleName: string, importIndex: number) => ImportProvider | undefined,
  limits: InstantiationLimits,
): NewInstance {
  const m = compiled.decoded;
  const state = newInstanceState(new Int32Array(m.types.map(internType)));
  if (limits.gcHeap !== undefined) {
    state.gc = limits.gcHeap;
    if (canHoldGcObjects(m)) limits.gcHeap.addInstance(state);
  }

  for (let importIndex = 0; importIndex < m.imports.length; importIndex++) {
    const imp = m.imports[importIndex];
    const provider = resolve(imp.module, importIndex);
    if (provider === undefined) {
      throw new LinkError(`unknown import: ${importText(imp)}: module "${imp.module}" not found`);
    }
    const entry = provider.exports.get(imp.name);
    const d = imp.desc;
    if (entry === undefined || entry.kind !== d.kind) {
      const found = entry === undefined
        ? "no such export"
        : `it is a ${externKindName(entry.kind)}`;
      throw new LinkError(`unknown import: ${importText(imp)} (${found})`);
    }
    const incompatible = (why: string) =>
      new LinkError(`incompatible import type: ${importText(imp)}: ${why}`);
    const ps = provider.state;
    switch (d.kind) {
      case ExternKind.func: {
        const fn = ps.functions[entry.index];
        if (!isCanonSubtype(fn.typeId, state.typeIds[d.typeIndex])) {
          throw incompatible("function types differ");
        }
        state.functions.push(fn);
        break;
      }
      case ExternKind.table: {
        const table = ps.tables[entry.index];
        if (table.type !== canonValType(m, d.type.element)) {
          throw incompatible("element types differ");
        }
        if (table.address64 !== (d.type.limits.address64 === true)) {
          throw incompatible("index types differ (i32 and i64)");
        }
        if (!limitsMatch(table.elements.length, table.declaredMax, d.type.limits)) {
          throw incompatible("table limits do not match");
        }
        state.tables.push(table);
        break;
      }
      case ExternKind.memory: {
        const memory = ps.memories[entry.index];
        if (memory.address64 !== (d.type.limits.address64 === true)) {
          throw incompatible("address types differ (i32 and i64)");
        }
        if (!limitsMatch(memory.pages, memory.declaredMax, d.type.limits)) {
          throw incompatible("memory limits do not match");
        }
        if (memory.shared !== (d.type.limits.shared ?? false)) {
          throw incompatible(memory.shared ? "memory is shared" : "memory is not shared");
        }
        state.memories.push(memory);
        break;
      }
      case ExternKind.global: {
        const global = ps.globals[entry.index];
        const expected = canonValType(m, d.type.type);
        if (
          global.mutable !== d.type.mutable ||
          (d.type.mutable ? global.type !== expected : !canonMatches(global.type, expected))
        ) {
          throw incompatible(
            `expected ${d.type.mutable ? "mutable " : ""}${valTypeName(d.type.type)}`,
          );
        }
        state.globals.push(global);
        break;
      }
      case ExternKind.tag: {
        const tag = ps.tags[entry.index];
        if (tag.typeId !== state.typeIds[d.typeIndex]) throw incompatible("tag types differ");
        state.tags.push(tag);
        break;
      }
    }
  }

  const defs = compiled.definitions;
  const codes = compiled.code;
  const pendingTableInits: [TableInstance, ConstExpr][] = [];
  for (let i = 0; i < m.functions.length; i++) {
    const index = m.importedFunctionCount + i;
    state.functions.push(
      new FunctionInstance(
        m.types[m.functions[i]],
        codes[i],
        state,
        null,
        defs.debugName(index),
      ),
    );
  }
  for (const t of m.tables) {
    if (t.limits.min > limits.tableLimit) {
      throw new LinkError(
        `table of ${t.limits.min} elements exceeds the limit ${limits.tableLimit}`,
      );
    }
    const table = new TableInstance(
      canonValType(m, t.element),
      t.limits.min,
      t.limits.max,
      limits.tableLimit,
      t.limits.address64 === true,
    );
    if (t.init !== undefined) {
      // Evaluated now, in table order: its global.get may only read earlier globals,
      // which are imports here (defined globals come next).
      pendingTableInits.push([table, t.init]);
    }
    state.tables.push(table);
  }
  for (const mem of m.memories) {
    if (mem.limits.min > limits.memoryLimitPages) {
      throw new LinkError(
        `memory of ${mem.limits.min} pages exceeds the limit of ${limits.memoryLimitPages} pages ` +
          `(memoryLimitPages)`,
      );
    }
    let memory: MemoryInstance;
    try {
      memory = new MemoryInstance(
        mem.limits.min,
        mem.limits.max,
        limits.memoryLimitPages,
        mem.limits.shared ?? false,
        mem.limits.address64 === true,
        limits.spareMemory === true,
      );
    } catch {
      // Within the runtime's limit, but more than the host lets an ArrayBuffer have.
      throw new LinkError(
        `cannot allocate a memory of ${mem.limits.min} pages (the host's ArrayBuffer limit)`,
      );
    }
    state.memories.push(memory);
  }
  m.tags.forEach((typeIndex, i) => {
    const index = m.importedTagCount + i;
    const name = m.exports.find((e) => e.kind === ExternKind.tag && e.index === index)?.name;
    const type = m.types[typeIndex];
    const params = type.params.map((t) => canonValType(m, t));
    state.tags.push(
      new Tag(params, name ? `tag "${name}"` : `tag ${index}`, state.typeIds[typeIndex]),
    );
  });
  for (const g of m.globals) {
    const global = new GlobalInstance(canonValType(m, g.type.type), g.type.mutable);
    evalConst(g.init, state, global, m);
    state.globals.push(global);
  }
  const init = new GlobalInstance(ValType.anyref, true);
  for (const [table, expr] of pendingTableInits) {
    evalConst(expr, state, init, m);
    table.elements.fill(init.ref);
  }
  const scratch = new GlobalInstance(ValType.funcref, true);
  for (const seg of m.elements) {
    if (seg.mode === "declarative") {
      state.elements.push([]);
      continue;
    }
    state.elements.push(seg.items.map((item) => {
      evalConst(item, state, scratch, m);
      return scratch.ref;
    }));
  }
  for (const seg of m.data) state.data.push(m.bytes.subarray(seg.start, seg.end));

  const exports = new Map<string, ExportEntry>();
  for (const e of m.exports) exports.set(e.name, { kind: e.kind, index: e.index });
  return { state, exports };
}

/** Writes active element and data segments in order, dropping them; traps on bounds. */
export function initializeSegments(compiled: CompiledModule, state: InstanceState): void {
  const m = compiled.decoded;
  const scratch = new GlobalInstance(ValType.i32, false);
  m.elements.forEach((seg, i) => {
    if (seg.mode !== "active") return;
    evalConst(seg.offsetExpr!, state, scratch, m);
    const offset = segmentOffset(scratch, state.tables[seg.table].address64);
    const items = state.elements[i];
    const table = state.tables[seg.table].elements;
    if (offset + items.length > table.length) {
      throw new RuntimeError("out of bounds table access");
    }
    for (let k = 0; k < items.length; k++) table[offset + k] = items[k];
    state.elements[i] = [];
  });
  m.data.forEach((seg, i) => {
    if (seg.mode !== "active") return;
    evalConst(seg.offsetExpr!, state, scratch, m);
    const memory = state.memories[seg.memory];
    const offset = segmentOffset(scratch, memory.address64);
    const bytes = state.data[i];
    if (offset + bytes.length > memory.byteLength) {
      throw new RuntimeError("out of bounds memory access");
    }
    memory.bytes.set(bytes, offset);
    state.data[i] = new Uint8Array(0);
  });
}

/** A segment's offset: an i32, or an i64 for a 64-bit table or memory (exact below 2^53). */
function segmentOffset(value: GlobalInstance, address64: boolean): number {
  const lo = value.bits[0] >>> 0;
  return address64 ? (value.bits[1] >>> 0) * 4294967296 + lo : lo;
}

/** Evaluates a (validated) constant expression into `out`'s bits or ref. */
export function evalConst(
  expr: ConstExpr,
  state: InstanceState,
  out: GlobalInstance,
  module?: WasmModule,
): void {
  if (expr.instructions.length !== 1) return evalStack(expr, state, out, module);
  const ins = expr.instructions[0];
  const bits = out.bits;
  switch (ins.op) {
    case Op.i32_const:
    case Op.f32_const:
      bits[0] = ins.a;
      return;
    case Op.i64_const:
    case Op.f64_const:
      bits[0] = ins.a;
      bits[1] = ins.b;
      return;
    case Op.v128_const: {
      const v = new DataView(ins.v128!.buffer, ins.v128!.byteOffset, 16);
      for (let i = 0; i < 4; i++) bits[i] = v.getInt32(i * 4, true);
      return;
    }
    case Op.ref_null:
      out.ref = null;
      return;
    case Op.ref_func:
      out.ref = state.functions[ins.a];
      return;
    case Op.global_get: {
      const g = state.globals[ins.a];
      bits.set(g.bits);
      out.ref = g.ref;
      return;
    }
  }
  evalStack(expr, state, out, module);
}

/** The general evaluator (GC allocations, conversions, arithmetic). */
function evalStack(
  expr: ConstExpr,
  state: InstanceState,
  out: GlobalInstance,
  module: WasmModule | undefined,
): void {
  if (module === undefined) throw new RuntimeError("cannot evaluate a constant expression");
  evalConstStack(expr, state, (i) => module.types[i].canonId!, out);
}
