/**
 * Subtests of the JS API suite that the facade cannot pass, by
 * `"file | subtest"`, each with the reason: what they check needs engine
 * internals no JavaScript library can provide.
 *
 * @module
 */

/** `"file | subtest name"` → why it fails. */
export const EXPECTED_FAILURES: Record<string, string> = {};
