/**
 * Validation of function bodies: the algorithm of the spec's appendix
 * "Validation Algorithm", run in one linear pass over the instructions.
 *
 * The validator is driven one decoded instruction at a time so that the
 * interpreter's translator can run the same loop (read → {@link
 * FunctionValidator.step} → translate) and read the operand and control
 * stacks as they are at each instruction:
 *
 * ```ts
 * const v = new FunctionValidator(buildContext(module));
 * const ins = new Instruction();
 * const body = v.begin(funcIndex);
 * const r = new ByteReader(module.bytes, body.start, body.end);
 * while (!r.atEnd()) {
 *   readInstruction(r, ins);
 *   // Operands of `ins` are visible here: v.height, v.typeAt(...), v.frame(0) ...
 *   v.step(ins);
 *   // Results of `ins` are visible here; after `end`/`else`, v.lastClosed.
 * }
 * v.finish();
 * ```
 *
 * Stack storage and control frames are reused from one function to the
 * next; stepping an instruction allocates nothing unless it throws.
 *
 * {@link FunctionValidator.validate} (the module validator's path, which
 * does not need to read the stacks between instructions) decodes and checks
 * the commonest one-byte instructions itself (`fast_path.ts`), blocks,
 * branches and `end` included, and hands every other one, and every error,
 * to the general path above.
 *
 * @module
 */

import { Imm, Op, opName, OPS, PREFIX_FD_RELAXED } from "../binary/opcodes.ts";
import { requireFeature } from "../binary/features.ts";
import {
  BLOCK_EMPTY,
  CatchKind,
  Instruction,
  NEEDS_MEMORY64,
  NEEDS_MULTI_MEMORY,
  readInstruction,
} from "../binary/instruction.ts";
import { ADDRESSED, addressedSignature } from "./address_types.ts";
import { ByteReader } from "../binary/reader.ts";
import {
  type FunctionBody,
  type FuncType,
  isDefaultable,
  isRefType,
  refType,
  TypeKind,
  ValType,
  valTypeName,
} from "../binary/types.ts";
import { blockValType } from "../binary/instruction.ts";
import { funcRefType, matches, type ModuleContext, typeExists } from "./context.ts";
import { typeListText } from "./stacks.ts";
import { GcValidation } from "./gc_validate.ts";
import { type ControlFrame, FrameKind, NO_TYPES, singleType, UNKNOWN } from "./control_frame.ts";
import {
  Fast,
  FAST_ALIGN,
  FAST_KIND,
  lebEnd,
  NOT_MEMORY,
  s32End,
  SMALL_SIGNATURE,
  topIs,
  u32End,
  u32Value,
} from "./fast_path.ts";

/** Stack slots kept free ahead of `#fastRun`: each of its instructions pushes at most this many. */
const FAST_ROOM = 8;

const I32_ONLY = singleType(ValType.i32);
const I64_ONLY = singleType(ValType.i64);
/** `(ref exn)`: what a `catch_ref`/`catch_all_ref` clause passes (never null). */
const EXN_NON_NULL = refType(ValType.exnref, false);

const NO_FUNC_TYPE: FuncType = { params: [], results: [] };

function isNum(t: number): boolean {
  return t === ValType.i32 || t === ValType.i64 || t === ValType.f32 || t === ValType.f64 ||
    t === UNKNOWN;
}

function isVec(t: number): boolean {
  return t === ValType.v128 || t === UNKNOWN;
}

/**
 * Validates function bodies of one module. Create one per module (per
 * {@link ModuleContext}) and call {@link validate}, or drive it with
 * {@link begin}, {@link step} and {@link finish} for each function.
 *
 * Read API (inherited from {@link ValidationStacks}), for code that runs
 * the same loop; all of it is valid between steps:
 * - operand stack: {@link height}, {@link typeAt}, {@link peek};
 * - control stack: {@link depth}, {@link frame}, {@link frameAt},
 *   {@link labelTypes}, {@link unreachable}, {@link lastClosed};
 * - the function: {@link funcIndex}, {@link funcType}, {@link localCount},
 *   {@link localType}.
 */
export class FunctionValidator extends GcValidation {
  /** The module's validation context. */
  readonly ctx: ModuleContext;
  /** Type of the current function. */
  funcType: FuncType = NO_FUNC_TYPE;

  #locals = new Int32Array(64);
  /** 1 for each local that holds a value here (parameters, defaultable locals, set ones). */
  #init = new Uint8Array(64);
  /** The module has a 64-bit memory or table (see `address_types.ts`). */
  #address64: boolean;
  #localCount = 0;
  #ins = new Instruction();

  /**
   * Creates a validator for the functions of one module.
   *
   * @param ctx the module's context (see `buildContext`).
   */
  constructor(ctx: ModuleContext) {
    super();
    this.ctx = ctx;
    this.#address64 = ctx.address64;
  }

