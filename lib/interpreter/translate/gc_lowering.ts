/**
 * Translation of the typed-reference and GC instructions to the register ops
 * of `execute/gc_ops.ts`. Types in the emitted code are canonical (process-
 * wide ids, see `lib/validate/type_canon.ts`), so code does not depend on
 * the module's type indices at run time.
 *
 * The branching instructions (`br_on_null`, `br_on_non_null`, `br_on_cast`,
 * `br_on_cast_fail`) compute an i32 condition with a test op and then take
 * the ordinary `br_if` path, so branch value moves, fuel and the JS tiers
 * need nothing new.
 *
 * @module
 */

import type { Instruction } from "../../binary/instruction.ts";
import { Op } from "../../binary/opcodes.ts";
import {
  asNonNull,
  concreteHeapType,
  HeapType,
  PackedType,
  refType,
  ValType,
} from "../../binary/types.ts";
import { canonOf } from "../../validate/type_canon.ts";
import { OP } from "../ops.ts";
import { MemoryLowering } from "./memory_lowering.ts";

/** Any non-null reference: a `ref_test` against it is a non-null test in every hierarchy. */
const NON_NULL_TEST = refType(HeapType.any, false);

function unpacked(t: number): number {
  return t === PackedType.i8 || t === PackedType.i16 ? ValType.i32 : t;
}

