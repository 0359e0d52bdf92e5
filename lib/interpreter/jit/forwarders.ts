/**
 * Forwarders: functions whose whole body passes their parameters, in order,
 * to a call of another function of the same type and returns its results
 * (`local.get 0 … local.get n-1, call $f, end`, no locals of their own).
 * Compiled C and C++ is full of them (`operator new` calling `malloc`, thunks,
 * aliases); in a yosys run three 9-byte forwarders in front of the allocator
 * take 14 million of the 87 million calls between compiled functions, each
 * about 8 ns on V8. The structured tier calls the function at the end of a
 * chain of forwarders directly (see `Generator.#call`), and a trap in it
 * still lists the forwarders' frames (see `J.trap`).
 *
 * @module
 */

import { ByteReader } from "../../binary/reader.ts";
import type { FuncType, WasmModule } from "../../binary/types.ts";
import { internType } from "../instances.ts";

/**
 * A call of a forwarder, resolved: the function it ends up in, and the
 * forwarders passed on the way, outermost first, each as its function index
 * and the byte offset of its `call` (where a trace shows its frame).
 */
export interface ForwardedCall {
  target: number;
  wrappers: { index: number; callAt: number }[];
}

/** Longest chain of forwarders followed (chains in real programs have one or two). */
const MAX_CHAIN = 8;

/**
 * Where a call of function `index` ends up when `index` is a forwarder (or a
 * chain of them) ending in a function defined in `module`; null when it is
 * not one. Chains that come back to a function of their own are left alone
 * (they recurse until the stack is exhausted, as the program says).
 */
export function forwardedCall(
  module: WasmModule,
  functionTypes: readonly FuncType[],
  index: number,
): ForwardedCall | null {
  const wrappers: { index: number; callAt: number }[] = [];
  let current = index;
  while (wrappers.length < MAX_CHAIN) {
    const step = forwardOf(module, functionTypes, current);
    if (step === null || step.target < module.importedFunctionCount) break;
    if (step.target === index || wrappers.some((w) => w.index === step.target)) return null;
    wrappers.push({ index: current, callAt: step.callAt });
    current = step.target;
  }
  return wrappers.length === 0 ? null : { target: current, wrappers };
}

/** The callee and the `call`'s offset of defined function `index` when it is a forwarder. */
function forwardOf(
  module: WasmModule,
  functionTypes: readonly FuncType[],
  index: number,
): { target: number; callAt: number } | null {
  if (index < module.importedFunctionCount) return null;
  const body = module.codes[index - module.importedFunctionCount];
  if (body.locals.length !== 0) return null;
  const type = functionTypes[index];
  // The module is validated: every immediate is well formed and inside the body.
  const r = new ByteReader(module.bytes, body.start, body.end);
  for (let i = 0; i < type.params.length; i++) {
    if (r.u8() !== 0x20 || r.u32() !== i) return null;
  }
  const callAt = r.pos;
  if (r.u8() !== 0x10) return null;
  const target = r.u32();
  if (r.pos !== body.end - 1) return null;
  // The body ends here (its final `end`): a call of a function of the same type, whose results
  // the forwarder returns.
  return internType(functionTypes[target]) === internType(type) ? { target, callAt } : null;
}
