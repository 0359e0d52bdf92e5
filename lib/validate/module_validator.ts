/**
 * Validation of a decoded module: everything the spec's "Validation"
 * chapter requires beyond the binary format, function bodies included.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { requireFeature } from "../binary/features.ts";
import {
  ExternKind,
  isDefaultable,
  type Limits,
  type MemoryType,
  type TableType,
  TypeKind,
  ValType,
  valTypeName,
  type WasmModule,
} from "../binary/types.ts";
import { buildContext, matches, type ModuleContext, typeExists } from "./context.ts";
import { checkFuncTypeIndex, validateTypes } from "./type_section.ts";
import { validateConstExpr } from "./const_expr.ts";
import { FunctionValidator } from "./function_validator.ts";

/** The largest memory of WebAssembly 2.0, in 64 KiB pages (4 GiB). */
export const MAX_MEMORY_PAGES = 65536;
/** The largest 64-bit memory (memory64), in 64 KiB pages (2^48 pages, 2^64 bytes). */
export const MAX_MEMORY64_PAGES = 2 ** 48;

/**
 * Validates a decoded module, throwing a {@link CompileError} for the first
 * rule it breaks. Module-level checks come first, in the order of the
 * reference interpreter, then each function body in one linear pass.
 *
 * @param bodies false to skip the function bodies: only for bytes known to
 * be valid under the same features (a compilation cache's entry for them).
 * @returns the validation context, which the interpreter's translator reuses
 * (it translates only validated modules and does not validate them again).
 */
export function validateModule(module: WasmModule, bodies = true): ModuleContext {
  const ctx = buildContext(module);
  validateTypes(ctx);
  const exists = (t: number, where: string, offset?: number) => {
    if (!typeExists(ctx, t)) throw new CompileError(`unknown type in ${where}`, offset);
  };

  for (const imp of module.imports) {
    const d = imp.desc;
    const where = `import "${imp.module}" "${imp.name}"`;
    if (d.kind === ExternKind.func) checkFuncTypeIndex(ctx, d.typeIndex, where, imp.offset);
    if (d.kind === ExternKind.table) {
      exists(d.type.element, where, imp.offset);
      checkTableType(d.type, where, imp.offset);
    }
    if (d.kind === ExternKind.tag) checkTagType(ctx, d.typeIndex, where, imp.offset);
    if (d.kind === ExternKind.memory) checkMemoryType(d.type, where, imp.offset);
    if (d.kind === ExternKind.global) exists(d.type.type, where, imp.offset);
  }
  const firstFunc = module.importedFunctionCount;
  for (let i = 0; i < module.functions.length; i++) {
    checkFuncTypeIndex(
      ctx,
      module.functions[i],
      `function ${firstFunc + i}`,
      module.codes[i]?.offset,
    );
  }

  module.tags.forEach((t, i) =>
    checkTagType(ctx, t, `tag ${module.importedTagCount + i}`, undefined)
  );

  module.globals.forEach((g, i) => {
    const index = module.importedGlobalCount + i;
    exists(g.type.type, `global ${index}`);
    validateConstExpr(ctx, g.init, g.type.type, `global ${index}`, index);
  });
  module.tables.forEach((t, i) => {
    const where = `table ${module.importedTableCount + i}`;
    exists(t.element, where);
    checkTableType(t, where, undefined);
    // Tables come before globals: their initialisers see imported globals only.
    if (t.init !== undefined) {
      validateConstExpr(ctx, t.init, t.element, where, module.importedGlobalCount);
    } else if (!isDefaultable(t.element)) {
      throw new CompileError(
        `type mismatch: ${where} of non-nullable references needs an initializer`,
      );
    }
  });
  module.memories.forEach((m, i) => {
    checkMemoryType(m, `memory ${module.importedMemoryCount + i}`, undefined);
  });
  if (ctx.memoryCount > 1) {
    const second = module.importedMemoryCount > 1
      ? module.imports.filter((imp) => imp.desc.kind === ExternKind.memory)[1].offset
      : undefined;
    requireFeature(module.features, "multiMemory", second ?? 0);
  }

  module.elements.forEach((seg, i) => {
    const where = `element segment ${i}`;
    exists(seg.type, where, seg.offset);
    if (seg.mode === "active") {
      if (seg.table >= ctx.tables.length) {
        throw new CompileError(`unknown table ${seg.table} in ${where}`, seg.offset);
      }
      const element = ctx.tables[seg.table].element;
      if (!matches(ctx, seg.type, element)) {
        throw new CompileError(
          `type mismatch: ${where} of ${valTypeName(seg.type)} for ` +
            `${valTypeName(element)} table ${seg.table}`,
          seg.offset,
        );
      }
      const indexType = ctx.tables[seg.table].limits.address64 ? ValType.i64 : ValType.i32;
      validateConstExpr(ctx, seg.offsetExpr!, indexType, `offset of ${where}`);
    }
    for (const item of seg.items) validateConstExpr(ctx, item, seg.type, where);
  });

  module.data.forEach((seg, i) => {
    if (seg.mode !== "active") return;
    const where = `data segment ${i}`;
    if (seg.memory >= ctx.memoryCount) {
      throw new CompileError(`unknown memory ${seg.memory} in ${where}`, seg.offset);
    }
    const addressType = ctx.memories[seg.memory].limits.address64 ? ValType.i64 : ValType.i32;
    validateConstExpr(ctx, seg.offsetExpr!, addressType, `offset of ${where}`);
  });

  if (bodies) {
    const validator = new FunctionValidator(ctx);
    for (let i = 0; i < module.functions.length; i++) validator.validate(firstFunc + i);
  }

  if (module.start !== undefined) {
    const s = module.start;
    if (s >= ctx.funcTypeIndices.length) {
      throw new CompileError(`unknown function ${s} as start function`);
    }
    const type = ctx.types[ctx.funcTypeIndices[s]];
    if (type.params.length !== 0 || type.results.length !== 0) {
      throw new CompileError(`start function ${s} must have type [] -> []`);
    }
  }

  checkExports(ctx);

  return ctx;
}

