/**
 * Which JavaScript engine runs the interpreter, for the few tuning constants
 * whose best value differs between V8 (Deno, Node, Chrome) and
 * JavaScriptCore (Bun, Safari): its optimising compilers take longer over big
 * functions and keep more memory for each function they compile.
 *
 * @module
 */

/** True under Bun (JavaScriptCore); false under V8 and elsewhere. */
export const ON_JAVASCRIPTCORE = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
