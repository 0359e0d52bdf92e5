/**
 * Validation of constant expressions: global initialisers, segment offsets
 * and element segment items.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { requireFeature } from "../binary/features.ts";
import { Op, opName } from "../binary/opcodes.ts";
import { type ConstExpr, refType, type ValType, ValType as V } from "../binary/types.ts";
import { funcRefType, matches, type ModuleContext } from "./context.ts";
import { typeListText } from "./stacks.ts";
import { gcConstInstruction } from "./gc_validate.ts";

/**
 * Checks that `expr` is constant and produces exactly one value of type
 * `expected`. `where` names the expression's owner for messages, e.g.
 * "global 3".
 *
 * In WebAssembly 2.0 a constant expression sees only imported globals: a
 * `global.get` of a global the module defines is "unknown", and one of a
 * mutable import is not constant. With typed function references (3.0) it
 * sees every immutable global defined before it: `visibleGlobals` is the
 * number of globals visible to this expression under that rule (a global's
 * initialiser sees those before it; segments see all of them).
 *
 * Extended constant expressions (3.0) add `i32`/`i64` `add`, `sub`, `mul`.
 */
export function validateConstExpr(
  ctx: ModuleContext,
  expr: ConstExpr,
  expected: ValType,
  where: string,
  visibleGlobals = ctx.globals.length,
): void {
  const stack: number[] = [];
  const features = ctx.module.features;
  const readableGlobals = features.functionReferences || features.gc
    ? visibleGlobals
    : ctx.module.importedGlobalCount;
  for (const ins of expr.instructions) {
    switch (ins.op) {
      case 0x6a: // i32.add
      case 0x6b: // i32.sub
      case 0x6c: // i32.mul
      case 0x7c: // i64.add
      case 0x7d: // i64.sub
      case 0x7e: { // i64.mul
        requireFeature(features, "extendedConst", ins.offset);
        const t = ins.op <= 0x6c ? V.i32 : V.i64;
        if (stack.length < 2 || stack.pop() !== t || stack.pop() !== t) {
          throw new CompileError(
            `type mismatch: ${opName(ins.op)} in ${where} needs two ${t === V.i32 ? "i32" : "i64"}`,
            ins.offset,
          );
        }
        stack.push(t);
        break;
      }
      case Op.i32_const:
        stack.push(V.i32);
        break;
      case Op.i64_const:
        stack.push(V.i64);
        break;
      case Op.f32_const:
        stack.push(V.f32);
        break;
      case Op.f64_const:
        stack.push(V.f64);
        break;
      case Op.v128_const:
        stack.push(V.v128);
        break;
      case Op.ref_null:
        stack.push(refType(ins.a, true));
        break;
      case Op.ref_func:
        if (ins.a >= ctx.funcTypeIndices.length) {
          throw new CompileError(`unknown function ${ins.a} in ${where}`, ins.offset);
        }
        stack.push(funcRefType(ctx, ins.a));
        break;
      case Op.global_get: {
        if (ins.a >= readableGlobals) {
          throw new CompileError(`unknown global ${ins.a} in ${where}`, ins.offset);
        }
        const g = ctx.globals[ins.a];
        if (g.mutable) {
          throw new CompileError(
            `constant expression required: global.get of mutable global ${ins.a} in ${where}`,
            ins.offset,
          );
        }
        stack.push(g.type);
        break;
      }
      default:
        if (gcConstInstruction(ctx, ins, stack, where)) break;
        throw new CompileError(
          `constant expression required: ${opName(ins.op)} in ${where}`,
          ins.offset,
        );
    }
  }
  if (stack.length !== 1 || !matches(ctx, stack[0], expected)) {
    throw new CompileError(
      `type mismatch: ${where} expects [${typeListText([expected]).slice(1, -1)}] but its ` +
        `constant expression produces ${typeListText(stack)}`,
      expr.offset,
    );
  }
}
