/**
 * Compares what two engines showed. Our modes must agree exactly — same
 * trap messages, host calls, fuel, and (in modules that canonicalise
 * arithmetic NaNs) the same bits in results, memory and globals. Against
 * native WebAssembly, traps compare by kind (each engine words them its own
 * way) and floats NaN-equal, because the payload and sign of an arithmetic
 * NaN are nondeterministic by the specification.
 *
 * @module
 */

import type { Bits, CallObservation, Observation } from "./engines.ts";
import { F32, F64 } from "./op_pools.ts";

/** One difference between two engines. */
export interface Divergence {
  engines: [string, string];
  /** Index of the first differing call, or -1 for instantiation. */
  call: number;
  what: string;
}

/** The outcome of comparing two observations. */
export interface Comparison {
  divergence?: Divergence;
  /** Differences explained by NaN payloads alone (not divergences). */
  nanOnly: number;
}

/** The kind of a trap, from any engine's wording (V8, JavaScriptCore, ours). */
export function trapKind(message: string): string {
  const m = message.toLowerCase();
  if (m.includes("unreachable")) return "unreachable";
  if (
    m.includes("divide by zero") || m.includes("division by zero") ||
    m.includes("remainder by zero")
  ) {
    return "divide by zero";
  }
  // The specification traps with "integer overflow" for an out-of-range truncation, "invalid
  // conversion" for NaN; V8 words both "float unrepresentable in integer range", so one kind.
  if (
    m.includes("integer overflow") || m.includes("unrepresentable") ||
    m.includes("conversion to integer") || m.includes("trunc")
  ) return "integer overflow or invalid conversion";
  if (m.includes("memory")) return "memory";
  if (m.includes("stack")) return "stack";
  // V8 reports a null entry, a bad index and a signature mismatch of call_indirect alike.
  if (
    m.includes("table") || m.includes("element") || m.includes("signature") ||
    m.includes("indirect") || m.includes("null function")
  ) return "table";
  return `other (${message})`;
}

function isNaNBits(v: Bits): boolean {
  if (v.type === F32) return (v.bits & 0x7f800000n) === 0x7f800000n && (v.bits & 0x7fffffn) !== 0n;
  if (v.type === F64) {
    return (v.bits & 0x7ff0000000000000n) === 0x7ff0000000000000n &&
      (v.bits & 0xfffffffffffffn) !== 0n;
  }
  return false;
}

function show(v: Bits[]): string {
  return v.map((x) => `0x${x.bits.toString(16)}`).join(",");
}

/** Compares value lists: "same", "nan" (differ only in NaN payloads, when allowed) or "different". */
function compareValues(a: Bits[], b: Bits[], allowNaN: boolean): "same" | "nan" | "different" {
  let nan = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].bits === b[i].bits) continue;
    if (allowNaN && isNaNBits(a[i]) && isNaNBits(b[i])) nan = true;
    else return "different";
  }
  return nan ? "nan" : "same";
}

function firstMemoryDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** True when every differing byte lies in an f32 or f64 that is a NaN in both memories. */
function onlyNaNsDiffer(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const da = new DataView(a.buffer, a.byteOffset, a.length);
  const db = new DataView(b.buffer, b.byteOffset, b.length);
  const nanAt = (s: number, size: 4 | 8) =>
    s >= 0 && s + size <= a.length &&
    (size === 4
      ? Number.isNaN(da.getFloat32(s, true)) && Number.isNaN(db.getFloat32(s, true))
      : Number.isNaN(da.getFloat64(s, true)) && Number.isNaN(db.getFloat64(s, true)));
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    let explained = false;
    for (let s = i - 7; s <= i && !explained; s++) {
      explained = nanAt(s, 8) || (s >= i - 3 && nanAt(s, 4));
    }
    if (!explained) return false;
  }
  return true;
}

