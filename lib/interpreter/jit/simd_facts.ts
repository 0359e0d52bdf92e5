/**
 * What the structured tier knows, while it writes a run of SIMD code, about
 * the range of the vectors in its variables: an upper bound of every lane
 * read as unsigned 16-bit and as unsigned 32-bit integers. Widening loads
 * and extends of unsigned bytes, constants and small products give bounds;
 * with them, `i16x8.add` needs no guard against carries between lanes (its
 * lanes cannot overflow) and unsigned narrowing needs no saturation (no lane
 * is out of range), so both become a plain word operation. A blur that sums
 * nine widened rows of bytes and scales them back is such code.
 *
 * A vector may also be held **deinterleaved**: its four variables hold the
 * i16 lanes in the order (0 2) (1 3) (4 6) (5 7), one pair per word. A
 * widening load of bytes is then two masks per word (`v128.load8x8_u`: the
 * even bytes, and the odd ones shifted down) instead of a shuffle of every
 * byte, and lanewise i16 additions work on either order; the words are put
 * back in order (`materialize`) before anything else reads them: another
 * SIMD instruction as operand, or any other instruction (the generator
 * materializes every such vector before a non-SIMD instruction).
 *
 * Likewise the result of f32x4 (f64x2) arithmetic is held as four (two)
 * float numbers (`float`, `double`; in variables of their own: `x3_f0` to
 * `x3_f3`, `x3_d0` and `x3_d1`), which the next arithmetic of the same
 * shape takes as they are: a chain of
 * them no longer goes through a Float32Array at every step. Only float
 * arithmetic writes this form, so every value in it may be any NaN the spec
 * allows for arithmetic (quiet); its bits are made by a Float32Array store
 * when something reads them. (The deterministic profile, which must
 * canonicalise such NaNs, declines functions with SIMD float arithmetic.)
 *
 * The bounds hold only along straight-line code that the SIMD writer itself
 * emitted: the generator reports where its output stands (`sync`) before
 * each SIMD instruction or v128 move, and any other code emitted in between
 * (a branch, a loop header, a call, a scalar instruction) forgets them all.
 *
 * @module
 */

/**
 * A vector held in another form than its four words in order:
 * `deinterleaved` (i16 lanes (0 2) (1 3) (4 6) (5 7) a word), `float` or
 * `double` (its f32x4 or f64x2 lanes as JS numbers, the result of float
 * arithmetic).
 */
export type LazyForm = "deinterleaved" | FloatForm;

/** A vector held as float numbers: f32x4 (`float`) or f64x2 (`double`) lanes. */
export type FloatForm = "float" | "double";

/**
 * The variables of a vector's float lanes, apart from its words' (an engine
 * that types a variable by all its assignments, as JavaScriptCore's DFG
 * does, would otherwise give the words double arithmetic).
 */
export function floatLanes(v: string, form: FloatForm): string[] {
  return form === "float" ? [0, 1, 2, 3].map((k) => `${v}_f${k}`) : [`${v}_d0`, `${v}_d1`];
}

/** The helpers' scratch view that converts lanes of `form` (its words are `H.SF_I`). */
function scratch(form: FloatForm): string {
  return form === "float" ? "H.SF_F" : "H.SF_D";
}

/** Upper bounds of a vector's lanes, read as unsigned i16 and as unsigned i32. */
export interface LaneBounds {
  readonly max16: number;
  readonly max32: number;
}

/** Nothing known: the whole unsigned range. */
export const UNKNOWN: LaneBounds = { max16: 0xffff, max32: 0xffffffff };

/** The bounds of lanes known as unsigned 16-bit values up to `max` (its i32 lanes follow). */
export function bounds16(max: number): LaneBounds {
  return { max16: max, max32: max + max * 0x10000 };
}

/** The bounds of lanes known as unsigned 32-bit values up to `max` (its i16 lanes follow). */
export function bounds32(max: number): LaneBounds {
  return { max16: max <= 0xffff ? max : 0xffff, max32: max };
}

/** The bounds of a constant vector's four little-endian words. */
export function constantBounds(words: readonly number[]): LaneBounds {
  let max16 = 0, max32 = 0;
  for (const w of words) {
    max32 = Math.max(max32, w >>> 0);
    max16 = Math.max(max16, w & 0xffff, w >>> 16);
  }
  return { max16, max32 };
}

/** The bounds known per vector variable prefix (`x3`, `l5`), along the current run of SIMD code. */
export class SimdFacts {
  readonly #bounds = new Map<string, LaneBounds>();
  /** Vectors just loaded, by the output line that loaded them (see `takeLoad`). */
  readonly #loads = new Map<
    string,
    { line: number; asFloats: (form: FloatForm) => string }
  >();
  /** The float lane variables used (they need declaring). */
  readonly #laneVars = new Set<string>();
  /** Vector variables held in another form than their words (live stack values only). */
  readonly #forms = new Map<string, LazyForm>();
  /** Where the generator's output stood when the last SIMD code was written. */
  #at = -1;

