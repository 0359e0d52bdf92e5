/**
 * The translator: lowers each validated function body from stack code to
 * register code, once, at compile time. It drives the validator over the
 * body (so validation and translation are one pass), tracks where each
 * value lives on a virtual operand stack (`virtual_stack.ts`), emits
 * register code (`register_code.ts`), and lets the peepholes
 * (`fusions.ts`) replace instructions it just emitted with fused ones.
 * This file handles the instructions themselves and the control flow.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { Imm, Op, OPS, PREFIX_FD } from "../binary/opcodes.ts";
import { BLOCK_EMPTY, Instruction, readInstruction } from "../binary/instruction.ts";
import { ByteReader } from "../binary/reader.ts";
import { type FuncType, ValType } from "../binary/types.ts";
import type { ModuleContext } from "../validate/context.ts";
import { FunctionValidator } from "../validate/function_validator.ts";
import { NO_TYPES, SINGLE_TYPES } from "../validate/control_frame.ts";
import type { CompiledFunction } from "./compiled_function.ts";
import { LOWERING, NEGATED_COMPARE, REINTERPRETS, SWAPPED_COMPARE } from "./op_map.ts";
import { OP, OP_SPECS } from "./ops.ts";
import { findHoistableConstants, type HoistedConstant, indexOfConstant } from "./constants.ts";
import { SIMD_LOWERING } from "./simd_lowering.ts";
import { ADDR, CONST, is64, LOCAL, TEMP, wordsOf } from "./virtual_stack.ts";
import { Fusions } from "./fusions.ts";

/** A label: an open block, loop, if or the function body, as the translator sees it. */
interface Block {
  isLoop: boolean;
  isIf: boolean;
  /** Virtual stack height below the block's parameters. */
  height: number;
  params: readonly ValType[];
  results: readonly ValType[];
  /** For loops: the code position branches go back to. */
  start: number;
  /** Code positions to patch with the end's position. */
  fixups: number[];
  /** For `if`: the code position of the branch to patch with the else's position. */
  elseFixup: number;
  /** Entered in unreachable code: emit nothing until its end. */
  dead: boolean;
  /** The rest of the block is unreachable (after br, return, unreachable...). */
  unreachable: boolean;
}

/** Translation options. */
export interface TranslateOptions {
  /** Emit `consume_fuel` at the start of every basic block (fuel metering). */
  fuel: boolean;
  /** Emit `listen_enter`/`listen_exit` around every function body (function listeners). */
  listeners?: boolean;
}

/**
 * Translates every function body of a validated module. Returns one
 * {@link CompiledFunction} per defined function.
 */
export function translateModule(
  ctx: ModuleContext,
  options: TranslateOptions = { fuel: false },
): CompiledFunction[] {
  const t = new Translator(ctx, options);
  const out: CompiledFunction[] = [];
  const first = ctx.module.importedFunctionCount;
  for (let i = 0; i < ctx.module.codes.length; i++) out.push(t.translate(first + i));
  return out;
}

/** `refLocalSlots` of the functions without reference-typed locals (most): shared, never written. */
const NO_SLOTS = new Int32Array(0);

class Translator extends Fusions {
  readonly ctx: ModuleContext;
  readonly v: FunctionValidator;
  readonly ins = new Instruction();
  blocks: Block[] = [];

  readonly fuel: boolean;
  readonly listeners: boolean;

  constructor(ctx: ModuleContext, options: TranslateOptions) {
    super();
    this.ctx = ctx;
    this.v = new FunctionValidator(ctx);
    this.fuel = options.fuel;
    this.listeners = options.listeners ?? false;
  }

