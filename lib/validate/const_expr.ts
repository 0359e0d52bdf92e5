/**
 * Validation of constant expressions: global initialisers, segment offsets
 * and element segment items.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { Op, opName } from "../binary/opcodes.ts";
import { type ConstExpr, type ValType, ValType as V } from "../binary/types.ts";
import type { ModuleContext } from "./context.ts";
import { typeListText } from "./stacks.ts";

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
): void {
  const stack: number[] = [];
  const importedGlobals = ctx.module.importedGlobalCount;
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
        stack.push(ins.a);
        break;
      case Op.ref_func:
        if (ins.a >= ctx.funcTypeIndices.length) {
          throw new CompileError(`unknown function ${ins.a} in ${where}`, ins.offset);
        }
        stack.push(V.funcref);
        break;
      case Op.global_get: {
        if (ins.a >= importedGlobals) {
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
        throw new CompileError(
          `constant expression required: ${opName(ins.op)} in ${where}`,
          ins.offset,
        );
    }
  }
  if (stack.length !== 1 || stack[0] !== expected) {
    throw new CompileError(
      `type mismatch: ${where} expects [${typeListText([expected]).slice(1, -1)}] but its ` +
        `constant expression produces ${typeListText(stack)}`,
      expr.offset,
    );
  }
}