  /** Starts an instruction at output length `at`: anything written since the last one forgets all. */
  sync(at: number): void {
    if (at !== this.#at) {
      this.#bounds.clear();
      this.#loads.clear();
    }
  }

  /**
   * Records that vector variable `v` was just loaded from memory by the
   * line the current instruction emits, and how that line reads the same
   * bytes as float lanes instead (`asFloats`).
   */
  loaded(v: string, asFloats: (form: FloatForm) => string): void {
    this.#loads.set(v, { line: -1, asFloats });
  }

  /**
   * The line that loaded vector `v`, if nothing but SIMD code has been
   * written since (so no one has read its words: they were only on the
   * stack), and that line as a load of float lanes; forgets it either way.
   */
  takeLoad(v: string): { line: number; asFloats: (form: FloatForm) => string } | undefined {
    const load = this.#loads.get(v);
    this.#loads.delete(v);
    return load !== undefined && load.line >= 0 ? load : undefined;
  }

  /**
   * Code that changes no lane went from output length `from` to `to`
   * (materializing): what was known at `from` still holds.
   */
  skip(from: number, to: number): void {
    if (this.#at === from) this.#at = to;
  }

  /** Ends an instruction whose code left the output at length `at`. */
  done(at: number): void {
    this.#at = at;
    for (const load of this.#loads.values()) if (load.line < 0) load.line = at - 1;
  }

  /** The bounds of vector variable `v` (UNKNOWN when nothing is known). */
  get(v: string): LaneBounds {
    return this.#bounds.get(v) ?? UNKNOWN;
  }

  /** True while some vector is held in a form other than its words. */
  get lazy(): boolean {
    return this.#forms.size > 0;
  }

  /** The form vector variable `v` is held in, when not its words in order. */
  form(v: string): LazyForm | undefined {
    return this.#forms.get(v);
  }

  /** Records the form vector variable `v` (just written) is held in (undefined: its words). */
  setForm(v: string, form: LazyForm | undefined): void {
    if (form !== undefined) this.#forms.set(v, form);
    else this.#forms.delete(v);
  }

  /** The code that turns `v` back into its words in order (empty when it is). */
  materialize(v: string): string {
    const form = this.#forms.get(v);
    if (form === undefined) return "";
    this.#forms.delete(v);
    const [e, o, f, g] = [0, 1, 2, 3].map((k) => `${v}_${k}`);
    if (form !== "deinterleaved") {
      // Float lanes back to bits through the scratch: what a Float32Array (Float64Array) stores.
      const lanes = floatLanes(v, form), view = scratch(form);
      return lanes.map((x, k) => `${view}[${k}] = ${x};`).join(" ") + " " +
        [e, o, f, g].map((x, k) => `${x} = H.SF_I[${k}];`).join(" ");
    }
    return `{ const e = ${e}, o = ${o}, f = ${f}, g = ${g}; ` +
      `${e} = (e & 0xffff) | (o << 16); ${o} = (e >>> 16) | (o & -65536); ` +
      `${f} = (f & 0xffff) | (g << 16); ${g} = (f >>> 16) | (g & -65536); }`;
  }

  /** The code that turns vector `v`, held as words, into its float lanes (of `form`) as numbers. */
  toFloats(v: string, form: FloatForm): string {
    const x = [0, 1, 2, 3].map((k) => `${v}_${k}`), f = scratch(form);
    return x.map((name, k) => `H.SF_I[${k}] = ${name};`).join(" ") + " " +
      this.floatResult(v, form).map((name, k) => `${name} = ${f}[${k}];`).join(" ");
  }

  /** The float lane variables of vector `v` (its result is about to be written in them). */
  floatResult(v: string, form: FloatForm): string[] {
    const lanes = floatLanes(v, form);
    for (const x of lanes) this.#laneVars.add(x);
    return lanes;
  }

  /** Declarations of every float lane variable used (`let` list entries). */
  declarations(): string[] {
    return [...this.#laneVars].map((x) => `${x} = 0`);
  }

  /** The code that turns every vector held in another form back into its words. */
  materializeAll(): string {
    return [...this.#forms.keys()].map((v) => this.materialize(v)).join(" ");
  }

  /** Records what vector variable `v` now holds (UNKNOWN forgets it). */
  set(v: string, b: LaneBounds): void {
    this.#loads.delete(v);
    if (b.max16 >= 0xffff && b.max32 >= 0xffffffff) this.#bounds.delete(v);
    else this.#bounds.set(v, b);
  }
}
