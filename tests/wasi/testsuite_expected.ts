/**
 * The wasi-testsuite programs a JavaScript host cannot pass, per host, each
 * with the host API that is missing and the outcome the runner asserts
 * (so a documented failure can neither hide a different one nor linger
 * once fixed).
 */

/** One documented failure. */
export interface ExpectedFailure {
  /** Why, naming the missing host API. */
  reason: string;
  /** What the runner must see instead of a pass. */
  outcome: RegExp;
}

/** By host (`deno`, `node` for Node and Bun), by `language/name`. */
export const EXPECTED_FAILURES: Record<"deno" | "node", Record<string, ExpectedFailure>> = {
  deno: {},
  node: {},
};
