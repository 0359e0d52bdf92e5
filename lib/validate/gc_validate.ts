/**
 * Validation of the typed-function-reference and GC instructions (3.0):
 * `call_ref`, `ref.as_non_null`, `br_on_null`, structs, arrays, i31, casts.
 * A layer between the stacks and the function validator so that the 2.0
 * instruction rules stay where they were.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { requireFeature } from "../binary/features.ts";
import type { Instruction } from "../binary/instruction.ts";
import { Op, opName, PREFIX_FB } from "../binary/opcodes.ts";
import {
  asNonNull,
  concreteHeapType,
  type ConstInstruction,
  type FieldType,
  type FuncType,
  HeapType,
  heapTypeOf,
  isDefaultable,
  isNullable,
  isRefType,
  PackedType,
  refType,
  TypeKind,
  ValType,
  valTypeName,
} from "../binary/types.ts";
import { matches, type ModuleContext, typeExists } from "./context.ts";
import { singleType, UNKNOWN } from "./control_frame.ts";
import { ValidationStacks } from "./stacks.ts";
import { canonOf, heapTop } from "./type_canon.ts";

const I32 = singleType(ValType.i32);
const I31_NULL = singleType(ValType.i31ref);
const ARRAY_NULL = singleType(ValType.arrayref);

/** The value type a field of storage type `t` reads as (packed types read as i32). */
export function unpacked(t: number): number {
  return t === PackedType.i8 || t === PackedType.i16 ? ValType.i32 : t;
}

/** The canonical top heap type of a module's reference type. */
function topOf(ctx: ModuleContext, t: number): number {
  return heapTop(heapTypeOf(canonOf(t, ctx.canonIds)));
}

/** A type's struct fields, or its array element; fails with the given kind's name. */
function compositeAt(
  ctx: ModuleContext,
  index: number,
  kind: number,
  offset: number,
  fail: (reason: string, offset: number) => never,
): FieldType[] {
  if (index >= ctx.types.length) fail(`unknown type ${index}`, offset);
  const t = ctx.types[index];
  if ((t.kind ?? TypeKind.func) !== kind) {
    fail(
      `type mismatch: type ${index} is not ${
        kind === TypeKind.struct ? "a struct" : "an array"
      } type`,
      offset,
    );
  }
  return t.fields!;
}

/** Instruction rules for typed references and GC; extended by the function validator. */
export abstract class GcValidation extends ValidationStacks {
  abstract readonly ctx: ModuleContext;
  abstract funcType: FuncType;
  /** The function type at a type index (fails unless it is one). */
  abstract funcTypeAt(index: number, ins: Instruction): FuncType;

  /** Requires the feature that reference type `t` needs. */
  protected refFeature(t: number, ins: Instruction): void {
    const f = this.ctx.module.features;
    if (t === ValType.exnref || t === ValType.nullexnref) {
      requireFeature(f, "exceptions", ins.offset);
    } else if (t < 0x100 && t !== ValType.nullfuncref && t !== ValType.nullexternref) {
      requireFeature(f, "gc", ins.offset);
    } else requireFeature(f, "functionReferences", ins.offset);
  }

