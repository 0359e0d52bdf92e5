/**
 * Compiling one function instance with the structured tier: its module's
 * generated factory (made once per compiled module and function, shared by
 * every instance) is bound to the instance, and the function's `direct`,
 * `jit` and `jitEntry` are set so that compiled code and the interpreter
 * call the compiled code from then on.
 *
 * @module
 */

import type { ValType, WasmModule } from "../../binary/types.ts";
import type { FunctionInstance } from "../instances.ts";
import { callDeep, type EntryAdapter, entryAdapter } from "./adapters.ts";
import {
  type CodegenModule,
  codegenModule,
  type GeneratedFunction,
  generateFunction,
} from "./codegen.ts";
import { HELPERS } from "./runtime_helpers.ts";
import { instructionWidth, OP } from "../ops.ts";
import { J } from "./state.ts";
import { distinctSource } from "../engine.ts";
import { wide } from "./values.ts";

/** What a generated function's factory is given: its instance and the call past the stack share. */
interface FactoryContext {
  inst: unknown;
  deep: typeof callDeep;
}

type Factory = (C: FactoryContext, j: typeof J, h: typeof HELPERS, w: typeof wide) => (
  ...words: any[]
) => any;

/** How to compile one function of a module with the structured tier (see `CompiledFunction`). */
export class StructuredPlan {
  /** The generated factory; false when the function cannot be compiled. */
  factory: Factory | null | false = null;
  /** The fuel charges of metered code (see {@link fuelCharges}), once generated. */
  charges: Map<number, number> | undefined = undefined;
  /**
   * Loop entries (see `generateFunction`'s `loopAt`) generated so far, by the
   * loop's byte offset: the factory and the frame's stack units, or false.
   */
  loops: Map<number, GeneratedFactory | false> | null = null;
  /** Times `Machine.enterLoop` was asked for at a backward branch that is not a loop entry. */
  loopMisses = 0;
  /**
   * An earlier run compiled this function whole, having found it hot (see
   * {@link GeneratedSources.wasHot}): it is compiled sooner (see
   * `Machine.structuredThreshold`).
   */
  readonly knownHot: boolean;
  constructor(readonly module: ModulePlan, readonly index: number) {
    this.knownHot = module.sources?.wasHot(index) ?? false;
  }
}

/**
 * Generated code kept apart from a compiled module (a compilation cache's):
 * by function index, or `index@loopAt` for a loop entry; null where the
 * generator declined. The generator's output depends only on the module's
 * bytes, the {@link ModulePlan}'s options, the engine and the generator's
 * version, and on the split policy that tests may set, all of which the
 * cache's key covers (so it names nothing of one process, such as an
 * interned type id, which the factory reads from its instance instead).
 */
export interface GeneratedSources {
  /** What was generated for `key`, null when declined, undefined when not known. */
  get(key: string): GeneratedFunction | null | undefined;
  /** Records what was generated for `key`. */
  put(key: string, generated: GeneratedFunction | null): void;
  /** True when function `index` was compiled whole in a run that stored these sources. */
  wasHot(index: number): boolean;
  /** Records that function `index` was compiled whole in this run. */
  compiled(index: number): void;
}

/** The module facts the generator needs, computed on the first compilation. */
export class ModulePlan {
  #cm: CodegenModule | null = null;
  /**
   * `fuel`: the module's code is metered (compiled code charges what the register code does);
   * `deterministic`: the deterministic profile (functions with SIMD float arithmetic are declined);
   * `sources`: generated code to take instead of generating it, and to add to.
   */
  constructor(
    readonly module: WasmModule,
    readonly fuel = false,
    readonly deterministic = false,
    readonly sources: GeneratedSources | null = null,
  ) {}
  get codegen(): CodegenModule {
    return this.#cm ??= codegenModule(this.module);
  }
}

/** True where `new Function` works (not under a Content-Security-Policy without unsafe-eval). */
let available: boolean | undefined;

/**
 * Compiles `fn` (a wasm function whose code has a plan); false when it
 * cannot be (then it never will: the caller need not ask again).
 */
export function compileStructured(fn: FunctionInstance): boolean {
  if (!prepareStructured(fn)) return false;
  const plan = fn.code!.structured!;
  const code = (plan.factory as Factory)({ inst: fn.instance, deep: callDeep }, J, HELPERS, wide);
  plan.module.sources?.compiled(plan.index);
  fn.jit = code;
  fn.direct = code;
  fn.jitEntry = entryAdapter(fn.type, code);
  return true;
}