  translate(funcIndex: number): CompiledFunction {
    const v = this.v, ins = this.ins;
    const body = v.begin(funcIndex);
    const type = v.funcType;
    const bytes = this.ctx.module.bytes;
    this.reset(type, body.locals, findHoistableConstants(bytes, body.start, body.end));
    const r = new ByteReader(bytes, body.start, body.end);
    if (this.listeners) this.emit(OP.listen_enter);
    this.emitConstantPrologue();
    while (!r.atEnd()) {
      readInstruction(r, ins);
      v.step(ins);
      this.mapSource(ins.offset);
      if (this.fuel) this.chargeFuel();
      this.instruction(ins);
    }
    v.finish();
    const refLocals: number[] = [];
    for (let i = type.params.length; i < this.localTypes.length; i++) {
      const t = this.localTypes[i];
      if (t === ValType.funcref || t === ValType.externref) refLocals.push(this.localWords[i] >> 1);
    }
    let resultWords = 0;
    for (const t of type.results) resultWords += wordsOf(t);
    let paramWords = 0;
    for (const t of type.params) paramWords += wordsOf(t);
    return {
      code: this.code.slice(0, this.pc),
      paramWords,
      localsEnd: this.localsEnd,
      frameWords: Math.max(this.maxWords, resultWords, this.tempsStart),
      refLocalSlots: refLocals.length === 0 ? NO_SLOTS : new Int32Array(refLocals),
      sourceMap: this.sourceMap.slice(0, this.sourceLength),
    };
  }

  private reset(
    type: FuncType,
    locals: readonly ValType[],
    constants: readonly HoistedConstant[],
  ): void {
    this.pc = 0;
    this.sourceLength = 0;
    this.h = 0;
    this.blocks = [];
    this.localTypes = [...type.params, ...locals];
    this.localWords = new Int32Array(this.localTypes.length);
    let w = 0;
    for (let i = 0; i < this.localTypes.length; i++) {
      this.localWords[i] = w;
      w += wordsOf(this.localTypes[i]);
    }
    this.localsEnd = w;
    // Hoisted constants get the registers between the locals and the temporaries.
    this.constants = constants;
    this.constRegs = constants.map((c) => {
      const reg = w;
      w += wordsOf(c.type);
      return reg;
    });
    this.tempsStart = w;
    this.maxWords = w;
    this.lastStart = -1;
    this.lastDst = -1;
    this.fuelAt = -1;
    this.blocks.push({
      isLoop: false,
      isIf: false,
      height: 0,
      params: [],
      results: type.results,
      start: 0,
      fixups: [],
      elseFixup: -1,
      dead: false,
      unreachable: false,
    });
  }

  // ---- Fuel ----------------------------------------------------------------

  /**
   * Counts one instruction of reachable code against the current basic
   * block's `consume_fuel`, starting a new block (and its charge) after a
   * label or a branch. Charging whole blocks keeps metering cheap and the
   * stop point deterministic.
   */
  private chargeFuel(): void {
    const block = this.top;
    if (block.dead || block.unreachable) return;
    if (this.fuelAt < 0) {
      this.fuelAt = this.emit(OP.consume_fuel, 0) + 1;
      this.lastStart = -1;
      this.prevStart = -1;
    }
    this.code[this.fuelAt]++;
  }

  // ---- Instructions --------------------------------------------------------

  private get top(): Block {
    return this.blocks[this.blocks.length - 1];
  }

  private instruction(ins: Instruction): void {
    const op = ins.op;
    const block = this.top;
    if (block.dead || block.unreachable) {
      this.unreachableInstruction(ins);
      return;
    }
    if (REINTERPRETS[op] === 1) {
      const i = this.h - 1;
      this.type[i] = OPS[op]!.results![0];
      return;
    }
    const lowering = LOWERING[op];
    if (lowering !== undefined) {
      const info = OPS[op]!;
      if (info.imm === Imm.memArg) this.memoryAccess(lowering.op, info.results!, ins);
      else if (info.params!.length === 2) this.binary(op, lowering.op, info.results![0]);
      else this.unary(lowering.op, info.results![0]);
      return;
    }
    if (op >= PREFIX_FD) {
      this.simd(ins);
      return;
    }
    this.special(ins);
  }

  /** Dead code: only the block structure matters. */
  private unreachableInstruction(ins: Instruction): void {
    switch (ins.op) {
      case Op.block:
      case Op.loop:
      case Op.if:
        this.blocks.push({
          isLoop: false,
          isIf: ins.op === Op.if,
          height: this.h,
          params: [],
          results: [],
          start: 0,
          fixups: [],
          elseFixup: -1,
          dead: true,
          unreachable: true,
        });
        return;
      case Op.else:
        this.elseInstruction();
        return;
      case Op.end:
        this.endInstruction();
        return;
    }
  }