  #struct(index: number, ins: Instruction): FieldType[] {
    return compositeAt(this.ctx, index, TypeKind.struct, ins.offset, (r, o) => this.fail(r, o));
  }

  #array(index: number, ins: Instruction): FieldType {
    return compositeAt(this.ctx, index, TypeKind.array, ins.offset, (r, o) => this.fail(r, o))[0];
  }

  #field(index: number, field: number, ins: Instruction): FieldType {
    const fields = this.#struct(index, ins);
    if (field >= fields.length) this.fail(`unknown field ${field} of type ${index}`, ins.offset);
    return fields[field];
  }

  #pop(t: number, ins: Instruction): void {
    this.popExpect(singleType(t), ins);
  }

  /** Pops a reference of any type; {@link UNKNOWN} in unreachable code. */
  #popRef(ins: Instruction): number {
    const t = this.popAny(ins);
    if (t !== UNKNOWN && !isRefType(t)) {
      this.fail(
        `type mismatch: ${opName(ins.op)} expects a reference, got ${valTypeName(t)}`,
        ins.offset,
      );
    }
    return t;
  }

  #labelTypes(depth: number, ins: Instruction): readonly number[] {
    if (depth >= this.fp) this.fail(`unknown label ${depth}`, ins.offset);
    return this.frames[this.fp - 1 - depth].labelTypes;
  }

  #mutable(f: FieldType, ins: Instruction): void {
    if (!f.mutable) this.fail(`field is immutable`, ins.offset);
  }

  #heap(ht: number, ins: Instruction): void {
    if (!typeExists(this.ctx, ht)) this.fail(`unknown type in ${opName(ins.op)}`, ins.offset);
  }

  #needData(index: number, ins: Instruction): void {
    const n = this.ctx.dataCount;
    if (n === undefined) this.fail("data count section required", ins.offset);
    if (index >= n) this.fail(`unknown data segment ${index}`, ins.offset);
  }

  #elemSegment(index: number, elemType: number, ins: Instruction): void {
    if (index >= this.ctx.elemTypes.length) this.fail(`unknown elem segment ${index}`, ins.offset);
    if (!matches(this.ctx, this.ctx.elemTypes[index], elemType)) {
      this.fail(`type mismatch: elem segment ${index} does not match the array`, ins.offset);
    }
  }

  /** Pops `n` values of type `t` bottom first; used by `array.new_fixed`. */
  #popN(t: number, n: number, ins: Instruction): void {
    for (let i = 0; i < n; i++) this.#pop(t, ins);
  }

  /**
   * Validates a typed-reference or GC instruction; false when `ins` is none
   * of them.
   */
  protected stepGc(ins: Instruction): boolean {
    const ctx = this.ctx;
    const op = ins.op;
    const features = ctx.module.features;
    if (op >= PREFIX_FB || op === Op.ref_eq) requireFeature(features, "gc", ins.offset);
    switch (op) {
      case Op.call_ref:
      case Op.return_call_ref: {
        requireFeature(features, "functionReferences", ins.offset);
        if (op === Op.return_call_ref) requireFeature(features, "tailCall", ins.offset);
        const type = this.funcTypeAt(ins.a, ins);
        this.#pop(refType(concreteHeapType(ins.a), true), ins);
        this.popExpect(type.params, ins);
        if (op === Op.call_ref) {
          this.pushTypes(type.results);
          return true;
        }
        const own = this.funcType.results;
        if (own.length !== type.results.length) {
          this.fail("type mismatch: return_call_ref results differ", ins.offset);
        }
        for (let i = 0; i < own.length; i++) {
          if (!matches(ctx, type.results[i], own[i])) {
            this.fail("type mismatch: return_call_ref results differ", ins.offset);
          }
        }
        this.setUnreachable();
        return true;
      }
      case Op.ref_eq:
        this.#pop(ValType.eqref, ins);
        this.#pop(ValType.eqref, ins);
        this.push(ValType.i32);
        return true;
      case Op.ref_as_non_null: {
        requireFeature(features, "functionReferences", ins.offset);
        const t = this.#popRef(ins);
        this.push(t === UNKNOWN ? UNKNOWN : asNonNull(t));
        return true;
      }
      case Op.br_on_null: {
        requireFeature(features, "functionReferences", ins.offset);
        const label = this.#labelTypes(ins.a, ins);
        const t = this.#popRef(ins);
        this.popExpect(label, ins);
        this.pushTypes(label);
        this.push(t === UNKNOWN ? UNKNOWN : asNonNull(t));
        return true;
      }
      case Op.br_on_non_null: {
        requireFeature(features, "functionReferences", ins.offset);
        const label = this.#labelTypes(ins.a, ins);
        const n = label.length;
        if (n === 0 || !isRefType(label[n - 1])) {
          this.fail("type mismatch: br_on_non_null needs a label taking a reference", ins.offset);
        }
        const t = this.#popRef(ins);
        if (t !== UNKNOWN && !matches(ctx, asNonNull(t), label[n - 1])) {
          this.fail(`type mismatch: br_on_non_null of ${valTypeName(t)}`, ins.offset);
        }
        const rest = label.slice(0, n - 1);
        this.popExpect(rest, ins);
        this.pushTypes(rest);
        return true;
      }
      case Op.struct_new: {
        const fields = this.#struct(ins.a, ins);
        for (let i = fields.length - 1; i >= 0; i--) {
          this.checkTop(singleType(unpacked(fields[i].type)), ins);
          this.popAny(ins);
        }
        this.push(refType(concreteHeapType(ins.a), false));
        return true;
      }
      case Op.struct_new_default: {
        for (const f of this.#struct(ins.a, ins)) {
          if (!isDefaultable(f.type)) {
            this.fail("type mismatch: field is not defaultable", ins.offset);
          }
        }
        this.push(refType(concreteHeapType(ins.a), false));
        return true;
      }
      case Op.struct_get:
      case Op.struct_get_s:
      case Op.struct_get_u: {
        const f = this.#field(ins.a, ins.b, ins);
        const packed = f.type === PackedType.i8 || f.type === PackedType.i16;
        if (packed !== (op !== Op.struct_get)) {
          this.fail(
            `type mismatch: ${opName(op)} of a ${packed ? "packed" : "unpacked"} field`,
            ins.offset,
          );
        }
        this.#pop(refType(concreteHeapType(ins.a), true), ins);
        this.push(unpacked(f.type));
        return true;
      }
      case Op.struct_set: {
        const f = this.#field(ins.a, ins.b, ins);
        this.#mutable(f, ins);
        this.#pop(unpacked(f.type), ins);
        this.#pop(refType(concreteHeapType(ins.a), true), ins);
        return true;
      }
      case Op.array_new:
      case Op.array_new_default: {
        const f = this.#array(ins.a, ins);
        this.#pop(ValType.i32, ins);
        if (op === Op.array_new) this.#pop(unpacked(f.type), ins);
        else if (!isDefaultable(f.type)) {
          this.fail("type mismatch: array element is not defaultable", ins.offset);
        }
        this.push(refType(concreteHeapType(ins.a), false));
        return true;
      }
      case Op.array_new_fixed: {
        const f = this.#array(ins.a, ins);
        if (ins.b > 10000) this.fail("array.new_fixed of too many elements", ins.offset);
        this.#popN(unpacked(f.type), ins.b, ins);
        this.push(refType(concreteHeapType(ins.a), false));
        return true;
      }
      case Op.array_new_data:
      case Op.array_new_elem: {
        const f = this.#array(ins.a, ins);
        if (op === Op.array_new_data) {
          if (isRefType(f.type)) {
            this.fail("type mismatch: array.new_data of references", ins.offset);
          }
          this.#needData(ins.b, ins);
        } else {
          if (!isRefType(f.type)) this.fail("type mismatch: array.new_elem of numbers", ins.offset);
          this.#elemSegment(ins.b, f.type, ins);
        }
        this.#pop(ValType.i32, ins);
        this.#pop(ValType.i32, ins);
        this.push(refType(concreteHeapType(ins.a), false));
        return true;
      }
      case Op.array_get:
      case Op.array_get_s:
      case Op.array_get_u: {
        const f = this.#array(ins.a, ins);
        const packed = f.type === PackedType.i8 || f.type === PackedType.i16;
        if (packed !== (op !== Op.array_get)) {
          this.fail(
            `type mismatch: ${opName(op)} of a ${packed ? "packed" : "unpacked"} array`,
            ins.offset,
          );
        }
        this.#pop(ValType.i32, ins);
        this.#pop(refType(concreteHeapType(ins.a), true), ins);
        this.push(unpacked(f.type));
        return true;
      }
      case Op.array_set: {
        const f = this.#array(ins.a, ins);
        this.#mutable(f, ins);
        this.#pop(unpacked(f.type), ins);
        this.#pop(ValType.i32, ins);
        this.#pop(refType(concreteHeapType(ins.a), true), ins);
        return true;
      }
      case Op.array_len:
        this.popExpect(ARRAY_NULL, ins);
        this.push(ValType.i32);
        return true;
      case Op.array_fill: {
        const f = this.#array(ins.a, ins);
        this.#mutable(f, ins);
        this.#pop(ValType.i32, ins);
        this.#pop(unpacked(f.type), ins);
        this.#pop(ValType.i32, ins);
        this.#pop(refType(concreteHeapType(ins.a), true), ins);
        return true;
      }
      case Op.array_copy: {
        const dst = this.#array(ins.a, ins);
        const src = this.#array(ins.b, ins);
        this.#mutable(dst, ins);
        const packedMatch = dst.type === PackedType.i8 || dst.type === PackedType.i16 ||
            src.type === PackedType.i8 || src.type === PackedType.i16
          ? dst.type === src.type
          : matches(ctx, src.type, dst.type);
        if (!packedMatch) {
          this.fail("type mismatch: array.copy between arrays of other types", ins.offset);
        }
        this.#pop(ValType.i32, ins);
        this.#pop(ValType.i32, ins);
        this.#pop(refType(concreteHeapType(ins.b), true), ins);
        this.#pop(ValType.i32, ins);
        this.#pop(refType(concreteHeapType(ins.a), true), ins);
        return true;
      }
      case Op.array_init_data:
      case Op.array_init_elem: {
        const f = this.#array(ins.a, ins);
        this.#mutable(f, ins);
        if (op === Op.array_init_data) {
          if (isRefType(f.type)) {
            this.fail("type mismatch: array.init_data of references", ins.offset);
          }
          this.#needData(ins.b, ins);
        } else {
          if (!isRefType(f.type)) {
            this.fail("type mismatch: array.init_elem of numbers", ins.offset);
          }
          this.#elemSegment(ins.b, f.type, ins);
        }
        this.#pop(ValType.i32, ins);
        this.#pop(ValType.i32, ins);
        this.#pop(ValType.i32, ins);
        this.#pop(refType(concreteHeapType(ins.a), true), ins);
        return true;
      }
      case Op.ref_test:
      case Op.ref_test_null:
      case Op.ref_cast:
      case Op.ref_cast_null: {
        this.#heap(ins.a, ins);
        const target = refType(ins.a, op === Op.ref_test_null || op === Op.ref_cast_null);
        const t = this.#popRef(ins);
        if (t !== UNKNOWN && topOf(ctx, t) !== topOf(ctx, target)) {
          this.fail(`type mismatch: ${opName(op)} of ${valTypeName(t)}`, ins.offset);
        }
        this.push(op === Op.ref_test || op === Op.ref_test_null ? ValType.i32 : target);
        return true;
      }
      case Op.br_on_cast:
      case Op.br_on_cast_fail: {
        const from = ins.b, to = ins.c;
        this.#heap(heapTypeOf(from), ins);
        this.#heap(heapTypeOf(to), ins);
        if (!matches(ctx, to, from)) {
          this.fail(
            `type mismatch: ${opName(op)} target is not a subtype of its source`,
            ins.offset,
          );
        }
        const label = this.#labelTypes(ins.a, ins);
        const n = label.length;
        if (n === 0) {
          this.fail(`type mismatch: ${opName(op)} needs a label taking a reference`, ins.offset);
        }
        // The type left when the cast fails: the source, non-null if the target takes null.
        const diff = isNullable(to) ? asNonNull(from) : from;
        const branchType = op === Op.br_on_cast ? to : diff;
        if (!matches(ctx, branchType, label[n - 1])) {
          this.fail(
            `type mismatch: ${opName(op)} label does not take ${valTypeName(branchType)}`,
            ins.offset,
          );
        }
        this.#pop(from, ins);
        const rest = label.slice(0, n - 1);
        this.popExpect(rest, ins);
        this.pushTypes(rest);
        this.push(op === Op.br_on_cast ? diff : to);
        return true;
      }
      case Op.any_convert_extern:
      case Op.extern_convert_any: {
        const toAny = op === Op.any_convert_extern;
        const t = this.#popRef(ins);
        if (t !== UNKNOWN && !matches(ctx, t, toAny ? ValType.externref : ValType.anyref)) {
          this.fail(`type mismatch: ${opName(op)} of ${valTypeName(t)}`, ins.offset);
        }
        this.push(refType(toAny ? HeapType.any : HeapType.extern, t !== UNKNOWN && isNullable(t)));
        return true;
      }
      case Op.ref_i31:
        this.popExpect(I32, ins);
        this.push(refType(HeapType.i31, false));
        return true;
      case Op.i31_get_s:
      case Op.i31_get_u:
        this.popExpect(I31_NULL, ins);
        this.push(ValType.i32);
        return true;
    }
    return false;
  }
}

