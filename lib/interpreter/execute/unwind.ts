/**
 * Finding the handler of a thrown {@link WasmException}: the executor's
 * frames are searched from the one that threw outwards, each through its
 * function's handler table (`translate/exceptions.ts`). Nothing here
 * runs unless something throws.
 *
 * @module
 */

import { RuntimeError } from "../../errors.ts";
import { type Tag, WasmException } from "../exceptions.ts";
import type { InstanceState } from "../instances.ts";
import type { CatchClause, HandlerGroup } from "../translate/exceptions.ts";

/**
 * The clause of `groups` that catches `e` thrown at code position `at` of a
 * function of instance `inst`, or null.
 */
export function findClause(
  groups: readonly HandlerGroup[],
  at: number,
  e: WasmException,
  inst: InstanceState,
): CatchClause | null {
  // The innermost range holding `at`: ranges nest, and an inner one was opened later.
  let g = groups.length - 1;
  while (g >= 0 && !(groups[g].start <= at && at < groups[g].end)) g--;
  while (g >= 0) {
    const group = groups[g];
    for (const clause of group.clauses) {
      if (clause.tag < 0 || inst.tags[clause.tag] === e.tag) return clause;
    }
    g = group.parent;
  }
  return null;
}

/** Writes what `clause` passes its label: the payload, then the exception itself if asked. */
export function land(
  clause: CatchClause,
  e: WasmException,
  R: Int32Array,
  refs: unknown[],
  b: number,
): void {
  if (clause.tag >= 0) e.toRegisters(R, refs, b + clause.slot);
  if (clause.exn >= 0) refs[(b + clause.exn) >> 1] = e;
}

/** `throw`: the exception of tag `tag` with the values at word `at`. */
export function newException(tag: Tag, R: Int32Array, refs: unknown[], at: number): WasmException {
  return WasmException.fromRegisters(tag, R, refs, at);
}

/** `throw_ref`: the exception an exnref holds (a null one traps). */
export function exceptionOf(ref: unknown): WasmException {
  if (ref instanceof WasmException) return ref;
  throw new RuntimeError("null exception reference");
}