  /**
   * A SIMD instruction: its operands' registers, then its immediates, with
   * the sub-opcode last for the generic ops (see `simd_lowering.ts`).
   */
  private simd(ins: Instruction): void {
    const info = OPS[ins.op]!;
    const sub = ins.op - PREFIX_FD;
    if (ins.op === Op.v128_const) {
      const w = new DataView(ins.bytes.buffer, ins.bytes.byteOffset, 16);
      const lo = w.getInt32(0, true), hi = w.getInt32(4, true);
      const lo2 = w.getInt32(8, true), hi2 = w.getInt32(12, true);
      const k = indexOfConstant(this.constants, ValType.v128, lo, hi, lo2, hi2);
      if (k >= 0) {
        // A hoisted constant: read its register like a local's (nothing writes it).
        this.pushEntry(LOCAL, ValType.v128, this.constRegs[k], 0);
        return;
      }
      const d = this.pushTemp(ValType.v128);
      this.produced(this.emit(OP.const128, d, lo, hi, lo2, hi2) + 1);
      return;
    }
    const regOp = SIMD_LOWERING[sub];
    if (regOp === OP.v128_load || regOp === OP.v128_load8x8_s || regOp === OP.v128_load8x8_u) {
      this.vectorLoad(regOp, ins.b);
      return;
    }
    if (regOp === OP.v128_store) {
      this.vectorStore(OP.v128_store, ins.b, -1);
      return;
    }
    if (regOp === OP.v128_store32_lane || regOp === OP.v128_store64_lane) {
      this.vectorStore(regOp, ins.b, ins.c);
      return;
    }
    const top = this.h - 1;
    if (regOp === OP.i16x8_add && this.justComputedBy(top, OP.v128_load8x8_u)) {
      if (!this.fuseSecondRowLoad()) this.fuseLoadInto(OP.i16x8_add_load8x8_u, ValType.v128, false);
      return;
    }
    if (regOp === OP.i32x4_mul && this.fuseExtendIntoMul()) return;
    if (regOp === OP.i16x8_add && this.justComputedBy(top, OP.v128_load8x8_s)) {
      this.fuseLoadInto(OP.i16x8_add_load8x8_s, ValType.v128, false);
      return;
    }
    if (regOp === OP.f32x4_mul && this.justComputedBy(top, OP.v128_load)) {
      this.fuseLoadInto(OP.f32x4_mul_load, ValType.v128, false);
      return;
    }
    const n = info.params!.length;
    const operands: number[] = [];
    for (let i = this.h - n; i < this.h; i++) operands.push(this.operand(i));
    this.pop(n);
    const immediates: number[] = [];
    if (info.imm === Imm.memArg) immediates.push(ins.b);
    if (info.imm === Imm.memArgLane) {
      if (OP_SPECS[regOp][1].endsWith("n")) immediates.push(ins.b, sub | (ins.c << 8));
      else immediates.push(ins.b, ins.c);
    } else if (info.imm === Imm.lane) immediates.push(sub | (ins.a << 8));
    else if (info.imm === Imm.shuffle) {
      const w = new DataView(ins.bytes.buffer, ins.bytes.byteOffset, 16);
      for (let k = 0; k < 16; k += 4) immediates.push(w.getInt32(k, true));
    } else if (OP_SPECS[regOp][1].endsWith("n")) immediates.push(sub);
    if (info.results!.length === 0) {
      this.emitWords(regOp, [...operands, ...immediates]);
      return;
    }
    const d = this.pushTemp(info.results![0]);
    this.produced(this.emitWords(regOp, [d, ...operands, ...immediates]) + 1);
  }

  private unary(regOp: number, resultType: number): void {
    const a = this.operand(this.h - 1);
    this.pop(1);
    const d = this.pushTemp(resultType);
    const at = this.emit(regOp, d, a);
    this.produced(at + 1);
  }