/** The GC part of the translator. */
export class GcLowering extends MemoryLowering {
  /** A module type index as a canonical type id. */
  #canonId(typeIndex: number): number {
    return this.ctx.canonIds[typeIndex];
  }

  /** A module reference type as a canonical one. */
  #canon(t: number): number {
    return canonOf(t, this.ctx.canonIds);
  }

  #unary(op: number, resultType: number, ...immediates: number[]): void {
    const s = this.operand(this.h - 1);
    this.pop(1);
    const d = this.pushTemp(resultType);
    this.emitWords(op, [d, s, ...immediates]);
  }

  /** Operands `n` entries from the top, bottom first (read, then popped). */
  #operands(n: number): number[] {
    const regs: number[] = [];
    for (let i = this.h - n; i < this.h; i++) regs.push(this.operand(i));
    this.pop(n);
    return regs;
  }

  /** Materialises the top `n` entries in a row and pops them; returns the first one's register. */
  #row(n: number): number {
    for (let i = this.h - n; i < this.h; i++) this.materialize(i);
    const base = this.slotFor(this.h - n);
    this.pop(n);
    return base;
  }

  /** `br_on_*`: branches to `depth` when the test op on the top reference gives 1. */
  #branchOnTest(depth: number, testOp: number, type: number, keepRef: boolean): void {
    const i = this.h - 1;
    this.materialize(i);
    const s = this.slot[i], t = this.type[i];
    if (!keepRef) this.pop(1);
    const c = this.pushTemp(ValType.i32);
    this.emit(testOp, c, s, type);
    this.branchIf(depth);
    if (!keepRef) this.pushTemp(t === 0 ? t : asNonNull(t));
  }

  /** Translates a typed-reference or GC instruction; false when `ins` is none of them. */
  protected lowerGc(ins: Instruction): boolean {
    const types = this.ctx.types;
    switch (ins.op) {
      case Op.ref_as_non_null:
        this.#unary(OP.ref_as_non_null, this.type[this.h - 1]);
        return true;
      case Op.br_on_null:
        // Branch when null (the reference is not a branch value); else the reference stays.
        this.#branchOnTest(ins.a, OP.ref_test_fail, NON_NULL_TEST, false);
        return true;
      case Op.br_on_non_null:
        this.#branchOnTest(ins.a, OP.ref_test, NON_NULL_TEST, true);
        this.pop(1);
        return true;
      case Op.br_on_cast:
        this.#branchOnTest(ins.a, OP.ref_test, this.#canon(ins.c), true);
        return true;
      case Op.br_on_cast_fail:
        this.#branchOnTest(ins.a, OP.ref_test_fail, this.#canon(ins.c), true);
        return true;
      case Op.ref_test:
      case Op.ref_test_null:
        this.#unary(
          OP.ref_test,
          ValType.i32,
          this.#canon(refType(ins.a, ins.op === Op.ref_test_null)),
        );
        return true;
      case Op.ref_cast:
      case Op.ref_cast_null: {
        const t = refType(ins.a, ins.op === Op.ref_cast_null);
        this.#unary(OP.ref_cast, t, this.#canon(t));
        return true;
      }
      case Op.ref_eq: {
        const [a, b] = this.#operands(2);
        const d = this.pushTemp(ValType.i32);
        this.emit(OP.ref_eq, d, a, b);
        return true;
      }
      case Op.ref_i31:
        this.#unary(OP.ref_i31, refType(HeapType.i31, false));
        return true;
      case Op.i31_get_s:
      case Op.i31_get_u:
        this.#unary(OP.i31_get, ValType.i32, ins.op === Op.i31_get_s ? 1 : 0);
        return true;
      case Op.any_convert_extern:
        this.#unary(OP.any_convert_extern, ValType.anyref);
        return true;
      case Op.extern_convert_any:
        this.#unary(OP.extern_convert_any, ValType.externref);
        return true;
      case Op.struct_new: {
        const base = this.#row(types[ins.a].fields!.length);
        const d = this.pushTemp(refType(concreteHeapType(ins.a), false));
        this.emit(OP.struct_new, d, base, this.#canonId(ins.a));
        return true;
      }
      case Op.struct_new_default: {
        const d = this.pushTemp(refType(concreteHeapType(ins.a), false));
        this.emit(OP.struct_new_default, d, this.#canonId(ins.a));
        return true;
      }
      case Op.struct_get:
      case Op.struct_get_s:
      case Op.struct_get_u: {
        const field = types[ins.a].fields![ins.b];
        const mode = ins.op === Op.struct_get ? 0 : ins.op === Op.struct_get_s ? 1 : 2;
        this.#unary(OP.struct_get, unpacked(field.type), this.#canonId(ins.a), ins.b, mode);
        return true;
      }
      case Op.struct_set: {
        const [r, v] = this.#operands(2);
        this.emit(OP.struct_set, r, v, this.#canonId(ins.a), ins.b);
        return true;
      }
      case Op.array_new: {
        const [v, n] = this.#operands(2);
        const d = this.pushTemp(refType(concreteHeapType(ins.a), false));
        this.emit(OP.array_new, d, v, n, this.#canonId(ins.a));
        return true;
      }
      case Op.array_new_default:
        this.#unary(
          OP.array_new_default,
          refType(concreteHeapType(ins.a), false),
          this.#canonId(ins.a),
        );
        return true;
      case Op.array_new_fixed: {
        const base = this.#row(ins.b);
        const d = this.pushTemp(refType(concreteHeapType(ins.a), false));
        this.emit(OP.array_new_fixed, d, base, this.#canonId(ins.a), ins.b);
        return true;
      }
      case Op.array_new_data:
      case Op.array_new_elem: {
        const [s, n] = this.#operands(2);
        const d = this.pushTemp(refType(concreteHeapType(ins.a), false));
        const op = ins.op === Op.array_new_data ? OP.array_new_data : OP.array_new_elem;
        this.emitWords(op, [d, s, n, this.#canonId(ins.a), ins.b]);
        return true;
      }
      case Op.array_get:
      case Op.array_get_s:
      case Op.array_get_u: {
        const [r, i] = this.#operands(2);
        const mode = ins.op === Op.array_get ? 0 : ins.op === Op.array_get_s ? 1 : 2;
        const d = this.pushTemp(unpacked(types[ins.a].fields![0].type));
        this.emitWords(OP.array_get, [d, r, i, this.#canonId(ins.a), mode]);
        return true;
      }
      case Op.array_set: {
        const [r, i, v] = this.#operands(3);
        this.emitWords(OP.array_set, [r, i, v, this.#canonId(ins.a)]);
        return true;
      }
      case Op.array_len:
        this.#unary(OP.array_len, ValType.i32);
        return true;
      case Op.array_fill:
        this.emitWords(OP.array_fill, [...this.#operands(4), this.#canonId(ins.a)]);
        return true;
      case Op.array_copy:
        this.emitWords(OP.array_copy, [...this.#operands(5), this.#canonId(ins.a)]);
        return true;
      case Op.array_init_data:
      case Op.array_init_elem: {
        const op = ins.op === Op.array_init_data ? OP.array_init_data : OP.array_init_elem;
        this.emitWords(op, [...this.#operands(4), this.#canonId(ins.a), ins.b]);
        return true;
      }
    }
    return false;
  }
}
