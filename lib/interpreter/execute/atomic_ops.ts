/**
 * The threads proposal's instructions (prefix 0xFE) on one thread: the
 * `atomic` register op, which carries the sub-opcode. With a single thread
 * an atomic access is an ordinary access whose effective address must be
 * aligned to its size ("unaligned atomic" otherwise); `atomic.fence` emits
 * no code at all (the translator drops it).
 *
 * `memory.atomic.wait32/64` on one thread: a non-shared memory traps
 * ("expected shared memory"), as the proposal says; a value other than the
 * expected one returns 1 ("not-equal"); otherwise nothing can ever notify
 * this thread, so a finite timeout blocks the thread for that long (the
 * host's `Atomics.wait`, as the WASI clock's sleep does) and returns 2
 * ("timed-out"), and a negative timeout, which would wait forever, traps
 * ("atomic wait would block forever") rather than hang the host.
 * `memory.atomic.notify` wakes no one and returns 0.
 *
 * Kept out of the executor's hot `switch`: `executeRare` sends the op here.
 *
 * @module
 */

import { RuntimeError } from "../../errors.ts";
import type { InstanceState, MemoryInstance } from "../instances.ts";
import { blockFor } from "../../host/clock.ts";

/** Bytes accessed by each width, indexed by (sub-opcode − 0x10) mod 7 (see `opcodes.ts`). */
const WIDTH_BYTES = [4, 8, 1, 2, 1, 2, 4];
/** Whether each width's value is an i64 (a word pair in registers). */
const WIDTH_IS_64 = [false, true, false, false, true, true, true];

const KIND_LOAD = 0, KIND_STORE = 1, KIND_ADD = 2, KIND_SUB = 3, KIND_AND = 4, KIND_OR = 5;
const KIND_XOR = 6, KIND_XCHG = 7, KIND_CMPXCHG = 8;

function unaligned(): never {
  throw new RuntimeError("unaligned atomic");
}

function outOfBounds(): never {
  throw new RuntimeError("out of bounds memory access");
}

/** The effective address of an access of `bytes` bytes, checked for alignment and bounds. */
function effectiveAddress(
  memory: MemoryInstance,
  address: number,
  offset: number,
  bytes: number,
): number {
  const ea = (address >>> 0) + (offset >>> 0);
  if (ea % bytes !== 0) unaligned();
  if (ea + bytes > memory.byteLength) outOfBounds();
  return ea;
}

/** Reads `bytes` bytes at `ea` as the low word (the high word in `hi`). */
let hi = 0;
function read(view: DataView, ea: number, bytes: number): number {
  hi = 0;
  switch (bytes) {
    case 1:
      return view.getUint8(ea);
    case 2:
      return view.getUint16(ea, true);
    case 4:
      return view.getInt32(ea, true);
  }
  hi = view.getInt32(ea + 4, true);
  return view.getInt32(ea, true);
}

/** Writes the low `bytes` bytes of the value (`lo`, `high`) at `ea`. */
function write(view: DataView, ea: number, bytes: number, lo: number, high: number): void {
  switch (bytes) {
    case 1:
      view.setUint8(ea, lo & 0xff);
      return;
    case 2:
      view.setUint16(ea, lo & 0xffff, true);
      return;
    case 4:
      view.setInt32(ea, lo, true);
      return;
  }
  view.setInt32(ea, lo, true);
  view.setInt32(ea + 4, high, true);
}

/** `memory.atomic.wait32/64` on one thread: see the module documentation. */
function wait(
  R: Int32Array,
  memory: MemoryInstance,
  ea: number,
  bytes: number,
  expected: number,
  timeout: number,
): number {
  if (!memory.shared) throw new RuntimeError("expected shared memory");
  const lo = read(memory.view, ea, bytes);
  if (lo !== R[expected] || (bytes === 8 && hi !== R[expected + 1])) return 1; // not-equal
  const timeoutHi = R[timeout + 1];
  if (timeoutHi < 0) {
    throw new RuntimeError(
      "atomic wait would block forever: no other thread can notify a single-threaded instance",
    );
  }
  blockFor((timeoutHi * 4294967296 + (R[timeout] >>> 0)) / 1e6);
  return 2; // timed-out
}

/**
 * Runs the `atomic` op at `pc` (operands: d, address, a, b, offset, and the
 * sub-opcode plus 256 times the memory index). The address is an i32: a
 * 64-bit memory's was narrowed by `mem_addr64`, which added the offset.
 */
export function executeAtomic(
  R: Int32Array,
  inst: InstanceState,
  code: Int32Array,
  pc: number,
  b: number,
): number {
  const d = b + code[pc + 1], a = b + code[pc + 3], v = b + code[pc + 4];
  const address = R[b + code[pc + 2]], offset = code[pc + 5], sub = code[pc + 6] & 0xff;
  const memory = inst.memories[code[pc + 6] >>> 8];
  if (sub < 0x10) {
    // notify (0), wait32 (1), wait64 (2).
    const bytes = sub === 2 ? 8 : 4;
    const ea = effectiveAddress(memory, address, offset, bytes);
    R[d] = sub === 0 ? 0 : wait(R, memory, ea, bytes, a, v);
    return pc + 7;
  }
  const width = (sub - 0x10) % 7, kind = ((sub - 0x10) / 7) | 0;
  const bytes = WIDTH_BYTES[width], is64 = WIDTH_IS_64[width];
  const ea = effectiveAddress(memory, address, offset, bytes);
  const view = memory.view;
  if (kind === KIND_STORE) {
    write(view, ea, bytes, R[a], R[a + 1]);
    return pc + 7;
  }
  // Every other kind reads the old value and returns it, zero-extended.
  const oldLo = read(view, ea, bytes), oldHi = hi;
  if (kind !== KIND_LOAD) {
    const lo = R[a], high = is64 ? R[a + 1] : 0;
    let newLo = lo, newHi = high;
    switch (kind) {
      case KIND_ADD:
      case KIND_SUB: {
        const bLo = kind === KIND_ADD ? lo : ~lo + 1 | 0;
        const bHi = kind === KIND_ADD ? high : ~high + (lo === 0 ? 1 : 0) | 0;
        newLo = (oldLo + bLo) | 0;
        newHi = (oldHi + bHi + ((oldLo >>> 0) + (bLo >>> 0) > 0xffffffff ? 1 : 0)) | 0;
        break;
      }
      case KIND_AND:
        newLo = oldLo & lo;
        newHi = oldHi & high;
        break;
      case KIND_OR:
        newLo = oldLo | lo;
        newHi = oldHi | high;
        break;
      case KIND_XOR:
        newLo = oldLo ^ lo;
        newHi = oldHi ^ high;
        break;
      case KIND_XCHG:
        break;
      case KIND_CMPXCHG: {
        // The expected value is compared after wrapping to the access's width.
        const mask = bytes >= 4 ? -1 : (1 << (8 * bytes)) - 1;
        const equal = (lo & mask) === (oldLo & mask) && (bytes < 8 || high === oldHi);
        if (!equal) break;
        newLo = R[v];
        newHi = is64 ? R[v + 1] : 0;
        write(view, ea, bytes, newLo, newHi);
        break;
      }
    }
    if (kind !== KIND_CMPXCHG) write(view, ea, bytes, newLo, newHi);
  }
  // Narrow results are zero-extended (read gives bytes 1 and 2 unsigned).
  if (is64) {
    R[d] = oldLo;
    R[d + 1] = bytes === 8 ? oldHi : 0;
  } else {
    R[d] = oldLo;
  }
  return pc + 7;
}