/**
 * Compares `other` with `reference`.
 *
 * `exact` (our modes with each other): trap messages, host calls and fuel
 * must be identical. Otherwise (native): traps compare by kind.
 *
 * `nanFree` (the module canonicalises arithmetic NaNs): results, globals and
 * memory must be bit-identical. Otherwise NaN payloads may differ — the
 * specification leaves them open, and JavaScriptCore gives different NaN
 * signs in interpreted and compiled JavaScript — and such differences are
 * counted as NaN-only: between our modes only where both sides hold a NaN;
 * native results and globals arrive as JavaScript numbers, which do not keep
 * NaN bits, so against native they are always NaN-equal;
 * against native anywhere in values, globals and memory (a reinterpreted NaN
 * can reach integers), while traps and host calls must still agree.
 */
export function compareObservations(
  reference: Observation,
  other: Observation,
  exact: boolean,
  nanFree: boolean,
): Comparison {
  const engines: [string, string] = [reference.engine, other.engine];
  let nanOnly = 0;
  const fail = (call: number, what: string): Comparison => ({
    divergence: { engines, call, what },
    nanOnly,
  });
  if ((reference.instantiated === "ok") !== (other.instantiated === "ok")) {
    return fail(-1, `instantiation: ${reference.instantiated} vs ${other.instantiated}`);
  }
  if (exact && reference.instantiated !== other.instantiated) {
    return fail(-1, `instantiation: ${reference.instantiated} vs ${other.instantiated}`);
  }
  if (reference.calls.length !== other.calls.length) {
    return fail(-1, `${reference.calls.length} vs ${other.calls.length} calls`);
  }
  const lenient = !exact && !nanFree;
  // Floats read through JavaScript (native results and globals) lose their NaN bits.
  const nanEqual = !nanFree || !exact;
  for (let i = 0; i < reference.calls.length; i++) {
    const a = reference.calls[i], b = other.calls[i];
    const where = `${a.name} with arguments #${a.args}`;
    const outcome = compareOutcome(a, b, exact, nanFree);
    if (outcome === "nan") nanOnly++;
    else if (outcome !== "same") return fail(i, `${where}: ${outcome}`);
    if (a.log.join(";") !== b.log.join(";")) {
      return fail(i, `${where}: host calls [${a.log}] vs [${b.log}]`);
    }
    if (a.fuelLeft !== b.fuelLeft) {
      return fail(i, `${where}: fuel left ${a.fuelLeft} vs ${b.fuelLeft}`);
    }
    const globals = compareValues(a.globals, b.globals, nanEqual);
    if (globals === "nan" || globals === "different" && lenient) nanOnly++;
    else if (globals === "different") {
      return fail(i, `${where}: globals ${show(a.globals)} vs ${show(b.globals)}`);
    }
    const at = firstMemoryDifference(a.memory, b.memory);
    if (at >= 0) {
      if (lenient || !nanFree && onlyNaNsDiffer(a.memory, b.memory)) nanOnly++;
      else {
        return fail(
          i,
          `${where}: memory differs at byte ${at} (${a.memory.length} vs ${b.memory.length} bytes)`,
        );
      }
    }
  }
  return { nanOnly };
}

function compareOutcome(
  a: CallObservation,
  b: CallObservation,
  exact: boolean,
  nanFree: boolean,
): string {
  const ta = "trap" in a.outcome ? a.outcome.trap : undefined;
  const tb = "trap" in b.outcome ? b.outcome.trap : undefined;
  if (ta !== undefined || tb !== undefined) {
    if (ta === undefined || tb === undefined) return `${ta ?? "returned"} vs ${tb ?? "returned"}`;
    if (exact ? ta !== tb : trapKind(ta) !== trapKind(tb)) return `trap "${ta}" vs "${tb}"`;
    return "same";
  }
  const va = (a.outcome as { values: Bits[] }).values,
    vb = (b.outcome as { values: Bits[] }).values;
  const r = compareValues(va, vb, !nanFree || !exact);
  if (r === "different" && !exact && !nanFree) return "nan";
  return r === "different" ? `results ${show(va)} vs ${show(vb)}` : r;
}
