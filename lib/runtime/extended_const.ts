/**
 * Evaluation of extended constant expressions (WebAssembly 3.0): `i32` and
 * `i64` `add`, `sub` and `mul` over constants and `global.get`. Validation
 * guarantees that such an expression only combines integers, so this
 * evaluator sees `i32.const`, `i64.const`, `global.get` of an integer global
 * and the six arithmetic instructions. It runs once per instantiation, so it
 * favours clarity (i64 as BigInt) over speed.
 *
 * @module
 */

import { Op } from "../binary/opcodes.ts";
import type { ConstExpr } from "../binary/types.ts";
import { RuntimeError } from "../errors.ts";
import type { GlobalInstance, InstanceState } from "../interpreter/instances.ts";

const I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c;
const I64_ADD = 0x7c, I64_SUB = 0x7d, I64_MUL = 0x7e;

/** Evaluates a validated multi-instruction constant expression into `out`. */
export function evalExtendedConst(
  expr: ConstExpr,
  state: InstanceState,
  out: GlobalInstance,
): void {
  // i32 values as numbers, i64 values as BigInts: the type is clear from the JS type.
  const stack: (number | bigint)[] = [];
  for (const ins of expr.instructions) {
    switch (ins.op) {
      case Op.i32_const:
        stack.push(ins.a | 0);
        break;
      case Op.i64_const:
        stack.push((BigInt(ins.b) << 32n) | BigInt(ins.a >>> 0));
        break;
      case Op.global_get: {
        const g = state.globals[ins.a];
        stack.push(
          g.type === 0x7e ? (BigInt(g.bits[1]) << 32n) | BigInt(g.bits[0] >>> 0) : g.bits[0] | 0,
        );
        break;
      }
      case I32_ADD:
      case I32_SUB:
      case I32_MUL: {
        const y = stack.pop() as number, x = stack.pop() as number;
        stack.push(
          ins.op === I32_ADD ? (x + y) | 0 : ins.op === I32_SUB ? (x - y) | 0 : Math.imul(x, y),
        );
        break;
      }
      case I64_ADD:
      case I64_SUB:
      case I64_MUL: {
        const y = stack.pop() as bigint, x = stack.pop() as bigint;
        stack.push(
          BigInt.asIntN(64, ins.op === I64_ADD ? x + y : ins.op === I64_SUB ? x - y : x * y),
        );
        break;
      }
      default:
        throw new RuntimeError(`cannot evaluate constant instruction ${ins.op}`);
    }
  }
  const v = stack[0];
  if (typeof v === "bigint") {
    out.bits[0] = Number(BigInt.asIntN(32, v));
    out.bits[1] = Number(BigInt.asIntN(32, v >> 32n));
  } else {
    out.bits[0] = v;
  }
}
