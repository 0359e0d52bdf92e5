/**
 * The watchdog's worker (see `watchdog.ts`): given a {@link Watch}, it
 * checks every second whether the campaign started a new step, and after
 * the watch's time without one reports the hang and ends the process. Its
 * own file, so that importing `watchdog.ts` installs no message handler
 * (Bun's main thread has a global `postMessage` too, and a handler there
 * kept the process alive after the campaign).
 *
 * @module
 */

import { writeFileSync, writeSync } from "node:fs";
import process from "node:process";
import { BYTES_AT, hangMessage, MODULE, MUTANT, SIZE, STEPS, type Watch } from "./watchdog.ts";

const self = globalThis as unknown as { onmessage: ((e: MessageEvent<Watch>) => void) | null };
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
