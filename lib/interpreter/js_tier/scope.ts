/**
 * The names the register-code templates (`js_ops.ts`, the executor's case
 * bodies) use besides the executor's own variables: helper functions and
 * constants. The executor imports the constants from here; the JavaScript
 * tiers hand {@link JS_SCOPE} to the code they compile.
 *
 * @module
 */

import { ExitError, RuntimeError } from "../../errors.ts";
import { EMPTY_VIEW, memoryView } from "../instances.ts";
import { executeCold } from "../execute/cold_ops.ts";
import { executeSimd } from "../simd/simd.ts";
import { floatBinary, floatUnary } from "../simd/simd_float.ts";
import { intBinary, intUnary } from "../simd/simd_int.ts";
import { runSimdOp } from "../simd/simd_ops.ts";
import * as SIMD_WORD_HELPERS from "../simd/simd_words.ts";
import * as I32_HELPERS from "../numeric/i32.ts";
import * as I64_HELPERS from "../numeric/i64.ts";
import * as FLOAT_HELPERS from "../numeric/float.ts";

/**
 * Unsigned comparisons flip the sign bit and compare signed (`(a ^ SIGN) <
 * (b ^ SIGN)`), so values stay int32: `a >>> 0` makes numbers above 2^31
 * that JavaScriptCore's optimizer handles by leaving its fastest tier.
 */
export const SIGN = 0x80000000;

/**
 * What the templates may name: the helpers the case bodies call (whole
 * helper modules, so that a case using a new helper needs no change here).
 */
export const JS_SCOPE: Readonly<Record<string, unknown>> = {
  ...I32_HELPERS,
  ...I64_HELPERS,
  ...FLOAT_HELPERS,
  ...SIMD_WORD_HELPERS,
  RuntimeError,
  ExitError,
  executeCold,
  executeSimd,
  floatBinary,
  floatUnary,
  intBinary,
  intUnary,
  runSimdOp,
  EMPTY_VIEW,
  SIGN,
  memoryView,
};