  private binary(wasmOp: number, regOp: number, resultType: number): void {
    if (regOp === OP.f64_mul && this.fuseLoadIntoMul()) return;
    const lowering = LOWERING[wasmOp]!;
    const ia = this.h - 2, ib = this.h - 1;
    if (
      this.kind[ib] === CONST && this.src[ib] === 0 && this.kind[ia] !== CONST &&
      wasmOp >= OPS_I32_ADD && wasmOp <= OPS_I32_ROTR && ZERO_IS_IDENTITY[wasmOp - OPS_I32_ADD]
    ) {
      // x + 0, x - 0, x | 0, x ^ 0, x shifted or rotated by 0: x itself, no code.
      this.pop(1);
      return;
    }
    // A constant operand becomes an immediate when the op has such a form.
    if (lowering.immOp >= 0) {
      let imm: number | undefined, reg = -1, immOp = lowering.immOp;
      if (this.kind[ib] === CONST) {
        imm = this.src[ib];
        reg = this.operand(ia);
      } else if (this.kind[ia] === CONST) {
        if (lowering.commutative) {
          imm = this.src[ia];
          reg = this.operand(ib);
        } else if (lowering.compare >= 0) {
          imm = this.src[ia];
          reg = this.operand(ib);
          immOp = OP.i32_eq_imm + SWAPPED_COMPARE[lowering.compare];
        }
      }
      if (imm !== undefined) {
        // i64 shift counts are taken mod 64; a right rotation is a left one the other way.
        if (immOp >= OP.i64_shl_imm && immOp <= OP.i64_rotl_imm) {
          imm = wasmOp === OPS_I64_ROTR ? (64 - (imm & 63)) & 63 : imm & 63;
        }
        const regIndex = this.kind[ib] === CONST ? ia : ib;
        if (immOp === OP.i32_add_imm && this.justComputedBy(regIndex, OP.i32_shl_imm)) {
          // (x << k) + c: one instruction instead of two.
          const start = this.lastStart;
          const x = this.code[start + 2], k = this.code[start + 3];
          this.removeLast();
          this.pop(2);
          const d = this.pushTemp(resultType);
          this.produced(this.emit(OP.i32_shl_add_imm, d, x, k, imm) + 1);
          return;
        }
        if (immOp === OP.i32_add_imm && this.kind[regIndex] === LOCAL) {
          // A local plus a constant: left for an address to take (see ADDR).
          this.pop(2);
          this.pushEntry(ADDR, ValType.i32, reg, imm);
          return;
        }
        this.pop(2);
        const d = this.pushTemp(resultType);
        const at = this.emit(immOp, d, reg, imm);
        this.produced(at + 1);
        return;
      }
    } else if (wasmOp === OPS_I32_SUB && this.kind[ib] === CONST) {
      const imm = -this.src[ib] | 0;
      if (this.kind[ia] === LOCAL) {
        const local = this.src[ia];
        this.pop(2);
        this.pushEntry(ADDR, ValType.i32, local, imm);
        return;
      }
      const reg = this.operand(ia);
      this.pop(2);
      const d = this.pushTemp(resultType);
      const at = this.emit(OP.i32_add_imm, d, reg, imm);
      this.produced(at + 1);
      return;
    }
    if (regOp === OP.i32_add && this.fuseLoadIntoAdd(ib)) return;
    const a = this.operand(ia);
    const b = this.operand(ib);
    this.pop(2);
    const d = this.pushTemp(resultType);
    const at = this.emit(regOp, d, a, b);
    this.produced(at + 1);
  }

