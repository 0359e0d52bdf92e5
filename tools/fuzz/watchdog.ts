/**
 * The fuzz campaign's watchdog: the campaign runs synchronous code
 * (compiling, instantiating and calling generated and mutated modules), so a
 * module that hangs the runtime stops it without a word. The campaign writes
 * each step it starts into shared memory ({@link Watch}, {@link recordStep});
 * when the step has not changed for the watch's time, the watchdog's worker
 * (`watchdog_worker.ts`) says which module and mutant it is stuck at
 * (straight to the process's stderr: a worker's `console` goes through the
 * blocked main thread) and ends the process (with SIGTERM: exit status 143).
 *
 * @module
 */

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
