/**
 * Validation of constant expressions: global initialisers, segment offsets
 * and element segment items.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { Op, opName } from "../binary/opcodes.ts";
import { requireFeature } from "../binary/features.ts";
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
 * mutable import is not constant.
 */
export function validateConstExpr(
  ctx: ModuleContext,
  expr: ConstExpr,
  expected: ValType,
  where: string,
  globalLimit?: number,
): void {
  const stack: number[] = [];
  // 2.0 sees imported globals only; 3.0 any global defined before (all, outside global initialisers).
  const features = ctx.module.features;
  const visibleGlobals = features.gc || features.functionReferences
    ? globalLimit ?? ctx.globals.length
    : ctx.module.importedGlobalCount;
  for (const ins of expr.instructions) {
    switch (ins.op) {
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
        if (ins.a >= visibleGlobals) {
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
      case 0x6a: // i32.add, i32.sub, i32.mul
      case 0x6b:
      case 0x6c:
      case 0x7c: // i64.add, i64.sub, i64.mul
      case 0x7d:
      case 0x7e: {
        requireFeature(features, "extendedConst", ins.offset);
        const t = ins.op < 0x70 ? V.i32 : V.i64;
        if (stack.pop() !== t || stack.pop() !== t) {
          throw new CompileError(`type mismatch: ${opName(ins.op)} in ${where}`, ins.offset);
        }
        stack.push(t);
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