  private special(ins: Instruction): void {
    const ctx = this.ctx;
    switch (ins.op) {
      case Op.nop:
        return;
      case Op.unreachable:
        this.emit(OP.unreachable);
        this.top.unreachable = true;
        return;
      case Op.block:
      case Op.loop:
      case Op.if:
        this.openBlock(ins);
        return;
      case Op.else:
        this.elseInstruction();
        return;
      case Op.end:
        this.endInstruction();
        return;
      case Op.br:
        this.branch(ins.a);
        this.top.unreachable = true;
        return;
      case Op.br_if:
        this.branchIf(ins.a);
        return;
      case Op.br_table:
        this.branchTable(ins);
        return;
      case Op.return:
        this.returnInstruction();
        this.top.unreachable = true;
        return;
      case Op.call:
        this.call(ctx.types[ctx.funcTypeIndices[ins.a]], OP.call, ins.a, -1, -1);
        return;
      case Op.call_indirect: {
        const index = this.operand(this.h - 1);
        this.pop(1);
        this.call(ctx.types[ins.a], OP.call_indirect, ins.b, ins.a, index);
        return;
      }
      case Op.drop:
        this.pop(1);
        return;
      case Op.select:
      case Op.select_t:
        this.select();
        return;
      case Op.local_get: {
        const t = this.localTypes[ins.a];
        this.pushEntry(LOCAL, t, this.localWords[ins.a], 0);
        return;
      }
      case Op.local_set:
        this.localSet(ins.a, false);
        return;
      case Op.local_tee:
        this.localSet(ins.a, true);
        return;
      case Op.global_get: {
        const t = ctx.globals[ins.a].type;
        const d = this.pushTemp(t);
        const op = t === ValType.v128
          ? OP.global_get128
          : is64(t)
          ? OP.global_get64
          : t === ValType.i32 || t === ValType.f32
          ? OP.global_get32
          : OP.global_getref;
        const at = this.emit(op, d, ins.a);
        this.produced(at + 1);
        return;
      }
      case Op.global_set: {
        const t = ctx.globals[ins.a].type;
        const s = this.operand(this.h - 1);
        this.pop(1);
        const op = t === ValType.v128
          ? OP.global_set128
          : is64(t)
          ? OP.global_set64
          : t === ValType.i32 || t === ValType.f32
          ? OP.global_set32
          : OP.global_setref;
        this.emit(op, ins.a, s);
        return;
      }
      case Op.i32_const:
      case Op.f32_const:
        this.pushEntry(CONST, OPS[ins.op]!.results![0], ins.a, 0);
        return;
      case Op.i64_const:
      case Op.f64_const:
        this.pushEntry(CONST, OPS[ins.op]!.results![0], ins.a, ins.b);
        return;
      case Op.memory_size: {
        const d = this.pushTemp(ValType.i32);
        this.produced(this.emit(OP.memory_size, d) + 1);
        return;
      }
      case Op.memory_grow:
        this.unary(OP.memory_grow, ValType.i32);
        return;
      case Op.ref_null: {
        const d = this.pushTemp(ins.a);
        this.emit(OP.ref_null, d);
        return;
      }
      case Op.ref_func: {
        const d = this.pushTemp(ValType.funcref);
        this.emit(OP.ref_func, d, ins.a);
        return;
      }
      case Op.ref_is_null:
        this.unary(OP.ref_is_null, ValType.i32);
        return;
      case Op.table_get: {
        const index = this.operand(this.h - 1);
        this.pop(1);
        const d = this.pushTemp(ctx.tables[ins.a].element);
        this.emit(OP.table_get, d, index, ins.a);
        return;
      }
      case Op.table_set: {
        const index = this.operand(this.h - 2);
        const value = this.operand(this.h - 1);
        this.pop(2);
        this.emit(OP.table_set, index, value, ins.a);
        return;
      }
      case Op.table_size: {
        const d = this.pushTemp(ValType.i32);
        this.emit(OP.table_size, d, ins.a);
        return;
      }
      case Op.table_grow: {
        const init = this.operand(this.h - 2);
        const delta = this.operand(this.h - 1);
        this.pop(2);
        const d = this.pushTemp(ValType.i32);
        this.emit(OP.table_grow, d, init, delta, ins.a);
        return;
      }
      case Op.table_fill:
        this.threeOperands(OP.table_fill, ins.a);
        return;
      case Op.table_copy:
        this.threeOperands(OP.table_copy, ins.a, ins.b);
        return;
      case Op.table_init:
        this.threeOperands(OP.table_init, ins.b, ins.a);
        return;
      case Op.elem_drop:
        this.emit(OP.elem_drop, ins.a);
        return;
      case Op.memory_init:
        this.threeOperands(OP.memory_init, ins.a);
        return;
      case Op.data_drop:
        this.emit(OP.data_drop, ins.a);
        return;
      case Op.memory_copy:
        this.threeOperands(OP.memory_copy);
        return;
      case Op.memory_fill:
        this.threeOperands(OP.memory_fill);
        return;
    }
    throw new CompileError(`cannot translate ${OPS[ins.op]?.name}`, ins.offset);
  }

  private threeOperands(op: number, ...immediates: number[]): void {
    const a = this.operand(this.h - 3);
    const b = this.operand(this.h - 2);
    const c = this.operand(this.h - 1);
    this.pop(3);
    this.emitWords(op, [a, b, c, ...immediates]);
  }

