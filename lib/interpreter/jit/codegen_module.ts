/**
 * What the structured tier's code generator (`codegen.ts`) needs to know of
 * the module around the function it compiles, computed once per module: the
 * types of every function and global (imports first), whether memories or
 * tables take 64-bit addresses, and the forwarders found so far.
 *
 * @module
 */

import type { FuncType, MemoryType, TableType, ValType, WasmModule } from "../../binary/types.ts";
import { addressWidths } from "../translate/memory_lowering.ts";
import type { ForwardedCall } from "./forwarders.ts";

/** What the generator needs to know of the module around a function. */
export interface CodegenModule {
  readonly module: WasmModule;
  /** Type of every function, imported ones first. */
  readonly functionTypes: readonly FuncType[];
  /** Value type of every global, imported ones first. */
  readonly globalTypes: readonly ValType[];
  /**
   * Each memory's and table's 64-bit flag when the module has several
   * memories or a 64-bit one or table (whose instructions this tier leaves
   * to the register-code tiers), else null.
   */
  readonly widths: { memory64: Uint8Array; table64: Uint8Array } | null;
  /** Calls of forwarders resolved so far, by callee (see `forwarders.ts`). */
  readonly forwards: Map<number, ForwardedCall | null>;
}

/** The module facts of {@link CodegenModule}, computed once per module. */
export function codegenModule(module: WasmModule): CodegenModule {
  const functionTypes: FuncType[] = [];
  const globalTypes: ValType[] = [];
  const memories: MemoryType[] = [], tables: TableType[] = [];
  for (const imp of module.imports) {
    if (imp.desc.kind === 0) functionTypes.push(module.types[imp.desc.typeIndex]);
    else if (imp.desc.kind === 1) tables.push(imp.desc.type);
    else if (imp.desc.kind === 2) memories.push(imp.desc.type);
    else if (imp.desc.kind === 3) globalTypes.push(imp.desc.type.type);
  }
  for (const t of module.functions) functionTypes.push(module.types[t]);
  for (const g of module.globals) globalTypes.push(g.type.type);
  const widths = addressWidths({
    memories: [...memories, ...module.memories],
    tables: [...tables, ...module.tables],
  });
  return { module, functionTypes, globalTypes, widths, forwards: new Map() };
}