  /** Number of locals, parameters included. */
  get localCount(): number {
    return this.#localCount;
  }

  /** Type of local `index` (parameters first). */
  localType(index: number): ValType {
    return this.#locals[index] as ValType;
  }

  // ---- Driving -----------------------------------------------------------

  /** Validates the body of defined function `funcIndex` (imports included in the index). */
  validate(funcIndex: number): void {
    const body = this.begin(funcIndex);
    const bytes = this.ctx.module.bytes;
    const r = new ByteReader(bytes, body.start, body.end);
    const ins = this.#ins;
    // The commonest instructions are decoded and checked by #fastRun, without the general decoder
    // and with the stack heights in local variables (@yowasp/yosys's 31 MB: 380 ms on V8 with the
    // general path alone, 230 ms with a fast path stepping one instruction per call, 145–150 ms
    // with #fastRun's loop; on JavaScriptCore 200 → 115 ms). The last bytes of a body always take
    // the general path, so the fast one reads no further than `fastEnd` + 11 without checking.
    // A module with a 64-bit memory or table types its memory instructions otherwise.
    const fastEnd = this.#address64 ? 0 : body.end - 12;
    let pos = body.start;
    while (pos < body.end) {
      if (pos < fastEnd && this.fp !== 0) {
        pos = this.#fastRun(bytes, pos, fastEnd);
        // Past the fast path's end, or after the body's end: the general path from here on.
        if (pos >= fastEnd || this.fp === 0) continue;
      }
      r.pos = pos;
      readInstruction(r, ins);
      this.step(ins);
      pos = r.pos;
    }
    this.finish();
  }