/**
 * Generates `fn`'s factory (once per compiled module) if it has none yet;
 * false when the structured tier cannot compile the function (too big, an
 * instruction it does not handle, no `new Function`).
 */
export function prepareStructured(fn: FunctionInstance): boolean {
  const plan = fn.code?.structured;
  if (!plan || plan.factory === false) return false;
  if (plan.factory === null) {
    if (available === undefined) {
      try {
        available = new Function("return 1")() === 1;
      } catch {
        available = false;
      }
    }
    if (plan.module.fuel) {
      const cf = fn.code!;
      if (cf.translate !== null) cf.translate();
      plan.charges = fuelCharges(cf.code, cf.sourceMap);
    }
    const generated = available ? generate(plan) : null;
    plan.factory = generated === null ? false : generated.factory;
  }
  return plan.factory !== false;
}

/** A parsed factory, its frame's stack units, and a loop entry's locals (see `GeneratedFunction`). */
interface GeneratedFactory {
  factory: Factory;
  units: number;
  entryLocals?: number[];
}

/** Generates and parses a plan's function, or its loop entry at byte offset `loopAt`. */
function generate(
  plan: StructuredPlan,
  loopAt = -1,
): GeneratedFactory | null {
  const { deterministic, sources } = plan.module;
  const key = loopAt < 0 ? `${plan.index}` : `${plan.index}@${loopAt}`;
  let generated = sources?.get(key);
  if (generated === undefined) {
    generated = generateFunction(
      plan.module.codegen,
      plan.index,
      plan.charges,
      deterministic,
      loopAt,
    );
    sources?.put(key, generated);
  }
  if (generated === null) return null;
  try {
    const factory = new Function("C", "J", "H", "W", distinctSource(generated.source)) as Factory;
    return { factory, units: generated.frameUnits, entryLocals: generated.entryLocals };
  } catch {
    // The host's parser gave up (it recurses on nesting): the function stays interpreted.
    return null;
  }
}

/** A loop entry of a function instance: its entry adapter and the stack units its frame takes. */
export interface LoopEntry {
  enter: EntryAdapter;
  units: number;
}

/**
 * `fn`'s loop entry at the `loop` with byte offset `at` (see
 * `generateFunction`), bound to its instance, or null when the structured
 * tier cannot compile it. Generated once per compiled module.
 */
export function loopEntry(fn: FunctionInstance, at: number): LoopEntry | null {
  const known = fn.loopEntries?.get(at);
  if (known !== undefined) return known;
  if (!prepareStructured(fn)) return null;
  const plan = fn.code!.structured!;
  plan.loops ??= new Map();
  let generated = plan.loops.get(at);
  if (generated === undefined) {
    generated = generate(plan, at) ?? false;
    plan.loops.set(at, generated);
  }
  if (generated === false) return null;
  const code = generated.factory({ inst: fn.instance, deep: callDeep }, J, HELPERS, wide);
  const enter = entryAdapter(fn.type, code, allLocals(fn), generated.entryLocals);
  const entry = { enter, units: generated.units };
  (fn.loopEntries ??= new Map()).set(at, entry);
  return entry;
}

/** The types of `fn`'s parameters and declared locals (whose registers a loop entry reads). */
function allLocals(fn: FunctionInstance): ValType[] {
  const plan = fn.code!.structured!;
  const module = plan.module.module;
  const body = module.codes[plan.index - module.importedFunctionCount];
  return [...fn.type.params, ...body.locals];
}

/**
 * The fuel charges of metered register code: for each `consume_fuel`, the
 * byte offset of the wasm instruction it precedes (its source) → the
 * instructions it charges. Compiled code charges the same amounts at the
 * same instructions, so both tiers run out of fuel at the same point.
 */
export function fuelCharges(code: Int32Array, sourceMap: Int32Array): Map<number, number> {
  const charges = new Map<number, number>();
  let s = 0;
  for (let pc = 0; pc < code.length; pc += instructionWidth(code, pc)) {
    if (code[pc] !== OP.consume_fuel) continue;
    // The source of pc: the last pair (code position, offset) at or before it.
    while (s + 2 < sourceMap.length && sourceMap[s + 2] <= pc) s += 2;
    charges.set(sourceMap[s + 1], code[pc + 1]);
  }
  return charges;
}
