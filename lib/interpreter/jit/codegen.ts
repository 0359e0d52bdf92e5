/**
 * The structured tier's code generator: one WebAssembly function body, read
 * straight from the module's bytes, becomes the source of one JavaScript
 * function whose locals and operand-stack values are JavaScript variables
 * and whose blocks, loops and ifs are labelled JavaScript blocks, loops and
 * ifs. Calls are JavaScript calls of the callee's `direct` function.
 *
 * The generated source is the body of a factory,
 * `new Function("C", "J", "H", "W", source)`, which takes the instance
 * (`C.inst`), the tier's shared state `J` (`state.ts`), the helpers `H`
 * (`runtime_helpers.ts`) and `W` (`wide`, where helpers leave an i64's high
 * word), and returns the function. Nothing of the module but numbers
 * reaches the source: names, strings and data never do.
 *
 * Values (see `values.ts`): an i32 is an int32 number, an i64 two (low,
 * high), an f32 or f64 a number or a NaNBits object. Operand-stack values
 * live in variables named by stack height and kind (`a` i32 or i64 low
 * word, `b` i64 high word, `f` f32, `d` f64); locals are `l` (and `m` for
 * an i64's high word). Functions using v128 or reference values, tables or
 * other instructions this generator does not know return null: they stay
 * with the register interpreter and its first JavaScript tier.
 *
 * Calling convention: the first argument `d` is the stack left to the
 * callee, in units (see `state.ts`); then the parameters, one argument per
 * word (an i64 is two). The first result word is the return value and the
 * rest go to `J.rs[0..]`.
 *
 * @module
 */

import {
  BLOCK_EMPTY,
  blockValType,
  Instruction,
  readInstruction,
} from "../../binary/instruction.ts";
import {
  Imm,
  isAtomicOp,
  isGcOp,
  OPS,
  PREFIX_FD,
  PREFIX_FD_RELAXED,
  simdSubOpcode,
} from "../../binary/opcodes.ts";
import { relaxedSimdAlias } from "../simd/simd_relaxed.ts";
import { NAN_RESULT } from "../translate/deterministic.ts";
import { ByteReader } from "../../binary/reader.ts";
import type { FuncType, ValType } from "../../binary/types.ts";
import { usesWideAddressing } from "../translate/memory_lowering.ts";
import { SIMD_LOWERING, simdImmediates } from "../translate/simd_lowering.ts";
import {
  constantShift,
  floatLoadCheck,
  NAN_BLIND,
  NUMERIC_OPS,
  pureForm,
  type Value,
} from "./numeric_ops.ts";
import { type LoopPath, loopPath } from "./loop_path.ts";
import { condition, jsWords, lanes, local, NO_VALUE, wordsOf } from "./variables.ts";
import { heightDeclarations, OperandStack } from "./operand_stack.ts";
import {
  assembleSource,
  LOAD_BUDGET,
  LOOP_CHECK,
  NAN_CHECK_MARK,
  REFRESH_MARK,
  SAVE_BUDGET,
} from "./source_assembly.ts";
import { type ForwardedCall, forwardedCall } from "./forwarders.ts";
import type { CodegenModule } from "./codegen_module.ts";

export { type CodegenModule, codegenModule } from "./codegen_module.ts";
import { hasSimdKernel } from "./simd_kernels.ts";
import {
  exitMark,
  OUT_MARK,
  Piece,
  PIECE_POS,
  type PieceSource,
  resolveExits,
  scanBody,
  type SplitPolicy,
} from "./pieces.ts";
import { inlineSimd, prepareOperands } from "./simd_inline.ts";
import { constantBounds, SimdFacts } from "./simd_facts.ts";
import { ON_JAVASCRIPTCORE } from "../engine.ts";

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

/** A generated function: the factory's source and its JavaScript stack estimate. */
export interface GeneratedFunction {
  source: string;
  /** Units of stack the function's frame takes (about its JS frame's size in words). */
  frameUnits: number;
  /**
   * A loop entry's parameters: the indices of the locals (parameters
   * included) that the body reads or writes, ascending. Locals the body never
   * names are zero or unused arguments and are not passed.
   */
  entryLocals?: number[];
}

/**
 * True for the instructions that never read a vector on the operand stack
 * (nor leave the straight-line code): SIMD instructions (their operands are
 * handled one by one), scalar numeric instructions, constants, scalar loads
 * and stores, local.get and global.get.
 */
function readsNoVector(op: number): boolean {
  return (op >= PREFIX_FD && !isGcOp(op) && !isAtomicOp(op)) || op === 0x01 || op === 0x20 ||
    op === 0x23 || (op >= 0x28 && op <= 0x3f) || (op >= 0x41 && op <= 0xc4);
}

/** True for the value types the structured tier holds in variables (a v128 in four). */
function supported(t: ValType): boolean {
  return t === I32 || t === I64 || t === F32 || t === F64 || t === V128;
}

/** The kinds of control frame. */
const enum Kind {
  Func,
  Block,
  Loop,
  If,
}

interface Control {
  kind: Kind;
  label: string;
  /** Stack height below the frame's parameters. */
  height: number;
  params: ValType[];
  results: ValType[];
  /** For a loop: true once a call is made in it (outside its inner loops). */
  calls?: boolean;
  /** An if whose else-part leads to a loop entry (see `Generator.#enterPath`). */
  entryInElse?: boolean;
}

/**
 * A line that computes one i32 into a stack variable (group 2): a load, a
 * call, a long expression (group 3, one statement), with what may come
 * before it (`pos`, a host call's caller, the budget's save mark: group 1)
 * and after it (the view's refresh and the budget's load marks, a call past
 * forwarders' `pos`: group 4). See the generator's `#retarget`.
 */
const RETARGETABLE = new RegExp(
  `^((?:pos = \\d+; )?(?:J\\.caller = INST; )?(?:${SAVE_BUDGET})?)(a\\d+) = ` +
    `([^;\ue000-\uf8ff]*);((?:${REFRESH_MARK})?(?:${LOAD_BUDGET})?(?: pos = \\d+;)?)$`,
);

/**
 * Function bodies larger than this (bytes of wasm) stay with the register-code tiers. Past about
 * 12 KB V8 leaves the generated function to Maglev (TurboFan stops at 60 KB of bytecode), which
 * still beat the register-code tiers up to this size (see the README's structured tier section).
 */
const MAX_BODY_BYTES = 40_000;

/**
 * How large functions are split into pieces (see `pieces.ts`), by engine.
 * JavaScriptCore (Bun) optimises a generated function only below about 12
 * KB of wasm (DFG) and 7 KB (FTL); V8's TurboFan below about 12 KB (bigger
 * ones get Maglev at most). On Deno the yosys ALU took 6.01 s split above
 * 12 KB, 6.32 s split only above {@link MAX_BODY_BYTES} (bigger functions
 * were interpreted before), 6.66 s unsplit (medians of 3 interleaved runs;
 * above 8 or 20 KB made no difference). On Bun see `COMPILED_CALL_HEAT_MIN_BYTES`.
 */