  private select(): void {
    const t = this.type[this.h - 3];
    const a = this.operand(this.h - 3);
    const b = this.operand(this.h - 2);
    const c = this.operand(this.h - 1);
    this.pop(3);
    const d = this.pushTemp(t);
    const op = t === ValType.v128
      ? OP.select128
      : is64(t)
      ? OP.select64
      : t === ValType.i32 || t === ValType.f32
      ? OP.select32
      : OP.selectref;
    this.produced(this.emit(op, d, a, b, c) + 1);
  }

  private localSet(index: number, tee: boolean): void {
    const reg = this.localWords[index];
    const t = this.localTypes[index];
    const i = this.h - 1;
    // Other entries still reading the local must get its old value first.
    let readers = false;
    for (let k = 0; k < i; k++) {
      if (this.readsLocal(k) && this.src[k] === reg) readers = true;
    }
    if (
      !readers && this.kind[i] === TEMP && this.lastDst >= 0 && this.lastDstHeight === i &&
      this.lastStart >= 0
    ) {
      // The value was just computed: compute it straight into the local instead.
      this.code[this.lastDst] = reg;
      this.lastDst = -1;
    } else {
      if (readers) {
        for (let k = 0; k < i; k++) {
          if (this.readsLocal(k) && this.src[k] === reg) this.materialize(k);
        }
      }
      const last = this.lastAddImm();
      if (
        !readers && this.kind[i] === LOCAL && t === ValType.i32 && last >= 0 &&
        this.code[last + 1] === this.src[i]
      ) {
        // local.tee then local.set of a just-added value: one op writes both locals.
        const d = this.code[last + 1], a = this.code[last + 2], imm = this.code[last + 3];
        this.pc = last;
        this.emit(OP.i32_add_imm_mov, d, a, imm, reg);
      } else this.emitMoveTo(reg, i);
    }
    this.pop(1);
    if (tee) this.pushEntry(LOCAL, t, reg, 0);
  }

  private call(type: FuncType, op: number, target: number, typeIndex: number, index: number): void {
    const n = type.params.length;
    for (let i = this.h - n; i < this.h; i++) this.materialize(i);
    const base = this.slotFor(this.h - n);
    this.pop(n);
    if (op === OP.call) this.emit(OP.call, target, base);
    else this.emit(OP.call_indirect, target, typeIndex, index, base);
    for (const t of type.results) this.pushTemp(t);
  }

  // ---- Control -------------------------------------------------------------

  private openBlock(ins: Instruction): void {
    // Shared type lists: nothing allocated per block but the block itself.
    const bt = ins.a;
    const params = bt < 0 ? NO_TYPES : this.ctx.types[bt].params;
    const results = bt === BLOCK_EMPTY
      ? NO_TYPES
      : bt < 0
      ? SINGLE_TYPES[bt + 0x80]
      : this.ctx.types[bt].results;
    const isIf = ins.op === Op.if;
    let cond = -1, fusedOp = -1, fusedA = 0, fusedB = 0;
    if (isIf) {
      const ci = this.h - 1;
      const fused = this.takeCompare(ci);
      if (fused !== null) [fusedOp, fusedA, fusedB] = fused;
      else cond = this.operand(ci);
      this.pop(1);
    }
    this.materializeLocals();
    if (ins.op !== Op.block) {
      for (let i = this.h - params.length; i < this.h; i++) this.materialize(i);
    }
    const block: Block = {
      isLoop: ins.op === Op.loop,
      isIf,
      height: this.h - params.length,
      params,
      results,
      start: this.pc,
      fixups: [],
      elseFixup: -1,
      dead: false,
      unreachable: false,
    };
    if (block.isLoop) this.bindHere(NO_FIXUPS);
    if (isIf) {
      // Branch to the else part (or the end) when the condition is false.
      let at: number;
      if (fusedOp >= 0) {
        const negated = negateFused(fusedOp);
        at = this.emit(negated, fusedA, fusedB, -1) + 3;
      } else {
        at = this.emit(OP.br_unless, cond, -1) + 2;
      }
      block.elseFixup = at;
    }
    this.blocks.push(block);
  }

  /** Makes the top `n` entries the block results in their canonical registers. */
  private materializeTop(n: number): void {
    for (let i = this.h - n; i < this.h; i++) this.materialize(i);
  }