/**
 * The GC instructions allowed in constant expressions: applies `ins` to
 * `stack`; false when it is not one of them.
 */
export function gcConstInstruction(
  ctx: ModuleContext,
  ins: ConstInstruction,
  stack: number[],
  where: string,
): boolean {
  const fail = (reason: string, offset = ins.offset): never => {
    throw new CompileError(`${reason} in ${where}`, offset);
  };
  const pop = (t: number) => {
    const got = stack.pop();
    if (got === undefined || !matches(ctx, got, t)) {
      fail(`type mismatch: ${opName(ins.op)} expects ${valTypeName(t)}`);
    }
  };
  const op = ins.op;
  if (op >= PREFIX_FB) requireFeature(ctx.module.features, "gc", ins.offset);
  switch (op) {
    case Op.struct_new:
    case Op.struct_new_default: {
      const fields = compositeAt(ctx, ins.a, TypeKind.struct, ins.offset, fail);
      if (op === Op.struct_new) {
        for (let i = fields.length - 1; i >= 0; i--) pop(unpacked(fields[i].type));
      } else if (!fields.every((f) => isDefaultable(f.type))) {
        fail("type mismatch: not defaultable");
      }
      stack.push(refType(concreteHeapType(ins.a), false));
      return true;
    }
    case Op.array_new:
    case Op.array_new_default:
    case Op.array_new_fixed: {
      const f = compositeAt(ctx, ins.a, TypeKind.array, ins.offset, fail)[0];
      if (op === Op.array_new_fixed) {
        for (let i = 0; i < ins.b; i++) pop(unpacked(f.type));
      } else {
        pop(ValType.i32);
        if (op === Op.array_new) pop(unpacked(f.type));
        else if (!isDefaultable(f.type)) fail("type mismatch: not defaultable");
      }
      stack.push(refType(concreteHeapType(ins.a), false));
      return true;
    }
    case Op.ref_i31:
      pop(ValType.i32);
      stack.push(refType(HeapType.i31, false));
      return true;
    case Op.any_convert_extern:
    case Op.extern_convert_any: {
      const toAny = op === Op.any_convert_extern;
      const t = stack[stack.length - 1];
      pop(toAny ? ValType.externref : ValType.anyref);
      stack.push(refType(toAny ? HeapType.any : HeapType.extern, isNullable(t)));
      return true;
    }
  }
  return false;
}
