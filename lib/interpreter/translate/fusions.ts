/**
 * Peepholes over the register code as it is emitted: an address's `i32.add`
 * folded into the load or store that uses it, a load folded into the
 * instruction that uses its value, loop latches (an add, then a
 * compare-and-branch on the sum), and the SIMD superinstructions. Each
 * replaces instructions just emitted, found through the history that
 * `register_code.ts` keeps, and keeps the source map naming the wasm
 * instruction that can trap.
 *
 * @module
 */

import type { Instruction } from "../../binary/instruction.ts";
import { ValType } from "../../binary/types.ts";
import { OP } from "../ops.ts";
import { ADDR, CONST, LOCAL, TEMP, VirtualStack } from "./virtual_stack.ts";

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

/**
 * The instructions a compare with a constant and branch fuse into (see
 * `fuseIntoBranch`), by the op that computed the tested value:
 * [the `== imm` form, the `!= imm` form].
 */
const BRANCH_FORMS: ReadonlyMap<number, readonly [number, number]> = new Map([
  [OP.load32, [OP.load32_br_eq_imm, OP.load32_br_ne_imm]],
  [OP.load8_u, [OP.load8_u_br_eq_imm, OP.load8_u_br_ne_imm]],
  [OP.i32_and_imm, [OP.i32_and_imm_br_eq_imm, OP.i32_and_imm_br_ne_imm]],
]);

/** The extend-and-multiply op that `i32x4.mul` of each widening extend becomes, by the extend. */
const MUL_OF_EXTEND: ReadonlyMap<number, number> = new Map([
  [OP.i32x4_extend_low_i16x8_u, OP.i32x4_extend_low_i16x8_u_mul],
  [OP.i32x4_extend_high_i16x8_u, OP.i32x4_extend_high_i16x8_u_mul],
]);

/** The translator's peepholes (see the module doc), on top of its virtual stack. */
export class Fusions extends VirtualStack {
  /**
   * `i32.add` whose right operand (entry `ib`) was just loaded (a running sum
   * of loaded values, `sum += a[i]`): the load goes into the add. False when
   * that does not apply.
   */
  protected fuseLoadIntoAdd(ib: number): boolean {
    for (const [plain, folded, fused] of ADD_OF_LOAD) {
      if (this.justComputedBy(ib, plain) || this.justComputedBy(ib, folded)) {
        this.fuseLoadInto(fused, ValType.i32, this.code[this.lastStart] === plain);
        return true;
      }
    }
    return false;
  }

  /**
   * `i32.add` of an `i32.shl` by a constant, just computed, and a value in a
   * register (an array element's address, `base + (i << 2)`): one
   * `i32_shl_add`. False when that does not apply.
   */
  protected fuseShiftIntoAdd(ia: number, ib: number): boolean {
    // The other operand must need no code, or the shift would not be the last instruction: a
    // local, or a value computed before the shift.
    let other: number;
    if (this.justComputedBy(ib, OP.i32_shl_imm)) other = ia;
    else if (this.justComputedBy(ia, OP.i32_shl_imm)) other = ib;
    else return false;
    if (this.kind[other] !== LOCAL && this.kind[other] !== TEMP) return false;
    const start = this.lastStart;
    const x = this.code[start + 2], shift = this.code[start + 3];
    this.removeLast();
    const y = this.operand(other);
    this.pop(2);
    const d = this.pushTemp(ValType.i32);
    this.produced(this.emit(OP.i32_shl_add, d, x, shift, y) + 1);
    return true;
  }

