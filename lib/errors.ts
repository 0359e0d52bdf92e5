/**
 * The error classes the runtime throws. Every failure a caller can provoke
 * with bad input surfaces as one of these, never as a bare `Error`,
 * `RangeError` or `TypeError` from deep inside the implementation.
 *
 * @module
 */

/**
 * A module is malformed (its bytes or text do not follow the format) or
 * invalid (it does not type-check). The message says what is wrong and where:
 * a byte offset for binary input, a line and column for text.
 *
 * @example
 * ```ts
 * import { CompileError, Runtime } from "./mod.ts";
 * try {
 *   await new Runtime().compileModule(new Uint8Array([0, 1, 2, 3]));
 * } catch (e) {
 *   console.log(e instanceof CompileError, (e as CompileError).message);
 *   // true "magic header not detected (at byte offset 0)"
 * }
 * ```
 */
export class CompileError extends Error {
  /** Byte offset in the module bytes, when the input was binary. */
  readonly offset?: number;
  /** 1-based line in the source, when the input was text. */
  readonly line?: number;
  /** 1-based column in the source, when the input was text. */
  readonly column?: number;
  /** The message without the location suffix. */
  readonly reason: string;

  /**

   * Creates it.

   *
   * @param reason what is wrong, e.g. "integer too large".
   * @param where a byte offset (binary input) or a line and column (text input).
   */
  constructor(reason: string, where?: number | { line: number; column: number }) {
    super(
      where === undefined
        ? reason
        : typeof where === "number"
        ? `${reason} (at byte offset ${where})`
        : `${reason} (at line ${where.line}, column ${where.column})`,
    );
    this.name = "CompileError";
    this.reason = reason;
    if (typeof where === "number") this.offset = where;
    else if (where !== undefined) {
      this.line = where.line;
      this.column = where.column;
    }
  }
}

/**
 * Instantiation failed because an import is missing or does not match what
 * the module expects.
 */
export class LinkError extends Error {
  /** Creates the error. @param message what could not be linked, and why. */
  constructor(message: string) {
    super(message);
    this.name = "LinkError";
  }
}

/**
 * A trap: WebAssembly code did something the spec defines as a fatal error,
 * such as an integer division by zero or an out-of-bounds memory access.
 */
export class RuntimeError extends Error {
  /** Creates the error. @param message the trap, in the spec's words (e.g. "integer divide by zero"). */
  constructor(message: string) {
    super(message);
    this.name = "RuntimeError";
  }
}

/**
 * The module ended with an exit code, e.g. through WASI `proc_exit`. Not a
 * trap: the program chose to stop. `exitCode` 0 means success.
 *
 * @example
 * ```ts
 * try {
 *   start.call();
 * } catch (e) {
 *   if (e instanceof ExitError) console.log("exited with", e.exitCode);
 *   else throw e;
 * }
 * ```
 */
export class ExitError extends Error {
  /** The exit code (0 for success). */
  readonly exitCode: number;

  /** Creates the error. @param exitCode the code the module exited with. */
  constructor(exitCode: number) {
    super(`module exited with code ${exitCode}`);
    this.name = "ExitError";
    this.exitCode = exitCode;
  }
}
