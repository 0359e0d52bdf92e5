/**
 * The fuzz campaign's watchdog, a worker: the campaign runs synchronous code
 * (compiling, instantiating and calling generated and mutated modules), so a
 * module that hangs the runtime stops it without a word. The campaign writes
 * each step it starts into shared memory ({@link Watch}); when the step has
 * not changed for the watch's time, this worker says which module and
 * mutant it is stuck at (straight to the process's stderr: a worker's
 * `console` goes through the blocked main thread) and ends the process
 * (with SIGTERM: exit status 143).
 *
 * @module
 */

import { writeFileSync, writeSync } from "node:fs";
import process from "node:process";

/**
 * What the campaign shares with the watchdog: in `buffer`, the `Int32Array`
 * slots below, then the bytes of the mutant being checked (when they fit).
 */
export interface Watch {
  buffer: SharedArrayBuffer;
  firstSeed: number;
  /** Seconds without a new step after which the campaign counts as hung. */
  seconds: number;
  /** Where the watchdog writes a hanging mutant's bytes (`hang_MODULE_MUTANT.wasm`). */
  dir: string;
}

/** Slots of the shared `Int32Array`: steps started, the module's index, the mutant's, its size. */
export const STEPS = 0, MODULE = 1, MUTANT = 2, SIZE = 3;

/** Where a mutant's bytes start in the buffer. */
export const BYTES_AT = 16;

/** A watch for a campaign from `firstSeed`, with room for mutants of up to 4 MiB. */
export function newWatch(firstSeed: number, seconds: number, dir: string): Watch {
  return { buffer: new SharedArrayBuffer(BYTES_AT + (4 << 20)), firstSeed, seconds, dir };
}

/** Records the step the campaign starts: a module's check (`mutant` -1, no bytes) or a mutant. */
export function recordStep(watch: Watch, module: number, mutant: number, bytes?: Uint8Array): void {
  const slots = new Int32Array(watch.buffer, 0, 4);
  const fits = bytes !== undefined && bytes.length <= watch.buffer.byteLength - BYTES_AT;
  if (fits) new Uint8Array(watch.buffer, BYTES_AT, bytes.length).set(bytes);
  Atomics.store(slots, MODULE, module);
  Atomics.store(slots, MUTANT, mutant);
  Atomics.store(slots, SIZE, fits ? bytes.length : -1);
  Atomics.add(slots, STEPS, 1);
}

/** The message telling which step the campaign hangs at. */
export function hangMessage(watch: Watch, module: number, mutant: number, file?: string): string {
  const where = mutant < 0 ? "checking the module" : `mutant ${module}_${mutant}`;
  return `fuzz watchdog: no progress for ${watch.seconds} s at module ${module} ` +
    `(seed ${watch.firstSeed + module}), ${where}: a hang` +
    (file !== undefined ? `; its bytes are in ${file}` : "") +
    ` (the campaign from seed ${watch.firstSeed} reaches it again)\n`;
}

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Watch>) => void) | null;
  postMessage?: unknown;
};
if (typeof self.postMessage === "function") {
  self.onmessage = (e) => {
    const watch = e.data;
    const shared = new Int32Array(watch.buffer, 0, 4);
    let last = -1, since = Date.now();
    setInterval(() => {
      const steps = Atomics.load(shared, STEPS);
      if (steps !== last) {
        last = steps;
        since = Date.now();
        return;
      }
      if (Date.now() - since < watch.seconds * 1000) return;
      const module = Atomics.load(shared, MODULE), mutant = Atomics.load(shared, MUTANT);
      const size = Atomics.load(shared, SIZE);
      let file: string | undefined;
      if (mutant >= 0 && size >= 0) {
        file = `${watch.dir}/hang_${module}_${mutant}.wasm`;
        try {
          writeFileSync(file, new Uint8Array(watch.buffer, BYTES_AT, size).slice());
        } catch {
          file = undefined;
        }
      }
      writeSync(2, hangMessage(watch, module, mutant, file));
      try {
        process.kill(process.pid, "SIGTERM");
      } catch {
        // Not allowed here: the message stands, and the process hangs on.
      }
      since = Infinity;
    }, 1000);
  };
}
