/**
 * The translator: lowers each validated function body from stack code to
 * register code, once, at compile time. It drives the validator over the
 * body (so validation and translation are one pass) and keeps a virtual
 * operand stack whose entries say where each value lives:
 *
 * - `TEMP`: in the value's canonical register, a fixed frame position for
 *   its stack height (after the locals);
 * - `LOCAL`: still in a local's register (`local.get` emits nothing);
 * - `CONST`: a constant not yet written anywhere (`i32.const` emits nothing
 *   and often becomes an immediate);
 * - `ADDR`: an i32 local plus a constant, not yet added (a load or store
 *   takes both, wherever its address was computed; anything else
 *   materializes the sum).
 *
 * Deferred entries are written to their canonical registers
 * ("materialized") when something needs them there: block boundaries,
 * calls, branches, or a `local.set` of the local they read.
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

const TEMP = 0, LOCAL = 1, CONST = 2, ADDR = 3;

/** Words a value of type `t` takes in the register file. */
export function wordsOf(t: number): number {
  return t === ValType.v128 ? 4 : 2;
}

function moveOp(t: number): number {
  if (t === ValType.i32 || t === ValType.f32) return OP.mov32;
  if (t === ValType.i64 || t === ValType.f64) return OP.mov64;
  if (t === ValType.v128) return OP.mov128;
  return OP.movref;
}

function is64(t: number): boolean {
  return t === ValType.i64 || t === ValType.f64;
}

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

class Translator {
  readonly ctx: ModuleContext;
  readonly v: FunctionValidator;
  readonly ins = new Instruction();

  code = new Int32Array(1024);
  pc = 0;
  /** Pairs (code position, byte offset of the wasm instruction), for stack traces. */
  sourceMap = new Int32Array(256);
  sourceLength = 0;

  // The virtual operand stack.
  kind = new Uint8Array(64);
  type = new Uint8Array(64);
  /** Canonical register of each height, in words from the frame base. */
  slot = new Int32Array(64);
  /** LOCAL and ADDR: the local's register; CONST: the low word. */
  src = new Int32Array(64);
  /** CONST: the high word; ADDR: the constant added to the local. */
  hi = new Int32Array(64);
  h = 0;

  blocks: Block[] = [];
  localWords: Int32Array = new Int32Array(0);
  localTypes: number[] = [];
  localsEnd = 0;
  /** Where the temporaries (canonical registers) start, after locals and hoisted constants. */
  tempsStart = 0;
  constants: readonly HoistedConstant[] = [];
  constRegs: number[] = [];
  maxWords = 0;

  /** Code position of the current basic block's fuel charge (-1: none yet). */
  fuelAt = -1;
  /** Start of the last emitted instruction, or -1 when a label was bound since. */
  lastStart = -1;
  /** Start of the instruction before the last one, or -1 (a label, or a peephole, since). */
  prevStart = -1;
  /** Code position of the last instruction's destination operand (-1 if none). */
  lastDst = -1;
  /** Stack height the last instruction's result was pushed at. */
  lastDstHeight = -1;

  readonly fuel: boolean;
  readonly listeners: boolean;