  private resetStackTo(height: number, types: readonly ValType[]): void {
    this.h = height;
    for (const t of types) this.pushTemp(t);
  }

  private elseInstruction(): void {
    const block = this.top;
    if (block.dead) return;
    if (!block.unreachable) {
      this.materializeTop(block.results.length);
      block.fixups.push(this.emit(OP.br, -1) + 1);
    }
    this.bindHere([block.elseFixup]);
    block.elseFixup = -1;
    block.isIf = false;
    block.unreachable = false;
    this.resetStackTo(block.height, block.params);
  }

  private endInstruction(): void {
    const block = this.blocks.pop()!;
    if (block.dead) {
      this.h = block.height;
      return;
    }
    if (this.blocks.length === 0) {
      // The function body's end is its return; branches to it are returns already.
      if (!block.unreachable) this.emitReturn(block.results);
      return;
    }
    if (!block.unreachable) this.materializeTop(block.results.length);
    if (block.elseFixup >= 0) this.bindHere([block.elseFixup]);
    this.bindHere(block.fixups);
    this.resetStackTo(block.height, block.results);
  }

  private branchTargetSlot(block: Block): number {
    return this.slotFor(block.height);
  }

  /** True if a branch to `block` must move values into place first. */
  private needsMoves(block: Block): boolean {
    const types = block.isLoop ? block.params : block.results;
    const n = types.length;
    if (n === 0) return false;
    let dst = this.branchTargetSlot(block);
    for (let i = this.h - n; i < this.h; i++) {
      if (this.kind[i] !== TEMP || this.slot[i] !== dst) return true;
      dst += wordsOf(this.type[i]);
    }
    return false;
  }

  private emitBranchMoves(block: Block): void {
    const types = block.isLoop ? block.params : block.results;
    const n = types.length;
    let dst = this.branchTargetSlot(block);
    for (let i = this.h - n; i < this.h; i++) {
      this.emitMoveTo(dst, i);
      dst += wordsOf(this.type[i]);
    }
  }

  /** Emits a jump to `block`'s label (the operand is patched later for forward labels). */
  private emitJump(block: Block): void {
    const start = block.start, code = this.code;
    if (block.isLoop && code[start] === OP.i32_add_imm && start + 4 < this.pc) {
      // The loop begins with an add (pc++ in an interpreter loop): do it here and jump past it.
      this.emit(OP.i32_add_imm_br, code[start + 1], code[start + 2], code[start + 3], start + 4);
    } else if (block.isLoop) this.emit(OP.br, start);
    else block.fixups.push(this.emit(OP.br, -1) + 1);
  }

  private labelBlock(depth: number): Block {
    return this.blocks[this.blocks.length - 1 - depth];
  }

  private branch(depth: number): void {
    const block = this.labelBlock(depth);
    if (depth === this.blocks.length - 1) {
      this.returnInstruction();
      return;
    }
    this.emitBranchMoves(block);
    this.emitJump(block);
  }

  private branchIf(depth: number): void {
    const block = this.labelBlock(depth);
    const ci = this.h - 1;
    const isReturn = depth === this.blocks.length - 1;
    if (!isReturn && !this.needsMovesBelow(block, 1)) {
      const beforeCompare = this.prevStart;
      const fused = this.takeCompare(ci);
      this.pop(1);
      let at: number;
      if (fused !== null) {
        at = this.fuseLoopLatch(beforeCompare, fused) ??
          this.emit(fused[0], fused[1], fused[2], -1) + 3;
      } else {
        const cond = this.kind[ci] === LOCAL ? this.src[ci] : this.slot[ci];
        if (this.kind[ci] === CONST || this.kind[ci] === ADDR) {
          this.materialize(ci);
        }
        const last = this.lastAddImm();
        if (last >= 0) {
          // A counter stepped just before the test: one op adds, then branches.
          const d = this.code[last + 1], a = this.code[last + 2], imm = this.code[last + 3];
          this.pc = last;
          at = this.emit(OP.i32_add_imm_br_if, d, a, imm, cond, -1) + 5;
        } else at = this.emit(OP.br_if, cond, -1) + 2;
      }
      if (block.isLoop) this.code[at] = block.start;
      else block.fixups.push(at);
      return;
    }
    const cond = this.operand(ci);
    this.pop(1);
    const skip = this.emit(OP.br_unless, cond, -1) + 2;
    if (isReturn) this.returnInstruction();
    else {
      this.emitBranchMoves(block);
      this.emitJump(block);
    }
    this.bindHere([skip]);
  }

