/**
 * {@link Global}: the API's view of a global variable.
 *
 * @module
 */

import { valTypeName } from "../binary/types.ts";
import type { GlobalInstance } from "../interpreter/instances.ts";
import type { GlobalDefinition, ValueType } from "./definitions.ts";
import {
  type FuncRefExporter,
  type FuncRefResolver,
  readRaw,
  readValue,
  writeValue,
} from "./values.ts";

/**
 * A global variable, exported by a module or created by a host module.
 *
 * @example
 * ```ts
 * const counter = module.exportedGlobal("counter")!;
 * counter.type;     // "i64"
 * counter.value;    // 0n
 * counter.set(41n); // only for mutable globals
 * counter.rawValue; // 41n, the unsigned bit pattern
 * ```
 */
export class Global {
  readonly #global: GlobalInstance;
  readonly #toFuncRef: FuncRefResolver;
  readonly #fromFuncRef: FuncRefExporter;
  /** What the module declared about this global. */
  readonly definition: GlobalDefinition;

  /** @internal */
  constructor(
    global: GlobalInstance,
    definition: GlobalDefinition,
    toFuncRef: FuncRefResolver,
    fromFuncRef: FuncRefExporter,
  ) {
    this.#global = global;
    this.definition = definition;
    this.#toFuncRef = toFuncRef;
    this.#fromFuncRef = fromFuncRef;
  }

  /** @internal The engine's global. */
  static instance(g: Global): GlobalInstance {
    return g.#global;
  }

  /** The value type. */
  get type(): ValueType {
    return valTypeName(this.#global.type) as ValueType;
  }

  /** Whether `set` is allowed. */
  get mutable(): boolean {
    return this.#global.mutable;
  }

  /** The value, in the JS value convention (i64 as a signed bigint, f32/f64 as numbers). */
  get value(): unknown {
    const g = this.#global;
    const refs = [g.ref];
    return readValue(g.bits, refs, 0, g.type, this.#fromFuncRef);
  }

  /** The value's bit pattern as an unsigned bigint (references as they are). */
  get rawValue(): unknown {
    const g = this.#global;
    return readRaw(g.bits, [g.ref], 0, g.type, this.#fromFuncRef);
  }

  /** Sets a mutable global; throws a TypeError for an immutable one or a value of the wrong kind. */
  set(value: unknown): void {
    const g = this.#global;
    if (!g.mutable) throw new TypeError("cannot set an immutable global");
    const refs: unknown[] = [g.ref];
    writeValue(g.bits, refs, 0, g.type, value, this.#toFuncRef);
    g.ref = refs[0];
  }
}
