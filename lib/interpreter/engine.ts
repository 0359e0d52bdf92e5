/**
 * What the runtime needs to know of the JavaScript engine under it: which
 * one it is, for the few tuning constants whose best value differs between
 * V8 (Deno, Node, Chrome) and JavaScriptCore (Bun, Safari), whose optimising
 * compilers take longer over big functions and keep more memory for each
 * function they compile; and how generated code is handed to either
 * ({@link distinctSource}).
 *
 * @module
 */

/** True under Bun (JavaScriptCore); false under V8 and elsewhere. */
export const ON_JAVASCRIPTCORE = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/**
 * The mark of a `WebAssembly` namespace that wazero-ts's facade installed
 * where the host had none (`installWebAssembly` in `webassembly.ts`). A
 * registered symbol, so that every copy of the runtime loaded into one
 * process (two versions bundled into one program) sees it.
 */
export const FACADE_WITHOUT_NATIVE = Symbol.for("wazero-ts.facadeWithoutNativeWebAssembly");

/**
 * True when `namespace`, a host's `globalThis.WebAssembly`, is no native
 * one: absent, or wazero-ts's facade installed where there was none
 * (marked with {@link FACADE_WITHOUT_NATIVE}). Without the mark, a copy of
 * the runtime loaded after another one installed its facade under
 * `--jitless` would take the host for one with a JIT.
 */
export function noNativeWebAssembly(namespace: unknown): boolean {
  if (namespace === undefined) return true;
  return (typeof namespace === "object" || typeof namespace === "function") && namespace !== null &&
    (namespace as Record<symbol, unknown>)[FACADE_WITHOUT_NATIVE] === true;
}

/**
 * True where the engine most likely runs JavaScript without a JIT: the host
 * has no native `WebAssembly` object ({@link noNativeWebAssembly}), as
 * under V8's `--jitless` (Deno, Node), Safari's Lockdown Mode and the
 * interpreters of embedded engines. There the
 * code the tiers generate is interpreted by the engine too, but still runs
 * about ten times as fast as the register code interpreted by `run`
 * (`coremark_like` under `--jitless` Deno: 33 s against 365 s), and costs
 * no optimising compiles, so the tiers compile much sooner (see
 * `DEFAULT_STRUCTURED_HEAT` in `execute/tier_policy.ts`). A JIT host that
 * hides `WebAssembly` gets the same counts; `RuntimeConfig.jsTier` sets
 * others.
 */
export const WITHOUT_JIT = noNativeWebAssembly(
  (globalThis as { WebAssembly?: unknown }).WebAssembly,
);

/** How many sources {@link distinctSource} has marked. */
let sourcesMarked = 0;

/**
 * A random tag of this copy of the module: two copies of the runtime in one
 * process (two versions bundled into one program, or `bench/run.ts
 * --against`, which loads two checkouts) count from 0 alike, and would mark
 * the same text alike without it.
 */
const SOURCE_TAG = Math.random().toString(36).slice(2, 10);

/**
 * `source`, made unlike every other source this process compiles (a comment
 * with a count is appended), for `new Function`. Both engines cache what they
 * compile from a source by its text, and code generated twice from the same
 * text (the same module compiled twice in one process, so the same
 * functions generated again) then shares it, to its cost: two compiled
 * copies of the `vm` benchmark in one runtime took 84–104 ms a call for the
 * first and 26–30 ms for the second on Bun (alone: 25 ms), and 26–30 ms
 * each on Deno (alone: 20–26 ms); with distinct sources 28–34 ms on Bun and
 * 19–22 ms on Deno (`bench/HISTORY.md`, 6 December 2026). The mark holds a
 * tag of this copy of the module too: with the count alone, `bench/run.ts
 * --against` on Bun had `vm` at 93 ms in one checkout and 32 ms in the
 * other, identical code (25–46 ms each in processes of their own).
 */
export function distinctSource(source: string): string {
  return `${source}\n// ${SOURCE_TAG} ${sourcesMarked++}`;
}