const DEFAULT_SPLIT: SplitPolicy = ON_JAVASCRIPTCORE
  ? { above: 6_000, target: 2_000, maxBlock: 4_000, min: 300 }
  : { above: 12_000, target: 4_000, maxBlock: 8_000, min: 300 };

let splitPolicy: SplitPolicy | null = DEFAULT_SPLIT;

/**
 * Sets how functions are split from now on (null: never), returning the
 * policy it replaces; for tests, which split every function into small pieces.
 */
export function setSplitPolicy(policy: SplitPolicy | null): SplitPolicy | null {
  const before = splitPolicy;
  splitPolicy = policy;
  return before;
}

/**
 * The split policy in force, as text: part of a compilation cache's key
 * (`cached_module.ts`), since it changes the generated code.
 */
export function splitPolicyKey(): string {
  return JSON.stringify(splitPolicy);
}

/** The largest body (bytes of wasm) the tier compiles split. */
const MAX_SPLIT_BODY_BYTES = 400_000;

/**
 * The most JavaScript-level words (an i64 two, a v128 four) the tier passes
 * as a function's parameters or results, or as a call's arguments: a call
 * with tens of thousands of arguments overflows the engine's stack (so the
 * structured tier trapped with "call stack exhausted" where the interpreter
 * ran the call). WebAssembly engines limit a function to 1,000 parameters
 * and 1,000 results.
 */
const MAX_CALL_WORDS = 1_000;

/** Most nested blocks, loops and ifs the tier compiles. */
const MAX_NESTING = 200;

/**
 * The deepest operand stack the tier compiles. Compilers' code keeps it
 * shallow (tens of values); a body that piles up thousands of values made
 * the generator's work and its pieces' arguments grow with the square of its
 * size (a 60 KB body of constants took 60 s to generate), and stays with the
 * interpreter, which translates it in linear time.
 */
const MAX_STACK_HEIGHT = 1_000;

/** The JavaScript-level words of the larger of a type's parameters and results. */
function callWords(type: FuncType): number {
  const words = (types: readonly ValType[]) => types.reduce((n, t) => n + jsWords(t), 0);
  return Math.max(words(type.params), words(type.results));
}

class Unsupported extends Error {}

/** Gives up on the function: `why` says what the tier does not handle (for debugging). */
const unsupported = (why = "an instruction it does not compile"): never => {
  throw new Unsupported(why);
};

/**
 * Generates the function with index `funcIndex` (imports included in the
 * numbering), or returns null when it uses what the tier does not handle.
 *
 * With `loopAt`, the byte offset of an outermost `loop` of the body entered
 * with an empty operand stack, it generates instead a **loop entry**: code
 * that starts at that loop's header, with the locals the body names
 * (parameters and declared locals, ascending: `entryLocals`) as its parameters, and
 * runs the rest of the call from there. The interpreter enters it in the
 * middle of a long-running call (`Machine.enterLoop`), so that a program's
 * main loop, which has no next call to be compiled for, gets compiled code.
 */
