/**
 * Subtests of the JS API suite that the facade does not pass, by
 * `"file | subtest"`, each with the reason. None is a gap in the WebAssembly
 * 2.0 JS API: they test proposals beyond 2.0, or call helpers this copy of
 * testharness.js no longer defines (so they fail on every engine).
 *
 * @module
 */

const THREADS = "a shared memory's buffer is an ArrayBuffer here: JavaScript cannot make the new " +
  "SharedArrayBuffer objects aliasing one memory that a grown shared memory needs";
const OLD_HELPERS =
  "calls assert_throws / promise_rejects / assertEquals, which this testharness.js " +
  "no longer defines (a ReferenceError on every engine, native ones included)";

/** The static limits limits.any.js checks with `testLimit`, by the names of its subtests. */
const STATIC_LIMITS = [
  "types",
  "functions",
  "imports",
  "exports",
  "globals",
  "data segments",
  "function size",
  "function locals",
  "function params",
  "function params+locals",
  "function returns",
  "element segments",
  "tables",
  "memories",
];

/** `"file | subtest name"` → why it fails. */
export const EXPECTED_FAILURES: Record<string, string> = {
  ...Object.fromEntries(
    ["Basic i64", "Reached maximum (i64)", "Exceeded maximum (i64)"].map((name) => [
      `table/grow-memory64.any.js | ${name}`,
      "the suite's own bug: it calls nulls(), which table/grow.any.js defines but this file does " +
      "not include",
    ]),
  ),
  "memory/grow.any.js | Growing shared memory does not detach old buffer": THREADS,
  ...Object.fromEntries(
    [
      ...STATIC_LIMITS.flatMap((n) => [`Compile ${n} over limit`, `Async compile ${n} over limit`]),
      "Instantiate initial table size over limit",
      "Instantiate maximum table size over limit",
      "Async instantiate maximum table size over limit",
      "Grow WebAssembly.Table object beyond the embedder-defined limit",
      "Compile module size over limit",
      "Async compile module size over limit",
    ].map((name) => [`limits.any.js | ${name}`, OLD_HELPERS]),
  ),
};
