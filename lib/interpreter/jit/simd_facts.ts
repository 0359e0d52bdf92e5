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
 * Likewise the result of f32x4 arithmetic is held as four float numbers
 * (`float`, in variables of their own: `x3_f0`..`x3_f3`), which the next f32x4 arithmetic takes as they are: a chain of
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
 * `deinterleaved` (i16 lanes (0 2) (1 3) (4 6) (5 7) a word), or `float`
 * (its f32x4 lanes as JS numbers, the result of f32x4 arithmetic).
 */
export type LazyForm = "deinterleaved" | "float";

/**
 * The variables of a vector's float lanes, apart from its words' (an engine
 * that types a variable by all its assignments, as JavaScriptCore's DFG
 * does, would otherwise give the words double arithmetic).
 */
export function floatLanes(v: string): string[] {
  return [0, 1, 2, 3].map((k) => `${v}_f${k}`);
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
  /** Vectors whose float lane variables are used (they need declaring). */
  readonly #floatVars = new Set<string>();
  /** Vector variables held in another form than their words (live stack values only). */
  readonly #forms = new Map<string, LazyForm>();
  /** Where the generator's output stood when the last SIMD code was written. */
  #at = -1;

  /** Starts an instruction at output length `at`: anything written since the last one forgets all. */
  sync(at: number): void {
    if (at !== this.#at) this.#bounds.clear();
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
    if (form === "float") {
      // Float lanes back to bits through the f32 scratch: what a Float32Array stores.
      const fl = floatLanes(v);
      return fl.map((x, k) => `H.SF_F[${k}] = ${x};`).join(" ") + " " +
        [e, o, f, g].map((x, k) => `${x} = H.SF_I[${k}];`).join(" ");
    }
    return `{ const e = ${e}, o = ${o}, f = ${f}, g = ${g}; ` +
      `${e} = (e & 0xffff) | (o << 16); ${o} = (e >>> 16) | (o & -65536); ` +
      `${f} = (f & 0xffff) | (g << 16); ${g} = (f >>> 16) | (g & -65536); }`;
  }

  /** The code that turns vector `v`, held as words, into its four f32 lanes as numbers. */
  toFloats(v: string): string {
    this.#floatVars.add(v);
    const x = [0, 1, 2, 3].map((k) => `${v}_${k}`);
    return x.map((name, k) => `H.SF_I[${k}] = ${name};`).join(" ") + " " +
      floatLanes(v).map((name, k) => `${name} = H.SF_F[${k}];`).join(" ");
  }

  /** The float lane variables of vector `v` (its result is about to be written in them). */
  floatResult(v: string): string[] {
    this.#floatVars.add(v);
    return floatLanes(v);
  }

  /** Declarations of every float lane variable used (`let` list entries). */
  declarations(): string[] {
    return [...this.#floatVars].flatMap((v) => floatLanes(v).map((x) => `${x} = 0`));
  }

  /** The code that turns every vector held in another form back into its words. */
  materializeAll(): string {
    return [...this.#forms.keys()].map((v) => this.materialize(v)).join(" ");
  }

  /** Records what vector variable `v` now holds (UNKNOWN forgets it). */
  set(v: string, b: LaneBounds): void {
    if (b.max16 >= 0xffff && b.max32 >= 0xffffffff) this.#bounds.delete(v);
    else this.#bounds.set(v, b);
  }
}