  constructor(ctx: ModuleContext, options: TranslateOptions) {
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

  // ---- Code emission -------------------------------------------------------

  /**
   * Appends an instruction with up to seven operands; returns its position.
   * (Fixed parameters rather than a rest array: this runs for every
   * instruction, and the arrays would be garbage.)
   */
  private emit(op: number, a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0): number {
    const n = arguments.length - 1;
    const start = this.reserve(n + 1);
    const code = this.code;
    code[start] = op;
    if (n > 0) code[start + 1] = a;
    if (n > 1) code[start + 2] = b;
    if (n > 2) code[start + 3] = c;
    if (n > 3) code[start + 4] = d;
    if (n > 4) code[start + 5] = e;
    if (n > 5) code[start + 6] = f;
    if (n > 6) code[start + 7] = g;
    this.emitted(op, start);
    return start;
  }

  /** Appends an instruction whose operands are in an array (wide or variable-length ones). */
  private emitWords(op: number, operands: readonly number[]): number {
    const start = this.reserve(operands.length + 1);
    this.code[start] = op;
    for (let i = 0; i < operands.length; i++) this.code[start + 1 + i] = operands[i];
    this.emitted(op, start);
    return start;
  }

  /** Makes room for `words` more words of code; returns where they start. */
  private reserve(words: number): number {
    const start = this.pc;
    const need = start + words;
    if (need > this.code.length) {
      const bigger = new Int32Array(Math.max(need, this.code.length * 2));
      bigger.set(this.code);
      this.code = bigger;
    }
    this.pc = need;
    return start;
  }

  private emitted(op: number, start: number): void {
    // A peephole that replaced earlier code emits its fused instruction where
    // that code began: the wasm instructions it ran map there now, so that a
    // trap names the last of them (a load's offset, not its address's add).
    const map = this.sourceMap;
    for (let k = this.sourceLength - 2; k >= 0 && map[k] > start; k -= 2) map[k] = start;
    // After a peephole rewound the code, what came before `start` is not known here.
    this.prevStart = this.lastStart < start ? this.lastStart : -1;
    this.lastStart = start;
    this.lastDst = -1;
    if (ENDS_BASIC_BLOCK[op] === 1) this.fuelAt = -1;
  }

  /** Records that the code emitted from here on comes from the wasm instruction at `offset`. */
  private mapSource(offset: number): void {
    let map = this.sourceMap;
    const n = this.sourceLength;
    if (n >= 2 && map[n - 2] === this.pc) {
      // The previous wasm instruction emitted no code: the code here is this one's.
      map[n - 1] = offset;
      return;
    }
    if (n + 2 > map.length) {
      const bigger = new Int32Array(map.length * 2);
      bigger.set(map);
      this.sourceMap = map = bigger;
    }
    map[n] = this.pc;
    map[n + 1] = offset;
    this.sourceLength = n + 2;
  }

  /**
   * After a load (emitted at `start`) and the instruction using its value
   * became one op: forgets the user's source entry (moved to `start` by the
   * fusion), so that a trap there names the load, the part that can trap.
   */
  private mapToLoad(start: number): void {
    const n = this.sourceLength;
    if (n >= 4 && this.sourceMap[n - 2] === start) this.sourceLength = n - 2;
  }

  /** Marks the current position as a branch target: no peephole may look across it. */
  private bindHere(fixups: number[]): void {
    if (fixups.length !== 0) {
      for (const at of fixups) this.code[at] = this.pc;
      fixups.length = 0; // slow in V8 (a runtime call), hence the check
    }
    this.lastStart = -1;
    this.prevStart = -1;
    this.lastDst = -1;
    this.fuelAt = -1;
  }

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

  // ---- The virtual stack ---------------------------------------------------

  private ensureStack(n: number): void {
    if (n <= this.kind.length) return;
    const size = Math.max(n, this.kind.length * 2);
    const grow = <T extends Uint8Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as { new (n: number): T })(size);
      b.set(a);
      return b;
    };
    this.kind = grow(this.kind);
    this.type = grow(this.type);
    this.slot = grow(this.slot);
    this.src = grow(this.src);
    this.hi = grow(this.hi);
  }

  /** The canonical register of the value at height `h`. */
  private slotFor(h: number): number {
    return h === 0 ? this.tempsStart : this.slot[h - 1] + wordsOf(this.type[h - 1]);
  }

  /** Writes the hoisted constants into their registers, once per call. */
  private emitConstantPrologue(): void {
    this.constants.forEach((c, i) => {
      const reg = this.constRegs[i];
      if (c.type === ValType.v128) this.emit(OP.const128, reg, c.lo, c.hi, c.lo2, c.hi2);
      else if (is64(c.type)) this.emit(OP.const64, reg, c.lo, c.hi);
      else this.emit(OP.const32, reg, c.lo);
    });
  }

  /** The register holding constant entry `i`'s value, or -1 if it was not hoisted. */
  private constantRegister(i: number): number {
    const t = this.type[i];
    const k = indexOfConstant(this.constants, t, this.src[i], is64(t) ? this.hi[i] : 0, 0, 0);
    return k < 0 ? -1 : this.constRegs[k];
  }

  private pushEntry(kind: number, t: number, src: number, hi: number): number {
    const h = this.h;
    this.ensureStack(h + 1);
    const s = this.slotFor(h);
    this.kind[h] = kind;
    this.type[h] = t;
    this.slot[h] = s;
    this.src[h] = src;
    this.hi[h] = hi;
    this.h = h + 1;
    const end = s + wordsOf(t);
    if (end > this.maxWords) this.maxWords = end;
    return s;
  }

  /** Pushes a value computed into its canonical register; returns that register. */
  private pushTemp(t: number): number {
    return this.pushEntry(TEMP, t, 0, 0);
  }

  /** Emits code writing entry `i`'s value into register `dst` (without changing the entry). */
  private emitMoveTo(dst: number, i: number): void {
    const t = this.type[i];
    if (this.kind[i] === ADDR) {
      this.emit(OP.i32_add_imm, dst, this.src[i], this.hi[i]);
      return;
    }
    if (this.kind[i] === CONST) {
      if (is64(t)) this.emit(OP.const64, dst, this.src[i], this.hi[i]);
      else this.emit(OP.const32, dst, this.src[i]);
      return;
    }
    const from = this.kind[i] === LOCAL ? this.src[i] : this.slot[i];
    if (from !== dst) this.emit(moveOp(t), dst, from);
  }

  /** Writes entry `i` to its canonical register if it is not there yet. */
  private materialize(i: number): void {
    if (this.kind[i] === TEMP) return;
    this.emitMoveTo(this.slot[i], i);
    this.kind[i] = TEMP;
  }

  /** Materializes every entry that reads a local (before code that may run more than once). */
  private materializeLocals(): void {
    for (let i = 0; i < this.h; i++) if (this.readsLocal(i)) this.materialize(i);
  }

  /** True when entry `i` reads a local's register (a `LOCAL` or an `ADDR`). */
  private readsLocal(i: number): boolean {
    return this.kind[i] === LOCAL || this.kind[i] === ADDR;
  }

  /** The register to read entry `i` from, materializing a constant if needed. */
  private operand(i: number): number {
    if (this.kind[i] === LOCAL) return this.src[i];
    if (this.kind[i] === ADDR) this.materialize(i);
    if (this.kind[i] === CONST) {
      const reg = this.constantRegister(i);
      if (reg >= 0) return reg;
      this.materialize(i);
    }
    return this.slot[i];
  }

  /** Pops `n` entries (their registers must already have been read). */
  private pop(n: number): void {
    this.h -= n;
  }

  /** Records that the last instruction wrote the value now on top, at `dstAt` in the code. */
  private produced(dstAt: number): void {
    this.lastDst = dstAt;
    this.lastDstHeight = this.h - 1;
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

  /**
   * A binary op whose right operand the last instruction just loaded: removes
   * the load and emits `fused` (dst, left operand, address, imm, offset), one
   * instruction that loads and computes. `plain` loads have no imm (0).
   */
  private fuseLoadInto(fused: number, resultType: ValType, plain: boolean): void {
    const top = this.h - 1, start = this.lastStart;
    const addr = this.code[start + 2];
    const imm = plain ? 0 : this.code[start + 3], offset = this.code[start + (plain ? 3 : 4)];
    this.removeLast();
    // Materializing the other operand writes only its own register, never the address's.
    const a = this.operand(top - 1);
    this.pop(2);
    const d = this.pushTemp(resultType);
    this.produced(this.emit(fused, d, a, addr, imm, offset) + 1);
    this.mapToLoad(start);
  }

  /**
   * `f64.mul` whose right operand was just loaded (`load64` or `load64_ai`):
   * one instruction that loads and multiplies. False when that does not apply.
   */
  private fuseLoadIntoMul(): boolean {
    const top = this.h - 1;
    const plain = this.justComputedBy(top, OP.load64);
    if (!plain && !this.justComputedBy(top, OP.load64_ai)) return false;
    const start = this.lastStart, first = this.prevStart;
    const plain1 = first >= 0 && this.code[first] === OP.load64;
    if (
      this.kind[top - 1] === TEMP && first >= 0 && first + (plain1 ? 4 : 5) === start &&
      (plain1 || this.code[first] === OP.load64_ai) && this.code[first + 1] === this.slot[top - 1]
    ) {
      // The other operand was loaded just before: both loads go into the multiply. Nothing ran
      // between them, so both address registers still hold their addresses.
      const addr1 = this.code[first + 2], imm1 = plain1 ? 0 : this.code[first + 3];
      const offset1 = this.code[first + (plain1 ? 3 : 4)];
      const addr = this.code[start + 2];
      const imm = plain ? 0 : this.code[start + 3], offset = this.code[start + (plain ? 3 : 4)];
      this.pc = first;
      this.pop(2);
      const d = this.pushTemp(ValType.f64);
      this.produced(
        this.emit(OP.f64_mul_load2, d, addr1, imm1, offset1, addr, imm, offset) + 1,
      );
      this.mapToLoad(first);
      return true;
    }
    this.fuseLoadInto(OP.f64_mul_load, ValType.f64, plain);
    return true;
  }

  /** A v128 load with its own op: dst, address, a folded `i32.add` constant (or 0), offset. */
  private vectorLoad(regOp: number, offset: number): void {
    const ai = this.h - 1;
    const deferred = this.kind[ai] === ADDR;
    const add = !deferred && this.justComputedBy(ai, OP.i32_add_imm) ? this.takeAdd(ai)! : null;
    const addr = deferred ? this.src[ai] : add !== null ? add[1] : this.operand(ai);
    const imm = deferred ? this.hi[ai] : add !== null ? add[2] : 0;
    this.pop(1);
    const d = this.pushTemp(ValType.v128);
    this.produced(this.emit(regOp, d, addr, imm, offset) + 1);
  }

  /**
   * v128.store (`lane` -1) or a lane store: address, value, a folded `i32.add`
   * constant (or 0), offset, and the lane.
   */
  private vectorStore(regOp: number, offset: number, lane: number): void {
    const ai = this.h - 2, vi = this.h - 1;
    const deferred = this.kind[ai] === ADDR;
    // The address's add is the last instruction only if the value needed no code.
    const add = !deferred && this.kind[vi] === LOCAL && this.justComputedBy(ai, OP.i32_add_imm)
      ? this.takeAdd(ai)!
      : null;
    const addr = deferred ? this.src[ai] : add !== null ? add[1] : this.operand(ai);
    const imm = deferred ? this.hi[ai] : add !== null ? add[2] : 0;
    const value = this.operand(vi);
    this.pop(2);
    if (lane < 0) this.emit(regOp, addr, value, imm, offset);
    else this.emit(regOp, addr, value, imm, offset, lane);
  }

  /**
   * `i16x8.add` of a just-loaded `load8x8_u` to a sum that the instruction
   * before computed with `i16x8_add_load8x8_u` (adding up rows of bytes): both
   * loads and adds become one `i16x8_add2_load8x8_u`. False when that does not apply.
   */
  private fuseSecondRowLoad(): boolean {
    const top = this.h - 1, load = this.lastStart, first = this.prevStart;
    if (
      first < 0 || first + 6 !== load || this.code[first] !== OP.i16x8_add_load8x8_u ||
      this.kind[top - 1] !== TEMP || this.code[first + 1] !== this.slot[top - 1] ||
      this.code[load + 2] === this.slot[top - 1]
    ) return false;
    const operands = [
      this.code[first + 2],
      this.code[first + 3],
      this.code[first + 4],
      this.code[first + 5],
      this.code[load + 2],
      this.code[load + 3],
      this.code[load + 4],
    ];
    this.pc = first;
    this.lastStart = this.prevStart = -1;
    this.pop(2);
    const d = this.pushTemp(ValType.v128);
    this.produced(this.emitWords(OP.i16x8_add2_load8x8_u, [d, ...operands]) + 1);
    this.mapToLoad(first);
    return true;
  }

  /**
   * `i32x4.mul` with an operand just widened by `i32x4.extend_{low,high}_i16x8_u`
   * (scaling 16-bit lanes by 32-bit factors): one instruction. The other operand
   * may be a local, or a constant teed into a local after the extend. False
   * when that does not apply.
   */
  private fuseExtendIntoMul(): boolean {
    const top = this.h - 1;
    const fusedFor = (op: number) =>
      op === OP.i32x4_extend_low_i16x8_u
        ? OP.i32x4_extend_low_i16x8_u_mul
        : op === OP.i32x4_extend_high_i16x8_u
        ? OP.i32x4_extend_high_i16x8_u_mul
        : -1;
    let at = -1, other = -1, teed = -1;
    if (this.lastDst >= 0 && this.kind[top] === TEMP && this.lastDstHeight === top) {
      at = this.lastStart; // mul(x, extend(v))
      other = top - 1;
    } else if (this.kind[top] === LOCAL && this.lastDst >= 0 && this.lastDstHeight === top - 1) {
      at = this.lastStart; // mul(extend(v), local)
      other = top;
    } else if (
      this.kind[top] === LOCAL && this.kind[top - 1] === TEMP && this.prevStart >= 0 &&
      this.prevStart + 3 === this.lastStart &&
      this.code[this.prevStart + 1] === this.slot[top - 1] &&
      this.code[this.lastStart + 1] === this.src[top] &&
      (this.code[this.lastStart] === OP.mov128 || this.code[this.lastStart] === OP.const128)
    ) {
      // mul(extend(v), (local.tee k (v128.const))): the constant's move goes first (it reads
      // and writes neither register of the extend, checked below).
      at = this.prevStart;
      other = top;
      teed = this.lastStart;
    }
    if (at < 0 || fusedFor(this.code[at]) < 0) return false;
    const fused = fusedFor(this.code[at]), v = this.code[at + 2], ext = this.code[at + 1];
    if (teed >= 0) {
      const words = this.code.slice(teed, this.pc);
      const dst = words[1];
      if (dst === v || dst === ext || (words[0] === OP.mov128 && words[2] === ext)) return false;
      this.pc = at;
      this.lastStart = this.prevStart = -1;
      this.emitWords(words[0], [...words.subarray(1)]);
    } else this.removeLast();
    // The other operand is a local or the temp below, so reading it emits no code.
    const a = this.operand(other);
    this.pop(2);
    const d = this.pushTemp(ValType.v128);
    this.produced(this.emit(fused, d, v, a) + 1);
    return true;
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
    if (regOp === OP.i32_add) {
      // A running sum of loaded values (sum += a[i]): the load goes into the add.
      for (const [plain, folded, fused] of ADD_OF_LOAD) {
        if (this.justComputedBy(ib, plain) || this.justComputedBy(ib, folded)) {
          this.fuseLoadInto(fused, ValType.i32, this.code[this.lastStart] === plain);
          return;
        }
      }
    }
    const a = this.operand(ia);
    const b = this.operand(ib);
    this.pop(2);
    const d = this.pushTemp(resultType);
    const at = this.emit(regOp, d, a, b);
    this.produced(at + 1);
  }

  private memoryAccess(regOp: number, results: readonly number[], ins: Instruction): void {
    const fused = FUSED_ADDRESS.get(regOp);
    if (results.length === 1) {
      const ai = this.h - 1;
      if (regOp === OP.load32 && this.justComputedBy(ai, OP.i32_shl_add_imm)) {
        // An array element: the scaled index goes into the load.
        const start = this.lastStart, before = this.prevStart;
        const x = this.code[start + 2], shift = this.code[start + 3], imm = this.code[start + 4];
        this.removeLast();
        this.pop(1);
        const d = this.pushTemp(results[0]);
        if (
          before >= 0 && before + 4 === start && this.code[before] === OP.i32_add_imm &&
          this.code[before + 1] === x
        ) {
          // The index was just stepped (stack[--sp]): step and load in one.
          const a = this.code[before + 2], step = this.code[before + 3];
          this.pc = before;
          this.produced(
            this.emit(OP.i32_add_imm_load32_si, x, a, step, d, shift, imm, ins.b) + 4,
          );
          return;
        }
        this.produced(this.emit(OP.load32_si, d, x, shift, imm, ins.b) + 1);
        return;
      }
      if (fused !== undefined && this.kind[ai] === ADDR) {
        const local = this.src[ai], imm = this.hi[ai];
        this.pop(1);
        const d = this.pushTemp(results[0]);
        this.produced(this.emit(fused[0], d, local, imm, ins.b) + 1);
        return;
      }
      const add = fused === undefined ? null : this.takeAdd(ai);
      if (add !== null) {
        this.pop(1);
        const d = this.pushTemp(results[0]);
        const op = add[0] === OP.i32_add_imm ? fused![0] : fused![1];
        this.produced(this.emit(op, d, add[1], add[2], ins.b) + 1);
        return;
      }
      const addr = this.operand(ai);
      const step = regOp === OP.load32
        ? OP.i32_add_imm_load32
        : regOp === OP.load8_u
        ? OP.i32_add_imm_load8_u
        : -1;
      const last = this.lastAddImm();
      if (step >= 0 && last >= 0 && this.code[last + 1] === addr) {
        // The pointer was just stepped (and is kept, e.g. in a local): step and load in one.
        const a = this.code[last + 2], imm = this.code[last + 3];
        this.pop(1);
        const d = this.pushTemp(results[0]);
        this.pc = last;
        this.produced(this.emit(step, addr, a, imm, d, ins.b) + 4);
        return;
      }
      this.pop(1);
      const d = this.pushTemp(results[0]);
      const at = this.emit(regOp, d, addr, ins.b);
      this.produced(at + 1);
    } else {
      // The address's i32.add is still the last instruction only when the
      // value needs no code: a local or a constant. A constant written to its
      // temporary could overwrite a register-form add's second operand (it
      // sat at the same height), so there it must have its own register.
      const ai = this.h - 2, vi = this.h - 1;
      if (fused !== undefined && this.kind[ai] === ADDR) {
        // The value's code (if any) writes only its own register, never the local.
        const local = this.src[ai], imm = this.hi[ai];
        const value = this.operand(vi);
        this.pop(2);
        this.emit(fused[0], local, value, imm, ins.b);
        return;
      }
      const registerForm = this.lastStart >= 0 && this.code[this.lastStart] === OP.i32_add;
      const valueFree = this.kind[vi] === LOCAL ||
        (this.kind[vi] === CONST && (!registerForm || this.constantRegister(vi) >= 0));
      const add = fused === undefined || !valueFree ? null : this.takeAdd(ai);
      if (add !== null) {
        const value = this.operand(this.h - 1);
        this.pop(2);
        const op = add[0] === OP.i32_add_imm ? fused![0] : fused![1];
        this.emit(op, add[1], value, add[2], ins.b);
        return;
      }
      const addr = this.operand(ai);
      const value = this.operand(this.h - 1);
      this.pop(2);
      this.emit(regOp, addr, value, ins.b);
    }
  }

  /**
   * The start of the last instruction if it is an `i32_add_imm` right before
   * the current position with no label since (a peephole may fold it into
   * what follows), else -1.
   */
  private lastAddImm(): number {
    const last = this.lastStart;
    return last >= 0 && last + 4 === this.pc && this.code[last] === OP.i32_add_imm ? last : -1;
  }

  /** Deletes the last emitted instruction (a peephole replaces it with a fused one). */
  private removeLast(): void {
    this.pc = this.lastStart;
    // The instruction before is the last one again (its result is no longer "just computed").
    this.lastStart = this.prevStart;
    this.prevStart = -1;
    this.lastDst = -1;
  }

  /** True when entry `i` is the result of the last instruction, an `op`, with no label since. */
  private justComputedBy(i: number, op: number): boolean {
    return this.kind[i] === TEMP && this.lastDst >= 0 && this.lastDstHeight === i &&
      this.code[this.lastStart] === op;
  }

  /**
   * If entry `i` was just computed by `i32_add_imm` or `i32_add`, removes
   * that instruction and returns its op and operands (a register, and a
   * constant or a second register), for a load or store that adds them itself.
   */
  private takeAdd(i: number): [number, number, number] | null {
    if (this.kind[i] !== TEMP || this.lastDst < 0 || this.lastDstHeight !== i) return null;
    const start = this.lastStart;
    const op = this.code[start];
    if (op !== OP.i32_add_imm && op !== OP.i32_add) return null;
    const a = this.code[start + 2], x = this.code[start + 3];
    this.removeLast();
    return [op, a, x];
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

  /**
   * A loop latch: when the instruction before a (removed) compare was an i32
   * add whose result the compare-and-branch `fused` tests, replaces the add
   * with one op that adds (still writing its result) and branches. Returns
   * the position of the branch target operand, or undefined when the pattern
   * does not apply.
   */
  private fuseLoopLatch(add: number, fused: [number, number, number]): number | undefined {
    if (add < 0 || add + 4 !== this.pc) return undefined;
    const addOp = this.code[add];
    if (addOp !== OP.i32_add_imm && addOp !== OP.i32_add) return undefined;
    if (fused[0] === OP.br_i32_ne && fused[2] === this.code[add + 1]) {
      fused = [fused[0], fused[2], fused[1]]; // n != i is i != n
    }
    if (this.code[add + 1] !== fused[1]) return undefined;
    const kind = LATCH_COMPARES.indexOf(fused[0]);
    if (kind < 0) return undefined;
    const first = addOp === OP.i32_add_imm ? OP.i32_add_imm_br_ne_imm : OP.i32_add_br_ne_imm;
    const d = this.code[add + 1], a = this.code[add + 2], x = this.code[add + 3];
    this.pc = add;
    return this.emit(first + kind, d, a, x, fused[2], -1) + 5;
  }

  /** {@link needsMoves}, ignoring the top `skip` entries (the condition of br_if). */
  private needsMovesBelow(block: Block, skip: number): boolean {
    this.h -= skip;
    const result = this.needsMoves(block);
    this.h += skip;
    return result;
  }

  /**
   * If entry `i` is an i32 comparison the last instruction just computed,
   * removes that instruction and returns the fused branch op and operands
   * that branch when it is true.
   */
  private takeCompare(i: number): [number, number, number] | null {
    if (this.kind[i] !== TEMP || this.lastDst < 0 || this.lastDstHeight !== i) return null;
    const start = this.lastStart;
    const op = this.code[start];
    let fused: number;
    if (op >= OP.i32_eq && op <= OP.i32_ge_u) fused = OP.br_i32_eq + (op - OP.i32_eq);
    else if (op >= OP.i32_eq_imm && op <= OP.i32_ge_u_imm) {
      fused = OP.br_i32_eq_imm + (op - OP.i32_eq_imm);
    } else if (op === OP.i32_eqz) {
      fused = OP.br_i32_eq_imm;
      const a = this.code[start + 2];
      this.removeLast();
      return [fused, a, 0];
    } else return null;
    const a = this.code[start + 2], b = this.code[start + 3];
    this.removeLast();
    return [fused, a, b];
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

/**
 * 1 for the ops that end a basic block for fuel metering: calls, returns and
 * every op with a branch target.
 */
const ENDS_BASIC_BLOCK: Uint8Array = Uint8Array.from(
  OP_SPECS,
  ([, kinds], op) => op <= OP.return64 || kinds.includes("t") ? 1 : 0,
);

/** An empty fixup list, for binding a loop's start (`bindHere` only empties it). */
const NO_FIXUPS: number[] = [];

/** The compare-and-branch ops a loop latch fuses with its add, in the order of the fused ops. */
const LATCH_COMPARES: readonly number[] = [
  OP.br_i32_ne_imm,
  OP.br_i32_lt_s_imm,
  OP.br_i32_lt_u_imm,
  OP.br_i32_ne,
  OP.br_i32_lt_s,
  OP.br_i32_lt_u,
];

/**
 * Loads and stores with their address's `i32.add` folded in, by their plain
 * op: [the form adding a constant, the form adding a register].
 */
const FUSED_ADDRESS: ReadonlyMap<number, readonly [number, number]> = new Map([
  [OP.load32, [OP.load32_ai, OP.load32_aa]],
  [OP.load64, [OP.load64_ai, OP.load64_aa]],
  [OP.load8_u, [OP.load8_u_ai, OP.load8_u_aa]],
  [OP.store32, [OP.store32_ai, OP.store32_aa]],
  [OP.store64, [OP.store64_ai, OP.store64_aa]],
  [OP.store8, [OP.store8_ai, OP.store8_aa]],
]);
/** Loads that an i32.add of their value takes in: [plain load, load_ai, the fused add]. */
const ADD_OF_LOAD: readonly (readonly [number, number, number])[] = [
  [OP.load8_u, OP.load8_u_ai, OP.i32_add_load8_u],
  [OP.load32, OP.load32_ai, OP.i32_add_load32],
];
const OPS_I64_ROTR = 0x8a;

/** The fused compare-and-branch op that branches when the given one does not. */
function negateFused(op: number): number {
  if (op >= OP.br_i32_eq && op <= OP.br_i32_ge_u) {
    return OP.br_i32_eq + NEGATED_COMPARE[op - OP.br_i32_eq];
  }
  return OP.br_i32_eq_imm + NEGATED_COMPARE[op - OP.br_i32_eq_imm];
}
