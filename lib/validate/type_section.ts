/**
 * Validation of the type section (3.0): references only to types defined
 * before the rec group or inside it, supertypes defined earlier, not final,
 * of the same kind and matching; each rec group is canonicalised on the way
 * (see `type_canon.ts`), which fills the context's canonical ids.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { CONCRETE_BASE, type FuncType, typeIndexOf, TypeKind } from "../binary/types.ts";
import type { ModuleContext } from "./context.ts";
import { CANON_TYPES, canonicalizeGroup, defMatches } from "./type_canon.ts";

function typesOf(t: FuncType): number[] {
  return [...t.params, ...t.results, ...(t.fields ?? []).map((f) => f.type)];
}

/** Validates and canonicalises every type of the module's type section. */
export function validateTypes(ctx: ModuleContext): void {
  const types = ctx.module.types;
  const ids = ctx.canonIds;
  for (let start = 0; start < types.length;) {
    const end = start + (types[start].recSize ?? 1);
    for (let i = start; i < end; i++) {
      const t = types[i];
      for (const v of typesOf(t)) {
        if (v >= CONCRETE_BASE && typeIndexOf(v) >= end) {
          throw new CompileError(`unknown type ${typeIndexOf(v)} in type ${i}`);
        }
      }
      if (t.supertype !== undefined && t.supertype >= i) {
        throw new CompileError(`unknown type ${t.supertype}: supertype of type ${i}`);
      }
    }
    canonicalizeGroup(types, start, ids);
    for (let i = start; i < end; i++) {
      const t = types[i];
      if (t.supertype === undefined) continue;
      const sup = CANON_TYPES[ids[t.supertype]];
      if (sup.final || !defMatches(CANON_TYPES[ids[i]], sup)) {
        throw new CompileError(`sub type ${i} does not match super type ${t.supertype}`);
      }
    }
    start = end;
  }
}

/** Fails unless type `index` exists and is a function type. */
export function checkFuncTypeIndex(
  ctx: ModuleContext,
  index: number,
  where: string,
  offset?: number,
): void {
  if (index >= ctx.types.length) {
    throw new CompileError(`unknown type ${index} in ${where}`, offset);
  }
  if ((ctx.types[index].kind ?? TypeKind.func) !== TypeKind.func) {
    throw new CompileError(
      `type mismatch: type ${index} of ${where} is not a function type`,
      offset,
    );
  }
}
