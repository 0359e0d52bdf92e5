/**
 * Scripts of the 3.0 suite (relative to `../shared/wasm-spec/3.0`) that are
 * known to fail, each with the feature it needs. The runner counts them
 * apart and fails when one of them passes (so this list only shrinks); a
 * script that is not listed must pass.
 *
 * @module
 */

/** Script name → the missing feature that makes it fail. */
export const EXPECTED_3_0_FAILURES: Readonly<Record<string, string>> = {};
