/**
 * The translator: lowers each validated function body from stack code to
 * register code, once, at compile time. It drives the validator over the
 * body (so validation and translation are one pass). It is built in
 * layers, each a class the next extends: the code buffer
 * (`register_code.ts`), the virtual operand stack that says where each
 * value lives (`virtual_stack.ts`), the peepholes that replace
 * instructions just emitted with fused ones (`fusions.ts`), and control
 * flow (`control_flow.ts`). This file handles the instructions themselves.
 *
 * @module
 */

import { CompileError } from "../../errors.ts";
import {
  Imm,
  isAtomicOp,
  isGcOp,
  Op,
  OPS,
  PREFIX_FD,
  PREFIX_FD_RELAXED,
  PREFIX_FE,
  simdSubOpcode,
} from "../../binary/opcodes.ts";
import { relaxedSimdAlias } from "../simd/simd_relaxed.ts";
import { Instruction, readInstruction } from "../../binary/instruction.ts";
import { type GeneratedSources, ModulePlan, StructuredPlan } from "../jit/compile.ts";
import { ByteReader } from "../../binary/reader.ts";
import { type FuncType, isRefType, refType, ValType } from "../../binary/types.ts";
import { GcLowering } from "./gc_lowering.ts";
import type { ModuleContext } from "../../validate/context.ts";
import type { CompiledFunction } from "../compiled_function.ts";
import { LOWERING, REINTERPRETS, SWAPPED_COMPARE } from "./op_map.ts";
import { OP } from "../ops.ts";
import { findHoistableConstants, type HoistedConstant, indexOfConstant } from "./constants.ts";
import { SIMD_LOWERING, simdImmediates } from "./simd_lowering.ts";
import { ADDR, CONST, is64, LOCAL, moveOp, TEMP, wordsOf } from "./virtual_stack.ts";
import { NAN_RESULT, NaNResult } from "./deterministic.ts";

/** Translation options. */
export interface TranslateOptions {
  /** Emit `consume_fuel` at the start of every basic block (fuel metering). */
  fuel: boolean;
  /** Emit `listen_enter`/`listen_exit` around every function body (function listeners). */
  listeners?: boolean;
  /**
   * The deterministic profile: canonicalise the NaN results of float arithmetic
   * (see `deterministic.ts`).
   */
  deterministic?: boolean;
  /**
   * Translate each function on its first call (`CompiledFunction.translate`)
   * instead of now; the module's function bodies must have been validated.
   */
  lazy?: boolean;
  /** Where the structured tier finds and keeps generated code (a compilation cache's). */
  sources?: GeneratedSources;
}

/**
 * Translates every function body of a validated module (or prepares each to
 * be translated on its first call, with `lazy`). Returns one
 * {@link CompiledFunction} per defined function.
 */
export function translateModule(
  ctx: ModuleContext,
  options: TranslateOptions = { fuel: false },
): CompiledFunction[] {
  let translator: Translator | null = null;
  const out: CompiledFunction[] = [];
  const first = ctx.module.importedFunctionCount;
  // Code with listeners keeps to the interpreter, which calls them; metered code's charges are
  // the structured tier's too (see `fuelCharges`).
  const plan = options.listeners
    ? null
    : new ModulePlan(ctx.module, options.fuel, options.deterministic ?? false, options.sources);
  for (let i = 0; i < ctx.module.codes.length; i++) {
    const index = first + i;
    const structured = plan !== null ? new StructuredPlan(plan, index) : null;
    if (!options.lazy) {
      translator ??= new Translator(ctx, options);
      out.push({ ...translator.translate(index), structured });
      continue;
    }
    const cf: CompiledFunction = {
      code: NO_CODE,
      paramWords: 0,
      localsEnd: 0,
      frameWords: 0,
      refLocalSlots: NO_SLOTS,
      sourceMap: NO_CODE,
      loopEntries: NO_CODE,
      loopExit: -1,
      handlers: null,
      js: null,
      jsHeat: 0,
      jsLimit: 0,
      bodyBytes: ctx.module.codes[i].end - ctx.module.codes[i].start,
      heatBytes: -1,
      structured,
      translate() {
        translator ??= new Translator(ctx, options);
        const done = translator.translate(index);
        cf.code = done.code;
        cf.paramWords = done.paramWords;
        cf.localsEnd = done.localsEnd;
        cf.frameWords = done.frameWords;
        cf.refLocalSlots = done.refLocalSlots;
        cf.sourceMap = done.sourceMap;
        cf.loopEntries = done.loopEntries;
        cf.loopExit = done.loopExit;
        cf.handlers = done.handlers;
        cf.translate = null;
      },
    };
    out.push(cf);
  }
  return out;
}

