/**
 * Which tier of JavaScriptCore (Bun) runs the interpreter loop,
 * `Machine.run`: its DFG for programs that spend most of their time in
 * compiled code, its FTL for large programs that interpret for seconds
 * ({@link chooseInterpreterTier}). Elsewhere nothing is done.
 *
 * @module
 */

import { ON_JAVASCRIPTCORE } from "../engine.ts";
import { Machine } from "./executor.ts";

/** The part of Bun's `bun:jsc` module (JavaScriptCore's test hooks) that {@link keepInterpreterInDfg} uses. */
export interface JscHooks {
  /** Never compile `fn` with the FTL, JavaScriptCore's top tier. */
  noFTL(fn: (...args: never[]) => unknown): unknown;
}

/**
 * Bun's `bun:jsc`, or undefined on other hosts (loaded without an import
 * statement). Bun only: on Deno the first read of `globalThis.process` sets
 * up Node compatibility, which took 17–21 ms.
 */
function bunJsc(): JscHooks | undefined {
  if (!ON_JAVASCRIPTCORE) return undefined;
  try {
    const process = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } })
      .process;
    const jsc = process?.getBuiltinModule?.("bun:jsc") as Partial<JscHooks> | undefined;
    return typeof jsc?.noFTL === "function" ? jsc as JscHooks : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps `Machine.run`, the interpreter loop, in JavaScriptCore's DFG tier:
 * the FTL never compiles it. Called through {@link chooseInterpreterTier}
 * for a process whose programs have the JavaScript tiers and are not large,
 * where most of the time goes to compiled code and the interpreter runs the
 * first moments and the cold code; true when done (under Bun), false
 * elsewhere.
 *
 * Why: `run` is the largest function of the runtime, and the FTL took 240
 * ms to compile it on a quiet machine and 450 ms within a flite run, on
 * the compiler thread that shares this machine's two cores with the
 * program. Its FTL code came when a short program was nearly done. Without
 * it (`bun:jsc`'s `noFTL`, 6 interleaved runs each on Bun, 6 December
 * 2026): flite 0.47 against 0.57 s, coremark_like 1.16 against 1.29 s,
 * the yosys counter 1.96 against 2.07 s; the kernels of `bench/run.ts`
 * (steady state) unchanged. The yosys ALU run, which interprets for
 * seconds (40% of its time in `run`), took 6.5 against 6.2 s: DFG code for
 * `run` is ~1.4× slower than FTL code (coremark_like interpreting only:
 * 13.5 against 9.7 s), which is why a process whose first runtime
 * interprets only keeps the FTL, and so does a large program (see
 * {@link LARGE_PROGRAM_CODE_BYTES}). Switching a long run to a second,
 * FTL-compiled copy of `run` after ~2 s did not win that back (6.7 s: its
 * compile cost as much as it saved).
 */
export function keepInterpreterInDfg(jsc: JscHooks | undefined = bunJsc()): boolean {
  if (jsc === undefined) return false;
  jsc.noFTL(Machine.prototype["run"]);
  return true;
}

/**
 * Bytes of code (a module's code section) from which a program is large:
 * its first module leaves the interpreter loop to JavaScriptCore's FTL
 * (see {@link chooseInterpreterTier}). A program with this much code runs a
 * long tail of functions that never get hot enough to compile, so it
 * interprets for seconds, and the FTL's faster `run` repays its compile.
 * `@yowasp/yosys` has 27.8 MB of code: with the FTL for `run` its ALU run
 * took 6.92 against 7.39 s (`bench:programs --only=yosys-alu --against`, 4
 * rounds, 3.01× against 3.22× node's time; 6.84 against 7.46 s in 5
 * interleaved processes) and the counter 2.00 against 2.03 s (8) and 2.03
 * against 1.97 s (6), within the noise (7 December 2026). The price is paid
 * by shorter runs of such a program, in which the FTL's compile (~330 ms on
 * the compiler thread) comes too late to repay: a one-second yosys run
 * (`read_verilog alu.v; proc; opt`) took 1.12 against 1.03 s (14
 * interleaved runs), while `yosys -V` (0.5 s) was unchanged. Large programs
 * mostly run long (synthesis, compilers), and the long runs gain more
 * seconds than the short ones lose. flite (196 KB of code, in a 21 MB
 * module) and the C programs of `bench/programs` stay under it, with `run`
 * in the DFG.
 */
export const LARGE_PROGRAM_CODE_BYTES = 4 << 20;

/**
 * Chooses the interpreter loop's top tier on JavaScriptCore for a process
 * whose first program, with the JavaScript tiers, has `codeBytes` of code:
 * under {@link LARGE_PROGRAM_CODE_BYTES} it stays in the DFG
 * ({@link keepInterpreterInDfg}), a larger program leaves it to the FTL.
 * True when `run` was handed to `noFTL`.
 */
export function chooseInterpreterTier(codeBytes: number, jsc?: JscHooks): boolean {
  return codeBytes < LARGE_PROGRAM_CODE_BYTES && keepInterpreterInDfg(jsc);
}