function checkExports(ctx: ModuleContext): void {
  const names = new Set<string>();
  const counts = [
    ctx.funcTypeIndices.length,
    ctx.tables.length,
    ctx.memoryCount,
    ctx.globals.length,
    ctx.tagTypeIndices.length,
  ];
  const kindNames = ["function", "table", "memory", "global", "tag"];
  for (const ex of ctx.module.exports) {
    if (ex.index >= counts[ex.kind]) {
      throw new CompileError(
        `unknown ${kindNames[ex.kind]} ${ex.index} in export "${ex.name}"`,
        ex.offset,
      );
    }
    if (names.has(ex.name)) {
      throw new CompileError(`duplicate export name "${ex.name}"`, ex.offset);
    }
    names.add(ex.name);
  }
}

/** A tag's type must be a function type without results (exception handling). */
function checkTagType(
  ctx: ModuleContext,
  typeIndex: number,
  where: string,
  offset: number | undefined,
): void {
  if (typeIndex >= ctx.types.length) {
    throw new CompileError(`unknown type ${typeIndex} in ${where}`, offset);
  }
  if ((ctx.types[typeIndex].kind ?? TypeKind.func) !== TypeKind.func) {
    throw new CompileError(
      `type mismatch: type ${typeIndex} of ${where} is not a function type`,
      offset,
    );
  }
  if (ctx.types[typeIndex].results.length !== 0) {
    throw new CompileError(`non-empty tag result type in ${where}`, offset);
  }
}

function checkLimits(limits: Limits, where: string, offset: number | undefined): void {
  if (limits.max !== undefined && limits.min > limits.max) {
    throw new CompileError(
      `size minimum must not be greater than maximum: ${limits.min} > ${limits.max} in ${where}`,
      offset,
    );
  }
}

function checkTableType(t: TableType, where: string, offset: number | undefined): void {
  checkLimits(t.limits, where, offset);
}

function checkMemoryType(m: MemoryType, where: string, offset: number | undefined): void {
  const { min, max, address64 } = m.limits;
  const limit = address64 ? MAX_MEMORY64_PAGES : MAX_MEMORY_PAGES;
  if (min > limit || (max !== undefined && max > limit)) {
    throw new CompileError(
      address64
        ? `memory size must be at most 2^48 pages (2^64 bytes) in ${where}`
        : `memory size must be at most 65536 pages (4GiB) in ${where}`,
      offset,
    );
  }
  checkLimits(m.limits, where, offset);
  if (m.limits.shared && max === undefined) {
    throw new CompileError(`shared memory must have maximum in ${where}`, offset);
  }
}