  /**
   * Validates instructions from `pos` on, up to `fastEnd`, while they are
   * common ones (see {@link FAST_KIND}) whose operands have exactly the
   * expected types, with the stack heights and the innermost frame in local
   * variables. Returns the position of the first instruction it leaves to the
   * general path (having changed nothing for it), or one at or past
   * `fastEnd`, or the position after the body's final `end`.
   */
  #fastRun(bytes: Uint8Array, pos: number, fastEnd: number): number {
    const ctx = this.ctx;
    const locals = this.#locals, init = this.#init, localCount = this.#localCount;
    const frames = this.frames;
    let vals = this.vals, sp = this.sp, fp = this.fp;
    let frame = frames[fp - 1], base = frame.height;
    while (pos < fastEnd) {
      if (sp + FAST_ROOM > vals.length) {
        this.sp = sp;
        this.reserve(FAST_ROOM);
        vals = this.vals;
      }
      const op = bytes[pos];
      switch (FAST_KIND[op]) {
        case Fast.plain:
        case Fast.memory: {
          let next = pos + 1;
          if (FAST_ALIGN[op] !== NOT_MEMORY) {
            // Memory 0 (the flags' bit 6 clear), alignment at most natural, a u32 offset.
            if (bytes[pos + 1] > FAST_ALIGN[op] || ctx.memoryCount === 0) break;
            next = bytes[pos + 2] < 0x80 ? pos + 3 : u32End(bytes, pos + 2);
            if (next === 0) break;
          }
          const signature = SMALL_SIGNATURE[op];
          const top = signature & 0xff, second = (signature >>> 8) & 0xff;
          if (second !== 0) {
            if (sp - base < 2 || vals[sp - 1] !== top || vals[sp - 2] !== second) break;
            sp -= 2;
          } else if (top !== 0) {
            if (sp - base < 1 || vals[sp - 1] !== top) break;
            sp--;
          }
          if (signature >= 0x10000) vals[sp++] = signature >>> 16;
          pos = next;
          continue;
        }
        case Fast.localGet:
        case Fast.localSet:
        case Fast.localTee: {
          // Indices below 2^14 (one or two bytes).
          const b0 = bytes[pos + 1];
          let index = b0, next = pos + 2;
          if (b0 >= 0x80) {
            const b1 = bytes[pos + 2];
            if (b1 >= 0x80) break;
            index = (b0 & 0x7f) | (b1 << 7);
            next = pos + 3;
          }
          if (index >= localCount || init[index] === 0) break;
          const t = locals[index];
          if (op === Op.local_get) vals[sp++] = t;
          else {
            if (t >= 0x100 || sp - base < 1 || vals[sp - 1] !== t) break;
            if (op === Op.local_set) sp--;
          }
          pos = next;
          continue;
        }
        case Fast.i32Const: {
          const next = bytes[pos + 1] < 0x80 ? pos + 2 : s32End(bytes, pos + 1);
          if (next === 0) break;
          vals[sp++] = ValType.i32;
          pos = next;
          continue;
        }
        case Fast.i64Const: {
          // At most 63 bits: no range check to make.
          const next = bytes[pos + 1] < 0x80 ? pos + 2 : lebEnd(bytes, pos + 1, 9);
          if (next === 0) break;
          vals[sp++] = ValType.i64;
          pos = next;
          continue;
        }
        case Fast.call: {
          const next = u32End(bytes, pos + 1);
          if (next === 0) break;
          const index = u32Value(bytes, pos + 1);
          if (index >= ctx.funcTypeIndices.length) break;
          const type = ctx.types[ctx.funcTypeIndices[index]];
          const results = type.results;
          if (!topIs(vals, sp, base, type.params) || results.length > FAST_ROOM) break;
          sp -= type.params.length;
          for (let i = 0; i < results.length; i++) vals[sp++] = results[i];
          pos = next;
          continue;
        }
        case Fast.index: {
          const b0 = bytes[pos + 1];
          const next = b0 < 0x80 ? pos + 2 : u32End(bytes, pos + 1);
          if (next === 0) break;
          const index = b0 < 0x80 ? b0 : u32Value(bytes, pos + 1);
          if (op === Op.global_get || op === Op.global_set) {
            const globals = ctx.globals;
            if (index >= globals.length) break;
            const g = globals[index];
            if (op === Op.global_get) vals[sp++] = g.type;
            else {
              if (!g.mutable || sp - base < 1 || vals[sp - 1] !== g.type) break;
              sp--;
            }
            pos = next;
            continue;
          }
          // br or br_if
          if (index >= fp) break;
          const target = frames[fp - 1 - index];
          const types = target.kind === FrameKind.loop ? target.params : target.results;
          if (op === Op.br_if) {
            if (sp - base < 1 || vals[sp - 1] !== ValType.i32) break;
            if (!topIs(vals, sp - 1, base, types)) break;
            sp--;
          } else {
            if (!topIs(vals, sp, base, types)) break;
            sp = base;
            frame.unreachable = true;
          }
          pos = next;
          continue;
        }
        case Fast.block: {
          // The empty block type or one number type (the general path reads the others).
          const bt = bytes[pos + 1];
          if (bt !== 0x40 && (bt < 0x7c || bt > 0x7f)) break;
          if (op === Op.if) {
            if (sp - base < 1 || vals[sp - 1] !== ValType.i32) break;
            sp--;
          }
          const kind = op === Op.block
            ? FrameKind.block
            : op === Op.loop
            ? FrameKind.loop
            : FrameKind.if;
          this.sp = sp;
          this.fp = fp;
          this.pushCtrl(kind, NO_TYPES, bt === 0x40 ? NO_TYPES : singleType(bt), pos);
          fp++;
          frame = frames[fp - 1];
          base = sp;
          pos += 2;
          continue;
        }
        case Fast.contextual: {
          if (op === Op.end || op === Op.else) {
            // The frame's results exactly; an if without else only when it takes and gives nothing.
            const kind = frame.kind, results = frame.results;
            if (kind > FrameKind.else || this.initLocals.length !== frame.initHeight) break;
            if (sp - base !== results.length || !topIs(vals, sp, base, results)) break;
            if (op === Op.else) {
              if (kind !== FrameKind.if || frame.params.length > FAST_ROOM) break;
              this.lastClosed = frame;
              frame.kind = FrameKind.else;
              frame.unreachable = false;
              sp = base;
              for (let i = 0; i < frame.params.length; i++) vals[sp++] = frame.params[i];
              pos++;
              continue;
            }
            if (kind === FrameKind.if && (results.length !== 0 || frame.params.length !== 0)) break;
            this.lastClosed = frame;
            fp--;
            pos++;
            if (fp === 0) break;
            frame = frames[fp - 1];
            base = frame.height;
            continue;
          }
          if (op === Op.drop) {
            if (sp - base < 1) break;
            sp--;
          } else if (op === Op.select) {
            if (sp - base < 3 || vals[sp - 1] !== ValType.i32) break;
            const t = vals[sp - 2];
            if (t !== vals[sp - 3] || !(isNum(t) || t === ValType.v128) || t === UNKNOWN) break;
            sp -= 2;
          } else if (op === Op.return || op === Op.unreachable) {
            if (op === Op.return && !topIs(vals, sp, base, this.funcType.results)) break;
            sp = base;
            frame.unreachable = true;
          } else if (op !== Op.nop) break;
          pos++;
          continue;
        }
      }
      break;
    }
    this.sp = sp;
    this.fp = fp;
    return pos;
  }

  /**
   * Starts validating the defined function `funcIndex` (an index in the
   * function index space, so at least the number of imported functions) and
   * returns its body. The module validator has checked its type index.
   */
  begin(funcIndex: number): FunctionBody {
    const module = this.ctx.module;
    const body = module.codes[funcIndex - module.importedFunctionCount];
    this.resetStacks(funcIndex);
    const type = this.ctx.types[this.ctx.funcTypeIndices[funcIndex]];
    this.funcType = type;
    const n = type.params.length + body.locals.length;
    if (n > this.#locals.length) {
      this.#locals = new Int32Array(Math.max(n, this.#locals.length * 2));
      this.#init = new Uint8Array(this.#locals.length);
    }
    this.#locals.set(type.params, 0);
    this.#locals.set(body.locals, type.params.length);
    this.#init.fill(1, 0, n);
    for (let i = 0; i < body.locals.length; i++) {
      const t = body.locals[i];
      if (t >= 0x100) {
        if (!typeExists(this.ctx, t)) this.fail(`unknown type in local ${i}`, body.offset);
        if (!isDefaultable(t)) this.#init[type.params.length + i] = 0;
      }
    }
    this.#localCount = n;
    this.pushCtrl(FrameKind.block, NO_TYPES, type.results, body.start);
    return body;
  }

  /** Checks that the body's final `end` has closed the function's frame. */
  finish(): void {
    if (this.fp !== 0) {
      this.fail(
        "END opcode expected",
        this.ctx.module.codes[
          this.funcIndex - this.ctx.module.importedFunctionCount
        ].end,
      );
    }
  }

  /** Validates one instruction and applies its effect to the stacks. */
  step(ins: Instruction): void {
    if (this.fp === 0) this.fail("operators remaining after end of function", ins.offset);
    const op = ins.op;
    const info = OPS[op]!;
    if (this.#address64 && ADDRESSED[op] === 1) {
      // A module with a 64-bit memory or table: the operand types depend on which one.
      this.#checkImmediates(ins, info.imm, info.align, info.lanes);
      const { params, results } = addressedSignature(this.ctx, ins, info);
      this.popExpect(params, ins);
      this.pushTypes(results);
      return;
    }
    const signature = SMALL_SIGNATURE[op];
    if (signature >= 0 && this.popSmall(signature)) {
      // The operands were there, of the right types (most instructions): only the immediates
      // remain to be checked, then the result pushed.
      if (info.imm !== Imm.none) this.#checkImmediates(ins, info.imm, info.align, info.lanes);
      if (signature >= 0x10000) this.push(signature >>> 16);
      return;
    }
    if (info.params !== null) {
      if (op >= PREFIX_FD_RELAXED) {
        requireFeature(this.ctx.module.features, "relaxedSimd", ins.offset);
      }
      if (info.imm !== Imm.none) this.#checkImmediates(ins, info.imm, info.align, info.lanes);
      this.popExpect(info.params, ins);
      this.pushTypes(info.results!);
      return;
    }
    if (op <= Op.local_tee && op >= Op.local_get && ins.a < this.#localCount) {
      // The commonest instructions of all, the same way: the general path reports any error.
      const t = this.#locals[ins.a];
      if (op === Op.local_get) {
        if (this.#init[ins.a] === 0) this.fail(`uninitialized local ${ins.a}`, ins.offset);
        this.push(t);
        return;
      }
      if (t < 0x100 && this.#init[ins.a] === 1 && this.popSmall(t)) {
        if (op === Op.local_tee) this.push(t);
        return;
      }
    }
    this.#stepContextual(ins);
  }

  // ---- Instructions --------------------------------------------------------

  /** Checks the immediates of fixed-signature instructions (indices, alignment, lanes). */
  #checkImmediates(ins: Instruction, imm: number, align: number, lanes: number): void {
    const ctx = this.ctx;
    switch (imm) {
      case Imm.memArg:
        this.#needMemory(ins);
        if (ins.a > align) this.fail("alignment must not be larger than natural", ins.offset);
        return;
      case Imm.atomicMemArg:
        requireFeature(ctx.module.features, "threads", ins.offset);
        this.#needMemory(ins);
        if (ins.a !== align) this.fail("alignment must be equal to natural", ins.offset);
        return;
      case Imm.zeroByte:
        requireFeature(ctx.module.features, "threads", ins.offset);
        return;
      case Imm.memArgLane:
        this.#needMemory(ins);
        if (ins.a > align) this.fail("alignment must not be larger than natural", ins.offset);
        if (ins.c >= lanes) this.fail(`invalid lane index ${ins.c}`, ins.offset);
        return;
      case Imm.lane:
        if (ins.a >= lanes) this.fail(`invalid lane index ${ins.a}`, ins.offset);
        return;
      case Imm.shuffle:
        for (let i = 0; i < 16; i++) {
          if (ins.bytes[i] >= lanes) this.fail(`invalid lane index ${ins.bytes[i]}`, ins.offset);
        }
        return;
      case Imm.memZero:
        this.#needMemory(ins);
        return;
      case Imm.memoryCopy:
        this.#needMemory(ins);
        if (ins.b >= ctx.memoryCount) this.fail(`unknown memory ${ins.b}`, ins.offset);
        return;
      case Imm.memoryInit:
        this.#needMemory(ins);
        this.#needData(ins);
        return;
      case Imm.data:
        this.#needData(ins);
        return;
      case Imm.elem:
        if (ins.a >= ctx.elemTypes.length) {
          this.fail(`unknown elem segment ${ins.a}`, ins.offset);
        }
        return;
      case Imm.tableInit: {
        const table = this.#table(ins.b, ins);
        if (ins.a >= ctx.elemTypes.length) {
          this.fail(`unknown elem segment ${ins.a}`, ins.offset);
        }
        const elem = ctx.elemTypes[ins.a];
        if (!matches(ctx, elem, table)) {
          this.fail(
            `type mismatch: table.init of ${valTypeName(elem)} segment ${ins.a} ` +
              `into ${valTypeName(table)} table ${ins.b}`,
            ins.offset,
          );
        }
        return;
      }
      case Imm.tableCopy: {
        const dst = this.#table(ins.a, ins);
        const src = this.#table(ins.b, ins);
        if (!matches(ctx, src, dst)) {
          this.fail(
            `type mismatch: table.copy from ${valTypeName(src)} table ${ins.b} ` +
              `to ${valTypeName(dst)} table ${ins.a}`,
            ins.offset,
          );
        }
        return;
      }
    }
  }

  /** Instructions whose typing depends on immediates or on the context. */
  #stepContextual(ins: Instruction): void {
    const ctx = this.ctx;
    switch (ins.op) {
      case Op.unreachable:
        this.setUnreachable();
        return;
      case Op.block:
      case Op.loop: {
        const params = this.#blockParams(ins);
        const results = this.#blockResults(ins);
        this.popExpect(params, ins);
        this.pushCtrl(
          ins.op === Op.block ? FrameKind.block : FrameKind.loop,
          params,
          results,
          ins.offset,
        );
        return;
      }
      case Op.if: {
        const params = this.#blockParams(ins);
        const results = this.#blockResults(ins);
        this.popExpect(I32_ONLY, ins);
        this.popExpect(params, ins);
        this.pushCtrl(FrameKind.if, params, results, ins.offset);
        return;
      }
      case Op.else: {
        const f = this.frames[this.fp - 1];
        if (f.kind !== FrameKind.if) this.fail("else without matching if", ins.offset);
        this.checkFrameEnd(f, f.results, ins);
        f.kind = FrameKind.else;
        f.unreachable = false;
        this.#resetInits(f.initHeight);
        this.pushTypes(f.params);
        this.lastClosed = f;
        return;
      }
      case Op.end: {
        const f = this.frames[this.fp - 1];
        this.checkFrameEnd(f, f.results, ins);
        if (f.kind === FrameKind.if) {
          // No else: the implicit empty else-branch must turn the params into the results.
          f.unreachable = false;
          this.pushTypes(f.params);
          this.checkFrameEnd(f, f.results, ins);
        }
        this.fp--;
        this.#resetInits(f.initHeight);
        this.pushTypes(f.results);
        this.lastClosed = f;
        return;
      }
      case Op.br:
        this.popExpect(this.#label(ins.a, ins).labelTypes, ins);
        this.setUnreachable();
        return;
      case Op.br_if: {
        const types = this.#label(ins.a, ins).labelTypes;
        this.popExpect(I32_ONLY, ins);
        this.popExpect(types, ins);
        this.pushTypes(types);
        return;
      }
      case Op.br_table:
        this.#brTable(ins);
        return;
      case Op.return:
        this.popExpect(this.funcType.results, ins);
        this.setUnreachable();
        return;
      case Op.call: {
        if (ins.a >= ctx.funcTypeIndices.length) {
          this.fail(`unknown function ${ins.a}`, ins.offset);
        }
        const type = ctx.types[ctx.funcTypeIndices[ins.a]];
        this.popExpect(type.params, ins);
        this.pushTypes(type.results);
        return;
      }
      case Op.call_indirect: {
        const table = this.#table(ins.b, ins);
        if (!matches(ctx, table, ValType.funcref)) {
          this.fail(
            `type mismatch: call_indirect through ${valTypeName(table)} table ${ins.b}`,
            ins.offset,
          );
        }
        const type = this.funcTypeAt(ins.a, ins);
        this.popExpect(this.#tableIndex(ins.b), ins);
        this.popExpect(type.params, ins);
        this.pushTypes(type.results);
        return;
      }
      case Op.return_call:
      case Op.return_call_indirect: {
        // A tail call: the callee's results become this function's (so must be the same types).
        requireFeature(ctx.module.features, "tailCall", ins.offset);
        let type: FuncType;
        if (ins.op === Op.return_call) {
          if (ins.a >= ctx.funcTypeIndices.length) {
            this.fail(`unknown function ${ins.a}`, ins.offset);
          }
          type = ctx.types[ctx.funcTypeIndices[ins.a]];
        } else {
          const table = this.#table(ins.b, ins);
          if (table !== ValType.funcref) {
            this.fail(
              `type mismatch: return_call_indirect through ${valTypeName(table)} table ${ins.b}`,
              ins.offset,
            );
          }
          if (ins.a >= ctx.types.length) this.fail(`unknown type ${ins.a}`, ins.offset);
          type = ctx.types[ins.a];
          this.popExpect(I32_ONLY, ins);
        }
        const results = this.funcType.results;
        if (
          type.results.length !== results.length || type.results.some((t, i) => t !== results[i])
        ) {
          this.fail(
            `type mismatch: ${opName(ins.op)} of a function returning ${
              typeListText(type.results)
            } ` +
              `in a function returning ${typeListText(results)}`,
            ins.offset,
          );
        }
        this.popExpect(type.params, ins);
        this.setUnreachable();
        return;
      }
      case Op.drop:
        this.popAny(ins);
        return;
      case Op.select: {
        this.popExpect(I32_ONLY, ins);
        const t1 = this.popAny(ins);
        const t2 = this.popAny(ins);
        if (!((isNum(t1) && isNum(t2)) || (isVec(t1) && isVec(t2)))) {
          this.fail(
            `type mismatch: select without type needs numeric or vector operands, got ${
              typeListText([t2, t1])
            }`,
            ins.offset,
          );
        }
        if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) {
          this.fail(
            `type mismatch: select operands differ: ${typeListText([t2, t1])}`,
            ins.offset,
          );
        }
        this.push(t1 === UNKNOWN ? t2 : t1);
        return;
      }
      case Op.select_t: {
        if (ins.count !== 1) this.fail("invalid result arity", ins.offset);
        const t = ins.list[0];
        if (!typeExists(ctx, t)) this.fail(`unknown type in select`, ins.offset);
        this.popExpect(I32_ONLY, ins);
        this.popExpect(singleType(t), ins);
        this.popExpect(singleType(t), ins);
        this.push(t);
        return;
      }
      case Op.local_get:
        this.#local(ins);
        if (this.#init[ins.a] === 0) this.fail(`uninitialized local ${ins.a}`, ins.offset);
        this.push(this.#locals[ins.a]);
        return;
      case Op.local_set:
        this.popExpect(singleType(this.#local(ins)), ins);
        this.#setLocal(ins.a);
        return;
      case Op.local_tee: {
        const t = this.#local(ins);
        this.popExpect(singleType(t), ins);
        this.#setLocal(ins.a);
        this.push(t);
        return;
      }
      case Op.global_get:
        this.push(this.#global(ins).type);
        return;
      case Op.global_set: {
        const g = this.#global(ins);
        if (!g.mutable) this.fail(`global is immutable: global ${ins.a}`, ins.offset);
        this.popExpect(singleType(g.type), ins);
        return;
      }
      case Op.table_get:
        this.#table(ins.a, ins);
        this.popExpect(this.#tableIndex(ins.a), ins);
        this.push(ctx.tables[ins.a].element);
        return;
      case Op.table_set:
        this.#table(ins.a, ins);
        this.popExpect(singleType(ctx.tables[ins.a].element), ins);
        this.popExpect(this.#tableIndex(ins.a), ins);
        return;
      case Op.table_size:
        this.#table(ins.a, ins);
        this.push(this.#tableIndex(ins.a)[0]);
        return;
      case Op.table_grow:
        this.#table(ins.a, ins);
        this.popExpect(this.#tableIndex(ins.a), ins);
        this.popExpect(singleType(ctx.tables[ins.a].element), ins);
        this.push(this.#tableIndex(ins.a)[0]);
        return;
      case Op.table_fill:
        this.#table(ins.a, ins);
        this.popExpect(this.#tableIndex(ins.a), ins);
        this.popExpect(singleType(ctx.tables[ins.a].element), ins);
        this.popExpect(this.#tableIndex(ins.a), ins);
        return;
      case Op.ref_null: {
        const t = refType(ins.a, true);
        if (t !== ValType.funcref && t !== ValType.externref) this.refFeature(t, ins);
        if (!typeExists(ctx, t)) this.fail(`unknown type in ref.null`, ins.offset);
        this.push(t);
        return;
      }
      case Op.throw: {
        requireFeature(ctx.module.features, "exceptions", ins.offset);
        this.popExpect(this.#tagType(ins.a, ins).params, ins);
        this.setUnreachable();
        return;
      }
      case Op.throw_ref:
        requireFeature(ctx.module.features, "exceptions", ins.offset);
        this.popExpect(singleType(ValType.exnref), ins);
        this.setUnreachable();
        return;
      case Op.try_table:
        requireFeature(ctx.module.features, "exceptions", ins.offset);
        this.#tryTable(ins);
        return;
      case Op.try: {
        requireFeature(ctx.module.features, "legacyExceptions", ins.offset);
        const params = this.#blockParams(ins);
        const results = this.#blockResults(ins);
        this.popExpect(params, ins);
        this.pushCtrl(FrameKind.try, params, results, ins.offset);
        return;
      }
      case Op.catch:
      case Op.catch_all: {
        requireFeature(ctx.module.features, "legacyExceptions", ins.offset);
        const f = this.frames[this.fp - 1];
        if (f.kind !== FrameKind.try && f.kind !== FrameKind.catch) {
          this.fail(
            ins.op === Op.catch && f.kind === FrameKind.catchAll
              ? "catch after catch_all"
              : `${opName(ins.op)} without matching try`,
            ins.offset,
          );
        }
        this.checkFrameEnd(f, f.results, ins);
        f.unreachable = false;
        this.#resetInits(f.initHeight);
        if (ins.op === Op.catch) {
          const params = this.#tagType(ins.a, ins).params;
          f.kind = FrameKind.catch;
          this.pushTypes(params);
        } else f.kind = FrameKind.catchAll;
        this.lastClosed = f;
        return;
      }
      case Op.delegate: {
        requireFeature(ctx.module.features, "legacyExceptions", ins.offset);
        const f = this.frames[this.fp - 1];
        if (f.kind !== FrameKind.try) this.fail("delegate without matching try", ins.offset);
        this.checkFrameEnd(f, f.results, ins);
        this.fp--;
        this.#resetInits(f.initHeight);
        // The label is counted from outside the try.
        this.#label(ins.a, ins);
        this.pushTypes(f.results);
        this.lastClosed = f;
        return;
      }
      case Op.rethrow: {
        requireFeature(ctx.module.features, "legacyExceptions", ins.offset);
        const kind = this.#label(ins.a, ins).kind;
        if (kind !== FrameKind.catch && kind !== FrameKind.catchAll) {
          this.fail(`invalid rethrow label ${ins.a}`, ins.offset);
        }
        this.setUnreachable();
        return;
      }
      case Op.ref_is_null: {
        const t = this.popAny(ins);
        if (t !== UNKNOWN && !isRefType(t)) {
          this.fail(
            `type mismatch: ref.is_null expects a reference but got ${valTypeName(t)}`,
            ins.offset,
          );
        }
        this.push(ValType.i32);
        return;
      }
      case Op.ref_func:
        if (ins.a >= ctx.funcTypeIndices.length) {
          this.fail(`unknown function ${ins.a}`, ins.offset);
        }
        if (ctx.declaredRefs[ins.a] === 0) {
          this.fail(`undeclared function reference ${ins.a}`, ins.offset);
        }
        this.push(funcRefType(ctx, ins.a));
        return;
      default:
        if (!this.stepGc(ins)) this.fail(`unsupported instruction ${opName(ins.op)}`, ins.offset);
    }
  }

  /**
   * `br_table`: every label must exist and carry as many values as the
   * default label, and the operands must match each label's types.
   */
  #brTable(ins: Instruction): void {
    this.popExpect(I32_ONLY, ins);
    const expected = this.#label(ins.a, ins).labelTypes;
    const arity = expected.length;
    const list = ins.list;
    for (let i = 0; i < ins.count; i++) {
      const types = this.#label(list[i], ins).labelTypes;
      if (types.length !== arity) {
        this.fail(
          `type mismatch: br_table label ${list[i]} carries ${typeListText(types)} ` +
            `but the default label ${ins.a} carries ${typeListText(expected)}`,
          ins.offset,
        );
      }
      this.checkTop(types, ins);
    }
    this.popExpect(expected, ins);
    this.setUnreachable();
  }

  /**
   * `try_table`: each catch clause's label (counted from outside the
   * try_table) must take what the clause passes it: the tag's parameters,
   * then an exnref for the `_ref` kinds.
   */
  #tryTable(ins: Instruction): void {
    const params = this.#blockParams(ins);
    const results = this.#blockResults(ins);
    const list = ins.list;
    for (let i = 0; i < ins.count; i++) {
      const kind = list[3 * i], label = list[3 * i + 2];
      const tagParams = kind < CatchKind.catchAll ? this.#tagType(list[3 * i + 1], ins).params : [];
      const passed: number[] = [...tagParams];
      if (kind === CatchKind.catchRef || kind === CatchKind.catchAllRef) {
        passed.push(EXN_NON_NULL);
      }
      const expected = this.#label(label, ins).labelTypes;
      if (
        expected.length !== passed.length || expected.some((t, k) => !this.subtype(passed[k], t))
      ) {
        this.fail(
          `type mismatch: catch clause passes ${typeListText(passed)} to label ${label}, ` +
            `which takes ${typeListText(expected)}`,
          ins.offset,
        );
      }
    }
    this.popExpect(params, ins);
    this.pushCtrl(FrameKind.tryTable, params, results, ins.offset);
  }

  /** The type of tag `index` (exception handling). */
  #tagType(index: number, ins: Instruction): FuncType {
    const tags = this.ctx.tagTypeIndices;
    if (index >= tags.length) this.fail(`unknown tag ${index}`, ins.offset);
    return this.ctx.types[tags[index]];
  }

  #blockParams(ins: Instruction): readonly ValType[] {
    const bt = ins.a;
    if (bt < 0) return NO_TYPES;
    return this.funcTypeAt(bt, ins).params;
  }

  #blockResults(ins: Instruction): readonly ValType[] {
    const bt = ins.a;
    if (bt === BLOCK_EMPTY) return NO_TYPES;
    if (bt < 0) {
      const t = blockValType(bt);
      if (!typeExists(this.ctx, t)) this.fail(`unknown type in block type`, ins.offset);
      return singleType(t);
    }
    return this.ctx.types[bt].results;
  }

  /** The function type at type index `index`; fails unless it exists and is a function type. */
  funcTypeAt(index: number, ins: Instruction): FuncType {
    if (index >= this.ctx.types.length) this.fail(`unknown type ${index}`, ins.offset);
    const t = this.ctx.types[index];
    if ((t.kind ?? TypeKind.func) !== TypeKind.func) {
      this.fail(`type mismatch: type ${index} is not a function type`, ins.offset);
    }
    return t;
  }

  /** {@link ValidationStacks.subtype}: the module's subtyping. */
  protected override subtype(a: number, e: number): boolean {
    return matches(this.ctx, a, e);
  }

  /** Records that `local.set`/`local.tee` gave local `index` a value (non-defaultable ones matter). */
  #setLocal(index: number): void {
    if (this.#init[index] === 0) {
      this.#init[index] = 1;
      this.initLocals.push(index);
    }
  }

  /** Forgets the initialisations made inside a frame that ends (or turns to its else). */
  #resetInits(height: number): void {
    const stack = this.initLocals;
    while (stack.length > height) this.#init[stack.pop()!] = 0;
  }

  #label(depth: number, ins: Instruction): ControlFrame {
    if (depth >= this.fp) this.fail(`unknown label ${depth}`, ins.offset);
    return this.frames[this.fp - 1 - depth];
  }

  /** {@link GcValidation.localTypeChecked}. */
  protected localTypeChecked(ins: Instruction): ValType {
    return this.#local(ins);
  }

  #local(ins: Instruction): ValType {
    if (ins.a >= this.#localCount) this.fail(`unknown local ${ins.a}`, ins.offset);
    return this.#locals[ins.a] as ValType;
  }

  #global(ins: Instruction) {
    if (ins.a >= this.ctx.globals.length) this.fail(`unknown global ${ins.a}`, ins.offset);
    return this.ctx.globals[ins.a];
  }

  /** Checks that table `index` exists and returns its element type. */
  #table(index: number, ins: Instruction): ValType {
    if (index >= this.ctx.tables.length) this.fail(`unknown table ${index}`, ins.offset);
    return this.ctx.tables[index].element;
  }

  /** The index type of a (checked) table, as a one-type list: i64 for a 64-bit table. */
  #tableIndex(index: number): readonly ValType[] {
    return this.ctx.tables[index].limits.address64 ? I64_ONLY : I32_ONLY;
  }

  /**
   * Checks the memory an instruction names, and the features its encoding
   * needs (a memory index; an offset beyond a u32, which only a 64-bit
   * memory allows).
   */
  #needMemory(ins: Instruction): void {
    if (ins.needs !== 0) {
      const features = this.ctx.module.features;
      if (ins.needs & NEEDS_MULTI_MEMORY) requireFeature(features, "multiMemory", ins.offset);
      if (ins.needs & NEEDS_MEMORY64) requireFeature(features, "memory64", ins.offset);
    }
    if (ins.memory >= this.ctx.memoryCount) this.fail(`unknown memory ${ins.memory}`, ins.offset);
    if (ins.offsetHi !== 0 && OPS[ins.op]!.imm !== Imm.memZero) {
      const imm = OPS[ins.op]!.imm;
      if (
        (imm === Imm.memArg || imm === Imm.memArgLane || imm === Imm.atomicMemArg) &&
        !this.ctx.memories[ins.memory].limits.address64
      ) this.fail("offset out of range", ins.offset);
    }
  }

  #needData(ins: Instruction): void {
    const n = this.ctx.dataCount;
    if (n === undefined) this.fail("data count section required", ins.offset);
    if (ins.a >= n) this.fail(`unknown data segment ${ins.a}`, ins.offset);
  }
}