  /**
   * A binary op whose right operand the last instruction just loaded: removes
   * the load and emits `fused` (dst, left operand, address, imm, offset), one
   * instruction that loads and computes. `plain` loads have no imm (0).
   */
  protected fuseLoadInto(fused: number, resultType: ValType, plain: boolean): void {
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
  protected fuseLoadIntoMul(): boolean {
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
  protected vectorLoad(regOp: number, offset: number): void {
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
  protected vectorStore(regOp: number, offset: number, lane: number): void {
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
  protected fuseSecondRowLoad(): boolean {
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
   * `i32x4.shr_u` of products that an extend-and-multiply op just computed,
   * by a count in a register (a local or a hoisted constant): one op. False
   * when that does not apply.
   */
  protected fuseShiftIntoExtendMul(): boolean {
    const top = this.h - 1, at = this.lastStart;
    // The count's register: a local's, or a hoisted constant's (reading it emits no code).
    const count = this.kind[top] === LOCAL
      ? this.src[top]
      : this.kind[top] === CONST
      ? this.constantRegister(top)
      : -1;
    if (
      count < 0 || !this.justComputedBy(top - 1, OP.i32x4_extend_low_i16x8_u_mul) &&
        !this.justComputedBy(top - 1, OP.i32x4_extend_high_i16x8_u_mul)
    ) return false;
    const fused = this.code[at] === OP.i32x4_extend_low_i16x8_u_mul
      ? OP.i32x4_extend_low_i16x8_u_mul_shr_u
      : OP.i32x4_extend_high_i16x8_u_mul_shr_u;
    const x = this.code[at + 2], y = this.code[at + 3];
    this.removeLast();
    this.pop(2);
    const d = this.pushTemp(ValType.v128);
    this.produced(this.emit(fused, d, x, y, count) + 1);
    return true;
  }

  /**
   * `i32x4.mul` with an operand just widened by `i32x4.extend_{low,high}_i16x8_u`
   * (scaling 16-bit lanes by 32-bit factors): one instruction. The other operand
   * may be a local, or a constant teed into a local after the extend. False
   * when that does not apply.
   */
  protected fuseExtendIntoMul(): boolean {
    const top = this.h - 1;
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
    const fused = at < 0 ? undefined : MUL_OF_EXTEND.get(this.code[at]);
    if (fused === undefined) return false;
    const v = this.code[at + 2], ext = this.code[at + 1];
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

  protected memoryAccess(regOp: number, results: readonly number[], ins: Instruction): void {
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
      if (regOp === OP.load32 && this.justComputedBy(ai, OP.i32_shl_add)) {
        // An array element through a base in a register: the address's sum goes into the load
        // (into the load's own register, which it writes first).
        const start = this.lastStart;
        const x = this.code[start + 2], shift = this.code[start + 3], y = this.code[start + 4];
        this.removeLast();
        this.pop(1);
        const d = this.pushTemp(results[0]);
        this.produced(this.emit(OP.i32_shl_add_load32, d, x, shift, y, d, ins.b) + 5);
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
      const sum = this.lastStart;
      if (
        regOp === OP.load32 && sum >= 0 && sum + 5 === this.pc &&
        this.code[sum] === OP.i32_shl_add && this.code[sum + 1] === addr
      ) {
        // An array element's address just computed into a local (p = base + (i << 2), then p's
        // fields): the sum, kept, and the load in one.
        const x = this.code[sum + 2], shift = this.code[sum + 3], y = this.code[sum + 4];
        this.pop(1);
        const d = this.pushTemp(results[0]);
        this.pc = sum;
        this.produced(this.emit(OP.i32_shl_add_load32, addr, x, shift, y, d, ins.b) + 5);
        return;
      }
      this.pop(1);
      const d = this.pushTemp(results[0]);
      const first = this.lastStart;
      if (
        regOp === OP.load32 && first >= 0 && first + 4 === this.pc && this.code[first] === regOp
      ) {
        // Two loads in a row (a = p->x; b = p->y): one op, in order.
        const d1 = this.code[first + 1], a1 = this.code[first + 2], o1 = this.code[first + 3];
        this.pc = first;
        this.produced(this.emit(OP.load32x2, d1, a1, o1, d, addr, ins.b) + 4);
        this.mapSecondAccess(first);
        return;
      }
      const at = this.emit(regOp, d, addr, ins.b);
      this.produced(at + 1);
    } else {
      // The address's i32.add is still the last instruction only when the
      // value needs no code: a local or a constant. A constant written to its
      // temporary could overwrite a register-form add's second operand (it
      // sat at the same height), so there it must have its own register.
      const ai = this.h - 2, vi = this.h - 1;
      if (regOp === OP.store32 && this.fuseAddIntoStore(ai, vi, ins.b)) return;
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
   * `i32.store` of a value that an `i32_add_imm` just computed, into a
   * temporary or into the local it is read from (a counter in memory,
   * `x->n + 1`, or `n += 1` then stored): one `i32_add_imm_store32`, which
   * still writes the sum. The address (entry `ai`) must need no code. False
   * when that does not apply.
   */
  protected fuseAddIntoStore(ai: number, vi: number, offset: number): boolean {
    const last = this.lastAddImm();
    if (last < 0) return false;
    const sum = this.code[last + 1];
    const inLocal = this.kind[vi] === LOCAL && this.src[vi] === sum;
    if (!inLocal && !this.justComputedBy(vi, OP.i32_add_imm)) return false;
    const kind = this.kind[ai];
    if (kind !== ADDR && kind !== LOCAL && kind !== TEMP) return false;
    // The fused op reads the address after writing the sum, as the two instructions did.
    const addr = kind === TEMP ? this.slot[ai] : this.src[ai];
    const addImm = kind === ADDR ? this.hi[ai] : 0;
    const a = this.code[last + 2], imm = this.code[last + 3];
    this.pop(2);
    this.pc = last;
    this.emit(OP.i32_add_imm_store32, sum, a, imm, addr, addImm, offset);
    return true;
  }

  /**
   * A compare-and-branch `op` (`br_i32_eq_imm` or `br_i32_ne_imm`, from
   * `takeCompare`, or for a plain `br_if` a test ≠ 0) of register `reg` with
   * `imm`, where the last instruction computed `reg` by a plain `load32` or
   * `load8_u` (`x = p->kind; if (x == K)`, `if (*s)`) or an `i32_and_imm` (a
   * flag test): one op that computes, still writing `reg`, and branches.
   * Returns the position of its target operand, or undefined when that does
   * not apply.
   */
  protected fuseIntoBranch(op: number, reg: number, imm: number): number | undefined {
    const last = this.lastStart;
    if (last < 0 || last + 4 !== this.pc || this.code[last + 1] !== reg) return undefined;
    const forms = BRANCH_FORMS.get(this.code[last]);
    const fused = forms === undefined
      ? -1
      : op === OP.br_i32_eq_imm
      ? forms[0]
      : op === OP.br_i32_ne_imm
      ? forms[1]
      : -1;
    if (fused < 0) return undefined;
    // Both forms: the register, two operands (address and offset, or x and the mask).
    const x = this.code[last + 2], y = this.code[last + 3];
    this.pc = last;
    const at = this.emit(fused, reg, x, y, imm, -1) + 5;
    this.mapAllToLoad(last);
    return at;
  }

  /**
   * A loop latch: when the instruction before a (removed) compare was an i32
   * add whose result the compare-and-branch `fused` tests, replaces the add
   * with one op that adds (still writing its result) and branches. Returns
   * the position of the branch target operand, or undefined when the pattern
   * does not apply.
   */
  protected fuseLoopLatch(add: number, fused: [number, number, number]): number | undefined {
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
}