export function generateFunction(
  cm: CodegenModule,
  funcIndex: number,
  fuel?: ReadonlyMap<number, number>,
  deterministic = false,
  loopAt = -1,
): GeneratedFunction | null {
  try {
    return new Generator(cm, funcIndex, fuel, deterministic, loopAt).generate();
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

class Generator {
  readonly #cm: CodegenModule;
  readonly #index: number;
  readonly #type: FuncType;
  readonly #locals: ValType[];
  /** The operand stack, and the lines being written (the function's, or the open piece's). */
  readonly #stack = new OperandStack();
  readonly #ctl: Control[] = [];
  /** Header lines of the factory (captured functions, globals, constants). */
  readonly #header = new Set<string>();
  #constants = 0;
  /** True once the function calls anything (its entry then spends the interruption budget). */
  #calls = false;
  /** True once the function calls anything outside every loop (its entry then spends the budget). */
  #callsOutsideLoops = false;
  /**
   * True once the function has a loop that calls nothing (outside its inner loops): it then
   * keeps the interruption budget in a local, `bud`, read from `J.budget` at entry and after
   * calls, written back before calls and returns, so that such a loop spends it in a register.
   */
  #loops = false;
  #usesMemory = false;
  /**
   * Float loads' NaN tests (see `floatLoadCheck`), by mark: the test, or "" once the loaded
   * value turned out to feed only arithmetic (`OperandStack.loadChecks` and `popped` hold the
   * marks of the values on the stack and of those just popped).
   */
  readonly #nanChecks = new Map<string, string>();
  /**
   * The calls made past forwarders: the call's offset, then each forwarder's function index and
   * the offset of its call, outermost first (what `J.trap` adds to a trace for them).
   */
  readonly #forwarded: number[][] = [];
  /** Lane bounds of vectors along the current run of SIMD code (see simd_facts.ts). */
  readonly #facts = new SimdFacts();

  /** Metered code: the fuel charged before the instruction at each byte offset (see `fuelCharges`). */
  readonly #fuel: ReadonlyMap<number, number> | undefined;

  /**
   * The deterministic profile: scalar NaNs are canonical here already (a NaN number is the
   * canonical NaN), but SIMD float results are not, so functions with them are declined.
   */
  readonly #deterministic: boolean;

  /**
   * A loop entry (see {@link generateFunction}'s `loopAt`): the byte offset of
   * the `loop` the function starts at, and how each construct around it is
   * entered (`LoopPath`); null for the function itself.
   */
  readonly #entry: { at: number; path: LoopPath; reached: boolean } | null = null;

  /** How this function is split (see `pieces.ts`), or null when it is not. */
  readonly #split: SplitPolicy | null = null;
  /** Sizes of the body's blocks, loops and ifs by offset (when split). */
  #blockSizes = new Map<number, number>();
  /** The piece being written, if any; the function's own lines and heights meanwhile. */
  #piece: Piece | null = null;
  #mainOut: string[] = [];
  #mainHeights = new Map<string, number>();
  /** The finished pieces. */
  readonly #pieces: PieceSource[] = [];
  /** Both forms of each exit mark (see `exitMark`): in the function, and in a piece. */
  readonly #exitForms: { main: string; piece: string }[] = [];
  /** Most stack units a piece's frame takes; most words a piece passes back in `PO` and `PV`. */
  #pieceUnits = 0;
  #outWords = 0;
  #valueWords = 0;
  /** The locals the body names: only they are declared (or, in a loop entry, passed). */
  readonly #usedLocals = new Set<number>();

  constructor(
    cm: CodegenModule,
    funcIndex: number,
    fuel?: ReadonlyMap<number, number>,
    deterministic = false,
    loopAt = -1,
  ) {
    this.#cm = cm;
    this.#index = funcIndex;
    this.#fuel = fuel;
    this.#deterministic = deterministic;
    this.#type = cm.functionTypes[funcIndex];
    const body = cm.module.codes[funcIndex - cm.module.importedFunctionCount];
    this.#locals = [...this.#type.params, ...body.locals];
    for (const t of this.#locals) if (!supported(t)) unsupported("a reference local");
    const size = body.end - body.start;
    if (splitPolicy !== null && size > splitPolicy.above && !this.#locals.includes(V128)) {
      const scan = scanBody(cm.module.bytes, body.start, body.end);
      if (!scan.simd) {
        this.#split = splitPolicy;
        this.#blockSizes = scan.sizes;
      }
    }
    // V8 does not optimise a function over about 60 KB of its bytecode, and unoptimised
    // generated code is no faster than the register interpreter's tier.
    if (size > (this.#split === null ? MAX_BODY_BYTES : MAX_SPLIT_BODY_BYTES)) {
      unsupported("a body over MAX_BODY_BYTES");
    }
    if (loopAt >= 0) {
      const path = loopPath(cm.module.bytes, body.start, body.end, loopAt);
      if (path === null) unsupported("a loop entry inside another loop");
      this.#entry = { at: loopAt, path: path!, reached: false };
    }
    for (const t of this.#type.results) if (!supported(t)) unsupported("a reference result");
    if (callWords(this.#type) > MAX_CALL_WORDS) unsupported("a type over MAX_CALL_WORDS");
  }

  generate(): GeneratedFunction {
    const cm = this.#cm;
    const body = cm.module.codes[this.#index - cm.module.importedFunctionCount];
    const r = new ByteReader(cm.module.bytes, body.start, body.end);
    const ins = new Instruction();
    this.#ctl.push({
      kind: Kind.Func,
      label: "L0",
      height: 0,
      params: [],
      results: [...this.#type.results],
    });
    this.#emit("L0: {");
    // A loop entry: the code before the loop, at each level, is never run (see `#enterPath`).
    if (this.#entry !== null) this.#emit("if (false) {");
    // Instructions after an unconditional branch, up to the end of its block, are skipped;
    // `dead` counts the blocks opened inside the skipped code.
    let dead = -1;
    while (this.#ctl.length > 0) {
      readInstruction(r, ins);
      const op = ins.op;
      if (this.#split !== null && (dead < 0 || (dead === 0 && (op === 0x05 || op === 0x0b)))) {
        this.#pieceBoundary(ins, dead >= 0);
      }
      const charge = this.#fuel?.get(ins.offset);
      if (charge !== undefined) {
        this.#emit(`pos = ${ins.offset}; if ((J.fuel -= ${charge}) < 0) J.outOfFuel(${charge});`);
      }
      if (dead >= 0) {
        // Exception handling stays with the register-code tiers, in dead code too (its blocks).
        if ((op >= 0x06 && op <= 0x0a) || op === 0x18 || op === 0x19 || op === 0x1f) {
          unsupported("exception handling");
        }
        if (op === 0x02 || op === 0x03 || op === 0x04) dead++;
        else if (op === 0x0b && dead > 0) dead--;
        else if ((op === 0x05 || op === 0x0b) && dead === 0) {
          dead = -1;
          this.#control(ins);
        }
        continue;
      }
      const widths = this.#cm.widths;
      if (widths !== null && usesWideAddressing(ins, widths.memory64, widths.table64)) {
        unsupported("a memory other than 0, or a 64-bit memory or table");
      }
      // Vectors held in another form (simd_facts.ts) become words before other code reads them.
      if (this.#facts.lazy && !readsNoVector(op)) {
        const at = this.#stack.out.length;
        this.#emit(this.#facts.materializeAll());
        this.#facts.skip(at, this.#stack.out.length);
      }
      if (this.#instruction(ins)) dead = 0;
      if (this.#stack.types.length > MAX_STACK_HEIGHT) unsupported("a stack over MAX_STACK_HEIGHT");
    }
    if (this.#entry !== null && !this.#entry.reached) unsupported("an unreachable loop entry");
    return this.#finish();
  }

  /** Emits one instruction; true when the code after it is unreachable. */
  #instruction(ins: Instruction): boolean {
    const op = ins.op;
    switch (op) {
      case 0x00: // unreachable
        this.#emit(`pos = ${ins.offset}; H.trap("unreachable");`);
        return true;
      case 0x01: // nop
        return false;
      case 0x02: // block
      case 0x03: // loop
      case 0x04: // if
      case 0x05: // else
      case 0x0b: // end
        this.#control(ins);
        return false;
      case 0x0c: // br
        this.#stack.writeAll();
        this.#emit(this.#branch(ins.a));
        return true;
      case 0x0d: { // br_if
        const c = this.#stack.pop(I32);
        this.#stack.writeAll();
        this.#emit(`if (${condition(c)}) { ${this.#branch(ins.a)} }`);
        return false;
      }
      case 0x0e: { // br_table
        const c = this.#stack.pop(I32);
        this.#stack.writeAll();
        const cases = new Map<number, number[]>();
        for (let i = 0; i < ins.count; i++) {
          const list = cases.get(ins.list[i]) ?? [];
          list.push(i);
          cases.set(ins.list[i], list);
        }
        cases.delete(ins.a);
        const lines = [`switch (${c.v}) {`];
        for (const [depth, values] of cases) {
          lines.push(`${values.map((v) => `case ${v}:`).join(" ")} { ${this.#branch(depth)} }`);
        }
        lines.push(`default: { ${this.#branch(ins.a)} }`, "}");
        this.#emit(lines.join("\n"));
        return true;
      }
      case 0x0f: // return
        this.#stack.writeAll();
        this.#emit(this.#returnCode(this.#stack.types.length - this.#type.results.length));
        return true;
      case 0x10: { // call
        // A forwarder's callee is called directly, unless the code is metered (the forwarder's
        // own instructions cost fuel). Its frames are kept for traces (see `#forwarded`).
        const forwarded = this.#fuel === undefined ? this.#forwardedCall(ins.a) : null;
        if (forwarded === null) {
          this.#call(ins, this.#cm.functionTypes[ins.a], `fn${ins.a}`, ins.a);
          return false;
        }
        const site = -2 - this.#forwarded.length;
        this.#forwarded.push([
          ins.offset,
          ...forwarded.wrappers.flatMap((w) => [w.index, w.callAt]),
        ]);
        const target = forwarded.target;
        this.#call(ins, this.#cm.functionTypes[target], `fn${target}`, target, site);
        return false;
      }
      case 0x11: { // call_indirect
        const type = this.#cm.module.types[ins.a];
        const index = this.#stack.pop(I32);
        this.#header.add(`const T${ins.b} = INST.tables[${ins.b}];`);
        // The type's interned id is the instance's (as the interpreter reads it): ids are numbered
        // in the order a process first meets each type, and generated code is cached across them.
        this.#header.add(`const TY${ins.a} = INST.typeIds[${ins.a}];`);
        this.#emit(
          `pos = ${ins.offset}; const callee${ins.offset} = J.callee(T${ins.b}, ${index.v}, TY${ins.a});`,
        );
        this.#call(ins, type, `callee${ins.offset}`, -1);
        return false;
      }
      case 0x1a: // drop
        this.#stack.drop();
        return false;
      case 0x1b: // select
      case 0x1c: { // select t
        if (op === 0x1c && (ins.count !== 1 || !supported(ins.list[0] as ValType))) unsupported();
        const c = this.#stack.pop(I32);
        const t = this.#stack.types[this.#stack.types.length - 1];
        const b = this.#stack.pop(t), a = this.#stack.pop(t);
        const r = this.#stack.push(t);
        // An i64 is selected without a branch, through a mask of the condition (as a native select
        // is a conditional move: compilers emit select where a branch would mispredict); hash64
        // ran a fifth faster so. An i32 or float is a conditional expression, which the JITs
        // compile well (a mask made utf8's i32 selects slower).
        const mask = `const c = ${c.v}, k = (c | (0 - c)) >> 31;`;
        // An i64 is never deferred, so `a` is in the result's variables already.
        if (t === I64) {
          this.#emit(
            `{ ${mask} ${r.v} = (${r.v} & k) | (${b.v} & ~k); ${r.h} = (${r.h} & k) | (${b.h} & ~k); }`,
          );
        } else if (t === V128) this.#emit(`if (!(${condition(c)})) { ${this.#move(t, r, b)} }`);
        else this.#emit(`${r.v} = (${condition(c)}) ? ${a.v} : ${b.v};`);
        return false;
      }
      case 0x20: { // local.get
        this.#usedLocals.add(ins.a);
        this.#piece?.locals.add(ins.a);
        const t = this.#locals[ins.a];
        if (t === V128) this.#moveV128(this.#stack.push(t), local(ins.a));
        else if (t === I64) this.#emit(this.#move(t, this.#stack.push(t), local(ins.a)));
        else this.#stack.pushDeferred(t, `l${ins.a}`, null, [`l${ins.a}`]);
        return false;
      }
      case 0x21: // local.set
      case 0x22: { // local.tee
        this.#usedLocals.add(ins.a);
        this.#piece?.locals.add(ins.a);
        this.#piece?.written.add(ins.a);
        const t = this.#locals[ins.a];
        const v = this.#stack.pop(t);
        const l = local(ins.a);
        const lines = this.#stack.out.length;
        this.#stack.beforeWrite(l.v);
        if (t === I64) this.#stack.beforeWrite(l.h);
        if (t === V128) this.#moveV128(l, v);
        else if (t !== I32 || lines !== this.#stack.out.length || !this.#retarget(v, l.v)) {
          this.#emit(this.#move(t, l, v));
        }
        if (op === 0x22) {
          if (t === V128) this.#moveV128(this.#stack.push(t), l);
          else if (t === I64) this.#emit(this.#move(t, this.#stack.push(t), l));
          else this.#stack.pushDeferred(t, l.v, null, [l.v]);
        }
        return false;
      }
      case 0x23: // global.get
      case 0x24: { // global.set
        const t = this.#cm.globalTypes[ins.a];
        if (!supported(t)) unsupported();
        const g = `g${ins.a}`;
        this.#header.add(`const ${g} = INST.globals[${ins.a}].bits;`);
        if (op === 0x23) {
          const r = this.#stack.push(t);
          this.#emit(
            t === I32
              ? `${r.v} = ${g}[0];`
              : t === I64
              ? `${r.v} = ${g}[0]; ${r.h} = ${g}[1];`
              : t === F32
              ? `${r.v} = H.f32FromBits(${g}[0]);`
              : t === F64
              ? `${r.v} = H.f64FromBits(${g}[0], ${g}[1]);`
              : lanes(r).map((w, k) => `${w} = ${g}[${k}];`).join(" "),
          );
        } else {
          const v = this.#stack.pop(t);
          this.#emit(
            t === I32
              ? `${g}[0] = ${v.v};`
              : t === I64
              ? `${g}[0] = ${v.v}; ${g}[1] = ${v.h};`
              : t === F32
              ? `${g}[0] = H.f32Bits(${v.v});`
              : t === F64
              ? `${g}[0] = H.f64Bits(${v.v}); ${g}[1] = W.hi;`
              : lanes(v).map((w, k) => `${g}[${k}] = ${w};`).join(" "),
          );
        }
        return false;
      }
      case 0x3f: { // memory.size
        this.#usesMemory = true;
        const r = this.#stack.push(I32);
        this.#emit(`${r.v} = M0.pages;`);
        return false;
      }
      case 0x40: { // memory.grow
        this.#usesMemory = true;
        const n = this.#stack.pop(I32);
        const r = this.#stack.push(I32);
        this.#emit(`${r.v} = M0.grow(${n.v} >>> 0); mem = M0.view;`);
        return false;
      }
      case 0x41: { // i32.const
        this.#stack.pushDeferred(I32, ins.a < 0 ? `(${ins.a})` : `${ins.a}`, null, []);
        return false;
      }
      case 0x42: { // i64.const
        const r = this.#stack.push(I64);
        this.#emit(`${r.v} = ${ins.a}; ${r.h} = ${ins.b};`);
        this.#stack.i64Constants[this.#stack.types.length - 1] = ins.a;
        return false;
      }
      case 0x43: // f32.const
      case 0x44: { // f64.const
        const t = op === 0x43 ? F32 : F64;
        this.#stack.pushDeferred(t, `(${this.#floatConstant(t, ins.a, ins.b)})`, null, []);
        return false;
      }
      case 0x108: { // memory.init
        this.#usesMemory = true;
        const n = this.#stack.pop(I32), s = this.#stack.pop(I32), d = this.#stack.pop(I32);
        this.#emit(
          `pos = ${ins.offset}; H.memoryInit(M0, INST.data[${ins.a}], ${d.v}, ${s.v}, ${n.v});`,
        );
        return false;
      }
      case 0x109: // data.drop
        this.#emit(`INST.data[${ins.a}] = H.EMPTY_BYTES;`);
        return false;
      case 0x10a: { // memory.copy
        this.#usesMemory = true;
        const n = this.#stack.pop(I32), s = this.#stack.pop(I32), d = this.#stack.pop(I32);
        this.#emit(`pos = ${ins.offset}; H.memoryCopy(M0, ${d.v}, ${s.v}, ${n.v});`);
        return false;
      }
      case 0x10b: { // memory.fill
        this.#usesMemory = true;
        const n = this.#stack.pop(I32), v = this.#stack.pop(I32), d = this.#stack.pop(I32);
        this.#emit(`pos = ${ins.offset}; H.memoryFill(M0, ${d.v}, ${v.v}, ${n.v});`);
        return false;
      }
    }
    // Atomics (threads) stay with the register-code tiers.
    if (isAtomicOp(op)) return unsupported(OPS[op]?.name ?? `op ${op}`);
    if (op >= PREFIX_FD && !isGcOp(op)) {
      this.#simd(ins);
      return false;
    }
    const info = OPS[op];
    if (op >= 0x86 && op <= 0x8a) { // i64.shl, shr_s, shr_u, rotl, rotr
      const count = this.#stack.i64Constants[this.#stack.types.length - 1];
      if (count !== null && count !== undefined) {
        this.#stack.pop(I64);
        const a = this.#stack.pop(I64);
        this.#emit(constantShift(op, a, this.#stack.push(I64), count & 63));
        return false;
      }
    }
    const spec = info && NUMERIC_OPS[info.name];
    if (!info || !spec || !info.params || !info.results) {
      return unsupported(info?.name ?? `op ${op}`);
    }
    const operands: Value[] = [];
    this.#stack.popped = [];
    for (let i = info.params.length - 1; i >= 0; i--) {
      operands[i] = this.#stack.pop(info.params[i] as ValType);
    }
    // A loaded float that only feeds arithmetic needs no NaN test: its payload is never seen.
    if (NAN_BLIND.has(info.name)) {
      for (const mark of this.#stack.popped) {
        this.#nanChecks.set(mark, "");
      }
    }
    const resultType = info.results[0] as ValType | undefined;
    const pure = resultType !== undefined && resultType !== I64 ? pureForm(info.name) : null;
    if (pure !== null) {
      const expr = pure.expr(operands), bool = pure.bool?.(operands) ?? null;
      this.#stack.pushDeferred(resultType!, expr, bool, pure.reads(operands));
      return false;
    }
    const result = resultType !== undefined ? this.#stack.push(resultType) : NO_VALUE;
    if (info.imm === 9 /* memArg */) this.#usesMemory = true;
    let code = spec.code(operands, result, ins.b >>> 0);
    if (info.name === "f32.load" || info.name === "f64.load") {
      const check = floatLoadCheck(result, info.name === "f32.load" ? "loadF32" : "loadF64");
      const mark = `${NAN_CHECK_MARK}${this.#nanChecks.size}\ue001`;
      this.#nanChecks.set(mark, check);
      this.#stack.loadChecks[this.#stack.types.length - 1] = mark;
      code = code.replace(check, mark);
    }
    this.#emit(spec.traps ? `pos = ${ins.offset}; ${code}` : code);
    return false;
  }

  /**
   * A SIMD instruction: inline code on the vectors' words where
   * `simd_inline.ts` has it, else the instruction's kernel (`simd_kernels.ts`)
   * on the scratch registers.
   */
  #simd(ins: Instruction): void {
    // Relaxed SIMD equal to a 2.0 instruction runs as it (see simd/simd_relaxed.ts).
    if (ins.op >= PREFIX_FD_RELAXED && relaxedSimdAlias(ins.op) >= 0) {
      ins.op = relaxedSimdAlias(ins.op);
    }
    const op = ins.op;
    const info = OPS[op];
    this.#facts.sync(this.#stack.out.length);
    if (this.#deterministic && NAN_RESULT[op] !== 0) {
      unsupported("SIMD float arithmetic (deterministic)");
    }
    if (op === PREFIX_FD + 0x0c) { // v128.const
      const w = new DataView(ins.bytes.buffer, ins.bytes.byteOffset, 16);
      const v = this.#stack.push(V128), words = [0, 1, 2, 3].map((k) => w.getInt32(4 * k, true));
      this.#emit(lanes(v).map((x, k) => `${x} = ${words[k]};`).join(" "));
      this.#facts.set(v.v, constantBounds(words));
      this.#facts.done(this.#stack.out.length);
      return;
    }
    const regOp = SIMD_LOWERING[simdSubOpcode(op)];
    if (!info?.params || !info.results || regOp < 0 || !hasSimdKernel(regOp)) return unsupported();
    const params = info.params as ValType[];
    const operands: Value[] = [];
    for (let i = params.length - 1; i >= 0; i--) operands[i] = this.#stack.pop(params[i]);
    const resultType = info.results[0] as ValType | undefined;
    const result = resultType !== undefined ? this.#stack.push(resultType) : NO_VALUE;
    const memory = info.imm === Imm.memArg || info.imm === Imm.memArgLane;
    if (memory) this.#usesMemory = true;
    const form = prepareOperands(
      info.name,
      operands,
      this.#facts,
      (c) => this.#emit(c),
      (line, c) => this.#stack.out[line] = c,
    );
    const inline = inlineSimd(info.name, operands, result, ins, this.#facts, form);
    if (inline !== null) {
      this.#emit(memory ? `pos = ${ins.offset}; ${inline}` : inline);
      this.#facts.done(this.#stack.out.length);
      return;
    }
    // Operands into the scratch registers (see simd_kernels.ts), the kernel, the result out.
    const R = "H.SIMD_R";
    const words: number[] = resultType !== undefined ? [0] : [];
    const stores: string[] = [];
    operands.forEach((v, i) => {
      const at = 4 + 4 * i;
      words.push(at);
      const t = params[i];
      if (t === V128) lanes(v).forEach((w, k) => stores.push(`${R}[${at + k}] = ${w};`));
      else if (t === I32) stores.push(`${R}[${at}] = ${v.v};`);
      else if (t === I64) stores.push(`${R}[${at}] = ${v.v}; ${R}[${at + 1}] = ${v.h};`);
      else if (t === F32) stores.push(`${R}[${at}] = H.f32Bits(${v.v});`);
      else stores.push(`${R}[${at}] = H.f64Bits(${v.v}); ${R}[${at + 1}] = W.hi;`);
    });
    // (The loads and stores whose register ops fold an address add are always inline.)
    words.push(...simdImmediates(ins, regOp));
    const kernel = `K${this.#constants++}`;
    this.#header.add(`const ${kernel} = H.simdKernel(${regOp}, [${words.join(", ")}]);`);
    const call = `${kernel}(INST, ${memory ? "mem" : "null"});`;
    let load = "";
    if (resultType === V128) load = lanes(result).map((w, k) => `${w} = ${R}[${k}];`).join(" ");
    else if (resultType === I32) load = `${result.v} = ${R}[0];`;
    else if (resultType === I64) load = `${result.v} = ${R}[0]; ${result.h} = ${R}[1];`;
    else if (resultType === F32) load = `${result.v} = H.f32FromBits(${R}[0]);`;
    else if (resultType === F64) load = `${result.v} = H.f64FromBits(${R}[0], ${R}[1]);`;
    this.#emit(`pos = ${ins.offset}; ${stores.join(" ")} ${call} ${load}`);
  }

  /** block, loop, if, else, end. */
  #control(ins: Instruction): void {
    const op = ins.op;
    this.#stack.keepLoadChecks();
    // Branches move values into stack variables: after a block boundary, none is known constant.
    this.#stack.i64Constants.length = 0;
    if (op === 0x05) { // else
      this.#stack.writeAll();
      const c = this.#ctl[this.#ctl.length - 1];
      this.#stack.resetTo(c.height, c.params);
      this.#emit("} else {");
      if (c.entryInElse) this.#emit("if (false) {");
      return;
    }
    if (op === 0x0b) { // end
      this.#stack.writeAll();
      const c = this.#ctl.pop()!;
      if (c.kind === Kind.Loop && !c.calls) this.#loops = true;
      this.#stack.resetTo(c.height, c.results);
      if (c.kind === Kind.Loop) this.#emit(`break ${c.label};`);
      this.#emit("}");
      if (c.kind === Kind.Func) this.#emit(this.#returnCode(0));
      return;
    }
    const [params, results] = this.#blockType(ins.a);
    let cond: Value | null = null;
    if (op === 0x04) cond = this.#stack.pop(I32);
    this.#stack.writeAll();
    const height = this.#stack.types.length - params.length;
    // JavaScript parsers recurse on nested blocks; deeper code stays with the interpreter.
    if (this.#ctl.length > MAX_NESTING) unsupported("nesting over MAX_NESTING");
    const label = `L${this.#ctl.length}`;
    const kind = op === 0x02 ? Kind.Block : op === 0x03 ? Kind.Loop : Kind.If;
    const control: Control = { kind, label, height, params, results };
    this.#ctl.push(control);
    const side = this.#entry?.path.get(ins.offset) ?? (this.#entry?.at === ins.offset ? 0 : -1);
    if (side >= 0) {
      this.#enterPath(control, side);
      return;
    }
    if (kind === Kind.Block) this.#emit(`${label}: {`);
    else if (kind === Kind.Loop) {
      this.#emit(`${label}: for (;;) {`, LOOP_CHECK);
    } else this.#emit(`${label}: if (${condition(cond!)}) {`);
  }

  /**
   * A loop entry's way in, at `control`, which contains (`side` 1: in an
   * if's then-part, 2: in its else-part, 0: anywhere else) or is the loop
   * it starts at. The code before it in the enclosing construct is in an
   * `if (false)` (kept, since its branches need the labels around them),
   * and so is the code before its child on the way in. Nothing branches
   * back into that code: the constructs around the loop are blocks and ifs.
   */
  #enterPath(control: Control, side: number): void {
    // The locals are all the state there is at the loop (an empty operand stack).
    if (this.#stack.types.length !== 0 || control.params.length !== 0) unsupported("a loop entry");
    this.#emit("}");
    const label = control.label;
    if (control.kind === Kind.Loop) {
      this.#entry!.reached = true;
      this.#emit(`${label}: for (;;) {`, LOOP_CHECK);
    } else if (control.kind === Kind.Block) this.#emit(`${label}: {`, "if (false) {");
    else if (side === 1) this.#emit(`${label}: if (true) {`, "if (false) {");
    else {
      control.entryInElse = true;
      this.#emit(`${label}: if (false) {`);
    }
  }

  #blockType(a: number): [ValType[], ValType[]] {
    if (a === BLOCK_EMPTY) return [[], []];
    if (a < 0) {
      const t = blockValType(a);
      if (!supported(t)) unsupported();
      return [[], [t]];
    }
    const type = this.#cm.module.types[a];
    for (const t of [...type.params, ...type.results]) if (!supported(t)) unsupported();
    return [[...type.params], [...type.results]];
  }

  /** A branch to the label `depth` frames out: moves of its values, then break, continue or return. */
  #branch(depth: number): string {
    this.#stack.keepLoadChecks();
    const target = this.#ctl[this.#ctl.length - 1 - depth];
    if (target.kind === Kind.Func) {
      return this.#returnCode(this.#stack.types.length - this.#type.results.length);
    }
    const types = target.kind === Kind.Loop ? target.params : target.results;
    const from = this.#stack.types.length - types.length;
    const moves: string[] = [];
    for (let i = 0; i < types.length; i++) {
      if (from + i === target.height + i) continue;
      moves.push(
        this.#move(
          types[i],
          this.#stack.variable(target.height + i, types[i]),
          this.#stack.variable(from + i, types[i]),
        ),
      );
    }
    const jump = target.kind === Kind.Loop ? "continue" : "break";
    const text = `${moves.join(" ")} ${jump} ${target.label};`;
    const piece = this.#piece, index = this.#ctl.length - 1 - depth;
    if (piece === null || index >= piece.depth) return text;
    // Out of the piece: its values go back through PV, and the function takes the branch.
    const exit = piece.exit(index, types);
    const values = types.flatMap((t, i) => wordsOf(t, this.#stack.variable(target.height + i, t)))
      .map((w, j) => `PV[${j}] = ${w}; `).join("");
    return this.#exitMark(
      text,
      `${moves.join(" ")} ${values}${OUT_MARK}${SAVE_BUDGET}return ${exit.code};`,
    );
  }

  /** A mark standing for a branch or return inside a piece (see `exitMark`). */
  #exitMark(main: string, piece: string): string {
    this.#exitForms.push({ main, piece });
    return exitMark(this.#exitForms.length - 1);
  }

  /** Returns the function's results, found at stack heights from `from` on. */
  #returnCode(from: number): string {
    this.#stack.keepLoadChecks();
    const words: string[] = [];
    this.#type.results.forEach((t, i) =>
      words.push(...wordsOf(t, this.#stack.variable(from + i, t)))
    );
    const rest = words.slice(1).map((w, i) => `J.rs[${i}] = ${w}; `).join("");
    const text = `${rest}${SAVE_BUDGET}return${words.length > 0 ? ` ${words[0]}` : ""};`;
    if (this.#piece === null) return text;
    // In a piece: the first word goes back through PV, and the function returns it.
    this.#piece.returns = true;
    const first = words.length > 0 ? `PV[0] = ${words[0]}; ` : "";
    return this.#exitMark(text, `${rest}${first}${OUT_MARK}${SAVE_BUDGET}return -1;`);
  }

  /** {@link forwardedCall} of the module, once per callee. */
  #forwardedCall(index: number): ForwardedCall | null {
    const known = this.#cm.forwards.get(index);
    if (known !== undefined) return known;
    const found = forwardedCall(this.#cm.module, this.#cm.functionTypes, index);
    this.#cm.forwards.set(index, found);
    return found;
  }

  /**
   * A call of a function of `type` through `callee.direct` (`index` ≥ 0: a
   * direct call). `site` is what `pos` holds during the call: the call's
   * offset, or for a call past forwarders the index of its entry in
   * {@link #forwarded}, as -2 - index.
   */
  #call(ins: Instruction, type: FuncType, callee: string, index: number, site = ins.offset): void {
    this.#calls = true;
    const loop = this.#ctl.findLast((c) => c.kind === Kind.Loop);
    if (loop) loop.calls = true;
    else this.#callsOutsideLoops = true;
    for (const t of [...type.params, ...type.results]) if (!supported(t)) unsupported();
    if (callWords(type) > MAX_CALL_WORDS) unsupported("a call over MAX_CALL_WORDS");
    const args: string[] = [];
    for (let i = type.params.length - 1; i >= 0; i--) {
      args.unshift(...wordsOf(type.params[i], this.#stack.pop(type.params[i])));
    }
    // A call of itself goes straight to this compiled function (what `direct` of its own
    // instance is; a piece cannot name it); others read `direct` at each call, as the callee
    // may be compiled later.
    const self = index === this.#index && this.#entry === null && this.#piece === null;
    if (index >= 0 && !self) this.#header.add(`const ${callee} = INST.functions[${index}];`);
    // Host functions see their caller's instance (imports and table entries may be host functions).
    const isImport = index >= 0 && index < this.#cm.module.importedFunctionCount;
    const caller = index < 0 || isImport ? "J.caller = INST; " : "";
    const list = ["d", ...args].join(", ");
    const call = self ? `w${this.#index}(${list})` : `${callee}.direct(${list})`;
    const results = type.results.map((t) => this.#stack.push(t));
    const words: string[] = [];
    results.forEach((r, i) => words.push(...wordsOf(type.results[i], r)));
    const before = `pos = ${site}; ${caller}${SAVE_BUDGET}`;
    // After a call past forwarders `pos` is the call's offset again: an interruption at the next
    // loop header (which sets no `pos`) must not add the forwarders' frames to its trace.
    const refresh = this.#memoryRefresh() + LOAD_BUDGET +
      (site === ins.offset ? "" : ` pos = ${ins.offset};`);
    if (words.length === 0) this.#emit(`${before}${call};${refresh}`);
    else if (words.length === 1) this.#emit(`${before}${words[0]} = ${call};${refresh}`);
    else {
      const rest = words.slice(1).map((w, i) => `${w} = J.rs[${i}];`).join(" ");
      this.#emit(`${before}{ const r = ${call}; ${rest} ${words[0]} = r; }${refresh}`);
    }
  }

  /**
   * After a call: the memory may have grown, so the view is read again (a
   * mark, dropped at the end when the function turns out not to use memory).
   */
  #memoryRefresh(): string {
    return this.#cm.module.memories.length + this.#cm.module.importedMemoryCount > 0
      ? REFRESH_MARK
      : "";
  }

  #floatConstant(t: ValType, lo: number, hi: number): string {
    const nan = t === F32
      ? (lo & 0x7f800000) === 0x7f800000 && (lo & 0x7fffff) !== 0
      : (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0;
    if (nan) {
      if (t === F32 ? lo === 0x7fc00000 : hi === 0x7ff80000 && lo === 0) return "NaN";
      const name = `K${this.#constants++}`;
      this.#header.add(`const ${name} = new H.NaNBits(${lo}, ${t === F32 ? 0 : hi});`);
      return name;
    }
    const view = new DataView(new ArrayBuffer(8));
    let x: number;
    if (t === F32) {
      view.setInt32(0, lo, true);
      x = view.getFloat32(0, true);
    } else {
      view.setInt32(0, lo, true);
      view.setInt32(4, hi, true);
      x = view.getFloat64(0, true);
    }
    return Object.is(x, -0)
      ? "-0"
      : x === Infinity
      ? "Infinity"
      : x === -Infinity
      ? "-Infinity"
      : String(x);
  }

  /**
   * `local.set` of an i32 that the last line just computed into its stack
   * variable (a load, a call's result, a long expression): that line writes
   * the local instead, when the value is the variable of the height just
   * popped, which nothing else reads. A baseline tier (the engines' first
   * compiled code, where lukewarm functions run) then spends no move on it;
   * the 658 functions a yosys ALU run compiles had 5,281 such moves.
   */
  #retarget(from: Value, to: string): boolean {
    // A variable, not a deferred expression (which has `reads`), of the height just popped.
    if (from.reads !== undefined || from.v !== `a${this.#stack.types.length}`) return false;
    const out = this.#stack.out;
    const match = RETARGETABLE.exec(out[out.length - 1] ?? "");
    if (match === null || match[2] !== from.v) return false;
    out[out.length - 1] = `${match[1]}${to} = ${match[3]};${match[4]}`;
    return true;
  }

  /** Code moving a value of type `t` from `from` to `to`. */
  #move(t: ValType, to: Value, from: Value): string {
    if (to.v === from.v) return "";
    if (t === V128) {
      const f = lanes(from);
      return lanes(to).map((w, k) => `${w} = ${f[k]};`).join(" ");
    }
    return t === I64 ? `${to.v} = ${from.v}; ${to.h} = ${from.h};` : `${to.v} = ${from.v};`;
  }

  /** A v128 move between variables, keeping what the SIMD facts know of the value. */
  #moveV128(to: Value, from: Value): void {
    this.#facts.sync(this.#stack.out.length);
    this.#emit(this.#move(V128, to, from));
    this.#facts.set(to.v, this.#facts.get(from.v));
    this.#facts.done(this.#stack.out.length);
  }

  #emit(...lines: string[]): void {
    this.#stack.out.push(...lines);
  }

  /**
   * Before each instruction of a split function (see `pieces.ts`): ends the
   * open piece where it must (its block's `end` or `else`, a block too large
   * for it) or may (past the policy's target, at an empty operand stack),
   * and opens a piece where none is open and the enclosing block's operand
   * stack is empty. `deadEnd`: the `end` or `else` closing code after an
   * unconditional branch.
   */
  #pieceBoundary(ins: Instruction, deadEnd: boolean): void {
    const policy = this.#split!;
    const op = ins.op;
    const ends = op === 0x05 || op === 0x0b;
    // A block too large for a piece, or one on a loop entry's way in, stays in the function.
    const stays = (op === 0x02 || op === 0x03 || op === 0x04) &&
      ((this.#blockSizes.get(ins.offset) ?? 0) > policy.maxBlock ||
        this.#entry?.path.has(ins.offset) === true || this.#entry?.at === ins.offset);
    const piece = this.#piece;
    if (piece !== null) {
      if (this.#ctl.length !== piece.depth) return;
      if (!ends && !stays && ins.offset - piece.start < policy.target) return;
      this.#closePiece(ins.offset);
    }
    if (!deadEnd && !ends && !stays) this.#openPiece(ins.offset);
  }

  /**
   * Starts a piece at byte offset `at`: the lines and temporaries from here
   * on are its own. The values on the block's operand stack come in as
   * arguments, under the names they have.
   */
  #openPiece(at: number): void {
    this.#stack.writeAll();
    const height = this.#ctl[this.#ctl.length - 1].height;
    const piece = new Piece(this.#ctl.length, height, at);
    for (let h = height; h < this.#stack.types.length; h++) {
      piece.imported.push(
        ...wordsOf(this.#stack.types[h], this.#stack.variable(h, this.#stack.types[h])),
      );
    }
    this.#piece = piece;
    this.#mainOut = this.#stack.out;
    this.#mainHeights = this.#stack.maxHeight;
    this.#stack.out = piece.lines;
    this.#stack.maxHeight = piece.heights;
  }

  /**
   * Ends the open piece before the instruction at byte offset `at`: the
   * function calls it there, then takes back the locals it wrote, its
   * branches out and the operand-stack values it leaves (see `pieces.ts`).
   * A piece below the policy's minimum goes back into the function instead.
   */
  #closePiece(at: number): void {
    const piece = this.#piece!;
    this.#stack.writeAll();
    const live: [ValType, number][] = [];
    for (let h = piece.height; h < this.#stack.types.length; h++) {
      live.push([this.#stack.types[h], h]);
    }
    // Named alike on both sides; called once per side so that each declares them (`#var`).
    const liveWords = () => live.flatMap(([t, h]) => wordsOf(t, this.#stack.variable(h, t)));
    const leaving = liveWords();
    this.#piece = null;
    this.#stack.out = this.#mainOut;
    this.#stack.maxHeight = this.#mainHeights;
    this.#stack.keepLoadChecks();
    for (let h = piece.height; h < this.#stack.types.length; h++) {
      this.#stack.i64Constants[h] = null;
    }
    if (at - piece.start < this.#split!.min) {
      for (const line of piece.lines) {
        this.#stack.out.push(resolveExits(line, (id) => this.#exitForms[id].main));
      }
      for (const [prefix, max] of piece.heights) this.#stack.use(prefix, max);
      return;
    }
    const wordsOfLocals = (set: Set<number>) =>
      [...set].sort((a, b) => a - b).flatMap((i) => wordsOf(this.#locals[i], local(i)));
    const params = [...wordsOfLocals(piece.locals), ...piece.imported];
    const outs = wordsOfLocals(piece.written);
    const writeOuts = outs.map((w, k) => `PO[${k}] = ${w}; `).join("");
    const body = piece.lines.map((line) =>
      resolveExits(line, (id) => this.#exitForms[id].piece).replaceAll(OUT_MARK, writeOuts)
    );
    const values = leaving.map((w, j) => `PV[${j}] = ${w}; `).join("");
    body.push(`${values}${writeOuts}${SAVE_BUDGET}return 0;`);
    const decls = heightDeclarations(piece.heights).filter((d) =>
      !piece.imported.includes(d.slice(0, d.indexOf(" ")))
    );
    const name = `w${this.#index}${
      this.#entry === null ? "" : `_at${this.#entry.at}`
    }_p${this.#pieces.length}`;
    this.#pieces.push({ name, params: ["d", ...params], decls, body });
    this.#pieceUnits = Math.max(this.#pieceUnits, params.length + decls.length + 8);
    this.#outWords = Math.max(this.#outWords, outs.length);
    this.#valueWords = Math.max(this.#valueWords, leaving.length, piece.returns ? 1 : 0);
    // The call counts as one for the interruption budget (see `#call`).
    this.#calls = true;
    const loop = this.#ctl.findLast((c) => c.kind === Kind.Loop);
    if (loop) loop.calls = true;
    else this.#callsOutsideLoops = true;
    const cases: string[] = [];
    for (const exit of piece.exits.values()) {
      const target = this.#ctl[exit.target];
      const words = exit.types.flatMap((t, i) =>
        wordsOf(t, this.#stack.variable(target.height + i, t))
      );
      this.#valueWords = Math.max(this.#valueWords, words.length);
      const jump = target.kind === Kind.Loop ? "continue" : "break";
      const reads = words.map((w, j) => `${w} = PV[${j}]; `).join("");
      cases.push(`case ${exit.code}: ${reads}${jump} ${target.label};`);
    }
    if (piece.returns) {
      cases.push(`case -1: return${this.#type.results.length > 0 ? " PV[0]" : ""};`);
    }
    const readOuts = outs.map((w, k) => `${w} = PO[${k}]; `).join("");
    const dispatch = cases.length === 0 ? "" : `if (c !== 0) switch (c) { ${cases.join(" ")} } `;
    const readLive = liveWords().map((w, j) => `${w} = PV[${j}]; `).join("");
    this.#emit(
      `pos = ${PIECE_POS}; ${SAVE_BUDGET}{ const c = ${name}(${
        ["d", ...params].join(", ")
      });${this.#memoryRefresh()}${LOAD_BUDGET} pos = ${at}; ${readOuts}${dispatch}${readLive}}`,
    );
  }

  #finish(): GeneratedFunction {
    // A function takes its parameters (the calling convention); a loop entry takes the locals
    // its body names, which are the whole state of the call at the loop. Locals the body never
    // names are not declared: a function with 50,000 declared locals and a ten-instruction
    // loop took twice as long compiled as interpreted while they were.
    const entry = this.#entry;
    const paramCount = this.#type.params.length;
    const taken = entry === null
      ? Array.from({ length: paramCount }, (_, i) => i)
      : [...this.#usedLocals].sort((a, b) => a - b);
    const params = taken.flatMap((i) => wordsOf(this.#locals[i], local(i)));
    if (params.length > MAX_CALL_WORDS) unsupported("a loop entry over MAX_CALL_WORDS");
    const decls: string[] = [];
    for (let i = paramCount; i < this.#locals.length; i++) {
      if (entry !== null || !this.#usedLocals.has(i)) continue;
      if (this.#locals[i] === V128) {
        decls.push(...lanes(local(i)).map((w) => `${w} = 0`));
        continue;
      }
      decls.push(`l${i} = 0`);
      if (this.#locals[i] === I64) decls.push(`m${i} = 0`);
    }
    decls.push(...heightDeclarations(this.#stack.maxHeight));
    decls.push(...this.#facts.declarations());
    const frameUnits = params.length + decls.length + 8 + this.#pieceUnits;
    return {
      source: assembleSource({
        index: this.#index,
        loopAt: entry === null ? -1 : entry.at,
        frameUnits,
        params,
        decls,
        hasMemory: this.#cm.module.memories.length + this.#cm.module.importedMemoryCount > 0,
        usesMemory: this.#usesMemory,
        loops: this.#loops,
        callsOutsideLoops: this.#callsOutsideLoops,
        header: this.#header,
        body: this.#stack.out,
        nanChecks: this.#nanChecks,
        forwarded: this.#forwarded,
        pieces: this.#pieces,
        outWords: this.#outWords,
        valueWords: this.#valueWords,
      }),
      frameUnits,
      ...(entry === null ? {} : { entryLocals: taken }),
    };
  }
}