  /** {@link needsMoves}, ignoring the top `skip` entries (the condition of br_if). */
  private needsMovesBelow(block: Block, skip: number): boolean {
    this.h -= skip;
    const result = this.needsMoves(block);
    this.h += skip;
    return result;
  }

  private branchTable(ins: Instruction): void {
    const index = this.operand(this.h - 1);
    this.pop(1);
    const n = ins.count;
    const tableAt = this.emitWords(OP.br_table, [index, n, ...new Array(n + 1).fill(-1)]) + 3;
    const stubs: [number, Block][] = [];
    for (let k = 0; k <= n; k++) {
      const depth = k < n ? ins.list[k] : ins.a;
      const block = this.labelBlock(depth);
      const at = tableAt + k;
      if (depth === this.blocks.length - 1 || this.needsMoves(block)) {
        stubs.push([at, block]);
      } else if (block.isLoop) this.code[at] = block.start;
      else block.fixups.push(at);
    }
    for (const [at, block] of stubs) {
      this.code[at] = this.pc;
      if (block === this.blocks[0]) this.returnInstruction();
      else {
        this.emitBranchMoves(block);
        this.emitJump(block);
      }
    }
    this.top.unreachable = true;
  }

  private returnInstruction(): void {
    this.emitReturn(this.blocks[0].results);
  }

  /** Returns the top entries as the function's results. */
  private emitReturn(results: readonly ValType[]): void {
    const n = results.length;
    if (n === 1 && !this.listeners) {
      const i = this.h - 1;
      const t = this.type[i];
      if (this.kind[i] === ADDR) this.materialize(i);
      if (t === ValType.i32 || t === ValType.f32) {
        if (this.kind[i] === CONST) this.emit(OP.const32, 0, this.src[i]);
        else {
          this.emit(OP.return32, this.kind[i] === LOCAL ? this.src[i] : this.slot[i]);
          return;
        }
      } else if (is64(t)) {
        if (this.kind[i] === CONST) this.emit(OP.const64, 0, this.src[i], this.hi[i]);
        else {
          this.emit(OP.return64, this.kind[i] === LOCAL ? this.src[i] : this.slot[i]);
          return;
        }
      } else this.emitMoveTo(0, i);
      this.emit(OP.return);
      return;
    }
    // Several results: sources that are locals could be overwritten by the
    // results, so copy them out first; temporaries always sit at or above
    // their destination, so moving in order is safe.
    if (n > 1) {
      for (let i = this.h - n; i < this.h; i++) if (this.readsLocal(i)) this.materialize(i);
    }
    let dst = 0;
    for (let i = this.h - n; i < this.h; i++) {
      this.emitMoveTo(dst, i);
      dst += wordsOf(this.type[i]);
    }
    if (this.listeners) this.emit(OP.listen_exit);
    this.emit(OP.return);
  }
}

const OPS_I32_SUB = 0x6b;
const OPS_I32_ADD = 0x6a;
const OPS_I32_ROTR = 0x78;

/** From i32.add to i32.rotr: 1 where a right operand of 0 leaves the left one unchanged. */
const ZERO_IS_IDENTITY: readonly number[] = [
  1, // add
  1, // sub
  0, // mul
  0, // div_s
  0, // div_u
  0, // rem_s
  0, // rem_u
  0, // and
  1, // or
  1, // xor
  1, // shl
  1, // shr_s
  1, // shr_u
  1, // rotl
  1, // rotr
];

/** An empty fixup list, for binding a loop's start (`bindHere` only empties it). */
const NO_FIXUPS: number[] = [];

const OPS_I64_ROTR = 0x8a;

/** The fused compare-and-branch op that branches when the given one does not. */
function negateFused(op: number): number {
  if (op >= OP.br_i32_eq && op <= OP.br_i32_ge_u) {
    return OP.br_i32_eq + NEGATED_COMPARE[op - OP.br_i32_eq];
  }
  return OP.br_i32_eq_imm + NEGATED_COMPARE[op - OP.br_i32_eq_imm];
}