/**
 * An op with an immediate whose register operand the instruction just before
 * computed, by the immediate op: [that instruction's op, the fused op taking
 * its two operands and the immediate]. `(x << k) + c`, `(a - b) >> k`.
 */
const IMMEDIATE_FUSIONS: ReadonlyMap<number, readonly [number, number]> = new Map([
  [OP.i32_add_imm, [OP.i32_shl_imm, OP.i32_shl_add_imm]],
  [OP.i32_shr_s_imm, [OP.i32_sub, OP.i32_sub_shr_s_imm]],
]);

/** The code of a function not translated yet. */
const NO_CODE = new Int32Array(0);

/** `refLocalSlots` of the functions without reference-typed locals (most): shared, never written. */
const NO_SLOTS = new Int32Array(0);

class Translator extends GcLowering {
  readonly ins = new Instruction();
  readonly fuel: boolean;
  readonly deterministic: boolean;

  constructor(ctx: ModuleContext, options: TranslateOptions) {
    super(ctx, options.listeners ?? false);
    this.fuel = options.fuel;
    this.deterministic = options.deterministic ?? false;
  }

  /** The index of the function being translated (a tail call of itself becomes a loop). */
  #funcIndex = -1;

  translate(funcIndex: number): CompiledFunction {
    // The module was validated whole (`validateModule`): no instruction is checked again here,
    // which took about a fifth of the translation's time.
    const ins = this.ins, module = this.ctx.module;
    const body = module.codes[funcIndex - module.importedFunctionCount];
    this.#funcIndex = funcIndex;
    const type = this.ctx.types[this.ctx.funcTypeIndices[funcIndex]];
    const bytes = module.bytes;
    this.reset(type, body.locals, findHoistableConstants(bytes, body.start, body.end));
    const r = new ByteReader(bytes, body.start, body.end);
    if (this.listeners) this.emit(OP.listen_enter);
    this.emitConstantPrologue();
    while (!r.atEnd()) {
      readInstruction(r, ins);
      this.mapSource(ins.offset);
      if (this.fuel) this.chargeFuel();
      this.instruction(ins);
      if (this.deterministic && NAN_RESULT[ins.op] !== NaNResult.none) this.canonicalize(ins.op);
    }
    // Never reached by the body: where a loop entry's call returns (`CompiledFunction.loopExit`).
    const loopExit = this.loopEntries.length === 0 ? -1 : this.pc;
    if (loopExit !== -1) this.emit(OP.return);
    const refLocals: number[] = [];
    for (let i = type.params.length; i < this.localTypes.length; i++) {
      const t = this.localTypes[i];
      if (isRefType(t)) refLocals.push(this.localWords[i] >> 1);
    }
    let resultWords = 0;
    for (const t of type.results) resultWords += wordsOf(t);
    let paramWords = 0;
    for (const t of type.params) paramWords += wordsOf(t);
    const frameWords = this.placeExnRegisters(
      Math.max(this.maxWords, resultWords, this.tempsStart),
    );
    return {
      code: this.code.slice(0, this.pc),
      paramWords,
      localsEnd: this.localsEnd,
      frameWords,
      refLocalSlots: refLocals.length === 0 ? NO_SLOTS : new Int32Array(refLocals),
      sourceMap: this.sourceMap.slice(0, this.sourceLength),
      loopEntries: this.loopEntries.length === 0 ? NO_CODE : new Int32Array(this.loopEntries),
      loopExit,
      handlers: this.groups.length === 0 ? null : this.groups,
      js: null,
      jsHeat: 0,
      jsLimit: 0,
      bodyBytes: body.end - body.start,
      heatBytes: -1,
      structured: null,
      translate: null,
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
    this.loopEntries = [];
    this.resetExceptions();
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
    // Entries read locals and hoisted constants, all below the temporaries.
    if (this.localReaders.length < w) {
      this.localReaders = new Int32Array(Math.max(w, 2 * this.localReaders.length));
    } else this.localReaders.fill(0, 0, w);
    this.localReaderCount = 0;
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

  // ---- Instructions --------------------------------------------------------

  private instruction(ins: Instruction): void {
    const op = ins.op;
    const block = this.top;
    if (block.dead || block.unreachable) {
      this.unreachableInstruction(ins);
      return;
    }
    if (op === Op.local_get) {
      // The commonest instruction: it only records where the value is.
      this.pushEntry(LOCAL, this.localTypes[ins.a], this.localWords[ins.a], 0);
      return;
    }
    if (this.lowersMemory && this.lowerMemoryInstruction(ins)) return;
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
    if (isAtomicOp(op)) {
      this.atomic(ins);
      return;
    }
    if (op >= PREFIX_FD && !isGcOp(op)) {
      this.simd(ins);
      return;
    }
    this.special(ins);
  }

  /**
   * A threads instruction: one generic op (see `atomic_ops.ts`) with the
   * operands' registers, the offset and the sub-opcode plus 256 times the
   * memory index (a 64-bit memory's address narrowed first, as its loads'). `atomic.fence` emits
   * nothing: with one thread there is nothing to order.
   */
  private atomic(ins: Instruction): void {
    const info = OPS[ins.op]!;
    const sub = ins.op - PREFIX_FE;
    if (sub === 0x03) return;
    const n = info.params!.length;
    const offset = this.lowersMemory ? this.atomicAddress(ins, this.h - n) : ins.b;
    const regs = [0, 0, 0];
    for (let i = 0; i < n; i++) regs[i] = this.operand(this.h - n + i);
    this.pop(n);
    const hasResult = info.results!.length !== 0;
    const d = hasResult ? this.pushTemp(info.results![0]) : 0;
    // The memory index rides above the sub-opcode (which is below 0x100).
    const at = this.emitWords(OP.atomic, [
      d,
      regs[0],
      regs[1],
      regs[2],
      offset,
      sub | (ins.memory << 8),
    ]);
    if (hasResult) this.produced(at + 1);
  }

  /**
   * The deterministic profile: a `canon_*` op on the result of `op`, which may
   * be a NaN with any payload. When the op's result could be retargeted (its
   * destination is its first operand), the pair still can: `localSet` then
   * rewrites the register of both (see {@link retargetCanonicalized}).
   */
  private canonicalize(op: number): void {
    const block = this.top, i = this.h - 1;
    if (block.dead || block.unreachable || i < 0 || this.kind[i] !== TEMP) return;
    const kind = NAN_RESULT[op];
    const canon = kind === NaNResult.f32
      ? OP.canon_f32
      : kind === NaNResult.f64
      ? OP.canon_f64
      : kind === NaNResult.f32x4
      ? OP.canon_f32x4
      : OP.canon_f64x2;
    const retargetable = this.lastDst >= 0 && this.lastDstHeight === i &&
      this.lastStart >= 0 && this.lastDst === this.lastStart + 1 &&
      this.code[this.lastDst] === this.slot[i];
    const at = this.emit(canon, this.slot[i]);
    if (retargetable && this.prevStart >= 0) this.produced(at + 1);
  }

  /**
   * `local.set` of a value just canonicalised: the op before the `canon_*`
   * (at `prevStart`, its destination first) writes the local too.
   */
  private retargetCanonicalized(reg: number): void {
    const op = this.code[this.lastStart];
    if (op >= OP.canon_f32 && op <= OP.canon_f64x2) this.code[this.prevStart + 1] = reg;
  }

  /** Dead code: only the block structure matters. */
  private unreachableInstruction(ins: Instruction): void {
    switch (ins.op) {
      case Op.catch:
      case Op.catch_all:
        this.legacyCatch(ins);
        return;
      case Op.delegate:
        this.delegate(ins);
        return;
      case Op.block:
      case Op.loop:
      case Op.if:
      case Op.try_table:
      case Op.try:
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
    if (ins.op >= PREFIX_FD_RELAXED) {
      // Relaxed SIMD equal to a 2.0 instruction runs as it (validation has already seen it).
      const alias = relaxedSimdAlias(ins.op);
      if (alias >= 0) ins.op = alias;
    }
    const info = OPS[ins.op]!;
    const sub = simdSubOpcode(ins.op);
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
    if (regOp === OP.i32x4_shr_u && this.fuseShiftIntoExtendMul()) return;
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
    const immediates = simdImmediates(ins, regOp);
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
        const fusion = IMMEDIATE_FUSIONS.get(immOp);
        if (fusion !== undefined && this.justComputedBy(regIndex, fusion[0])) {
          // The operand's instruction and this one in one (see IMMEDIATE_FUSIONS).
          const start = this.lastStart;
          const x = this.code[start + 2], y = this.code[start + 3];
          this.removeLast();
          this.pop(2);
          const d = this.pushTemp(resultType);
          this.produced(this.emit(fusion[1], d, x, y, imm) + 1);
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
    if (regOp === OP.i32_add && (this.fuseShiftIntoAdd(ia, ib) || this.fuseLoadIntoAdd(ib))) {
      return;
    }
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
      case Op.try_table:
        this.tryTable(ins);
        return;
      case Op.try:
        this.legacyTry(ins);
        return;
      case Op.catch:
      case Op.catch_all:
        this.legacyCatch(ins);
        return;
      case Op.delegate:
        this.delegate(ins);
        return;
      case Op.throw:
        this.throwInstruction(ins.a);
        return;
      case Op.throw_ref:
        this.throwRef();
        return;
      case Op.rethrow:
        this.rethrow(ins.a);
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
      case Op.call_ref: {
        // The callee is set aside, then called as `call_indirect` through table -1.
        this.emit(OP.call_ref_prepare, this.operand(this.h - 1));
        this.pop(1);
        this.call(ctx.types[ins.a], OP.call_indirect, -1, ins.a, 0);
        return;
      }
      case Op.return_call:
      case Op.return_call_indirect:
      case Op.return_call_ref:
        this.tailCall(ins);
        return;
      case Op.drop:
        this.pop(1);
        return;
      case Op.select:
      case Op.select_t:
        this.select();
        return;
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
        const d = this.pushTemp(refType(ins.a, true));
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
    if (this.lowerGc(ins)) return;
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
    const readers = this.localReaders[reg] > (this.readsLocal(i) && this.src[i] === reg ? 1 : 0);
    if (
      !readers && this.kind[i] === TEMP && this.lastDst >= 0 && this.lastDstHeight === i &&
      this.lastStart >= 0
    ) {
      // The value was just computed: compute it straight into the local instead.
      this.code[this.lastDst] = reg;
      if (this.deterministic) this.retargetCanonicalized(reg);
      this.lastDst = -1;
    } else {
      if (readers) { for (const k of this.localReadersBelow(i, reg)) this.materialize(k); }
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

  /**
   * A tail call of the function itself is a jump back to its start with the
   * arguments as its parameters and its declared locals zeroed (what entering
   * it would do), so the loop runs in the JavaScript tiers like any other.
   */
  private selfTailCall(type: FuncType): void {
    const n = type.params.length;
    for (let i = this.h - n; i < this.h; i++) this.materialize(i);
    // The arguments sit in temporaries, above every local: moving them in order is safe.
    for (let k = 0; k < n; k++) {
      const i = this.h - n + k;
      this.emit(moveOp(this.type[i]), this.localWords[k], this.slot[i]);
    }
    this.pop(n);
    for (let j = n; j < this.localTypes.length; j++) {
      const t = this.localTypes[j], r = this.localWords[j];
      if (t === ValType.i32 || t === ValType.f32) this.emit(OP.const32, r, 0);
      else if (is64(t)) this.emit(OP.const64, r, 0, 0);
      else if (t === ValType.v128) this.emit(OP.const128, r, 0, 0, 0, 0);
      else this.emit(OP.ref_null, r);
    }
    this.emit(OP.br, 0);
  }

  /**
   * `return_call` and `return_call_indirect`: the arguments go to canonical
   * registers as for a call, then the callee replaces this frame. With
   * listeners a tail call is a call followed by a return, so that every
   * function's exit event still fires (the frame stack then grows).
   */
  private tailCall(ins: Instruction): void {
    const ctx = this.ctx;
    const direct = ins.op === Op.return_call;
    const type = direct ? ctx.types[ctx.funcTypeIndices[ins.a]] : ctx.types[ins.a];
    let index = -1;
    // return_call_ref: the callee is set aside, then called through table -1 (as call_ref).
    const table = ins.op === Op.return_call_ref ? -1 : ins.b;
    if (ins.op === Op.return_call_ref) {
      this.emit(OP.call_ref_prepare, this.operand(this.h - 1));
      this.pop(1);
      index = 0;
    } else if (!direct) {
      index = this.operand(this.h - 1);
      this.pop(1);
    }
    if (this.listeners) {
      const start = this.pc;
      this.call(type, direct ? OP.call : OP.call_indirect, direct ? ins.a : table, ins.a, index);
      // The call stands for a tail call, which leaves this frame: a group without clauses keeps
      // the frame's handlers from catching what the callee throws.
      if (this.activeGroup() >= 0) {
        this.groups.push({ start, end: this.pc, parent: -1, clauses: [] });
      }
      this.returnInstruction();
    } else if (direct && ins.a === this.#funcIndex) {
      this.selfTailCall(type);
    } else {
      const n = type.params.length;
      for (let i = this.h - n; i < this.h; i++) this.materialize(i);
      const base = this.slotFor(this.h - n);
      this.pop(n);
      if (direct) this.emit(OP.return_call, ins.a, base);
      else this.emit(OP.return_call_indirect, table, ins.a, index, base);
      // Where host and structured-tier callees return to (see the executor's return_call).
      this.emit(OP.return);
    }
    this.top.unreachable = true;
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

const OPS_I64_ROTR = 0x8a;
